import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { latestVersion, migrate, migrations, schemaVersion } from '../../../electron/core/outbox/migrations/index.js';

function tables(db: Database.Database): string[] {
  return (
    db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'index') ORDER BY name").all() as {
      name: string;
    }[]
  ).map((r) => r.name);
}

const insertJob = `INSERT INTO jobs (id, state, destination, folder, sha256, path, file_name, size, mtime, call_id,
  phones, recording, call, created_at, updated_at)
  VALUES (?, 'queued', ?, NULL, ?, '/r/a.wav', ?, 1, 1, ?, '+15550001111', '{}', '{}', 1, 1)`;

describe('outbox migrations', () => {
  it('are numbered 1..n without gaps', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
    expect(latestVersion).toBe(migrations.length);
  });

  it('1: creates jobs, events and meta, and refuses the same content twice for one destination', () => {
    const db = new Database(':memory:');
    expect(migrate(db, 1)).toEqual([1]);
    expect(schemaVersion(db)).toBe(1);
    expect(tables(db)).toEqual(
      expect.arrayContaining(['jobs', 'events', 'meta', 'jobs_content', 'jobs_ready', 'jobs_state']),
    );
    db.prepare(insertJob).run('a', 'd1', 'sha', 'a.wav', 'c1');
    expect(() => db.prepare(insertJob).run('b', 'd1', 'sha', 'a.wav', 'c1')).toThrow(/UNIQUE/);
    // Another destination, or an explicit resend number, is allowed.
    db.prepare(insertJob).run('c', 'd2', 'sha', 'a.wav', 'c1');
    db.prepare(insertJob.replace('(id,', '(resend_no, id,').replace('VALUES (', 'VALUES (1, ')).run(
      'd',
      'd1',
      'sha',
      'a.wav',
      'c1-resend-1',
    );
    expect(() => db.prepare("UPDATE jobs SET resend_no = 0 WHERE id = 'd'").run()).toThrow(/UNIQUE/);
    db.close();
  });

  it('2: indexes existing rows for trigram search and keeps the index in step with updates and deletes', () => {
    const db = new Database(':memory:');
    migrate(db, 1);
    db.prepare(insertJob).run('a', 'd1', 'sha1', 'Inbound-Call.wav', 'cid-1');
    expect(migrate(db, 2)).toEqual([2]);
    expect(schemaVersion(db)).toBe(2);
    const find = (text: string) =>
      (db.prepare('SELECT rowid FROM jobs_search WHERE jobs_search MATCH ?').all(`"${text}"`) as unknown[]).length;
    expect(find('inbound-c')).toBe(1);
    expect(find('5550001')).toBe(1);
    db.prepare("UPDATE jobs SET file_name = 'other.wav' WHERE id = 'a'").run();
    expect(find('inbound')).toBe(0);
    expect(find('other')).toBe(1);
    db.prepare("DELETE FROM jobs WHERE id = 'a'").run();
    expect(find('other')).toBe(0);
    db.close();
  });

  it('runs each migration once', () => {
    const db = new Database(':memory:');
    expect(migrate(db)).toEqual(migrations.map((m) => m.version));
    expect(migrate(db)).toEqual([]);
    db.close();
  });

  it('refuses a database from a newer CallRelay', () => {
    const db = new Database(':memory:');
    db.pragma(`user_version = ${latestVersion + 1}`);
    expect(() => migrate(db)).toThrow(/newer than this CallRelay knows/);
    db.close();
  });
});

describe('migration 3', () => {
  it('counts jobs per state from the existing rows and keeps the counts through inserts, updates and deletes', () => {
    const db = new Database(':memory:');
    migrate(db, 2);
    db.prepare(insertJob).run('a', 'd1', 'sha1', 'a.wav', 'c1');
    db.prepare(insertJob).run('b', 'd1', 'sha2', 'b.wav', 'c2');
    expect(migrate(db, 3)).toEqual([3]);
    const counts = () =>
      Object.fromEntries(
        (db.prepare('SELECT state, n FROM job_counts WHERE n > 0').all() as { state: string; n: number }[]).map((r) => [
          r.state,
          r.n,
        ]),
      );
    const truth = () =>
      Object.fromEntries(
        (
          db.prepare('SELECT state, COUNT(*) AS n FROM jobs GROUP BY state').all() as { state: string; n: number }[]
        ).map((r) => [r.state, r.n]),
      );
    expect(counts()).toEqual({ queued: 2 });
    db.prepare(insertJob).run('c', 'd1', 'sha3', 'c.wav', 'c3');
    db.prepare("UPDATE jobs SET state = 'running' WHERE id = 'a'").run();
    db.prepare("UPDATE jobs SET state = 'running', updated_at = 2 WHERE id = 'a'").run(); // same state: no change
    db.prepare("UPDATE jobs SET state = 'done' WHERE id = 'b'").run();
    db.prepare("DELETE FROM jobs WHERE id = 'c'").run();
    expect(counts()).toEqual({ running: 1, done: 1 });
    expect(counts()).toEqual(truth());
    const plan = db
      .prepare("EXPLAIN QUERY PLAN SELECT COUNT(*) FROM jobs WHERE folder = 'f' AND call_time >= 1 AND call_time <= 2")
      .all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toContain('jobs_folder_time');
    db.close();
  });
});

