// CLI start-up, the way a person or a monitoring script runs it: `callrelay --help` and
// `callrelay status --json` on an outbox of 100,000 jobs, each spawned 10 times (median, p90),
// against bare `node -e ''` in the same run (the floor any Node CLI pays) and the same CLI run
// from source through tsx.
// Run: npx tsx bench/cli-start-bench.ts [--jobs=100000] (builds the CLI first)
// Not part of npm test: figures depend on the machine; the ratios are what to compare.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { systemClock } from '../electron/core/clock.js';
import { createSilentLogger } from '../electron/core/logger.js';
import { openOutbox } from '../electron/core/outbox/outbox.js';
import { input } from './outbox-fixtures.js';
import { buildCli } from '../scripts/build-cli.mjs';
import { median } from './measure.js';

const jobsArg = process.argv.find((a) => a.startsWith('--jobs='));
const TOTAL = Number(jobsArg?.slice('--jobs='.length) ?? 100_000);
const RUNS = 10;
const bin = resolve(import.meta.dirname, '..', 'bin', 'callrelay.js');
const cliSource = resolve(import.meta.dirname, '..', 'electron', 'cli.ts');
const dir = mkdtempSync(join(tmpdir(), 'callrelay-cli-bench-'));

function timeRuns(args: string[]): number[] {
  const samples: number[] = [];
  for (let k = 0; k < RUNS; k++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
    samples.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  }
  return samples.sort((a, b) => a - b);
}

const p90 = (s: number[]) => s[Math.ceil(s.length * 0.9) - 1] ?? NaN;

function main(): void {
  const outbox = openOutbox({ file: join(dir, 'outbox.db'), clock: systemClock, logger: createSilentLogger() });
  for (let n = 0; n < TOTAL; n += 1000) {
    outbox.enqueueMany(Array.from({ length: Math.min(1000, TOTAL - n) }, (_, k) => input(n + k)));
  }
  outbox.close();
  const rows: [string, number[]][] = [
    ["node -e ''", timeRuns(['-e', ''])],
    ['callrelay --help', timeRuns([bin, '--help'])],
    [`callrelay status --json (${TOTAL} jobs)`, timeRuns([bin, 'status', '--json', '--data', dir])],
    // The same CLI run from source through tsx, as bin/callrelay.js did before the build.
    ['tsx electron/cli.ts --help (source)', timeRuns(['--import', 'tsx', cliSource, '--help'])],
  ];
  const floor = median(rows[0]![1]);
  console.log(`CLI start-up, ${RUNS} runs each (ms)\n`);
  console.log(`${'command'.padEnd(42)} ${'median'.padStart(8)} ${'p90'.padStart(8)}  ×node`);
  for (const [name, s] of rows) {
    console.log(
      `${name.padEnd(42)} ${median(s).toFixed(0).padStart(8)} ${p90(s).toFixed(0).padStart(8)}  ${(median(s) / floor).toFixed(2)}`,
    );
  }
}

try {
  await buildCli();
  main();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
