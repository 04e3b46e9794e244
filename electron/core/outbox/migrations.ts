// Numbered schema migrations. Each runs once, in its own transaction, and bumps
// `PRAGMA user_version`, so a database always says which schema it holds. Never edit a released
// migration: add the next number instead (each one has its own test on an in-memory database).
import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'jobs, events, meta',
    sql: `
      CREATE TABLE jobs (
        -- seq is the created order and the keyset of every queue page.
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        state TEXT NOT NULL,
        destination TEXT NOT NULL,
        folder TEXT,
        sha256 TEXT NOT NULL,
        path TEXT NOT NULL,
        file_name TEXT NOT NULL,
        size INTEGER NOT NULL,
        mtime REAL NOT NULL,
        call_id TEXT NOT NULL,
        call_time INTEGER,
        call_from TEXT,
        call_to TEXT,
        phones TEXT NOT NULL DEFAULT '',
        recording TEXT NOT NULL,
        call TEXT NOT NULL,
        review_issues TEXT NOT NULL DEFAULT '[]',
        steps TEXT NOT NULL DEFAULT '{}',
        step TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        failures INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        priority INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER,
        lease_id TEXT,
        lease_owner TEXT,
        lease_expires_at INTEGER,
        remote_id TEXT,
        result TEXT,
        poll_until INTEGER,
        hook_pending INTEGER NOT NULL DEFAULT 0,
        resend_of TEXT,
        resend_no INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        finished_at INTEGER
      );
      -- The same content is never enqueued twice for one destination; a resend on purpose
      -- carries its own number.
      CREATE UNIQUE INDEX jobs_content ON jobs(sha256, destination, resend_no);
      CREATE INDEX jobs_file ON jobs(path, size, mtime);
      CREATE INDEX jobs_state ON jobs(state, seq);
      CREATE INDEX jobs_destination ON jobs(destination, seq);
      CREATE INDEX jobs_folder ON jobs(folder, seq);
      CREATE INDEX jobs_call_time ON jobs(call_time);
      CREATE INDEX jobs_due ON jobs(state, next_attempt_at);
      -- What the scheduler reads: ready jobs per destination and folder, front of the line first.
      CREATE INDEX jobs_ready ON jobs(destination, folder, priority DESC, seq)
        WHERE state IN ('queued', 'retry-wait');

      CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        job_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        type TEXT NOT NULL,
        message TEXT NOT NULL,
        data TEXT
      );
      CREATE INDEX events_job ON events(job_id, id);
      CREATE INDEX events_type_at ON events(type, at);

      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `,
  },
  {
    version: 2,
    name: 'trigram search over file name, phones and call id',
    sql: `
      CREATE VIRTUAL TABLE jobs_search USING fts5(text, content='', contentless_delete=1, tokenize='trigram');
      INSERT INTO jobs_search(rowid, text)
        SELECT seq, lower(file_name || ' ' || phones || ' ' || call_id) FROM jobs;
      CREATE TRIGGER jobs_search_insert AFTER INSERT ON jobs BEGIN
        INSERT INTO jobs_search(rowid, text) VALUES (new.seq, lower(new.file_name || ' ' || new.phones || ' ' || new.call_id));
      END;
      CREATE TRIGGER jobs_search_update AFTER UPDATE OF file_name, phones, call_id ON jobs BEGIN
        DELETE FROM jobs_search WHERE rowid = old.seq;
        INSERT INTO jobs_search(rowid, text) VALUES (new.seq, lower(new.file_name || ' ' || new.phones || ' ' || new.call_id));
      END;
      CREATE TRIGGER jobs_search_delete AFTER DELETE ON jobs BEGIN
        DELETE FROM jobs_search WHERE rowid = old.seq;
      END;
    `,
  },
  {
    version: 3,
    name: 'state counts kept by triggers; folder + call-time index',
    sql: `
      -- Counts are read on every queue:changed event (up to 10 a second); keeping them here makes
      -- that a 9-row read instead of a scan of every job.
      CREATE TABLE job_counts (state TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
      INSERT INTO job_counts (state, n) SELECT state, COUNT(*) FROM jobs GROUP BY state;
      CREATE TRIGGER job_counts_insert AFTER INSERT ON jobs BEGIN
        INSERT INTO job_counts (state, n) VALUES (new.state, 1) ON CONFLICT(state) DO UPDATE SET n = n + 1;
      END;
      CREATE TRIGGER job_counts_update AFTER UPDATE OF state ON jobs WHEN old.state IS NOT new.state BEGIN
        UPDATE job_counts SET n = n - 1 WHERE state = old.state;
        INSERT INTO job_counts (state, n) VALUES (new.state, 1) ON CONFLICT(state) DO UPDATE SET n = n + 1;
      END;
      CREATE TRIGGER job_counts_delete AFTER DELETE ON jobs BEGIN
        UPDATE job_counts SET n = n - 1 WHERE state = old.state;
      END;
      CREATE INDEX jobs_folder_time ON jobs(folder, call_time);
    `,
  },
  {
    version: 4,
    name: 'per-destination totals (jobs and bytes) kept by triggers; destination + state index',
    sql: `
      -- What a metrics scrape reads (backlog and its bytes per destination), kept up to date by
      -- triggers so a scrape is a read of a few rows whatever the queue size. A live job's size is
      -- -1 until its file is final, counted as 0 bytes.
      CREATE TABLE job_totals (
        destination TEXT NOT NULL,
        state TEXT NOT NULL,
        n INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        PRIMARY KEY (destination, state)
      ) WITHOUT ROWID;
      INSERT INTO job_totals (destination, state, n, bytes)
        SELECT destination, state, COUNT(*), SUM(MAX(size, 0)) FROM jobs GROUP BY destination, state;
      CREATE TRIGGER job_totals_insert AFTER INSERT ON jobs BEGIN
        INSERT INTO job_totals (destination, state, n, bytes) VALUES (new.destination, new.state, 1, MAX(new.size, 0))
          ON CONFLICT(destination, state) DO UPDATE SET n = n + 1, bytes = bytes + excluded.bytes;
      END;
      CREATE TRIGGER job_totals_update AFTER UPDATE OF state, size, destination ON jobs
        WHEN old.state IS NOT new.state OR old.size IS NOT new.size OR old.destination IS NOT new.destination BEGIN
        UPDATE job_totals SET n = n - 1, bytes = bytes - MAX(old.size, 0)
          WHERE destination = old.destination AND state = old.state;
        INSERT INTO job_totals (destination, state, n, bytes) VALUES (new.destination, new.state, 1, MAX(new.size, 0))
          ON CONFLICT(destination, state) DO UPDATE SET n = n + 1, bytes = bytes + excluded.bytes;
      END;
      CREATE TRIGGER job_totals_delete AFTER DELETE ON jobs BEGIN
        UPDATE job_totals SET n = n - 1, bytes = bytes - MAX(old.size, 0)
          WHERE destination = old.destination AND state = old.state;
      END;
      -- The oldest waiting job of one destination in one state is the first entry here.
      CREATE INDEX jobs_destination_state ON jobs(destination, state, seq);
    `,
  },
  {
    version: 5,
    name: 'duplicate rows; empty files never deduplicated',
    sql: `
      -- Every file seen is a row: a recording whose content another job already has for the
      -- destination is kept as a duplicate row pointing at it. Duplicate rows and empty files
      -- (every empty file has the same hash, and each is its own failed row) stay outside the
      -- content rule.
      ALTER TABLE jobs ADD COLUMN duplicate_of TEXT;
      DROP INDEX jobs_content;
      CREATE UNIQUE INDEX jobs_content ON jobs(sha256, destination, resend_no) WHERE duplicate_of IS NULL AND size <> 0;
      CREATE INDEX jobs_duplicate_of ON jobs(duplicate_of) WHERE duplicate_of IS NOT NULL;
    `,
  },
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
