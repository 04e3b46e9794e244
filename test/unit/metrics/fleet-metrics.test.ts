// The metrics core on a real outbox: values a scrape shows, promtool's verdict on the exposition,
// the station on every series, and the OTLP push turned on, redirected and off by configure().
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DestinationHealth } from '../../../shared/contract.js';
import { PermanentError, TransientError } from '../../../electron/core/delivery-errors.js';
import { createSilentLogger } from '../../../electron/core/logger.js';
import { createFleetMetrics, otlpMetricsUrl, type FleetMetrics } from '../../../electron/core/metrics/fleet-metrics.js';
import { openOutbox, type Outbox } from '../../../electron/core/outbox/outbox.js';
import { enqueueInput, fakeRecording } from '../../fixtures/engine/recordings.js';
import { promtool } from '../../fixtures/prometheus.js';

let now = 1_700_000_000_000;
const clock = { now: () => now };
let outbox: Outbox;
let metrics: FleetMetrics | null = null;
let health: DestinationHealth[] = [];

const healthOf = (name: string, online: boolean): DestinationHealth => ({
  name,
  kind: 'comswise',
  online,
  paused: false,
  lastSuccessAt: null,
  lastError: null,
  offlineSince: null,
  health: online ? 'online' : 'down',
  since: null,
});

function create(telemetry?: Parameters<FleetMetrics['configure']>[0]): FleetMetrics {
  metrics = createFleetMetrics({
    version: '9.9.9',
    telemetry,
    logger: createSilentLogger(),
    sources: {
      outbox,
      destinations: () => health,
      folders: () => [
        { label: 'front-desk', available: true },
        { label: 'share', available: false },
      ],
      paused: () => false,
      readyAt: (job) => job.createdAt,
      now: () => now,
    },
  });
  return metrics;
}

/** The value of one series line, by its name and labels in the order the exposition writes them. */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

beforeEach(() => {
  outbox = openOutbox({ file: ':memory:', clock, logger: createSilentLogger() });
  health = [healthOf('main', true), healthOf('backup', false)];
});
afterEach(async () => {
  await metrics?.close();
  metrics = null;
  outbox.close();
});

