// TLS with a company's own CA (made here with openssl), as behind TLS inspection: a TLS front
// with a certificate from that CA passes requests to the sandbox. Without the CA a delivery fails
// with the certificate named, not "unreachable"; with caFile, or NODE_EXTRA_CA_CERTS in a real
// `callrelay serve`, it succeeds; and the same through a real proxy's CONNECT tunnel.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Config, type DestinationConfig } from '../../shared/config.js';
import type { ChannelOutput, NetworkReport } from '../../shared/contract.js';
import { createCore } from '../../electron/core/create-core.js';
import { startSandbox, type Sandbox } from '../../electron/headless/sandbox/sandbox.js';
import { writeWav } from '../fixtures/audio/wav.js';
import { deliverInProcess } from '../fixtures/core-delivery.js';
import { startServe } from '../fixtures/serve-process.js';
import { makePrivateCa, OPENSSL, startTlsFront, type PrivateCa, type TlsFront } from '../fixtures/private-ca.js';
import { startTinyproxy, TINYPROXY, type Tinyproxy } from '../fixtures/tinyproxy.js';

const execFileAsync = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-private-ca-'));
const haveTools = fs.existsSync(OPENSSL) && fs.existsSync(TINYPROXY);
let sandbox: Sandbox;
let ca: PrivateCa;
let front: TlsFront;
let proxy: Tinyproxy;
let n = 0;

const noProxy = { HTTP_PROXY: '', HTTPS_PROXY: '', http_proxy: '', https_proxy: '', NO_PROXY: '', no_proxy: '' };

/** callab through the TLS front: https://127.0.0.1:PORT/callab instead of the sandbox's http URL. */
function callab(patch: Partial<DestinationConfig> = {}): DestinationConfig {
  const plain = sandbox.destinationConfigs().find((d) => d.kind === 'callab')!;
  const baseUrl = plain.baseUrl.replace(sandbox.url.replace(/\/$/, ''), front.url);
  return { ...plain, baseUrl, ...patch } as DestinationConfig;
}

function recording(): string {
  const file = path.join(tmp, `call-${++n}.wav`);
  writeWav(file, { seconds: 1, frequency: 300 + n * 17 });
  return file;
}

beforeAll(async () => {
  if (!haveTools) return;
  sandbox = await startSandbox({ dataDir: path.join(tmp, 'sandbox') });
  ca = makePrivateCa(path.join(tmp, 'ca'));
  front = await startTlsFront(ca, sandbox.url);
  proxy = await startTinyproxy();
}, 60_000);

