import type { Migration } from './migration.js';

export const migration004: Migration = {
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
};
