// The core pushes its metrics only while it runs: a one-shot command that opens the core (enqueue,
// doctor) must not report as the station, or the collector would see its counters restart.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Config } from '../../../shared/config.js';
import { createCore } from '../../../electron/core/create-core.js';
import { waitFor } from '../../fixtures/engine/wait-for.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-core-telemetry-'));
const stations: string[] = [];
const receiver = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    const parsed = JSON.parse(body) as {
      resourceMetrics: { resource: { attributes: { key: string; value: { stringValue?: string } }[] } }[];
    };
    for (const rm of parsed.resourceMetrics) {
      stations.push(rm.resource.attributes.find((a) => a.key === 'station')?.value.stringValue ?? '?');
    }
    res.writeHead(200).end('{}');
  });
});
afterAll(async () => {
  await new Promise((r) => receiver.close(r));
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('core telemetry', () => {
  it('pushes once started, never from a core that was only opened', { timeout: 20_000 }, async () => {
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const otlp = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    const initialConfig = Config.parse({ telemetry: { otlp, station: 'desk-42', intervalSec: 1 } });

    const opened = createCore({ dataDir: path.join(tmp, 'a'), initialConfig, version: '1.2.3' });
    await new Promise((r) => setTimeout(r, 1500));
    await opened.stop();
    expect(stations).toEqual([]);

    const running = createCore({ dataDir: path.join(tmp, 'b'), initialConfig, version: '1.2.3' });
    await running.start();
    try {
      await waitFor(() => stations.includes('desk-42'), 'a push from the running core', 10_000, 50);
      expect(await running.scrapeMetrics()).toMatch(/^callrelay_build_info\{version="1\.2\.3",station="desk-42"\} 1$/m);
    } finally {
      await running.stop();
    }
  });
});
