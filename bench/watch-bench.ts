// Watch benchmarks (run on demand: `npx tsx bench/watch-bench.ts [--files=100000] [--quiet=3000]`).
//
// 1. Detection latency: last byte written → job enqueued, minus the folder's quiet period.
// 2. Start-up scan of N existing files: time and peak RSS for the watcher to find every file and
//    release it through the stability gate, against a reference: a plain recursive
//    fs.readdir + stat walk of the same tree, in the same run.
// 3. Full intake the user's way: a real `callrelay serve` process started on a folder that
//    already holds the N files, each hashed, probed and enqueued into the SQLite outbox; timed
//    from the spawn until `queue:stats` counts N jobs, with serve's peak RSS (VmHWM). Its
//    destination is offline (nothing listens at its address), as at a site catching up, so no
//    delivery competes with the intake. `--profile=DIR` writes serve's CPU profile there.
//    `--lean=true` also runs the intake in-process over a port that keeps only keys (no SQLite).
// Each measurement runs in its own child process so RSS figures do not mix.
import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import { createServer } from 'node:net';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FolderConfig } from '../shared/config.js';
import { systemClock } from '../electron/core/clock.js';
import { createSilentLogger } from '../electron/core/logger.js';
import { createFolderWatcher } from '../electron/core/watch/folder-watcher.js';
import { createIntake } from '../electron/core/watch/intake.js';
import type { IntakePort } from '../electron/core/outbox/intake-port.js';
import { createFakeDestination } from '../test/fixtures/destinations/fake-destination.js';
import { createMemoryPort } from '../test/fixtures/outbox/memory-port.js';
import { makeWav, tinyWav } from '../test/fixtures/audio/wav.js';

const self = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(self), '..', '.bench-tmp', 'watch');
const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? 'true'];
  }),
);
const files = Number(args.files ?? 100_000);
const quietMs = Number(args.quiet ?? 3000);
const perDir = 1000;

function peakRss(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const t = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  return {
    stop() {
      clearInterval(t);
      return Math.max(peak, process.memoryUsage().rss);
    },
  };
}
const mb = (b: number) => Math.round(b / 1024 / 1024);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function makeTree(dir: string, count: number): void {
  const marker = path.join(dir, `.complete-${count}`);
  try {
    statSync(marker);
    return;
  } catch {
    rmSync(dir, { recursive: true, force: true });
  }
  for (let d = 0; d * perDir < count; d += 1) {
    const sub = path.join(dir, `d${String(d).padStart(4, '0')}`);
    mkdirSync(sub, { recursive: true });
    for (let i = 0; i < perDir && d * perDir + i < count; i += 1) {
      writeFileSync(path.join(sub, `r${i}.wav`), tinyWav(d * perDir + i));
    }
  }
  writeFileSync(marker, '');
}

async function walk(dir: string): Promise<number> {
  let n = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.name.startsWith('.')) continue;
    if (entry.isDirectory()) n += await walk(full);
    else if (entry.isFile()) {
      await stat(full);
      n += 1;
    }
  }
  return n;
}

async function phaseWalk(dir: string) {
  const rss = peakRss();
  const t = performance.now();
  const found = await walk(dir);
  return { found, ms: Math.round(performance.now() - t), peakRssMb: mb(rss.stop()) };
}

async function phaseWatch(dir: string) {
  const rss = peakRss();
  const t = performance.now();
  let released = 0;
  const folder = FolderConfig.parse({ path: dir, destination: 'bench', quietPeriodMs: quietMs });
  const watcher = createFolderWatcher({
    folder,
    logger: createSilentLogger(),
    clock: systemClock,
    onFile: () => (released += 1),
  });
  await watcher.start();
  const readyMs = Math.round(performance.now() - t);
  while (released < files) await sleep(20);
  const ms = Math.round(performance.now() - t);
  const peak = rss.stop();
  await watcher.close();
  return { found: released, readyMs, ms, msMinusQuiet: ms - quietMs, peakRssMb: mb(peak) };
}

/**
 * Keeps only the keys the intake asks about, as the SQLite outbox keeps jobs on disk: the memory
 * port of the tests holds every job object and would measure itself, not the intake.
 */
function createLeanPort(): IntakePort & { jobs: { length: number } } {
  const files = new Set<string>();
  const contents = new Map<string, string>();
  const jobs = { length: 0 };
  return {
    jobs,
    hasSeenFile: (p, size, mtime) => files.has(`${p}:${size}:${mtime}`),
    findBySha: (sha, destination) => {
      const id = contents.get(`${sha}:${destination}`);
      return id ? { id, state: 'queued' } : null;
    },
    enqueue: (input) => {
      const key = `${input.recording.sha256}:${input.destination}`;
      const existing = contents.get(key);
      if (existing) return { id: existing, created: false };
      jobs.length += 1;
      const id = `job-${jobs.length}`;
      contents.set(key, id);
      files.add(`${input.recording.path}:${input.recording.sizeBytes}:${input.recording.mtimeMs}`);
      return { id, created: true };
    },
  };
}

