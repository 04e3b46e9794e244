// The whole pipeline the user's way: a real `callrelay serve` process watching a real folder,
// recordings dropped into it, delivered to the sandbox's comswise emulation — against curl doing
// the same requests to the same server in the same run. Server-side timing: the sandbox records
// each request from its arrival to its answer's last byte, so both sides are timed by one clock
// that neither client controls.
//   npx tsx bench/pipeline-bench.ts                 every case
//   npx tsx bench/pipeline-bench.ts --only=big      1 GiB (and 4 GiB) vs curl, serve's peak RSS
//   npx tsx bench/pipeline-bench.ts --only=small    200 × 5 MB, all three comswise steps, 4 at a time
// Options: --rounds=N (big case, default 3), --sizes=1024,4096 (MiB), --count=200, --profile=DIR,
// --serve-root=DIR (serve from another checkout, built with `npm run build:cli`, for a before/after pair).
// Recordings are WAV headers over random bytes (incompressible, unique per round), written and
// read once before the drop so the page cache, not the disk, is what the transfer reads.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import type { DestinationConfig } from '../shared/config.js';
import type { SandboxRequest } from '../electron/headless/sandbox/exchange.js';
import { wavHeader } from '../test/fixtures/audio/wav.js';
import { median, pool } from './measure.js';

const run = promisify(execFile);
const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? null;
const only = arg('only');
const ROUNDS = Number(arg('rounds') ?? 3);
const SIZES_MIB = (arg('sizes') ?? '1024,4096').split(',').map(Number);
const COUNT = Number(arg('count') ?? 200);
/** `--profile=DIR` writes a V8 CPU profile of each serve process there (open it in Chrome DevTools). */
const PROFILE_DIR = arg('profile');
/** `--node-flags="--trace-gc ..."` starts serve with these V8/Node flags; `--serve-log=FILE` keeps its output. */
const NODE_FLAGS = (arg('node-flags') ?? '').split(' ').filter(Boolean);
const SERVE_LOG = arg('serve-log');
// Another checkout's serve (built with `npm run build:cli`), e.g. the code before a change.
const SERVE_ROOT = arg('serve-root');
const SMALL = 5 * 1000 * 1000;
const MiB = 1024 * 1024;
const CONCURRENCY = 4;
const TOKEN = crypto.randomBytes(24).toString('hex');
const root = path.resolve(import.meta.dirname, '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-pipeline-bench-'));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Writes a recording of `size` random bytes behind a WAV header, then reads it once (page cache). */
function writeRecording(file: string, size: number): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, wavHeader(size - 44));
    const block = Buffer.alloc(4 * MiB);
    for (let left = size - 44; left > 0; left -= block.length) {
      crypto.randomFillSync(block);
      fs.writeSync(fd, block, 0, Math.min(left, block.length));
    }
  } finally {
    fs.closeSync(fd);
  }
  const read = fs.openSync(file, 'r');
  const block = Buffer.alloc(4 * MiB);
  while (fs.readSync(read, block) > 0);
  fs.closeSync(read);
}

/** CPU seconds (user + system, every thread) a process has used so far, from /proc. */
function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

interface SandboxChild {
  url: string;
  pid: number;
  configs: DestinationConfig[];
  requests(): Promise<SandboxRequest[]>;
  stop(): void;
}

