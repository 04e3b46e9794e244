// Upload throughput through a forward proxy against direct, same file, same server, same run.
//   npx tsx bench/proxy-bench.ts [--quick] [--rounds=N]
// One 1 GiB file (256 MiB with --quick) PUT to the comswise sandbox's presigned URL, four sides
// interleaved per round: CallRelay direct, CallRelay through tinyproxy (HTTP_PROXY, the same
// route the app builds), and curl direct / curl -x through the same tinyproxy as the reference.
// The ratio that matters is proxied/direct for CallRelay beside the same ratio for curl: what the
// proxy itself costs is in both. The sandbox runs in a child process; the file is sparse.
// Needs /usr/bin/tinyproxy and /usr/bin/curl. The machine is shared: compare ratios, not MB/s.
//
// Figures (1 GiB, 3 rounds, 2 shared cores at load average ~14, so noisy): proxied/direct
// throughput CallRelay 1.06 best / 1.25 median, curl 0.59 / 0.72; CallRelay via proxy 1.99× curl
// via proxy (best).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { RecordingInfo } from '../shared/model.js';
import { createDestination } from '../electron/core/destinations/create-destination.js';
import { createNetwork } from '../electron/core/http/network.js';
import { systemClock } from '../electron/core/clock.js';
import { createSilentLogger } from '../electron/core/logger.js';
import { startTinyproxy } from '../test/fixtures/tinyproxy.js';
import { benchContext, startSandboxChild, stepsWith } from './bench-delivery.js';
import { median } from './measure.js';

const run = promisify(execFile);
const quick = process.argv.includes('--quick');
const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice(9) ?? 3);
const MiB = 1024 * 1024;
const SIZE = quick ? 256 * MiB : 1024 * MiB;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-proxy-bench-'));
const shm = fs.existsSync('/dev/shm') ? fs.mkdtempSync('/dev/shm/callrelay-proxy-bench-') : null;

async function main(): Promise<void> {
  const sandbox = await startSandboxChild(path.join(shm ?? tmp, 'sandbox'));
  const proxy = await startTinyproxy();
  const comswise = sandbox.configs.find((c) => c.kind === 'comswise')!;
  const token = (comswise.auth as { token: string }).token;
  const file = path.join(tmp, 'big.wav');
  fs.writeFileSync(file, '');
  fs.truncateSync(file, SIZE);
  const recording: RecordingInfo = {
    path: file,
    fileName: 'big.wav',
    sizeBytes: SIZE,
    mtimeMs: Date.now(),
    sha256: '0'.repeat(64),
    contentType: 'audio/wav',
    durationSec: null,
    channels: null,
    sampleRate: null,
    codec: null,
  };
  const network = createNetwork({ env: { HTTP_PROXY: proxy.url } });
  const proxied = createDestination(comswise, {
    logger: createSilentLogger(),
    clock: systemClock,
    route: network.forDestination({ name: 'bench' }, {}),
  });
  const direct = createDestination(comswise, { logger: createSilentLogger(), clock: systemClock });

  async function uploadUrl(): Promise<{ uploadUrl: string; fileKey: string }> {
    const res = await fetch(`${comswise.baseUrl}/upload/request`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ fileName: 'big.wav', contentType: 'audio/wav' }),
    });
    return (await res.json()) as { uploadUrl: string; fileKey: string };
  }
  async function ours(dest: typeof direct): Promise<number> {
    const target = await uploadUrl();
    const steps = stepsWith({
      'upload-url': { ...target, contentType: 'audio/wav', expiresAt: null },
      'create-call': { remoteId: 'bench', status: null },
    });
    const t = performance.now();
    await dest.deliver(benchContext(recording, steps));
    return performance.now() - t;
  }
  async function curl(viaProxy: boolean): Promise<number> {
    const target = await uploadUrl();
    const t = performance.now();
    const { stdout } = await run('/usr/bin/curl', [
      '-sS',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '-H',
      'Expect:',
      ...(viaProxy ? ['-x', proxy.url] : ['--noproxy', '*']),
      '-X',
      'PUT',
      '-H',
      'content-type: audio/wav',
      '-T',
      file,
      target.uploadUrl,
    ]);
    if (!/^2\d\d$/.test(stdout.trim())) throw new Error(`curl answered ${stdout}`);
    return performance.now() - t;
  }

  const sides = {
    'CallRelay direct': () => ours(direct),
    'CallRelay via proxy': () => ours(proxied),
    'curl direct': () => curl(false),
    'curl via proxy': () => curl(true),
  };
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(sides).map((k) => [k, []]));
  const before = proxy.requests().length;
  for (let r = 0; r < rounds; r++) {
    for (const [name, side] of Object.entries(sides)) {
      const ms = await side();
      times[name]!.push(ms);
      console.log(`round ${r + 1} ${name.padEnd(20)} ${((SIZE / MiB / ms) * 1000).toFixed(0).padStart(5)} MiB/s`);
    }
  }
  const throughProxy = proxy.requests().length - before;
  const mibs = (ms: number) => (SIZE / MiB / ms) * 1000;
  const best = (name: string) => Math.min(...times[name]!);
  const ratio = (a: string, b: string, f: (v: number[]) => number) => f(times[b]!) / f(times[a]!);
  console.log(
    `\n${SIZE / MiB} MiB, ${rounds} rounds, load ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  for (const name of Object.keys(sides)) {
    console.log(
      `${name.padEnd(20)} best ${mibs(best(name)).toFixed(0)} MiB/s, median ${mibs(median(times[name]!)).toFixed(0)} MiB/s`,
    );
  }
  const minOf = (v: number[]) => Math.min(...v);
  console.log(
    `proxied/direct throughput: CallRelay best ${ratio('CallRelay via proxy', 'CallRelay direct', minOf).toFixed(2)}, ` +
      `median ${ratio('CallRelay via proxy', 'CallRelay direct', median).toFixed(2)}; ` +
      `curl best ${ratio('curl via proxy', 'curl direct', minOf).toFixed(2)}, median ${ratio('curl via proxy', 'curl direct', median).toFixed(2)}`,
  );
  console.log(
    `CallRelay via proxy / curl via proxy: best ${(best('curl via proxy') / best('CallRelay via proxy')).toFixed(2)} ` +
      `(${throughProxy} requests seen in the proxy log)`,
  );
  await network.close();
  await proxy.close();
  sandbox.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
  if (shm) fs.rmSync(shm, { recursive: true, force: true });
}

await main();
