// Behind a corporate proxy, with a real one: Debian's tinyproxy on loopback, its own log as the
// witness. Every destination kind delivers through it from a real `callrelay serve` with
// HTTP_PROXY/HTTPS_PROXY; NO_PROXY bypasses it; a proxy that wants Basic credentials works with
// env: secrets; a proxy that is down is named by `callrelay doctor`; a 200 MB upload keeps its
// bytes and the bandwidth limit through it, and a tus upload cut in the middle resumes through it.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Config, type ConfigInput } from '../../shared/config.js';
import type { ChannelOutput, NetworkReport } from '../../shared/contract.js';
import { destinationKinds, type DestinationKind } from '../../shared/model.js';
import { createCore } from '../../electron/core/create-core.js';
import { createDestination } from '../../electron/core/destinations/create-destination.js';
import { openThrottledBody } from '../../electron/core/engine/throttled-body.js';
import { createTokenBucket } from '../../electron/core/engine/token-bucket.js';
import { createNetwork } from '../../electron/core/http/network.js';
import { systemClock } from '../../electron/core/clock.js';
import { createSilentLogger, type Logger } from '../../electron/core/logger.js';
import { startSandbox, type Sandbox } from '../../electron/headless/sandbox/sandbox.js';
import { wavHeader, writeWav } from '../fixtures/audio/wav.js';
import { startServe } from '../fixtures/serve-process.js';
import { deliverInProcess as deliver, type DeliverOptions } from '../fixtures/core-delivery.js';
import { startTinyproxy, TINYPROXY, type Tinyproxy } from '../fixtures/tinyproxy.js';
import { makeContext, makeJob, memorySteps, writeRecording } from '../unit/destinations/delivery-harness.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-proxy-'));
const MiB = 1024 * 1024;
const haveTinyproxy = fs.existsSync(TINYPROXY);
let sandbox: Sandbox;
let proxy: Tinyproxy;
let sandboxPort = '';
const deliverInProcess = (options: Omit<DeliverOptions, 'dataDir'> & { name: string }) =>
  deliver({ ...options, dataDir: path.join(tmp, `core-${options.name}`) });

/** The environment of a process behind the proxy; NO_PROXY empty, whatever the machine has. */
function proxyEnv(proxyUrl: string, noProxy = ''): Record<string, string> {
  return {
    HTTP_PROXY: proxyUrl,
    HTTPS_PROXY: proxyUrl,
    http_proxy: '',
    https_proxy: '',
    NO_PROXY: noProxy,
    no_proxy: '',
  };
}

const folderDefaults: Record<DestinationKind, Record<string, string>> = {
  comswise: { groupingId: 'ticket-proxy', direction: 'inbound' },
  'add-calls': { customerName: 'Acme Corp' },
  callab: { direction: 'outbound' },
  'agent-calls': { direction: 'inbound' },
  cx: { customerName: 'John Does', customerPhone: '+12125550199' },
  tus: {},
};

beforeAll(async () => {
  if (!haveTinyproxy) return;
  sandbox = await startSandbox({ dataDir: path.join(tmp, 'sandbox'), resultDelayMs: 100 });
  sandboxPort = new URL(sandbox.url).port;
  proxy = await startTinyproxy();
}, 60_000);

