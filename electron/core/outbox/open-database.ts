// Opens the outbox's SQLite file: its folder, the pragmas that make a commit durable, the
// integrity check and the migrations. A database that cannot be used is never changed or replaced
// here; moving it aside is a person's explicit decision (`callrelay doctor --set-aside-outbox`).
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { outboxEnvironmentProblem, StartupError } from '../startup-checks.js';
import { migrate } from './migrations/index.js';

export class OutboxOpenError extends Error {
  constructor(
    readonly file: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(
      `The outbox database ${file} cannot be used: ${problem}. CallRelay has not changed or replaced it. ` +
        'Restore it from a backup, or move it aside to start with an empty queue: ' +
        '`callrelay doctor --set-aside-outbox` keeps it as <name>.broken-<time>.',
      options,
    );
    this.name = 'OutboxOpenError';
  }
}

/**
 * Renames a database that failed to open (and its WAL and shared-memory files) so a fresh one can
 * be created, keeping the old one for recovery. Only on an explicit decision, never automatically.
 */
export function setAsideOutbox(file: string, now = Date.now()): string {
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  const target = `${file}.broken-${stamp}`;
  renameSync(file, target);
  for (const suffix of ['-wal', '-shm']) {
    if (existsSync(file + suffix)) renameSync(file + suffix, target + suffix);
  }
  return target;
}

export function openDatabase(file: string, busyTimeoutMs: number): Database.Database {
  if (file !== ':memory:') {
    try {
      mkdirSync(dirname(file), { recursive: true });
    } catch (error) {
      throw new OutboxOpenError(file, `its folder cannot be created (${(error as Error).message})`, { cause: error });
    }
  }
  let db: Database.Database;
  try {
    db = new Database(file, { timeout: busyTimeoutMs });
  } catch (error) {
    const environment = outboxEnvironmentProblem(file, error);
    if (environment) throw new StartupError(environment, { cause: error });
    throw new OutboxOpenError(file, `it cannot be opened (${(error as Error).message})`, { cause: error });
  }
  try {
    // WAL with synchronous=FULL: a commit returns only after the WAL is fsynced, so a committed
    // transition survives a power cut, not only a process kill.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    // An insert with triggers and ON CONFLICT keeps a statement journal so it can be undone
    // alone; in a temporary file that was a write syscall per page touched (a fifth of a batched
    // enqueue here). In memory it holds one statement's pages, or the sort of one large query.
    db.pragma('temp_store = MEMORY');
    const check = db.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new Error(`integrity_check reported: ${String(check).slice(0, 300)}`);
    migrate(db);
  } catch (error) {
    db.close();
    if (error instanceof OutboxOpenError) throw error;
    // A read-only folder, a lock held elsewhere, a full disk: not a damaged database.
    const environment = outboxEnvironmentProblem(file, error);
    if (environment) throw new StartupError(environment, { cause: error });
    throw new OutboxOpenError(file, (error as Error).message, { cause: error });
  }
  return db;
}
