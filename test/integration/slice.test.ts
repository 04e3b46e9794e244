// The foundation slice, in process: a WAV written into a watched folder is delivered to the
// comswise sandbox through the real core, exactly once, without leaking the key to storage.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Config } from '../../shared/config.js';
import type { ChannelOutput } from '../../shared/contract.js';
import { createCore, type Core } from '../../electron/core/create-core.js';
import { startSandbox, type Sandbox } from '../../electron/headless/sandbox/sandbox.js';
import { writeWav } from '../fixtures/audio/wav.js';

let sandbox: Sandbox;
let core: Core;
let dataDir: string;
let recordings: string;
let forReview: string;

async function call<T>(channel: string, input: unknown): Promise<T> {
  const reply = await core.dispatcher.dispatch(channel, input);
  if (!reply.ok) throw new Error(reply.error.message);
  return reply.value as T;
}

async function waitFor<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== null) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-slice-'));
  recordings = path.join(dataDir, 'recordings');
  forReview = path.join(dataDir, 'for-review');
  fs.mkdirSync(recordings);
  fs.mkdirSync(forReview);
  sandbox = await startSandbox({ resultDelayMs: 200 });
  core = createCore({
    dataDir,
    initialConfig: Config.parse({
      destinations: sandbox.destinationConfigs().filter((d) => d.kind === 'comswise'),
      folders: [
        { path: recordings, destination: 'comswise', quietPeriodMs: 300, defaults: { groupingId: 't-1' } },
        { path: forReview, destination: 'comswise', quietPeriodMs: 300, review: true },
      ],
    }),
  });
  await core.start();
});

afterAll(async () => {
  await core?.stop();
  await sandbox?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('a recording dropped into a watched folder', () => {
  it('is delivered once, with the issued fileKey and no Authorization on the PUT', async () => {
    const changes: unknown[] = [];
    core.on('queue:changed', (e) => changes.push(e));
    writeWav(path.join(recordings, 'first-call.wav'), { seconds: 2 });

    const job = await waitFor('the job to be done', async () => {
      const page = await call<ChannelOutput<'queue:list'>>('queue:list', { states: ['done'] });
      return page.items.find((j) => j.fileName === 'first-call.wav') ?? null;
    });
    expect(job.destination).toBe('comswise');
    expect(changes.length).toBeGreaterThan(0);

    const requests = sandbox.requests().filter((r) => r.kind === 'comswise');
    const uploadRequests = requests.filter((r) => r.path.endsWith('/upload/request'));
    const puts = requests.filter((r) => r.method === 'PUT');
    const creates = requests.filter((r) => r.path.endsWith('/calls/create'));
    expect(uploadRequests).toHaveLength(1);
    expect(puts).toHaveLength(1);
    expect(creates).toHaveLength(1);
    expect(Object.keys(puts[0]!.headers).map((h) => h.toLowerCase())).not.toContain('authorization');
    const issuedKey = (puts[0]!.body as { fileKey: string }).fileKey;
    expect((creates[0]!.body as { recordingUrl: string }).recordingUrl).toBe(issuedKey);
    expect(sandbox.calls().comswise).toHaveLength(1);

    const status = await call<ChannelOutput<'queue:stats'>>('queue:stats', {});
    expect(status.counts.done).toBe(1);
  });

  it('is not sent again when the same content appears under another name', async () => {
    fs.copyFileSync(path.join(recordings, 'first-call.wav'), path.join(recordings, 'first-call-copy.wav'));
    writeWav(path.join(recordings, 'second-call.wav'), { seconds: 3 });
    await waitFor('the second call', async () => {
      const page = await call<ChannelOutput<'queue:list'>>('queue:list', { states: ['done'] });
      return page.items.some((j) => j.fileName === 'second-call.wav') ? true : null;
    });
    expect(sandbox.calls().comswise).toHaveLength(2);
  });

  it('waits for a person when its folder asks for review, and says so', async () => {
    const attention: { reviewWaiting: number }[] = [];
    core.on('attention:changed', (e) => attention.push(e));
    writeWav(path.join(forReview, 'check-me.wav'), { seconds: 1 });
    await waitFor('the attention event', async () => (attention.some((a) => a.reviewWaiting === 1) ? true : null));
    const page = await call<ChannelOutput<'queue:list'>>('queue:list', { states: ['needs-review'] });
    expect(page.items.map((j) => j.fileName)).toEqual(['check-me.wav']);
    expect(sandbox.requests().filter((r) => r.kind === 'comswise' && r.method === 'PUT')).toHaveLength(2);
  });

  it('is picked up from a folder added in Settings while running, and the settings are saved', async () => {
    const added = path.join(dataDir, 'added-later');
    fs.mkdirSync(added);
    const before = await call<ChannelOutput<'settings:get'>>('settings:get', {});
    await call('settings:update', {
      folders: [
        ...before.folders,
        { path: added, destination: 'comswise', quietPeriodMs: 300, defaults: { groupingId: 't-2' } },
      ],
    });
    writeWav(path.join(added, 'late-call.wav'), { seconds: 2, frequency: 880 });
    await waitFor('the call from the added folder', async () => {
      const page = await call<ChannelOutput<'queue:list'>>('queue:list', { states: ['done'] });
      return page.items.some((j) => j.fileName === 'late-call.wav') ? true : null;
    });
    const saved = JSON.parse(fs.readFileSync(core.configFile, 'utf8')) as { folders: { path: string }[] };
    expect(saved.folders.map((f) => f.path)).toContain(added);
  });
});
