// Upload throughput of CallRelay's destinations against curl, same bytes, same server, same run.
//   npx tsx bench/upload-bench.ts            1 GiB file + 500 × 5 MB, comswise PUT and tus
//   npx tsx bench/upload-bench.ts --quick    256 MiB + 100 × 5 MB
//   add --only=big or --only=small for one case; big runs 3 rounds, small 2, sides interleaved
// Sides: curl; CallRelay with a plain file stream as the body; CallRelay with the engine's own
// throttled body (bucket unlimited, read buffers lent to the HTTP layer), which is what the app sends.
// The sandbox runs in a child process; peak RSS is this (client) process's. Files are sparse, so
// the disk is not what is measured. Each transfer is timed from its first request to the last
// answer; upload URLs (comswise) and tus uploads are obtained beforehand, untimed, for both
// sides, so both move exactly the same bytes over the same kind of request.
// Curl's CPU comes from /usr/bin/time (10 ms steps), so it reads 0 for 5 MB files.
//
// Figures (2 shared cores, loaded by other work; engine body vs curl, best / median of rounds):
//   1 GiB, comswise PUT  0.84–0.96 / 0.95–1.00, client CPU 0.17–0.20 s/GiB (curl 0.11–0.15)
//   1 GiB, tus PATCH     0.75–1.00 / 0.87–0.94, client CPU 0.17 s/GiB (curl 0.09–0.10)
//   peak RSS 146–154 MB for the 1 GiB file; 165–200 MB for 500 × 5 MB at c4, where this process
//   alone already sits at 150–165 MB (curl's rounds); 500 × 5 MB ratios 1.01–1.47.
//   Before the engine body lent its buffers (fresh 1 MiB per read): 0.78 / 0.77, 0.96–0.99 s/GiB.
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import type { RecordingInfo } from '../shared/model.js';
import { createDestination } from '../electron/core/destinations/create-destination.js';
import { systemClock } from '../electron/core/clock.js';
import { createSilentLogger } from '../electron/core/logger.js';
import { benchContext, engineBody, startSandboxChild, stepsWith } from './bench-delivery.js';
import { median, pool } from './measure.js';

const run = promisify(execFile);
const quick = process.argv.includes('--quick');
/** `--only=big` or `--only=small` runs one case (for profiling one of them). */
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length) ?? null;
const MiB = 1024 * 1024;
const BIG = quick ? 256 * MiB : 1024 * MiB;
const SMALL = 5 * 1000 * 1000;
const COUNT = quick ? 100 : 500;
const CONCURRENCY = 4;
const CURL = '/usr/bin/curl';
const TIME = '/usr/bin/time';
/** Read size of the file stream handed to the destination (the engine's openBody decides it in the app). */
const READ_CHUNK = Number(process.env.BENCH_READ_CHUNK ?? 64 * 1024);

const SIDES = ['curl', 'CallRelay', 'CallRelay+engine body'] as const;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-upload-bench-'));
// tus uploads land in memory (tmpfs) when there is one, so disk writeback does not decide the race.
const shm = fs.existsSync('/dev/shm') ? fs.mkdtempSync('/dev/shm/callrelay-upload-bench-') : null;
const dataDir = path.join(shm ?? tmp, 'sandbox');

let peak = 0;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 20);
const resetPeak = () => {
  peak = process.memoryUsage().rss;
};

function sparse(file: string, size: number): void {
  fs.writeFileSync(file, '');
  fs.truncateSync(file, size);
}

function zeroSha(size: number): string {
  const hash = crypto.createHash('sha256');
  const block = Buffer.alloc(MiB);
  for (let left = size; left > 0; left -= MiB) hash.update(left >= MiB ? block : block.subarray(0, left));
  return hash.digest('hex');
}

function recordingOf(file: string, size: number, sha256: string): RecordingInfo {
  return {
    path: file,
    fileName: path.basename(file),
    sizeBytes: size,
    mtimeMs: Date.now(),
    sha256,
    contentType: 'audio/wav',
    durationSec: null,
    channels: null,
    sampleRate: null,
    codec: null,
  };
}

type BodyKind = 'file' | 'engine';
function openBody(recording: RecordingInfo, kind: BodyKind, start: number): Readable {
  if (kind === 'file') return fs.createReadStream(recording.path, { start, highWaterMark: READ_CHUNK });
  return engineBody(recording.path, start);
}