async function startSandbox(): Promise<SandboxChild> {
  const dataDir = fs.mkdtempSync(path.join(fs.existsSync('/dev/shm') ? '/dev/shm' : tmp, 'callrelay-bench-sb-'));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'bench', 'upload-sandbox-child.ts'), dataDir],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`sandbox exited early (${code})`)));
  });
  const info = JSON.parse(line) as { url: string; configs: DestinationConfig[] };
  return {
    ...info,
    pid: child.pid!,
    async requests() {
      const res = await fetch(`${info.url}/__sandbox/requests`);
      return ((await res.json()) as { requests: SandboxRequest[] }).requests;
    },
    stop() {
      child.kill('SIGTERM');
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

interface Serve {
  child: ChildProcess;
  url: string;
  folder: string;
  /** Peak resident memory of the serve process so far (VmHWM). */
  peakRssMb(): number;
  stop(): Promise<void>;
}

async function startServe(sandbox: SandboxChild, label: string): Promise<Serve> {
  const dir = fs.mkdtempSync(path.join(tmp, `serve-${label}-`));
  const folder = path.join(dir, 'recordings');
  fs.mkdirSync(folder);
  const comswise = sandbox.configs.find((c) => c.kind === 'comswise')!;
  const config = {
    destinations: [{ ...comswise, concurrency: CONCURRENCY }],
    folders: [{ path: folder, destination: comswise.name, quietPeriodMs: 300, defaults: { groupingId: 'bench' } }],
  };
  const configFile = path.join(dir, 'config.json');
  fs.writeFileSync(configFile, JSON.stringify(config), { mode: 0o600 });
  const child = spawn(
    process.execPath,
    [
      ...(PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : []),
      ...NODE_FLAGS,
      'bin/callrelay.js',
      'serve',
      '--config',
      configFile,
      '--data',
      path.join(dir, 'data'),
      '--port',
      '0',
      '--token',
      TOKEN,
    ],
    {
      cwd: SERVE_ROOT ? path.resolve(SERVE_ROOT) : root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LOG_LEVEL: 'warn' },
    },
  );
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${output}`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (SERVE_LOG) fs.appendFileSync(SERVE_LOG, chunk);
      output += chunk.toString();
      const match = /CallRelay is running:\s+(https?:\/\/[^\s#]+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      if (SERVE_LOG) fs.appendFileSync(SERVE_LOG, chunk);
      output += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${output}`)));
  });
  return {
    child,
    url,
    folder,
    peakRssMb() {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    },
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(15_000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/** Waits until the sandbox holds `count` comswise creates more than `before`; returns all requests. */
async function waitForCreates(sandbox: SandboxChild, before: number, count: number, limitMs: number) {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const requests = await sandbox.requests();
    const creates = requests.filter((r) => r.path.endsWith('/calls/create') && r.status === 200);
    if (creates.length >= before + count) return requests;
    if (Date.now() > deadline) throw new Error(`only ${creates.length - before} of ${count} calls arrived in time`);
    await sleep(100);
  }
}

const countCreates = async (sandbox: SandboxChild) =>
  (await sandbox.requests()).filter((r) => r.path.endsWith('/calls/create') && r.status === 200).length;

/** The PUT that carried `bytes` bytes, newest first (the one a side just sent). */
function lastPut(requests: SandboxRequest[], bytes: number): SandboxRequest {
  const put = [...requests]
    .reverse()
    .find((r) => r.method === 'PUT' && r.bodyBytes === bytes && r.status === 200 && r.durationMs !== null);
  if (!put) throw new Error(`no PUT of ${bytes} bytes reached the sandbox`);
  return put;
}

/** Runs curl; `cpu` gets the CPU seconds curl itself used (the shell's `times` for its child). */
async function curl(args: string[], cpu?: (seconds: number) => void): Promise<string> {
  const { stdout, stderr } = await run(
    'bash',
    ['-c', 'curl "$@"; code=$?; times >&2; exit $code', 'bash', '-sS', '--fail-with-body', '-H', 'Expect:', ...args],
    { maxBuffer: 16 * MiB },
  );
  const children = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/.exec(stderr.trim());
  if (cpu && children)
    cpu(Number(children[1]) * 60 + Number(children[2]) + Number(children[3]) * 60 + Number(children[4]));
  return stdout;
}

/** curl's comswise delivery: request an upload URL, PUT the bytes, create the call. */
async function curlDeliver(
  comswise: DestinationConfig,
  file: string,
  withCreate: boolean,
  putCpu?: (seconds: number) => void,
): Promise<void> {
  const auth = ['-H', `authorization: Bearer ${(comswise.auth as { token: string }).token}`];
  const json = ['-H', 'content-type: application/json'];
  const target = JSON.parse(
    await curl([
      ...auth,
      ...json,
      '-d',
      JSON.stringify({ fileName: path.basename(file), contentType: 'audio/wav' }),
      `${comswise.baseUrl}/upload/request`,
    ]),
  ) as { uploadUrl: string; fileKey: string };
  await curl(['-X', 'PUT', '-H', 'content-type: audio/wav', '-T', file, '-o', '/dev/null', target.uploadUrl], putCpu);
  if (!withCreate) return;
  const call = {
    callId: crypto.randomUUID(),
    groupingId: 'bench',
    startTime: new Date().toISOString(),
    recordingUrl: target.fileKey,
  };
  await curl([...auth, ...json, '-d', JSON.stringify(call), '-o', '/dev/null', `${comswise.baseUrl}/calls/create`]);
}

/**
 * CPU use of the given processes sampled every 50 ms, so the CPU spent inside a server-timed
 * window (one PUT) can be read off afterwards.
 */
function sampleCpu(pids: Record<string, number>) {
  const samples: { at: number; cpu: Record<string, number> }[] = [];
  const take = () => {
    const cpu: Record<string, number> = {};
    for (const [name, pid] of Object.entries(pids)) cpu[name] = cpuSeconds(pid);
    samples.push({ at: Date.now(), cpu });
  };
  take();
  const timer = setInterval(take, 50);
  const nearest = (at: number) => samples.reduce((a, b) => (Math.abs(b.at - at) < Math.abs(a.at - at) ? b : a));
  return {
    /** CPU seconds each process used during the request (from its arrival to its answer). */
    during(request: SandboxRequest): Record<string, number> {
      take();
      const from = Date.parse(request.at);
      const a = nearest(from).cpu;
      const b = nearest(from + request.durationMs!).cpu;
      return Object.fromEntries(Object.keys(pids).map((name) => [name, b[name]! - a[name]!]));
    },
    stop: () => clearInterval(timer),
  };
}

/** One big recording through serve and through curl, `ROUNDS` times interleaved; server-timed PUTs. */
async function bigCase(sandbox: SandboxChild, sizeMiB: number): Promise<void> {
  const size = sizeMiB * MiB;
  const comswise = sandbox.configs.find((c) => c.kind === 'comswise')!;
  const serve = await startServe(sandbox, `big-${sizeMiB}`);
  const stage = path.join(tmp, `stage-${sizeMiB}`);
  fs.mkdirSync(stage, { recursive: true });
  const ratios: number[] = [];
  const ours: number[] = [];
  const theirs: number[] = [];
  const cpu = sampleCpu({ serve: serve.child.pid!, sandbox: sandbox.pid });
  // CPU seconds per GiB moved, per round: serve and the sandbox during serve's PUT, curl and the
  // sandbox during curl's. The machine's 2 cores carry both ends, so this is where time goes.
  const cpuPerGiB = {
    serve: [] as number[],
    sandboxServe: [] as number[],
    curl: [] as number[],
    sandboxCurl: [] as number[],
  };
  const perGiB = (seconds: number) => seconds / (size / (1024 * MiB));
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const staged = path.join(stage, `call-${sizeMiB}-${round}.wav`);
      writeRecording(staged, size);
      // curl first, then serve, alternating the order each round so drift hurts both alike.
      const sides = round % 2 === 0 ? (['curl', 'serve'] as const) : (['serve', 'curl'] as const);
      for (const side of sides) {
        if (side === 'curl') {
          let curlCpu = 0;
          await curlDeliver(comswise, staged, false, (seconds) => (curlCpu = seconds));
          const put = lastPut(await sandbox.requests(), size);
          theirs.push(put.durationMs!);
          cpuPerGiB.curl.push(perGiB(curlCpu));
          cpuPerGiB.sandboxCurl.push(perGiB(cpu.during(put).sandbox!));
        } else {
          const before = await countCreates(sandbox);
          const dropped = path.join(serve.folder, path.basename(staged));
          fs.renameSync(staged, dropped);
          const requests = await waitForCreates(sandbox, before, 1, 10 * 60_000);
          const put = lastPut(requests, size);
          ours.push(put.durationMs!);
          const used = cpu.during(put);
          cpuPerGiB.serve.push(perGiB(used.serve!));
          cpuPerGiB.sandboxServe.push(perGiB(used.sandbox!));
          fs.renameSync(dropped, staged);
        }
      }
      ratios.push(theirs.at(-1)! / ours.at(-1)!);
      fs.rmSync(staged, { force: true });
      const mbps = (ms: number) => (size / 1e6 / (ms / 1000)).toFixed(0);
      console.log(
        `${sizeMiB} MiB round ${round + 1}: serve ${mbps(ours.at(-1)!)} MB/s, curl ${mbps(theirs.at(-1)!)} MB/s, ratio ${ratios.at(-1)!.toFixed(2)}`,
      );
    }
    console.log(
      `${sizeMiB} MiB through serve vs curl (server-timed PUT): median ratio ${median(ratios).toFixed(2)} ` +
        `(min ${Math.min(...ratios).toFixed(2)}, max ${Math.max(...ratios).toFixed(2)}); ` +
        `serve peak RSS ${serve.peakRssMb().toFixed(0)} MB`,
    );
    const med = (values: number[]) => median(values).toFixed(2);
    console.log(
      `${sizeMiB} MiB CPU s/GiB during the PUT (median): serve ${med(cpuPerGiB.serve)} + sandbox ${med(cpuPerGiB.sandboxServe)}; ` +
        `curl ${med(cpuPerGiB.curl)} + sandbox ${med(cpuPerGiB.sandboxCurl)}`,
    );
  } finally {
    cpu.stop();
    await serve.stop();
  }
}

