// The outbox's own small facts (the recovery notice, markers kept across restarts), and what
// looks at the database file itself: its integrity check and its WAL checkpoint.
import type Database from 'better-sqlite3';

export interface OutboxMeta {
  getMeta(key: string): string | null;
  setMeta(key: string, value: string | null): void;
  integrityCheck(): string;
  /** Copies the WAL into the database file (PRAGMA wal_checkpoint(PASSIVE)); false when busy. */
  checkpoint(): boolean;
}

export function createOutboxMeta(db: Database.Database): OutboxMeta {
  const get = db.prepare('SELECT value FROM meta WHERE key = ?');
  const set = db.prepare(
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  );
  const remove = db.prepare('DELETE FROM meta WHERE key = ?');
  return {
    getMeta: (key) => (get.get(key) as { value: string } | undefined)?.value ?? null,
    setMeta(key, value) {
      if (value === null) remove.run(key);
      else set.run(key, value);
    },
    integrityCheck: () => String(db.pragma('integrity_check', { simple: true })),
    checkpoint() {
      const [row] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number }[];
      return row?.busy === 0;
    },
  };
}