async function main(): Promise<void> {
  const sandbox = await startSandboxChild(dataDir);
  const comswise = sandbox.configs.find((c) => c.kind === 'comswise')!;
  const tus = sandbox.configs.find((c) => c.kind === 'tus')!;
  const token = (comswise.auth as { token: string }).token;
  const tusHeaders = (tus.auth as { headers: Record<string, string> }).headers;
  const deps = { logger: createSilentLogger(), clock: systemClock };
  const comswiseDest = createDestination(comswise, deps);
  const tusDest = createDestination(tus, deps);

  async function uploadUrl(fileName: string): Promise<{ uploadUrl: string; fileKey: string }> {
    const res = await fetch(`${comswise.baseUrl}/upload/request`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ fileName, contentType: 'audio/wav' }),
    });
    return (await res.json()) as { uploadUrl: string; fileKey: string };
  }
  async function tusUpload(size: number): Promise<string> {
    const res = await fetch(tus.baseUrl, {
      method: 'POST',
      headers: { ...tusHeaders, 'tus-resumable': '1.0.0', 'upload-length': String(size) },
    });
    if (res.status !== 201) throw new Error(`tus creation failed: ${res.status}`);
    return new URL(res.headers.get('location')!, tus.baseUrl).toString();
  }
  const clearTus = () => {
    const dir = path.join(dataDir, 'tus');
    for (const f of fs.readdirSync(dir)) fs.rmSync(path.join(dir, f), { force: true });
  };

  let curlCpuSec = 0;
  async function curl(args: string[]): Promise<void> {
    const { stdout, stderr } = await run(TIME, [
      '-f',
      'cpu %U %S',
      CURL,
      '-sS',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '-H',
      'Expect:',
      ...args,
    ]);
    if (!/^2\d\d$/.test(stdout.trim())) throw new Error(`curl answered ${stdout} ${stderr}`);
    const cpu = stderr.match(/cpu ([\d.]+) ([\d.]+)/);
    if (cpu) curlCpuSec += Number(cpu[1]) + Number(cpu[2]);
  }

  async function comswiseOurs(rec: RecordingInfo, body: BodyKind): Promise<number> {
    const target = await uploadUrl(rec.fileName);
    const steps = stepsWith({
      'upload-url': { ...target, contentType: 'audio/wav', expiresAt: null },
      'create-call': { remoteId: 'bench', status: null },
    });
    const t = performance.now();
    await comswiseDest.deliver(benchContext(rec, steps, (start) => openBody(rec, body, start)));
    return performance.now() - t;
  }
  async function tusOurs(rec: RecordingInfo, body: BodyKind): Promise<number> {
    const steps = stepsWith({ 'tus-upload': { uploadUrl: await tusUpload(rec.sizeBytes) } });
    const t = performance.now();
    await tusDest.deliver(benchContext(rec, steps, (start) => openBody(rec, body, start)));
    return performance.now() - t;
  }

  // Each transfer, one side at a time, with setup (URL, tus creation) outside the timing.
  const transfers = {
    'comswise PUT / CallRelay': (rec: RecordingInfo) => comswiseOurs(rec, 'file'),
    'comswise PUT / CallRelay+engine body': (rec: RecordingInfo) => comswiseOurs(rec, 'engine'),
    async 'comswise PUT / curl'(rec: RecordingInfo) {
      const target = await uploadUrl(rec.fileName);
      const t = performance.now();
      await curl(['-X', 'PUT', '-H', 'content-type: audio/wav', '-T', rec.path, target.uploadUrl]);
      return performance.now() - t;
    },
    'tus PATCH / CallRelay': (rec: RecordingInfo) => tusOurs(rec, 'file'),
    'tus PATCH / CallRelay+engine body': (rec: RecordingInfo) => tusOurs(rec, 'engine'),
    async 'tus PATCH / curl'(rec: RecordingInfo) {
      const url = await tusUpload(rec.sizeBytes);
      const headers = Object.entries(tusHeaders).flatMap(([k, v]) => ['-H', `${k}: ${v}`]);
      const t = performance.now();
      await curl([
        '-X',
        'PATCH',
        ...headers,
        '-H',
        'tus-resumable: 1.0.0',
        '-H',
        'upload-offset: 0',
        '-H',
        'content-type: application/offset+octet-stream',
        '-T',
        rec.path,
        url,
      ]);
      return performance.now() - t;
    },
  };
  type Name = keyof typeof transfers;

  const results: {
    case: string;
    side: string;
    seconds: number;
    mbPerSec: number;
    peakRssMb: number;
    clientCpuSecPerGiB: number;
  }[] = [];
  async function measure(label: string, name: Name, recs: RecordingInfo[]) {
    global.gc?.();
    resetPeak();
    curlCpuSec = 0;
    const cpu0 = process.cpuUsage();
    const t = performance.now();
    let busy = 0;
    await pool(recs, recs.length === 1 ? 1 : CONCURRENCY, async (rec) => {
      busy += await transfers[name](rec);
    });
    const wall = (performance.now() - t) / 1000;
    const own = process.cpuUsage(cpu0);
    // The client's CPU: curl's own for curl; this process's for CallRelay (setup requests included).
    const cpuSec = name.endsWith('/ curl') ? curlCpuSec : (own.user + own.system) / 1e6;
    const bytes = recs.reduce((s, r) => s + r.sizeBytes, 0);
    // A single file: its transfer time. Many: wall time of the pool (setup included on both sides alike).
    const seconds = recs.length === 1 ? busy / 1000 : wall;
    results.push({
      case: label,
      side: name,
      seconds: Number(seconds.toFixed(2)),
      mbPerSec: Number((bytes / 1e6 / seconds).toFixed(1)),
      peakRssMb: Number((peak / 1e6).toFixed(0)),
      clientCpuSecPerGiB: Number(((cpuSec * 1024 ** 3) / bytes).toFixed(2)),
    });
    console.log(
      `${label.padEnd(16)} ${name.padEnd(26)} ${seconds.toFixed(2)} s  ${(bytes / 1e6 / seconds).toFixed(1)} MB/s  peak RSS ${(peak / 1e6).toFixed(0)} MB`,
    );
    clearTus();
  }

  const bigFile = path.join(tmp, 'big.wav');
  sparse(bigFile, BIG);
  const big = recordingOf(bigFile, BIG, zeroSha(BIG));
  const smallSha = zeroSha(SMALL);
  const smalls = Array.from({ length: COUNT }, (_, i) => {
    const file = path.join(tmp, `small-${String(i).padStart(3, '0')}.wav`);
    sparse(file, SMALL);
    return recordingOf(file, SMALL, smallSha);
  });
  const bigLabel = `${BIG / MiB} MiB ×1`;
  const smallLabel = `5 MB ×${COUNT} c${CONCURRENCY}`;
  console.log(
    `baseline RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB; load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );

  try {
    // Interleaved and repeated, so a busy neighbour hurts both sides alike.
    for (let round = 0; round < 3 && only !== 'small'; round++) {
      for (const side of SIDES) {
        await measure(bigLabel, `comswise PUT / ${side}`, [big]);
        await measure(bigLabel, `tus PATCH / ${side}`, [big]);
      }
    }
    for (let round = 0; round < 2 && only !== 'big'; round++) {
      for (const side of SIDES) {
        await measure(smallLabel, `comswise PUT / ${side}`, smalls);
        await measure(smallLabel, `tus PATCH / ${side}`, smalls);
      }
    }
  } finally {
    sandbox.stop();
    clearInterval(sampler);
    fs.rmSync(tmp, { recursive: true, force: true });
    if (shm) fs.rmSync(shm, { recursive: true, force: true });
  }

  console.log(
    '\nratio = CallRelay throughput / curl throughput: best run of each side, and the median of the rounds ' +
      '(each round pairs the sides run back to back, so a busy neighbour hurts both alike)',
  );
  for (const label of [bigLabel, smallLabel].filter((l) => results.some((r) => r.case === l))) {
    for (const path of ['comswise PUT', 'tus PATCH']) {
      const of = (side: string) => results.filter((r) => r.case === label && r.side === `${path} / ${side}`);
      const best = (side: string) => Math.max(...of(side).map((r) => r.mbPerSec));
      const theirs = best('curl');
      for (const side of SIDES.slice(1)) {
        const rss = Math.max(...of(side).map((r) => r.peakRssMb));
        const cpu = (which: string) => Math.min(...of(which).map((r) => r.clientCpuSecPerGiB));
        const ours = of(side);
        const paired = of('curl').map((c, i) => (ours[i] ? ours[i].mbPerSec / c.mbPerSec : NaN));
        const typical = median(paired.filter((r) => Number.isFinite(r)));
        console.log(
          `${label.padEnd(16)} ${path.padEnd(13)} ${side.padEnd(22)} ${best(side)} MB/s vs curl ${theirs} MB/s, ratio ${(best(side) / theirs).toFixed(2)} (median of rounds ${typical.toFixed(2)}), peak RSS ${rss} MB, client CPU ${cpu(side)} vs ${cpu('curl')} s/GiB`,
        );
      }
    }
  }
  console.log(`process max RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}

await main();
