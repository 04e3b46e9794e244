// What must hold before CallRelay starts anything, each failure one line naming the real cause
// and the fix: the data folder can be written, no other CallRelay runs on it, and the outbox is
// not held by another process. A start that fails here has delivered nothing and changed nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}

function folderProblem(dir: string, error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'EROFS':
      return `the data folder ${dir} is on a read-only file system (EROFS); mount it read-write, or start with --data pointing at a writable folder`;
    case 'EACCES':
    case 'EPERM':
      return `this user may not write to the data folder ${dir} (${error.code}); give it write permission, or start with --data pointing at a folder it may write`;
    case 'ENOSPC':
    case 'EDQUOT':
      return `the data folder's disk is full (${error.code}) at ${dir}; free some space, then start again`;
    case 'ENOTDIR':
    case 'EEXIST':
      return `the data folder ${dir} is not a folder; point --data at a directory`;
    default:
      return `the data folder ${dir} cannot be used (${error.code ?? error.message}); check it exists and may be written`;
  }
}

/** Creates the data folder if needed and proves a file can be written in it. */
export function assertDataFolderWritable(dir: string): void {
  const probe = path.join(dir, `.write-check-${process.pid}`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    // access(W_OK) is not enough: a read-only mount or an ACL may still refuse the write itself.
    fs.writeFileSync(probe, '');
    fs.rmSync(probe, { force: true });
  } catch (error) {
    throw new StartupError(folderProblem(dir, error as NodeJS.ErrnoException), { cause: error });
  }
}

/** The cause of an outbox that would not open, when it lies outside the database itself. */
export function outboxEnvironmentProblem(file: string, error: unknown): string | null {
  const e = error as NodeJS.ErrnoException;
  const code = String(e.code ?? '');
  const dir = path.dirname(file);
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS') {
    return `the outbox ${file} cannot be written (${code}): its folder or the file is read-only; mount ${dir} read-write, or fix its permissions`;
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return `the outbox ${file} is locked by another process (${code}); stop the other CallRelay (or the tool holding it open), then start again`;
  }
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') {
    return `the data folder's disk is full (${code}) at ${dir}; free some space, then start again`;
  }
  if (code.startsWith('SQLITE_CANTOPEN') || code === 'EACCES') {
    return `the outbox ${file} cannot be opened (${code}); check that ${dir} exists and this user may write it`;
  }
  return null;
}

export interface DataFolderLock {
  release(): void;
}

const LOCK_NAME = 'callrelay.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One running CallRelay per data folder: two would deliver the same queue side by side. The lock
 * names its holder; one left by a process that is gone (killed, power cut) is taken over.
 */
export function lockDataFolder(dir: string): DataFolderLock {
  const file = path.join(dir, LOCK_NAME);
  const me = JSON.stringify({ pid: process.pid, host: os.hostname(), since: new Date().toISOString() });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, me, { flag: 'wx', mode: 0o600 });
      return {
        release() {
          try {
            if (fs.readFileSync(file, 'utf8') === me) fs.rmSync(file, { force: true });
          } catch {
            // already gone
          }
        },
      };
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      if (e.code !== 'EEXIST') throw new StartupError(folderProblem(dir, e), { cause: error });
    }
    let holder: { pid?: number; host?: string } = {};
    try {
      holder = JSON.parse(fs.readFileSync(file, 'utf8')) as typeof holder;
    } catch {
      // unreadable or half-written: treated as left behind
    }
    const sameHost = !holder.host || holder.host === os.hostname();
    if (holder.pid && holder.pid !== process.pid && (!sameHost || alive(holder.pid))) {
      throw new StartupError(
        `the data folder ${dir} is in use by another CallRelay (pid ${holder.pid}${sameHost ? '' : ` on ${holder.host}`}); ` +
          'stop that one first, or start this one with another --data folder',
      );
    }
    fs.rmSync(file, { force: true });
  }
  throw new StartupError(`the data folder ${dir} could not be locked for this CallRelay; try again`);
}