describe('migration 4', () => {
  it('totals jobs and bytes per destination and state from existing rows, and keeps them through changes', () => {
    const db = new Database(':memory:');
    migrate(db, 3);
    db.prepare(insertJob).run('a', 'd1', 'sha1', 'a.wav', 'c1');
    db.prepare(insertJob).run('b', 'd2', 'sha2', 'b.wav', 'c2');
    db.prepare("UPDATE jobs SET size = 500 WHERE id = 'b'").run();
    expect(migrate(db, 4)).toEqual([4]);
    const totals = () =>
      (
        db.prepare('SELECT destination, state, n, bytes FROM job_totals WHERE n > 0 ORDER BY 1, 2').all() as {
          destination: string;
          state: string;
          n: number;
          bytes: number;
        }[]
      ).map((r) => `${r.destination}/${r.state}: ${r.n} ${r.bytes}`);
    const truth = () =>
      (
        db
          .prepare(
            'SELECT destination, state, COUNT(*) AS n, SUM(MAX(size, 0)) AS bytes FROM jobs GROUP BY 1, 2 ORDER BY 1, 2',
          )
          .all() as { destination: string; state: string; n: number; bytes: number }[]
      ).map((r) => `${r.destination}/${r.state}: ${r.n} ${r.bytes}`);
    expect(totals()).toEqual(['d1/queued: 1 1', 'd2/queued: 1 500']);
    db.prepare(insertJob).run('c', 'd1', 'sha3', 'c.wav', 'c3');
    db.prepare("UPDATE jobs SET size = -1 WHERE id = 'c'").run(); // a live job's file is not final yet
    db.prepare("UPDATE jobs SET state = 'done' WHERE id = 'a'").run();
    db.prepare("UPDATE jobs SET updated_at = 5 WHERE id = 'a'").run(); // no state/size change: no effect
    db.prepare("UPDATE jobs SET size = 2048 WHERE id = 'c'").run(); // its file became final
    db.prepare("DELETE FROM jobs WHERE id = 'b'").run();
    expect(totals()).toEqual(['d1/done: 1 1', 'd1/queued: 1 2048']);
    expect(totals()).toEqual(truth());
    const plan = db
      .prepare(
        "EXPLAIN QUERY PLAN SELECT created_at FROM jobs WHERE destination = 'd1' AND state = 'queued' ORDER BY seq LIMIT 1",
      )
      .all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toContain('jobs_destination_state');
    db.close();
  });
});

describe('migration 5', () => {
  it('keeps duplicate rows and empty files outside the content rule, and the rule for everything else', () => {
    const db = new Database(':memory:');
    migrate(db, 4);
    db.prepare(insertJob).run('a', 'd1', 'sha1', 'a.wav', 'c1');
    // Up to 5 only: migration 6 (issue 14) came later.
    expect(migrate(db, 5)).toEqual([5]);
    const insert = db.prepare(`INSERT INTO jobs (id, state, destination, sha256, path, file_name, size, mtime, call_id,
      recording, call, created_at, updated_at, duplicate_of) VALUES (?, 'queued', 'd1', ?, ?, ?, ?, 1, 'c', '{}', '{}', 1, 1, ?)`);
    // The same content again, as a duplicate row naming the first job: allowed.
    insert.run('b', 'sha1', 'b.wav', 'b.wav', 10, 'a');
    // Two empty files (same hash): each its own row.
    insert.run('e1', 'e3b0', 'e1.wav', 'e1.wav', 0, null);
    insert.run('e2', 'e3b0', 'e2.wav', 'e2.wav', 0, null);
    // The same non-empty content without a duplicate mark is still refused.
    expect(() => insert.run('c', 'sha1', 'c.wav', 'c.wav', 10, null)).toThrow(/UNIQUE/);
    expect((db.prepare('SELECT COUNT(*) AS n FROM jobs').get() as { n: number }).n).toBe(4);
    db.close();
  });
});

describe('migration 6', () => {
  it('reads customer and agent from the call, searches them, and dates failures refused at intake', () => {
    const db = new Database(':memory:');
    migrate(db, 5);
    const insert = db.prepare(`INSERT INTO jobs (id, state, destination, sha256, path, file_name, size, mtime, call_id,
      phones, recording, call, created_at, updated_at) VALUES (?, ?, 'd1', ?, '/r/x.wav', ?, 10, 1, ?, '', '{}', ?, 7, 7)`);
    insert.run('a', 'queued', 's1', 'a.wav', 'c1', JSON.stringify({ callId: 'c1', customerName: 'Asha Rao' }));
    insert.run('f', 'failed', 's2', 'empty.wav', 'c2', JSON.stringify({ callId: 'c2', extensionId: '101' }));
    expect(migrate(db)).toEqual([6]);
    const find = (text: string) =>
      (db.prepare('SELECT rowid FROM jobs_search WHERE jobs_search MATCH ?').all(`"${text}"`) as unknown[]).length;
    // Existing rows are searchable by the customer's name, and rows keep in step with edits.
    expect(find('asha')).toBe(1);
    db.prepare(`UPDATE jobs SET call = ? WHERE id = 'a'`).run(JSON.stringify({ callId: 'c1', customerName: 'Bo Li' }));
    expect(find('asha')).toBe(0);
    expect(find('bo li')).toBe(1);
    const row = (id: string) =>
      db.prepare('SELECT customer_name, agent, finished_at FROM jobs WHERE id = ?').get(id) as Record<string, unknown>;
    expect(row('a')).toEqual({ customer_name: 'Bo Li', agent: null, finished_at: null });
    expect(row('f')).toEqual({ customer_name: null, agent: '101', finished_at: 7 });
    expect(tables(db)).toEqual(expect.arrayContaining(['jobs_sort_customer', 'jobs_finished']));
    db.close();
  });
});
