// Every destination kind end to end the way a site server runs it: `callrelay serve` as its own
// process with a config file, one watched folder per kind, recordings dropped in, progress read
// through the HTTP contract, and the sandbox's record of what each platform received.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelOutput } from '../../shared/contract.js';
import { destinationKinds, type DestinationKind } from '../../shared/model.js';
import { startSandbox, type Sandbox } from '../../electron/headless/sandbox/sandbox.js';
import { writeWav } from '../fixtures/audio/wav.js';
import { parseSignInUrl } from '../fixtures/serve-process.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-serve-kinds-'));
let sandbox: Sandbox;
let serve: ChildProcess;
let url = '';
let token = '';

/** Folder defaults that give each platform what its document requires and no file name carries. */
const folderDefaults: Record<DestinationKind, Record<string, string>> = {
  comswise: { groupingId: 'ticket-9876', direction: 'inbound' },
  'add-calls': { customerName: 'Acme Corp', userId: '9b2f6c1e-4a7d-4e0b-8f3a-2d5c6e7f8a90', orderId: 'ORD-789' },
  callab: { direction: 'outbound', notes: 'from the site server' },
  'agent-calls': { direction: 'inbound' },
  cx: { customerName: 'John Does', customerPhone: '+12125550199' },
  tus: {},
};

async function call<T>(channel: string, input: unknown): Promise<T> {
  // serve requires its token also on loopback (issue 10); it prints it in the sign-in URL.
  const res = await fetch(`${url}api/call/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(input),
  });
  const envelope = (await res.json()) as { ok: boolean; value?: T; error?: { message: string } };
  if (!envelope.ok) throw new Error(envelope.error?.message);
  return envelope.value as T;
}

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
  serve = spawn(
    process.execPath,
    ['bin/callrelay.js', 'serve', '--config', configFile, '--data', path.join(tmp, 'data'), '--port', '0'],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'warn' } },
  );
  let output = '';
  const signInUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${output}`)), 60_000);
    serve.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /CallRelay is running:\s+(\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    serve.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    serve.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${output}`)));
  });
  ({ url, token } = parseSignInUrl(signInUrl));
}, 90_000);

afterAll(async () => {
  if (serve && serve.exitCode === null) {
    const exited = new Promise((resolve) => serve.once('exit', resolve));
    serve.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
    if (serve.exitCode === null) serve.kill('SIGKILL');
  }
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
      page = await call<ChannelOutput<'queue:list'>>('queue:list', {});
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

    const detail = await call<ChannelOutput<'job:get'>>('job:get', {
      id: page.items.find((j) => j.destination === 'cx')!.id,
    });
    expect(detail.remoteId).toBeTruthy();
    expect(detail.events.length).toBeGreaterThan(1);
  });
});