/** Intake over one folder watching `dir`, every file going to a fake destination. */
async function startIntake(dir: string, port: IntakePort) {
  const folder = FolderConfig.parse({ path: dir, destination: 'bench', quietPeriodMs: quietMs });
  const intake = createIntake({
    folders: [folder],
    port,
    getDestination: () => createFakeDestination('bench'),
    logger: createSilentLogger(),
    clock: systemClock,
  });
  await intake.start();
  return intake;
}

async function phaseIntake(dir: string) {
  const rss = peakRss();
  const t = performance.now();
  const port = createLeanPort();
  const intake = await startIntake(dir, port);
  while (port.jobs.length < files) await sleep(50);
  const ms = Math.round(performance.now() - t);
  const peak = rss.stop();
  await intake.close();
  return { enqueued: port.jobs.length, ms, perSecond: Math.round((files / ms) * 1000), peakRssMb: mb(peak) };
}

/** A loopback port nothing listens on: the destination there is offline from the start. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function phaseServe(dir: string) {
  // --serve-root runs another checkout's serve (built with `npm run build:cli`), e.g. the code
  // before a change, for a before/after pair in one run.
  const repo = args['serve-root'] ? path.resolve(String(args['serve-root'])) : path.resolve(path.dirname(self), '..');
  const work = path.join(root, `serve-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const config = {
    destinations: [
      {
        name: 'bench',
        kind: 'comswise',
        baseUrl: `http://127.0.0.1:${await closedPort()}/`,
        auth: { token: 'bench-token' },
      },
    ],
    folders: [{ path: dir, destination: 'bench', quietPeriodMs: quietMs, defaults: { groupingId: 'bench' } }],
  };
  const configFile = path.join(work, 'config.json');
  writeFileSync(configFile, JSON.stringify(config), { mode: 0o600 });
  const token = crypto.randomBytes(24).toString('hex');
  const profile = args.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(String(args.profile))}`] : [];
  const t = performance.now();
  const child = spawn(
    process.execPath,
    [...profile, 'bin/callrelay.js', 'serve', '--config', configFile, '--data', path.join(work, 'data')].concat([
      '--port',
      '0',
      '--token',
      token,
    ]),
    { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'warn' } },
  );
  let output = '';
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      output += c.toString();
      const match = /CallRelay is running:\s+(https?:\/\/[^\s#]+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${output}`)));
  });
  const listeningMs = Math.round(performance.now() - t);
  const peakRssMb = () =>
    Math.round(Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);
  const total = async () => {
    const res = await fetch(`${url}api/call/queue:stats`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: '{}',
    });
    const body = (await res.json()) as { ok: boolean; value?: { counts: Record<string, number> } };
    return Object.values(body.value?.counts ?? {}).reduce((a, b) => a + b, 0);
  };
  let jobs = 0;
  const limit = Date.now() + Number(args.limitMs ?? 1_800_000);
  while ((jobs = await total()) < files && Date.now() < limit) await sleep(250);
  const ms = Math.round(performance.now() - t);
  const peak = peakRssMb();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  rmSync(work, { recursive: true, force: true });
  return {
    enqueued: jobs,
    listeningMs,
    ms,
    msMinusQuiet: ms - quietMs,
    perSecond: Math.round((jobs / (ms - quietMs)) * 1000),
    peakRssMb: peak,
  };
}

async function phaseLatency(dir: string) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const port = createMemoryPort();
  const enqueuedAt = new Map<string, number>();
  const enqueue = port.enqueue.bind(port);
  port.enqueue = (input) => {
    enqueuedAt.set(input.recording.path, performance.now());
    return enqueue(input);
  };
  const intake = await startIntake(dir, port);
  const samples: number[] = [];
  const rounds = Number(args.rounds ?? 15);
  for (let i = 0; i < rounds; i += 1) {
    const file = path.join(dir, `call-${i}.wav`);
    const wav = makeWav({ seconds: 30, frequency: 200 + i * 10 });
    // Written in 10 pieces, as a recorder flushing its buffer; the clock starts at the last byte.
    for (let p = 0; p < 10; p += 1) {
      writeFileSync(file, wav.subarray(Math.floor((p * wav.length) / 10), Math.floor(((p + 1) * wav.length) / 10)), {
        flag: p === 0 ? 'w' : 'a',
      });
      await sleep(50);
    }
    const lastByte = performance.now() - 50;
    while (!enqueuedAt.has(file)) await sleep(5);
    samples.push((enqueuedAt.get(file) as number) - lastByte - quietMs);
  }
  await intake.close();
  samples.sort((a, b) => a - b);
  const q = (p: number) => Math.round(samples[Math.min(samples.length - 1, Math.floor(p * samples.length))] as number);
  return { rounds, quietMs, beyondQuietMs: { median: q(0.5), p95: q(0.95), max: q(1) } };
}

async function main() {
  const phase = args.phase;
  const tree = path.join(root, `tree-${files}`);
  if (phase) {
    const phases: Record<string, (dir: string) => Promise<unknown>> = {
      walk: phaseWalk,
      watch: phaseWatch,
      intake: phaseIntake,
      serve: phaseServe,
      latency: phaseLatency,
    };
    const run = phases[String(phase)];
    if (!run) throw new Error(`unknown phase ${phase}`);
    const result = await run(phase === 'latency' ? path.join(root, 'latency') : tree);
    process.stdout.write(JSON.stringify(result) + '\n');
    process.exit(0);
  }
  console.log(`creating ${files} files under ${tree} (kept for reruns)…`);
  makeTree(tree, files);
  const count = readdirSync(tree).filter((d) => d.startsWith('d')).length;
  console.log(`${count} directories ready`);
  const runPhase = (name: string, extra: string[] = []) => {
    const out = execFileSync(
      process.execPath,
      [...process.execArgv, self, ...process.argv.slice(2), ...extra, `--phase=${name}`],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 },
    );
    const result = JSON.parse(out.trim().split('\n').pop() as string);
    console.log(name.padEnd(8), extra.join(' '), JSON.stringify(result));
    return result;
  };
  execFileSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: path.resolve(path.dirname(self), '..') });
  const latency = args.latency === 'false' ? null : runPhase('latency');
  const walkResult = runPhase('walk');
  const watchResult = args.watch === 'false' ? null : runPhase('watch');
  const intakeResult = args.lean === 'true' ? runPhase('intake') : null;
  const serveResult = args.serve === 'false' ? null : runPhase('serve');
  const beforeResult = args.before ? runPhase('serve', [`--serve-root=${String(args.before)}`]) : null;
  console.log('\nsummary');
  if (latency) {
    console.log(
      `  detection latency beyond the ${quietMs} ms quiet period: median ${latency.beyondQuietMs.median} ms, p95 ${latency.beyondQuietMs.p95} ms, max ${latency.beyondQuietMs.max} ms (goal < 500 ms)`,
    );
  }
  console.log(
    `  reference walk (readdir + stat) of ${files} files: ${walkResult.ms} ms, peak RSS ${walkResult.peakRssMb} MB`,
  );
  if (watchResult)
    console.log(
      `  watcher start-up scan: chokidar ready ${watchResult.readyMs} ms, all ${watchResult.found} released by the gate ${watchResult.ms} ms (${watchResult.msMinusQuiet} ms without the quiet period; ${(watchResult.msMinusQuiet / walkResult.ms).toFixed(1)}× the walk), peak RSS ${watchResult.peakRssMb} MB (goal < 30 s, < 300 MB)`,
    );
  if (intakeResult) {
    console.log(
      `  in-process intake over a key-only port (no SQLite) of ${files} files: ${intakeResult.ms} ms (${intakeResult.perSecond}/s), peak RSS ${intakeResult.peakRssMb} MB`,
    );
  }
  if (serveResult) {
    console.log(
      `  full intake through \`callrelay serve\` (hash + probe + durable enqueue) of ${files} files: ${serveResult.ms} ms from spawn (listening after ${serveResult.listeningMs} ms), ${serveResult.perSecond} files/s without the ${quietMs} ms quiet period, ${(serveResult.msMinusQuiet / walkResult.ms).toFixed(1)}× the walk; serve's peak RSS ${serveResult.peakRssMb} MB (goal ≥ 2,000 files/s, < 250 MB)`,
    );
  }
  if (serveResult && beforeResult) {
    console.log(
      `  the same through ${String(args.before)}: ${beforeResult.perSecond} files/s, ${(beforeResult.msMinusQuiet / walkResult.ms).toFixed(1)}× the walk, peak RSS ${beforeResult.peakRssMb} MB; this checkout is ${(beforeResult.msMinusQuiet / serveResult.msMinusQuiet).toFixed(2)}× as fast`,
    );
  }
}

await main();
