// The fleet view end to end: a real `callrelay serve` (token-guarded, with a telemetry block)
// delivers recordings to the sandbox while a real Prometheus scrapes its /metrics every second
// with the token from a credentials file, and a small OTLP/HTTP receiver takes its pushes. The
// test then asks Prometheus what a supervisor's dashboard would ask, and runs every PromQL
// expression of the shipped Grafana dashboard against it.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelOutput } from '../../shared/contract.js';
import { startSandbox, type Sandbox } from '../../electron/headless/sandbox/sandbox.js';
import { writeWav } from '../fixtures/audio/wav.js';
import { waitFor } from '../fixtures/engine/wait-for.js';
import { promtool, startPrometheus, type RunningPrometheus } from '../fixtures/prometheus.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-fleet-'));
const token = 'fleet-test-token-5b0d9c41e2';
const station = 'desk-17';
const DELIVERED = 4;
const FOR_REVIEW = 2;

let sandbox: Sandbox;
let serve: ChildProcess;
let prometheus: RunningPrometheus;
let receiver: http.Server;
let url = '';
let metricsPortUrl = '';
let sentBytes = 0;
const pushes: OtlpBody[] = [];

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: string | number; doubleValue?: number };
}
interface OtlpPoint {
  attributes?: OtlpAttribute[];
  asInt?: string | number;
  asDouble?: number;
}
interface OtlpBody {
  resourceMetrics: {
    resource: { attributes: OtlpAttribute[] };
    scopeMetrics: {
      metrics: { name: string; sum?: { dataPoints: OtlpPoint[] }; gauge?: { dataPoints: OtlpPoint[] } }[];
    }[];
  }[];
}

