// Outbox at 100,000 jobs: enqueue rate, filtered queue pages, state transitions — ops/s, p95
// latency and peak RSS, each against a reference of raw better-sqlite3 doing the same writes
// (same file settings, same rows, no outbox logic). Run: npx tsx bench/outbox-bench.ts
// Not part of npm test: figures depend on the machine; the ratios are what to compare.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { systemClock } from '../electron/core/clock.js';
import { createSilentLogger } from '../electron/core/logger.js';
import type { EnqueueInput } from '../electron/core/outbox/intake-port.js';
import { openOutbox, type Outbox, type QueueQuery } from '../electron/core/outbox/outbox.js';
import { input, mixStates, row, stats, time } from './outbox-fixtures.js';

const TOTAL = Number(process.env.BENCH_JOBS ?? 100_000);
const SINGLE = 2000;
const BATCH = 1000;
const dir = mkdtempSync(join(tmpdir(), 'callrelay-outbox-bench-'));

/** The reference: raw better-sqlite3 with the same pragmas inserting the same columns. */
function openRaw(file: string) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE jobs (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, state TEXT NOT NULL,
    destination TEXT NOT NULL, folder TEXT, sha256 TEXT NOT NULL, path TEXT NOT NULL, file_name TEXT NOT NULL,
    recording TEXT NOT NULL, call TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)`);
  const insert = db.prepare(`INSERT INTO jobs (id, state, destination, folder, sha256, path, file_name, recording, call,
    created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const add = (i: EnqueueInput) =>
    insert.run(
      randomUUID(),
      i.state,
      i.destination,
      i.folder,
      i.recording.sha256,
      i.recording.path,
      i.recording.fileName,
      JSON.stringify(i.recording),
      JSON.stringify(i.call),
      Date.now(),
      Date.now(),
    );
  return { db, add, update: db.prepare('UPDATE jobs SET state = ?, updated_at = ? WHERE id = ?') };
}