afterAll(async () => {
  await proxy?.close();
  await front?.close();
  await sandbox?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const untrusted = () =>
  `The certificate of 127.0.0.1:${front.port} was issued by '${ca.caName}, Corp Security', which this computer does not trust: ` +
  'add that CA certificate with caFile (or to the system store), then try again.';

describe.skipIf(!haveTools)('a platform behind a private CA', () => {
  it('without the CA: the job waits with the certificate named, and nothing reaches the platform', async () => {
    const before = sandbox.calls().callab.length;
    const { jobs } = await deliverInProcess({
      dataDir: path.join(tmp, 'no-ca'),
      config: { destinations: [callab()] },
      env: noProxy,
      files: [recording()],
      destination: 'callab',
      until: 'error',
      timeoutMs: 30_000,
    });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.state).not.toBe('done');
    expect(jobs[0]!.lastError).toBe(untrusted());
    expect(jobs[0]!.lastError).not.toMatch(/unreachable|cannot reach/i);
    expect(sandbox.calls().callab.length).toBe(before);

    // Test connection says the same, as an error of its own, not "unreachable".
    const core = createCore({
      dataDir: path.join(tmp, 'no-ca-test'),
      initialConfig: Config.parse({ destinations: [callab()] }),
      env: noProxy,
    });
    try {
      const reply = await core.dispatcher.dispatch('destination:test', { name: 'callab' });
      expect(reply).toEqual({ ok: true, value: { status: 'error', message: untrusted(), latencyMs: null } });
    } finally {
      await core.stop();
    }
  });

  it('with caFile, per destination or global: delivered; the doctor says which store trusts it', async () => {
    const own = await deliverInProcess({
      dataDir: path.join(tmp, 'own-ca'),
      config: { destinations: [callab({ caFile: ca.caFile })] },
      env: noProxy,
      files: [recording()],
      destination: 'callab',
    });
    expect(own.jobs.map((j) => `${j.state} ${j.lastError ?? ''}`.trim())).toEqual(['done']);
    const global = await deliverInProcess({
      dataDir: path.join(tmp, 'global-ca'),
      config: { destinations: [callab()], caFile: ca.caFile },
      env: noProxy,
      files: [recording()],
      destination: 'callab',
    });
    expect(global.jobs.map((j) => `${j.state} ${j.lastError ?? ''}`.trim())).toEqual(['done']);

    const core = createCore({
      dataDir: path.join(tmp, 'doctor-ca'),
      initialConfig: Config.parse({ destinations: [callab({ caFile: ca.caFile })] }),
      env: noProxy,
    });
    try {
      const reply = await core.dispatcher.dispatch('network:diagnose', {});
      const report = (reply.ok ? reply.value : null) as NetworkReport;
      const d = report.destinations[0]!;
      expect(d.ok).toBe(true);
      expect(d.tls).toMatchObject({
        subject: '127.0.0.1',
        issuer: `${ca.caName}, Corp Security`,
        trustedBy: `destination callab's caFile (${ca.caFile})`,
      });
      expect(Date.parse(d.tls!.validTo)).toBeGreaterThan(Date.now());
      expect(d.steps.map((s) => `${s.step} ${s.status}`)).toEqual([
        'proxy ok',
        'dns ok',
        'tcp ok',
        'tunnel skipped',
        'tls ok',
        'request ok',
      ]);
      expect(report.trust.map((t) => t.label)).toContain(`destination callab's caFile (${ca.caFile})`);
      // Testing a draft from the settings form goes the saved destination's way (its caFile).
      const plain = callab();
      const draft = await core.dispatcher.dispatch('destination:test', {
        draft: { name: 'callab', kind: 'callab', baseUrl: plain.baseUrl, defaults: plain.defaults },
      });
      expect(draft).toMatchObject({ ok: true, value: { status: 'ok' } });
    } finally {
      await core.stop();
    }
  });

  it('a caFile that is not a certificate stops the start with the file and the fix named', () => {
    const bad = path.join(tmp, 'not-a-cert.pem');
    fs.writeFileSync(bad, 'hello');
    expect(() =>
      createCore({
        dataDir: path.join(tmp, 'bad-ca'),
        initialConfig: Config.parse({ destinations: [callab({ caFile: bad })] }),
        env: noProxy,
      }),
    ).toThrow(`destinations.0.caFile: ${bad} holds no PEM certificate`);
  });

  it('through the proxy (CONNECT): fails with the certificate named without the CA, delivers with it', async () => {
    const env = { ...noProxy, HTTPS_PROXY: proxy.url };
    const failing = await deliverInProcess({
      dataDir: path.join(tmp, 'proxy-no-ca'),
      config: { destinations: [callab()] },
      env,
      files: [recording()],
      destination: 'callab',
      until: 'error',
      timeoutMs: 30_000,
    });
    expect(failing.jobs[0]!.lastError).toBe(untrusted());
    const { jobs } = await deliverInProcess({
      dataDir: path.join(tmp, 'proxy-ca'),
      config: { destinations: [callab({ caFile: ca.caFile })] },
      env,
      files: [recording()],
      destination: 'callab',
    });
    expect(jobs.map((j) => `${j.state} ${j.lastError ?? ''}`.trim())).toEqual(['done']);
    expect(proxy.requests()).toContain(`CONNECT 127.0.0.1:${front.port}`);
  });

  it(
    'callrelay serve with NODE_EXTRA_CA_CERTS delivers; doctor without it names the issuer',
    { timeout: 90_000 },
    async () => {
      const folder = path.join(tmp, 'serve-recordings');
      fs.mkdirSync(folder);
      const configFile = path.join(tmp, 'serve-config.json');
      fs.writeFileSync(
        configFile,
        JSON.stringify({
          destinations: [callab()],
          folders: [{ path: folder, destination: 'callab', quietPeriodMs: 300 }],
        }),
        { mode: 0o600 },
      );
      // Not spawnSync: the TLS front runs in this process and must keep answering.
      const doctor = await execFileAsync(
        process.execPath,
        ['bin/callrelay.js', 'doctor', '--json', '--config', configFile, '--data', path.join(tmp, 'doctor-data')],
        { cwd: root, env: { ...process.env, ...noProxy, NODE_EXTRA_CA_CERTS: '' }, timeout: 60_000 },
      ).catch((error: { stdout: string }) => error);
      const report = JSON.parse(doctor.stdout) as NetworkReport;
      expect(report.destinations[0]!.firstFailure).toBe(`Certificate: ${untrusted()}`);
      const trusted = await execFileAsync(
        process.execPath,
        ['bin/callrelay.js', 'doctor', '--json', '--config', configFile, '--data', path.join(tmp, 'doctor-data')],
        { cwd: root, env: { ...process.env, ...noProxy, NODE_EXTRA_CA_CERTS: ca.caFile }, timeout: 60_000 },
      ).catch((error: { stdout: string }) => error);
      const trustedReport = (JSON.parse(trusted.stdout) as NetworkReport).destinations[0]!;
      expect(trustedReport.firstFailure).toBeNull();
      expect(trustedReport.tls?.trustedBy).toBe(`NODE_EXTRA_CA_CERTS (${ca.caFile})`);

      const serve = await startServe(['--config', configFile, '--data', path.join(tmp, 'serve-data'), '--port', '0'], {
        env: { ...noProxy, NODE_EXTRA_CA_CERTS: ca.caFile },
      });
      try {
        writeWav(path.join(folder, 'extra-ca.wav'), { seconds: 1, frequency: 777 });
        const deadline = Date.now() + 60_000;
        let page: ChannelOutput<'queue:list'> = { items: [], nextCursor: null, total: 0 };
        while (Date.now() < deadline) {
          page = await serve.call<ChannelOutput<'queue:list'>>('queue:list', {});
          if (page.items.length === 1 && page.items[0]!.state === 'done') break;
          await new Promise((r) => setTimeout(r, 250));
        }
        expect(page.items.map((j) => `${j.state} ${j.lastError ?? ''}`.trim())).toEqual(['done']);
      } finally {
        await serve.stop();
      }
    },
  );
});