async function call<T>(channel: string, input: unknown): Promise<T> {
  const res = await fetch(`${url}api/call/${channel}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const envelope = (await res.json()) as { ok: boolean; value?: T; error?: { message: string } };
  if (!envelope.ok) throw new Error(envelope.error?.message);
  return envelope.value as T;
}

async function scalar(expr: string): Promise<number | null> {
  const result = await prometheus.query(expr);
  return result.length === 1 ? Number(result[0]!.value[1]) : null;
}

/** Grafana's variables as a dashboard with "All" stations selected would expand them. */
function expandGrafana(expr: string): string {
  return expr.replaceAll('$station', '.*').replaceAll('$__rate_interval', '1m').replaceAll('$__range', '10m');
}

beforeAll(async () => {
  sandbox = await startSandbox({ dataDir: path.join(tmp, 'sandbox'), resultDelayMs: 100 });

  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/metrics' && req.headers['content-type']?.startsWith('application/json')) {
        pushes.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpBody);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const otlp = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

  const comswiseDir = path.join(tmp, 'recordings', 'desk');
  const cxDir = path.join(tmp, 'recordings', 'cx-review');
  fs.mkdirSync(comswiseDir, { recursive: true });
  fs.mkdirSync(cxDir, { recursive: true });
  const configFile = path.join(tmp, 'config.json');
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      destinations: sandbox.destinationConfigs(),
      folders: [
        {
          path: comswiseDir,
          name: 'desk-calls',
          destination: 'comswise',
          template: 'freepbx',
          quietPeriodMs: 300,
          region: 'US',
          defaults: { groupingId: 'ticket-9876', direction: 'inbound' },
        },
        // cx requires a customer name no file name gives: these wait in Review.
        { path: cxDir, destination: 'cx', quietPeriodMs: 300, region: 'US' },
      ],
      telemetry: { otlp, station, intervalSec: 1 },
    }),
    { mode: 0o600 },
  );
  serve = spawn(
    process.execPath,
    [
      'bin/callrelay.js',
      'serve',
      '--config',
      configFile,
      '--data',
      path.join(tmp, 'data'),
      '--port',
      '0',
      '--token',
      token,
      '--metrics-port',
      '0',
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'warn' } },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${output}`)), 60_000);
    serve.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const running = /CallRelay is running:\s+(\S+?)(#\S*)?\s/.exec(output);
      const metrics = /Metrics \(loopback, no token\):\s+(\S+)/.exec(output);
      if (running?.[1] && metrics?.[1]) {
        clearTimeout(timer);
        url = running[1];
        metricsPortUrl = metrics[1];
        resolve();
      }
    });
    serve.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    serve.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${output}`)));
  });

  const tokenFile = path.join(tmp, 'callrelay.token');
  fs.writeFileSync(tokenFile, token, { mode: 0o600 });
  prometheus = await startPrometheus(path.join(tmp, 'prometheus'), [
    // No station label here: CallRelay puts its own `station` on every series.
    { name: 'callrelay', target: new URL(url).host, credentialsFile: tokenFile },
  ]);

  for (let i = 0; i < DELIVERED; i++) {
    const file = path.join(comswiseDir, `in-2125550100-2125550199-20240228-10300${i}-17091162${i}.wav`);
    writeWav(file, { seconds: 2, frequency: 300 + i * 40 });
    sentBytes += fs.statSync(file).size;
  }
  for (let i = 0; i < FOR_REVIEW; i++) {
    writeWav(path.join(cxDir, `review-${i}.wav`), { seconds: 1, frequency: 900 + i * 40 });
  }
  let states = '';
  await waitFor(
    async () => {
      const page = await call<ChannelOutput<'queue:list'>>('queue:list', {});
      states = page.items.map((j) => `${j.fileName}: ${j.state} ${j.lastError ?? ''}`).join('\n');
      const done = page.items.filter((j) => j.state === 'done').length;
      const review = page.items.filter((j) => j.state === 'needs-review').length;
      return done === DELIVERED && review === FOR_REVIEW;
    },
    'every recording delivered or in review',
    60_000,
    250,
  ).catch((error: Error) => {
    throw new Error(`${error.message}; jobs:\n${states}\nserve:\n${output}`);
  });
}, 120_000);

afterAll(async () => {
  await prometheus?.close();
  if (serve && serve.exitCode === null) {
    const exited = new Promise((resolve) => serve.once('exit', resolve));
    serve.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
    if (serve.exitCode === null) serve.kill('SIGKILL');
  }
  await new Promise((resolve) => receiver?.close(resolve));
  await sandbox?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('a fleet in one view', () => {
  it('refuses /metrics without the token; serves a valid exposition with it', async () => {
    expect((await fetch(`${url}metrics`)).status).toBe(401);
    expect((await fetch(`${url}metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const res = await fetch(`${url}metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const check = promtool(['check', 'metrics'], text);
    expect(check.output).toBe('');
    expect(check.status).toBe(0);
    expect(text).toMatch(/^callrelay_deliveries_total\{destination="comswise",outcome="done".*\} 4$/m);
    expect(text).toContain('callrelay_folder_available{folder="desk-calls"');
    expect(text).toContain('callrelay_folder_available{folder="cx-review"');
    expect(text).toMatch(/^process_resident_memory_bytes\{.*\} \d+/m);
    // Low cardinality: nothing of a call (file names, numbers, paths) becomes a label.
    expect(text).not.toMatch(/2125550199|\.wav|review-0|callrelay-fleet-/);
  });

  it('serves /metrics on the loopback metrics port without the token', async () => {
    const res = await fetch(metricsPortUrl);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('callrelay_build_info');
  });

  it('Prometheus scrapes it and finds the delivered count, bytes and backlog', { timeout: 60_000 }, async () => {
    await waitFor(async () => (await scalar('up{job="callrelay"}')) === 1, 'a successful scrape', 30_000, 500);
    await waitFor(
      async () => (await scalar('sum(callrelay_deliveries_total{outcome="done"})')) === DELIVERED,
      'the deliveries in Prometheus',
      30_000,
      500,
    );
    expect(await scalar(`sum(callrelay_deliveries_total{station="${station}",destination="comswise"})`)).toBe(
      DELIVERED,
    );
    expect(await scalar('sum(callrelay_bytes_sent_total{destination="comswise"})')).toBe(sentBytes);
    expect(await scalar('sum(callrelay_backlog_jobs)')).toBe(FOR_REVIEW);
    expect(await scalar('sum(callrelay_backlog_jobs{destination="cx"})')).toBe(FOR_REVIEW);
    expect(await scalar('callrelay_review_waiting')).toBe(FOR_REVIEW);
    expect(await scalar('sum(callrelay_jobs{state="done"})')).toBe(DELIVERED);
    expect(await scalar('sum(callrelay_outbox_bytes{destination="cx"})')).toBeGreaterThan(0);
    expect(await scalar('callrelay_oldest_waiting_seconds{destination="cx"}')).toBeGreaterThan(0);
    expect(await scalar('callrelay_delivery_duration_seconds_count{destination="comswise"}')).toBe(DELIVERED);
    expect(await scalar('callrelay_destination_up{destination="comswise"}')).toBe(1);
    expect(await scalar(`target_info{station="${station}"}`)).toBe(1);
  });

  it('every PromQL expression of the Grafana dashboard returns a series', { timeout: 60_000 }, async () => {
    const dashboard = JSON.parse(
      fs.readFileSync(path.join(root, 'resources', 'monitoring', 'grafana-dashboard.json'), 'utf8'),
    ) as { panels: { title: string; targets: { expr: string }[] }[] };
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => ({ panel: p.title, expr: t.expr })));
    expect(exprs.length).toBeGreaterThanOrEqual(15);
    // Rates need two samples in their window: wait until a rate of the deliveries exists.
    await waitFor(
      async () => (await prometheus.query('rate(callrelay_deliveries_total[1m])')).length > 0,
      'two scrapes',
      30_000,
      500,
    );
    const empty: string[] = [];
    for (const { panel, expr } of exprs) {
      const result = await prometheus.query(expandGrafana(expr));
      if (result.length === 0) empty.push(`${panel}: ${expr}`);
    }
    expect(empty).toEqual([]);
    expect(await prometheus.labelValues('station', 'callrelay_build_info')).toContain(station);
  });

  it('pushes the same metrics by OTLP/HTTP with the station resource attribute', { timeout: 30_000 }, async () => {
    const delivered = (body: OtlpBody): number | null => {
      for (const rm of body.resourceMetrics) {
        const attrs = Object.fromEntries(rm.resource.attributes.map((a) => [a.key, a.value.stringValue]));
        if (attrs.station !== station || attrs['service.name'] !== 'callrelay') continue;
        for (const sm of rm.scopeMetrics) {
          const metric = sm.metrics.find((m) => m.name === 'callrelay_deliveries');
          if (!metric?.sum) continue;
          return metric.sum.dataPoints
            .filter((p) => p.attributes?.some((a) => a.key === 'outcome' && a.value.stringValue === 'done'))
            .reduce((n, p) => n + Number(p.asInt ?? p.asDouble ?? 0), 0);
        }
      }
      return null;
    };
    await waitFor(() => pushes.some((b) => delivered(b) === DELIVERED), 'a push with the deliveries', 20_000, 200);
  });
});