/** COUNT × 5 MB dropped at once, every comswise step, 4 at a time, against a curl script doing the same. */
async function smallCase(sandbox: SandboxChild): Promise<void> {
  const comswise = sandbox.configs.find((c) => c.kind === 'comswise')!;
  const stage = path.join(tmp, 'stage-small');
  fs.mkdirSync(stage, { recursive: true });
  const write = (tag: string) =>
    Array.from({ length: COUNT }, (_, i) => {
      const file = path.join(stage, `${tag}-${String(i).padStart(4, '0')}.wav`);
      writeRecording(file, SMALL);
      return file;
    });

  const curlFiles = write('curl');
  const curlStart = performance.now();
  await pool(curlFiles, CONCURRENCY, (file) => curlDeliver(comswise, file, true));
  const curlSec = (performance.now() - curlStart) / 1000;

  const serve = await startServe(sandbox, 'small');
  try {
    const ourFiles = write('serve');
    const before = await countCreates(sandbox);
    const dropStart = performance.now();
    for (const file of ourFiles) fs.renameSync(file, path.join(serve.folder, path.basename(file)));
    await waitForCreates(sandbox, before, COUNT, 10 * 60_000);
    const serveSec = (performance.now() - dropStart) / 1000;
    console.log(
      `${COUNT} × 5 MB, all three steps, ${CONCURRENCY} at a time: serve ${serveSec.toFixed(1)} s from the drop ` +
        `(includes the 0.3 s quiet period, hashing and the probe), curl script ${curlSec.toFixed(1)} s; ` +
        `ratio ${(curlSec / serveSec).toFixed(2)}; serve peak RSS ${serve.peakRssMb().toFixed(0)} MB`,
    );
  } finally {
    await serve.stop();
  }
}

async function main(): Promise<void> {
  console.log(
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}; ${os.cpus().length} cores`,
  );
  const sandbox = await startSandbox();
  try {
    if (only !== 'small') for (const size of SIZES_MIB) await bigCase(sandbox, size);
    if (only !== 'big') await smallCase(sandbox);
  } finally {
    sandbox.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
