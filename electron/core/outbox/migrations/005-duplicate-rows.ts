import type { Migration } from './migration.js';

export const migration005: Migration = {
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
};
