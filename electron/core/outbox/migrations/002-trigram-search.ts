import type { Migration } from './migration.js';

export const migration002: Migration = {
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
};
