// Numbered schema migrations, one per file (NNN-name.ts). Each runs once, in its own transaction,
// and bumps `PRAGMA user_version`, so a database always says which schema it holds. Never edit a
// released migration: add the next number in a new file and list it here (each one has its own
// test on an in-memory database).
import type Database from 'better-sqlite3';
import { migration001 } from './001-jobs-events-meta.js';
import { migration002 } from './002-trigram-search.js';
import { migration003 } from './003-state-counts.js';
import { migration004 } from './004-destination-totals.js';
import { migration005 } from './005-duplicate-rows.js';
import { migration006 } from './006-queue-sort-and-people-search.js';
import type { Migration } from './migration.js';

export type { Migration } from './migration.js';

export const migrations: readonly Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  migration005,
  migration006,
];

export const latestVersion = migrations[migrations.length - 1]!.version;

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Applies every migration above the database's version, each atomically with its version bump. */
export function migrate(db: Database.Database, upTo = latestVersion): number[] {
  const current = schemaVersion(db);
  if (current > latestVersion) {
    throw new Error(
      `The outbox database has schema version ${current}, newer than this CallRelay knows (${latestVersion}). ` +
        'Update CallRelay, or open it with the version that created it.',
    );
  }
  const applied: number[] = [];
  for (const m of migrations) {
    if (m.version <= current || m.version > upTo) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
    applied.push(m.version);
  }
  return applied;
}
