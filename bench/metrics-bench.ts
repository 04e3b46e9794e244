// A metrics scrape at 100,000 jobs: what Prometheus costs a station every 15 s. Compared in the
// same run with the queue's first page (`queue:list`, what the UI asks most), a plain
// `SELECT count(*)` over the jobs, and the naive scrape that would group the whole table; and
// with the same scrape at 1,000 jobs, to show it does not grow with the queue.
// Run: npx tsx bench/metrics-bench.ts   (BENCH_JOBS=… to change the size)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { DestinationHealth } from '../shared/contract.js';
import { systemClock } from '../electron/core/clock.js';
import { createSilentLogger } from '../electron/core/logger.js';
import { createFleetMetrics } from '../electron/core/metrics/fleet-metrics.js';
import { openOutbox } from '../electron/core/outbox/outbox.js';
import { input, mixStates, row, stats, time } from './outbox-fixtures.js';

const TOTAL = Number(process.env.BENCH_JOBS ?? 100_000);
const SMALL = 1000;
const ROUNDS = 300;
const dir = mkdtempSync(join(tmpdir(), 'callrelay-metrics-bench-'));

const health: DestinationHealth[] = [0, 1, 2].map((i) => ({
  name: `dest-${i}`,
  kind: 'comswise',
  online: i !== 2,
  paused: false,
  lastSuccessAt: null,
  lastError: null,
  offlineSince: null,
  health: i !== 2 ? ('online' as const) : ('down' as const),
  since: null,
}));

async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function measure(jobs: number) {
  const file = join(dir, `outbox-${jobs}.db`);
  const outbox = openOutbox({ file, clock: systemClock, logger: createSilentLogger() });
  for (let n = 0; n < jobs; n += 1000) {
    outbox.enqueueMany(Array.from({ length: Math.min(1000, jobs - n) }, (_, k) => input(n + k)));
  }
  mixStates(file);
  const metrics = createFleetMetrics({
    version: 'bench',
    logger: createSilentLogger(),
    sources: {
      outbox,
      destinations: () => health,
      folders: () => [0, 1, 2, 3, 4].map((i) => ({ label: `folder-${i}`, available: true })),
      paused: () => false,
      readyAt: (job) => job.createdAt,
      now: () => Date.now(),
    },
  });
  // Some traffic, so counters and the histogram have series to write.
  for (const h of health) {
    metrics.observer.bytesSent(h.name, 1_000_000);
    metrics.observer.attemptFailed(h.name, new Error('x'), 'retry');
  }
  let size = 0;
  for (let k = 0; k < 20; k++) size = (await metrics.scrape()).length; // warm-up

  const raw = new Database(file, { readonly: true });
  const countAll = raw.prepare('SELECT count(*) AS n FROM jobs');
  // What a scrape would cost without the trigger-kept totals and the destination+state index.
  const naive = raw.prepare(`SELECT destination, state, COUNT(*) AS n, SUM(size) AS bytes, MIN(created_at) AS oldest
    FROM jobs GROUP BY destination, state`);
  const scrape: number[] = [];
  const page: number[] = [];
  const count: number[] = [];
  const grouped: number[] = [];
  for (let k = 0; k < ROUNDS; k++) {
    scrape.push(await timeAsync(() => metrics.scrape()));
    page.push(time(() => outbox.list({ limit: 100 })));
    count.push(time(() => countAll.get()));
    if (k < 50) grouped.push(time(() => naive.all()));
  }
  raw.close();
  await metrics.close();
  outbox.close();
  return { scrape: stats(scrape), page: stats(page), count: stats(count), grouped: stats(grouped), size };
}

async function main() {
  console.log(`metrics bench: a scrape at ${TOTAL} jobs (and at ${SMALL}), ${ROUNDS} rounds, file in ${dir}\n`);
  const small = await measure(SMALL);
  const big = await measure(TOTAL);
  const ratio = (a: { p50: number }, b: { p50: number }) => (a.p50 / b.p50).toFixed(2);
  console.log(`at ${TOTAL} jobs (exposition ${(big.size / 1024).toFixed(1)} KiB)`);
  row('scrape (GET /metrics body)', big.scrape);
  row('  reference: queue:list first page (100 rows)', big.page);
  row('  reference: SELECT count(*) FROM jobs', big.count);
  row('  naive scrape: GROUP BY over every job', big.grouped);
  console.log(`\nat ${SMALL} jobs`);
  row('scrape (GET /metrics body)', small.scrape);
  console.log('\nratios (p50)');
  console.log(`  scrape / queue:list first page        ${ratio(big.scrape, big.page)}`);
  console.log(`  scrape / SELECT count(*)              ${ratio(big.scrape, big.count)}`);
  console.log(`  naive GROUP BY / scrape               ${ratio(big.grouped, big.scrape)}`);
  console.log(`  scrape at ${TOTAL} / scrape at ${SMALL}     ${ratio(big.scrape, small.scrape)}`);
  rmSync(dir, { recursive: true, force: true });
}

await main();