describe('fleet metrics', () => {
  it('shows the outbox and the engine as Prometheus accepts it, with the station on every series', async () => {
    const m = create({ station: 'desk-17', intervalSec: 30 });
    const start = now;
    outbox.enqueue(enqueueInput(fakeRecording(1), { destination: 'main' }));
    outbox.enqueue(enqueueInput(fakeRecording(2), { destination: 'main', state: 'needs-review' }));
    const delivered = outbox.enqueue(enqueueInput(fakeRecording(3), { destination: 'backup' }));
    const job = outbox.acquire(delivered.id, { leaseId: 'l', owner: 'o', expiresAt: now + 60_000 })!;
    outbox.finishUnderLease(delivered.id, 'l', { to: 'done', event: { type: 'done', message: 'ok' } });
    now = start + 90_000;
    m.observer.bytesSent('backup', 1003);
    m.observer.delivered(job);
    m.observer.attemptFailed('main', new TransientError('down', { unreachable: true }), 'retry');
    m.observer.attemptFailed('main', new PermanentError('no', { status: 422 }), 'failed');
    // A live attempt refused for good does not end its job: a failure, not a failed delivery.
    m.observer.attemptFailed('main', new PermanentError('no', { status: 422 }), 'failed', { live: true });

    const text = await m.scrape();
    const check = promtool(['check', 'metrics'], text);
    expect(check.output).toBe('');
    expect(check.status).toBe(0);
    const s = 'station="desk-17"';
    expect(value(text, `callrelay_jobs{state="queued",${s}}`)).toBe(1);
    expect(value(text, `callrelay_jobs{state="done",${s}}`)).toBe(1);
    expect(value(text, `callrelay_review_waiting{${s}}`)).toBe(1);
    expect(value(text, `callrelay_backlog_jobs{destination="main",${s}}`)).toBe(2);
    expect(value(text, `callrelay_backlog_jobs{destination="backup",${s}}`)).toBe(0);
    expect(value(text, `callrelay_outbox_bytes{destination="main",${s}}`)).toBe(1001 + 1002);
    expect(value(text, `callrelay_oldest_waiting_seconds{destination="main",${s}}`)).toBe(90);
    expect(value(text, `callrelay_destination_up{destination="main",${s}}`)).toBe(1);
    expect(value(text, `callrelay_destination_up{destination="backup",${s}}`)).toBe(0);
    expect(value(text, `callrelay_destination_state{destination="backup",state="down",${s}}`)).toBe(1);
    expect(value(text, `callrelay_destination_state{destination="backup",state="online",${s}}`)).toBe(0);
    expect(value(text, `callrelay_folder_available{folder="share",${s}}`)).toBe(0);
    expect(value(text, `callrelay_build_info{version="9.9.9",${s}}`)).toBe(1);
    expect(value(text, `callrelay_bytes_sent_total{destination="backup",${s}}`)).toBe(1003);
    expect(value(text, `callrelay_deliveries_total{destination="backup",outcome="done",${s}}`)).toBe(1);
    expect(value(text, `callrelay_deliveries_total{destination="main",outcome="failed",${s}}`)).toBe(1);
    expect(value(text, `callrelay_deliveries_total{destination="main",outcome="done",${s}}`)).toBe(0);
    expect(value(text, `callrelay_attempt_failures_total{destination="main",reason_class="unreachable",${s}}`)).toBe(1);
    expect(value(text, `callrelay_attempt_failures_total{destination="main",reason_class="rejected",${s}}`)).toBe(2);
    expect(value(text, `callrelay_delivery_duration_seconds_count{destination="backup",${s}}`)).toBe(1);
    expect(value(text, `callrelay_delivery_duration_seconds_bucket{destination="backup",${s},le="60"}`)).toBe(0);
    expect(value(text, `callrelay_delivery_duration_seconds_bucket{destination="backup",${s},le="120"}`)).toBe(1);
    expect(text).toMatch(/^process_cpu_seconds_total\{station="desk-17"\} [\d.]+$/m);
    expect(text).toMatch(/^target_info\{.*station="desk-17".*\} 1$/m);
    const series = text.split('\n').filter((l) => !l.startsWith('#'));
    expect(series.filter((l) => /call-\d|recordings|\+1555|otel_scope/.test(l))).toEqual([]);
  });

  it('pushes by OTLP/HTTP only when configured, to the collector configured now', async () => {
    const received: { port: number; station: string | undefined }[] = [];
    const servers = await Promise.all(
      [0, 1].map(
        () =>
          new Promise<http.Server>((resolve) => {
            const server = http.createServer((req, res) => {
              let body = '';
              req.on('data', (c: Buffer) => (body += c.toString()));
              req.on('end', () => {
                const parsed = JSON.parse(body) as {
                  resourceMetrics: { resource: { attributes: { key: string; value: { stringValue?: string } }[] } }[];
                };
                const attrs = parsed.resourceMetrics[0]!.resource.attributes;
                received.push({
                  port: (server.address() as AddressInfo).port,
                  station: attrs.find((a) => a.key === 'station')?.value.stringValue,
                });
                res.writeHead(200).end('{}');
              });
            });
            server.listen(0, '127.0.0.1', () => resolve(server));
          }),
      ),
    );
    const [a, b] = servers.map((s) => (s.address() as AddressInfo).port) as [number, number];
    try {
      const m = create(undefined);
      await new Promise((r) => setTimeout(r, 1500));
      expect(received).toEqual([]); // off by default

      await m.configure({ otlp: `http://127.0.0.1:${a}`, station: 'desk-17', intervalSec: 1 });
      await waitUntil(() => received.some((r) => r.port === a && r.station === 'desk-17'));

      await m.configure({ otlp: `http://127.0.0.1:${b}/v1/metrics`, station: 'desk-18', intervalSec: 1 });
      await waitUntil(() => received.some((r) => r.port === b && r.station === 'desk-18'));
      // The scrape follows the new station too.
      expect(await m.scrape()).toContain('station="desk-18"');

      await m.configure(undefined);
      await new Promise((r) => setTimeout(r, 500)); // the old pipeline's last push
      const count = received.length;
      await new Promise((r) => setTimeout(r, 1500));
      expect(received.length).toBe(count);
    } finally {
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    }
  });

  it('addresses the collector at /v1/metrics', () => {
    expect(otlpMetricsUrl('http://collector.site:4318')).toBe('http://collector.site:4318/v1/metrics');
    expect(otlpMetricsUrl('https://c.example/otlp/')).toBe('https://c.example/otlp/v1/metrics');
    expect(otlpMetricsUrl('http://c:4318/v1/metrics')).toBe('http://c:4318/v1/metrics');
  });
});

async function waitUntil(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a push');
    await new Promise((r) => setTimeout(r, 50));
  }
}
