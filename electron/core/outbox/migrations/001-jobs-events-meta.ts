import type { Migration } from './migration.js';

export const migration001: Migration = {
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
};
