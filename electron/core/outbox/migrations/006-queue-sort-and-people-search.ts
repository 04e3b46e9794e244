import type { Migration } from './migration.js';

// The search text of a job: its file name, phone numbers (E.164), call id, and who the call was
// with and who took it, so a customer name typed in Review finds the call.
const searchText = (row: string) =>
  `lower(${row}.file_name || ' ' || ${row}.phones || ' ' || ${row}.call_id || ' ' || COALESCE(${row}.customer_name, '') || ' ' || COALESCE(${row}.agent, ''))`;

export const migration006: Migration = {
  version: 6,
  name: 'customer and agent columns, sort indexes, people in the search, finished-at index',
  sql: `
      -- Read from the call itself, so they can never disagree with it; indexed for sorting.
      ALTER TABLE jobs ADD COLUMN customer_name TEXT GENERATED ALWAYS AS (json_extract(call, '$.customerName')) VIRTUAL;
      ALTER TABLE jobs ADD COLUMN agent TEXT GENERATED ALWAYS AS (
        COALESCE(json_extract(call, '$.agentId'), json_extract(call, '$.userId'), json_extract(call, '$.extensionId'))
      ) VIRTUAL;
      -- The queue sorts the whole queue by a column and pages through it by (column, seq):
      -- each index below is that order (an index entry ends with the rowid, which is seq).
      CREATE INDEX jobs_sort_file ON jobs(file_name COLLATE NOCASE);
      CREATE INDEX jobs_sort_customer ON jobs(customer_name COLLATE NOCASE);
      CREATE INDEX jobs_sort_agent ON jobs(agent COLLATE NOCASE);
      CREATE INDEX jobs_sort_attempts ON jobs(attempts);
      CREATE INDEX jobs_sort_error ON jobs(last_error COLLATE NOCASE);
      -- Today's delivered / failed and the failed bars of the dashboard, by when a job finished.
      -- A recording refused at intake (an empty or unreadable file) finished when it was seen.
      UPDATE jobs SET finished_at = created_at WHERE state = 'failed' AND finished_at IS NULL;
      CREATE INDEX jobs_finished ON jobs(state, finished_at);

      DROP TRIGGER jobs_search_insert;
      DROP TRIGGER jobs_search_update;
      INSERT INTO jobs_search(jobs_search) VALUES ('delete-all');
      INSERT INTO jobs_search(rowid, text) SELECT seq, ${searchText('jobs')} FROM jobs;
      CREATE TRIGGER jobs_search_insert AFTER INSERT ON jobs BEGIN
        INSERT INTO jobs_search(rowid, text) VALUES (new.seq, ${searchText('new')});
      END;
      CREATE TRIGGER jobs_search_update AFTER UPDATE OF file_name, phones, call_id, call ON jobs BEGIN
        DELETE FROM jobs_search WHERE rowid = old.seq;
        INSERT INTO jobs_search(rowid, text) VALUES (new.seq, ${searchText('new')});
      END;
  `,
};
