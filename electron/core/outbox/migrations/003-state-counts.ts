import type { Migration } from './migration.js';

export const migration003: Migration = {
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
};