afterAll(async () => {
  await proxy?.close();
  await sandbox?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Requests the proxy forwarded to the sandbox, as "METHOD /path". */
function forwarded(p: Tinyproxy): string[] {
  const prefix = `http://127.0.0.1:${sandboxPort}`;
  return p
    .requests()
    .filter((r) => r.includes(prefix))
    .map((r) => r.replace(prefix, '').replace(/\?.*$/, ''));
}

describe.skipIf(!haveTinyproxy)('behind a real forward proxy (tinyproxy)', () => {
  it(
    'callrelay serve delivers every destination kind through HTTP_PROXY/HTTPS_PROXY; the proxy log shows it',
    { timeout: 120_000 },
    async () => {
      const folders = destinationKinds.map((kind) => {
        const dir = path.join(tmp, 'serve-recordings', kind);
        fs.mkdirSync(dir, { recursive: true });
        return { path: dir, destination: kind, quietPeriodMs: 300, region: 'US', defaults: folderDefaults[kind] };
      });
      const configFile = path.join(tmp, 'serve-config.json');
      fs.writeFileSync(configFile, JSON.stringify({ destinations: sandbox.destinationConfigs(), folders }), {
        mode: 0o600,
      });
      const serve = await startServe(['--config', configFile, '--data', path.join(tmp, 'serve-data'), '--port', '0'], {
        env: proxyEnv(proxy.url),
      });
      try {
        destinationKinds.forEach((kind, i) =>
          writeWav(path.join(tmp, 'serve-recordings', kind, `${kind}-proxied.wav`), {
            seconds: 1,
            frequency: 500 + i * 37,
          }),
        );
        const deadline = Date.now() + 90_000;
        let page: ChannelOutput<'queue:list'> = { items: [], nextCursor: null, total: 0 };
        while (Date.now() < deadline) {
          page = await serve.call<ChannelOutput<'queue:list'>>('queue:list', {});
          if (page.items.length === destinationKinds.length && page.items.every((j) => j.state === 'done')) break;
          await new Promise((r) => setTimeout(r, 250));
        }
        const states = Object.fromEntries(
          page.items.map((j) => [j.destination, `${j.state} ${j.lastError ?? ''}`.trim()]),
        );
        expect(states).toEqual(Object.fromEntries(destinationKinds.map((k) => [k, 'done'])));
      } finally {
        await serve.stop();
      }
      const seen = forwarded(proxy);
      for (const expected of [
        'POST /comswise/v1/upload/request',
        'PUT /comswise/storage/',
        'POST /comswise/v1/calls/create',
        'POST /add-calls/api/add-calls',
        'POST /callab/v1/calls',
        'POST /agent-calls/api/calls/create',
        'POST /cx/api/v1/calls',
        'POST /tus/files/',
        'PATCH /tus/files/',
      ]) {
        expect(
          seen.some((line) => line.startsWith(expected)),
          `${expected} in the proxy log:\n${seen.join('\n')}`,
        ).toBe(true);
      }
    },
  );

  it('NO_PROXY naming the host: the requests bypass the proxy', { timeout: 60_000 }, async () => {
    const file = path.join(tmp, 'bypass.wav');
    writeWav(file, { seconds: 1, frequency: 911 });
    const before = forwarded(proxy).length;
    const { jobs } = await deliverInProcess({
      name: 'bypass',
      config: { destinations: sandbox.destinationConfigs().filter((d) => d.kind === 'callab') },
      env: proxyEnv(proxy.url, '127.0.0.1'),
      files: [file],
      destination: 'callab',
    });
    expect(jobs.map((j) => `${j.state} ${j.lastError ?? ''}`.trim())).toEqual(['done']);
    expect(forwarded(proxy).length).toBe(before);
    // The same setup without NO_PROXY does go through it (the test would pass vacuously otherwise).
    const second = path.join(tmp, 'not-bypassed.wav');
    writeWav(second, { seconds: 1, frequency: 913 });
    await deliverInProcess({
      name: 'not-bypassed',
      config: { destinations: sandbox.destinationConfigs().filter((d) => d.kind === 'callab') },
      env: proxyEnv(proxy.url),
      files: [second],
      destination: 'callab',
    });
    expect(forwarded(proxy).length).toBeGreaterThan(before);
  });

  it(
    'a proxy that needs Basic credentials: refused without them, works with env: secrets, never shown',
    { timeout: 90_000 },
    async () => {
      const password = 'proxy-pass-5b1e9d';
      const authProxy = await startTinyproxy({ basicAuth: { user: 'relay', password } });
      try {
        const destinations = sandbox.destinationConfigs().filter((d) => d.kind === 'tus');
        const refused = await diagnose({ destinations, proxy: authProxy.url }, {});
        expect(refused.destinations[0]!.firstFailure).toContain(
          `asks for a username and password (HTTP 407): set "username" and "password" (env:NAME) in the proxy setting`,
        );

        const file = path.join(tmp, 'with-auth.wav');
        writeWav(file, { seconds: 1, frequency: 1201 });
        const config = {
          destinations,
          proxy: { url: authProxy.url, username: 'env:CORP_PROXY_USER', password: 'env:CORP_PROXY_PASSWORD' },
        };
        const env = { CORP_PROXY_USER: 'relay', CORP_PROXY_PASSWORD: password };
        const lines: string[] = [];
        const logger = pino(
          { level: 'debug' },
          { write: (line: string) => void lines.push(line) },
        ) as unknown as Logger;
        const { jobs } = await deliverInProcess({
          name: 'auth',
          config,
          env,
          files: [file],
          destination: 'tus',
          logger,
        });
        expect(jobs.map((j) => `${j.state} ${j.lastError ?? ''}`.trim())).toEqual(['done']);
        const seen = forwarded(authProxy);
        expect(seen.some((l) => l.startsWith('POST /tus/files/'))).toBe(true);
        expect(seen.some((l) => l.startsWith('PATCH /tus/files/'))).toBe(true);
        const basic = Buffer.from(`relay:${password}`).toString('base64');

        // The same proxy named by HTTPS_PROXY with the credentials in its URL.
        const fromEnv = path.join(tmp, 'with-env-auth.wav');
        writeWav(fromEnv, { seconds: 1, frequency: 1203 });
        const envRun = await deliverInProcess({
          name: 'env-auth',
          config: { destinations },
          env: proxyEnv(authProxy.url.replace('http://', `http://relay:${password}@`)),
          files: [fromEnv],
          destination: 'tus',
          logger,
        });
        expect(envRun.jobs.map((j) => `${j.state} ${j.lastError ?? ''}`.trim())).toEqual(['done']);
        expect(lines.length).toBeGreaterThan(0);
        for (const line of lines) {
          expect(line).not.toContain(password);
          expect(line).not.toContain(basic);
        }

        const report = await diagnose(config, env);
        expect(report.destinations[0]!.ok).toBe(true);
        expect(report.destinations[0]!.proxy).toMatchObject({ source: 'config', withCredentials: true });
        expect(JSON.stringify(report)).not.toContain(password);
        const view = await createCore({ dataDir: path.join(tmp, 'view'), initialConfig: Config.parse(config), env });
        try {
          const settings = await view.dispatcher.dispatch('settings:get', {});
          expect(JSON.stringify(settings)).not.toContain(password);
        } finally {
          await view.stop();
        }
      } finally {
        await authProxy.close();
      }
    },
  );

  it('callrelay doctor names a proxy that is down as the first failing step', { timeout: 60_000 }, async () => {
    const down = await startTinyproxy();
    const downUrl = down.url;
    await down.close();
    const configFile = path.join(tmp, 'doctor-config.json');
    fs.writeFileSync(
      configFile,
      JSON.stringify({ destinations: sandbox.destinationConfigs().filter((d) => d.kind === 'cx') }),
      { mode: 0o600 },
    );
    const run = spawnSync(
      process.execPath,
      ['bin/callrelay.js', 'doctor', '--json', '--config', configFile, '--data', path.join(tmp, 'doctor-data')],
      { cwd: root, encoding: 'utf8', env: { ...process.env, ...proxyEnv(downUrl) }, timeout: 60_000 },
    );
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as NetworkReport;
    const cx = report.destinations[0]!;
    expect(cx.proxy).toMatchObject({ kind: 'proxy', proxy: downUrl, source: 'env', reason: 'HTTP_PROXY' });
    expect(cx.steps.map((s) => `${s.step} ${s.status}`)).toEqual([
      'proxy ok',
      'dns ok',
      'tcp failed',
      'tunnel skipped',
      'tls skipped',
      'request skipped',
    ]);
    expect(cx.firstFailure).toBe(
      `Connection: Cannot reach the proxy ${downUrl} (from HTTP_PROXY) (ECONNREFUSED): check that the proxy is running and its address, or change the proxy setting.`,
    );
    expect(run.stdout).not.toContain(sandbox.destinationConfigs().find((d) => d.kind === 'cx')!.auth.password);
    expect(run.stderr).toContain(`FAIL destination cx: Connection: Cannot reach the proxy ${downUrl}`);
  });

  it('a PAC file chooses the proxy: the delivery goes where FindProxyForURL says', async () => {
    const pac = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ns-proxy-autoconfig' });
      // Everything to the sandbox's port through the proxy; anything else direct.
      res.end(
        `function FindProxyForURL(url, host) { return shExpMatch(url, "*:${sandboxPort}/*") ? "PROXY 127.0.0.1:${proxy.port}; DIRECT" : "DIRECT"; }`,
      );
    });
    await new Promise<void>((r) => pac.listen(0, '127.0.0.1', r));
    const pacUrl = `http://127.0.0.1:${(pac.address() as AddressInfo).port}/wpad.dat`;
    try {
      const before = forwarded(proxy).length;
      const file = path.join(tmp, 'pac.wav');
      writeWav(file, { seconds: 1, frequency: 1331 });
      const config = {
        destinations: sandbox.destinationConfigs().filter((d) => d.kind === 'callab'),
        proxy: { pac: pacUrl },
      };
      const { jobs } = await deliverInProcess({
        name: 'pac',
        config,
        env: proxyEnv(''),
        files: [file],
        destination: 'callab',
      });
      expect(jobs.map((j) => `${j.state} ${j.lastError ?? ''}`.trim())).toEqual(['done']);
      expect(
        forwarded(proxy)
          .slice(before)
          .some((l) => l.startsWith('POST /callab/v1/calls')),
      ).toBe(true);
      const report = await diagnose(config, {});
      expect(report.destinations[0]!.proxy).toMatchObject({ kind: 'proxy', source: 'pac', proxy: proxy.url });
      expect(report.destinations[0]!.proxy!.reason).toContain(`the PAC file ${pacUrl}`);
    } finally {
      await new Promise((r) => pac.close(r));
    }
  });

  it('the stall timeout still fires when the server stops reading behind the proxy', { timeout: 60_000 }, async () => {
    // Storage that takes the first bytes of a PUT and then reads nothing more, never answering.
    const sockets = new Set<Socket>();
    const storage = http.createServer((req) => {
      req.once('data', () => req.pause());
    });
    storage.on('connection', (s) => sockets.add(s));
    await new Promise<void>((r) => storage.listen(0, '127.0.0.1', r));
    const storagePort = (storage.address() as AddressInfo).port;
    const network = createNetwork({ env: proxyEnv(proxy.url) });
    try {
      const config = sandbox.destinationConfigs().find((d) => d.kind === 'comswise')!;
      const dest = createDestination(config, {
        logger: createSilentLogger(),
        clock: systemClock,
        route: network.forDestination({ name: 'comswise' }, {}),
      });
      const big = await writeRecording(tmp, 'stalled.wav', { sparseBytes: 64 * MiB }, 'audio/wav');
      const steps = memorySteps();
      steps.commit('upload-url', {
        uploadUrl: `http://127.0.0.1:${storagePort}/put/stalled.wav`,
        fileKey: 'k',
        contentType: 'audio/wav',
        expiresAt: null,
      });
      const controller = new AbortController();
      const bucket = createTokenBucket({ config: { defaultBytesPerSec: null, schedule: [] }, clock: systemClock });
      let read = 0;
      const ctx = makeContext(makeJob(big, { callId: 'stall', startTime: '2024-02-28T10:30:00Z', groupingId: 'g' }), {
        steps,
        signal: controller.signal,
      });
      // The engine's own body and watchdog, as the engine opens them.
      ctx.openBody = (start = 0) =>
        openThrottledBody({
          path: big.path,
          start,
          bucket,
          clock: systemClock,
          signal: controller.signal,
          stallTimeoutMs: 1500,
          onBytes: (n) => (read += n),
          onStall: () => controller.abort(new Error('no bytes moved: stalled')),
        });
      await expect(dest.deliver(ctx)).rejects.toThrow('no bytes moved: stalled');
      expect(read).toBeGreaterThan(0);
      expect(read).toBeLessThan(big.sizeBytes);
      expect(forwarded(proxy).length).toBeGreaterThan(0);
      expect(proxy.requests()).toContain(`PUT http://127.0.0.1:${storagePort}/put/stalled.wav`);
      fs.rmSync(big.path, { force: true });
    } finally {
      for (const s of sockets) s.destroy();
      storage.close();
      await network.close();
    }
  });

  it(
    'a 200 MB upload through the proxy: same sha256 at the server, within the bandwidth limit',
    { timeout: 120_000 },
    async () => {
      const size = 200 * MiB;
      const file = path.join(tmp, 'big-proxied.wav');
      const hash = crypto.createHash('sha256');
      const fd = fs.openSync(file, 'w');
      try {
        const header = wavHeader(size - 44);
        fs.writeSync(fd, header);
        hash.update(header);
        const block = crypto.randomBytes(4 * MiB);
        for (let written = 44; written < size; ) {
          const n = Math.min(block.length, size - written);
          fs.writeSync(fd, block, 0, n);
          hash.update(block.subarray(0, n));
          block[0] = (block[0]! + 1) & 0xff;
          written += n;
        }
      } finally {
        fs.closeSync(fd);
      }
      const sha256 = hash.digest('hex');
      const limit = 40 * MiB;
      const before = forwarded(proxy).length;
      sandbox.clearRequests();
      const { jobs, elapsedMs } = await deliverInProcess({
        name: 'big',
        config: {
          destinations: sandbox.destinationConfigs().filter((d) => d.kind === 'tus'),
          bandwidth: { defaultBytesPerSec: limit, schedule: [] },
        },
        env: proxyEnv(proxy.url),
        files: [file],
        destination: 'tus',
        timeoutMs: 100_000,
      });
      fs.rmSync(file, { force: true });
      expect(jobs.map((j) => `${j.state} ${j.lastError ?? ''}`.trim())).toEqual(['done']);
      const upload = sandbox.calls().tus.find((u) => u.size === size)!;
      const got = crypto.createHash('sha256');
      for await (const chunk of fs.createReadStream(String(upload.file))) got.update(chunk as Buffer);
      expect(got.digest('hex')).toBe(sha256);
      expect(
        forwarded(proxy)
          .slice(before)
          .some((l) => l.startsWith('PATCH /tus/files/')),
      ).toBe(true);
      // The limit held: no faster than the bucket allows (its burst is a quarter second).
      const floorMs = ((size - limit * 0.25) / limit) * 1000;
      console.log(
        `200 MB through tinyproxy at a ${limit / MiB} MiB/s limit: ${(elapsedMs / 1000).toFixed(1)} s ` +
          `(${(size / MiB / (elapsedMs / 1000)).toFixed(1)} MiB/s, floor ${(floorMs / 1000).toFixed(1)} s)`,
      );
      expect(elapsedMs).toBeGreaterThanOrEqual(floorMs);
    },
  );

  it(
    'a tus upload cut in the middle resumes through the proxy from the server offset',
    { timeout: 90_000 },
    async () => {
      const network = createNetwork({ env: proxyEnv(proxy.url) });
      const config = sandbox.destinationConfigs().find((d) => d.kind === 'tus')!;
      const route = network.forDestination({ name: 'tus' }, {});
      const deps = { logger: createSilentLogger(), clock: systemClock, route };
      const big = await writeRecording(tmp, 'tus-proxied.wav', { sparseBytes: 120 * MiB }, 'audio/wav');
      const call = { callId: 'tus-proxy', startTime: '2024-02-28T10:30:00Z', from: '+15550001111', to: '+15550002222' };
      try {
        const steps = memorySteps();
        const controller = new AbortController();
        const first = makeContext(makeJob(big, call), { steps, signal: controller.signal });
        const openBody = first.openBody.bind(first);
        first.openBody = (start) => {
          const stream = openBody(start);
          stream.on('data', () => {
            if (first.bytesRead() > 60 * MiB && !controller.signal.aborted) controller.abort(new Error('cut'));
          });
          return stream;
        };
        await expect(createDestination(config, deps).deliver(first)).rejects.toThrow(/cut/);
        const second = makeContext(makeJob(big, call), { steps: memorySteps(new Map(steps.data)) });
        const outcome = await createDestination(config, deps).deliver(second);
        expect(second.opened[0]!).toBeGreaterThan(20 * MiB);
        const upload = sandbox.calls().tus.find((u) => outcome.remoteId!.endsWith(`/${String(u.id)}`))!;
        const got = crypto.createHash('sha256');
        for await (const chunk of fs.createReadStream(String(upload.file))) got.update(chunk as Buffer);
        expect(got.digest('hex')).toBe(big.sha256);
        const patches = forwarded(proxy).filter((l) => l.startsWith('PATCH /tus/files/'));
        expect(patches.length).toBeGreaterThanOrEqual(2);
      } finally {
        fs.rmSync(big.path, { force: true });
        await network.close();
      }
    },
  );
});

/** The network doctor of a fresh core on this config. */
async function diagnose(config: ConfigInput, env: Record<string, string>): Promise<NetworkReport> {
  const core = createCore({
    dataDir: fs.mkdtempSync(path.join(tmp, 'doctor-')),
    initialConfig: Config.parse(config),
    env,
  });
  try {
    const reply = await core.dispatcher.dispatch('network:diagnose', {});
    if (!reply.ok) throw new Error(reply.error.message);
    return reply.value as NetworkReport;
  } finally {
    await core.stop();
  }
}
