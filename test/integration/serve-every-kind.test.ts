// Every destination kind end to end the way a site server runs it: `callrelay serve` as its own
// process with a config file, one watched folder per kind, recordings dropped in, progress read
// through the HTTP contract, and the sandbox's record of what each platform received.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelOutput } from '../../shared/contract.js';
import { destinationKinds, type DestinationKind } from '../../shared/model.js';
import { startSandbox, type Sandbox } from '../../electron/headless/sandbox/sandbox.js';
import { writeWav } from '../fixtures/audio/wav.js';
import { startServe, type ServeProcess } from '../fixtures/serve-process.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-serve-kinds-'));
let sandbox: Sandbox;
let serve: ServeProcess;

/** Folder defaults that give each platform what its document requires and no file name carries. */
const folderDefaults: Record<DestinationKind, Record<string, string>> = {
  comswise: { groupingId: 'ticket-9876', direction: 'inbound' },
  'add-calls': { customerName: 'Acme Corp', userId: '9b2f6c1e-4a7d-4e0b-8f3a-2d5c6e7f8a90', orderId: 'ORD-789' },
  callab: { direction: 'outbound', notes: 'from the site server' },
  'agent-calls': { direction: 'inbound' },
  cx: { customerName: 'John Does', customerPhone: '+12125550199' },
  tus: {},
};

beforeAll(async () => {
  sandbox = await startSandbox({ dataDir: path.join(tmp, 'sandbox'), resultDelayMs: 100 });
  const folders = destinationKinds.map((kind) => {
    const dir = path.join(tmp, 'recordings', kind);
    fs.mkdirSync(dir, { recursive: true });
    return { path: dir, destination: kind, quietPeriodMs: 300, region: 'US', defaults: folderDefaults[kind] };
  });
  const configFile = path.join(tmp, 'config.json');
  fs.writeFileSync(configFile, JSON.stringify({ destinations: sandbox.destinationConfigs(), folders }), {
    mode: 0o600,
  });
  serve = await startServe({ configFile, dataDir: path.join(tmp, 'data') });
}, 90_000);

afterAll(async () => {
  await serve?.stop();
  await sandbox?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('callrelay serve delivers to every destination kind', () => {
  it('one recording per kind, each done, each received once with its metadata', { timeout: 90_000 }, async () => {
    destinationKinds.forEach((kind, i) => {
      // Distinct content per kind (frequency), so no two recordings share a hash.
      writeWav(path.join(tmp, 'recordings', kind, `${kind}-call.wav`), { seconds: 1, frequency: 300 + i * 50 });
    });

    const deadline = Date.now() + 60_000;
    let page: ChannelOutput<'queue:list'> = { items: [], nextCursor: null, total: 0 };
    while (Date.now() < deadline) {
      page = await serve.call<ChannelOutput<'queue:list'>>('queue:list', {});
      if (page.items.length === destinationKinds.length && page.items.every((j) => j.state === 'done')) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const states = Object.fromEntries(page.items.map((j) => [j.destination, `${j.state} ${j.lastError ?? ''}`.trim()]));
    expect(states).toEqual(Object.fromEntries(destinationKinds.map((k) => [k, 'done'])));

    const calls = sandbox.calls();
    for (const kind of destinationKinds) expect(calls[kind], kind).toHaveLength(1);

    const comswise = calls.comswise[0]!;
    expect(comswise).toMatchObject({ groupingId: 'ticket-9876', direction: 'inbound', status: 'completed' });
    expect(String(comswise.recordingUrl)).toMatch(/^org_sandbox\/uploads\//);

    const addCalls = sandbox.requests().find((r) => r.kind === 'add-calls' && r.method === 'POST')!;
    expect(addCalls.body).toMatchObject({
      customer_name: 'Acme Corp',
      user_id: '9b2f6c1e-4a7d-4e0b-8f3a-2d5c6e7f8a90',
      order_id: 'ORD-789',
      call: { fileName: 'add-calls-call.wav' },
    });
    expect(addCalls.body).not.toHaveProperty('audio_url');

    expect(calls.callab[0]).toMatchObject({ call_direction: 'outbound', notes: 'from the site server' });
    expect(calls['agent-calls'][0]).toMatchObject({ agent_id: 'agent-123', direction: 'inbound' });
    expect(calls.cx[0]).toMatchObject({ customerName: 'John Does', customerPhone: '+12125550199', channel: 'call' });

    const detail = await serve.call<ChannelOutput<'job:get'>>('job:get', {
      id: page.items.find((j) => j.destination === 'cx')!.id,
    });
    expect(detail.remoteId).toBeTruthy();
    expect(detail.events.length).toBeGreaterThan(1);
  });
});