function main() {
  console.log(`outbox bench: ${TOTAL} jobs, WAL + synchronous=FULL, file in ${dir}\n`);
  const outbox: Outbox = openOutbox({ file: join(dir, 'outbox.db'), clock: systemClock, logger: createSilentLogger() });
  const raw = openRaw(join(dir, 'raw.db'));

  // 1. Enqueue, one durable transaction per recording (what the watcher does per file).
  const single: number[] = [];
  const rawSingle: number[] = [];
  for (let n = 0; n < SINGLE; n++) {
    const i = input(n);
    single.push(time(() => outbox.enqueue(i)));
    rawSingle.push(time(() => raw.add(i)));
  }
  const singleStats = stats(single);
  const rawSingleStats = stats(rawSingle);

  // 2. Enqueue in batches (a start-up scan of a full folder) up to the total.
  const batches: number[] = [];
  const rawBatches: number[] = [];
  for (let n = SINGLE; n < TOTAL; n += BATCH) {
    const inputs = Array.from({ length: Math.min(BATCH, TOTAL - n) }, (_, k) => input(n + k));
    batches.push(time(() => outbox.enqueueMany(inputs)));
    rawBatches.push(time(() => raw.db.transaction(() => inputs.forEach(raw.add))()));
  }
  const perRow = (s: number[]) => ({ ...stats(s), ops: (TOTAL - SINGLE) / (s.reduce((a, b) => a + b, 0) / 1000) });
  const batchStats = perRow(batches);
  const rawBatchStats = perRow(rawBatches);

  // A realistic mix: most delivered, some queued, failed and waiting for review.
  mixStates(join(dir, 'outbox.db'));

  // 3. Queue pages (first page, filtered, searched, deep).
  const queries: [string, QueueQuery][] = [
    ['page: newest 100, no filter', { limit: 100 }],
    ['page: state queued', { states: ['queued'], limit: 100 }],
    [
      'page: failed + needs-review, one destination',
      { states: ['failed', 'needs-review'], destination: 'dest-1', limit: 100 },
    ],
    [
      'page: folder + call-time range',
      { folder: '/recordings/folder-2', since: '2025-02-01T00:00:00Z', until: '2025-02-10T00:00:00Z', limit: 100 },
    ],
    ['page: search phone substring', { search: '5550077', limit: 100 }],
    ['page: search file name', { search: 'job-4242', limit: 100 }],
  ];
  const pageStats: [string, ReturnType<typeof stats>][] = [];
  for (const [name, query] of queries) {
    const samples: number[] = [];
    for (let k = 0; k < 200; k++) samples.push(time(() => outbox.list(query)));
    pageStats.push([name, stats(samples)]);
  }
  // Deep pagination: walk 50 pages of the queued state via the cursor.
  {
    const samples: number[] = [];
    let cursor: string | undefined;
    for (let k = 0; k < 50; k++) {
      let next: string | null = null;
      samples.push(
        time(() => {
          next = outbox.list({ states: ['queued'], limit: 100, cursor }).nextCursor;
        }),
      );
      if (!next) break;
      cursor = next;
    }
    pageStats.push(['page: queued, 50 pages deep by cursor', stats(samples)]);
  }
  // What the scheduler asks per tick: the ready folders of a destination, then the head of each.
  const schedulerSamples: number[] = [];
  for (let k = 0; k < 200; k++) {
    schedulerSamples.push(
      time(() => {
        const destination = `dest-${k % 3}`;
        for (const folder of outbox.readyFolders(destination)) outbox.readyJobs(destination, folder, Date.now(), 4);
      }),
    );
  }
  const countsSamples: number[] = [];
  for (let k = 0; k < 200; k++) countsSamples.push(time(() => outbox.counts()));

  // 4. State transitions: acquire (queued → running) and finish (running → done), each durable.
  const queued = outbox.list({ states: ['queued'], limit: 1000 }).rows.map((r) => r.id);
  const acquire: number[] = [];
  const finish: number[] = [];
  for (const id of queued) {
    const leaseId = randomUUID();
    acquire.push(time(() => outbox.acquire(id, { leaseId, owner: 'bench/1/x', expiresAt: Date.now() + 60_000 })));
    finish.push(
      time(() => outbox.finishUnderLease(id, leaseId, { to: 'done', event: { type: 'done', message: 'ok' } })),
    );
  }
  const rawIds = (raw.db.prepare('SELECT id FROM jobs LIMIT 1000').all() as { id: string }[]).map((r) => r.id);
  const rawUpdate: number[] = [];
  for (const id of rawIds) rawUpdate.push(time(() => raw.update.run('running', Date.now(), id)));

  const rssMb = process.resourceUsage().maxRSS / 1024;
  const jobs = Object.values(outbox.counts()).reduce((a, b) => a + b, 0);

  console.log('enqueue');
  row('enqueue, one transaction each (durable)', singleStats, rawSingleStats);
  row('  reference: raw INSERT, one each', rawSingleStats);
  row(`enqueue in batches of ${BATCH} (rows/s; p95 per batch)`, batchStats, rawBatchStats);
  row(`  reference: raw INSERT batches`, rawBatchStats);
  console.log(`\nqueue pages at ${jobs} jobs (goal: under 20 ms)`);
  for (const [name, s] of pageStats) row(name, s);
  row('counts by state', stats(countsSamples));
  row('scheduler: ready folders + heads, one destination', stats(schedulerSamples));
  console.log('\nstate transitions (durable, one transaction each)');
  row('acquire lease (queued → running)', stats(acquire), stats(rawUpdate));
  row('finish under lease (running → done)', stats(finish), stats(rawUpdate));
  row('  reference: raw UPDATE state', stats(rawUpdate));
  console.log(`\npeak RSS ${rssMb.toFixed(0)} MB`);

  outbox.close();
  // Start-up cost at this size: open runs integrity_check (and any migration) before anything else.
  const reopen = time(() =>
    openOutbox({ file: join(dir, 'outbox.db'), clock: systemClock, logger: createSilentLogger() }).close(),
  );
  console.log(`open with integrity_check at ${jobs} jobs: ${reopen.toFixed(0)} ms`);
  raw.db.close();
  rmSync(dir, { recursive: true, force: true });
}

main();
