import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDestination } from '../../../electron/core/destinations/create-destination.js';
import { PermanentError, ReviewError } from '../../../electron/core/delivery-errors.js';
import { systemClock } from '../../../electron/core/clock.js';
import { createSilentLogger } from '../../../electron/core/logger.js';
import { startSandbox, type Sandbox } from '../../../electron/headless/sandbox/sandbox.js';
import type { CallDraft, RecordingInfo } from '../../../shared/model.js';
import { makeContext, makeJob, memorySteps, someBytes, underFaults, writeRecording } from './delivery-harness.js';

let sandbox: Sandbox;
let dir: string;
let recording: RecordingInfo;

beforeAll(async () => {
  sandbox = await startSandbox({ resultDelayMs: 300, presignTtlMs: 400 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-comswise-'));
  recording = await writeRecording(dir, 'in-5551234-20240228-103000.wav', someBytes(300_000), 'audio/wav');
});
afterAll(async () => {
  await sandbox.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function destination() {
  const config = sandbox.destinationConfigs().find((d) => d.kind === 'comswise')!;
  return createDestination(config, { logger: createSilentLogger(), clock: systemClock });
}

const call = (callId: string, extra: Partial<CallDraft> = {}): CallDraft => ({
  callId,
  from: '+15550001111',
  to: '+15550002222',
  direction: 'inbound',
  startTime: '2024-02-28T10:30:00Z',
  endTime: '2024-02-28T10:35:00Z',
  ...extra,
});

describe('comswise destination against the sandbox', () => {
  it('requests an upload URL, PUTs the bytes without Authorization, creates the call with the fileKey', async () => {
    sandbox.clearRequests();
    const dest = destination();
    const ctx = makeContext(makeJob(recording, call('cw-1')));
    const outcome = await dest.deliver(ctx);

    const log = sandbox.requests().filter((r) => r.kind === 'comswise');
    expect(log.map((r) => `${r.method} ${r.path.split('?')[0]}`)).toEqual([
      'POST /comswise/v1/upload/request',
      expect.stringMatching(/^PUT \/comswise\/storage\/org_sandbox\/uploads\/[0-9a-f-]+\.wav$/),
      'POST /comswise/v1/calls/create',
    ]);
    const [uploadRequest, put, create] = log;
    expect(uploadRequest!.headers.authorization).toMatch(/^Bearer \*\*\*/);
    expect(uploadRequest!.body).toEqual({ fileName: recording.fileName, contentType: 'audio/wav' });
    expect(uploadRequest!.status).toBe(200);

    expect(put!.headers.authorization).toBeUndefined();
    expect(put!.headers['content-type']).toBe('audio/wav');
    expect(put!.headers['content-length']).toBe(String(recording.sizeBytes));
    expect(put!.status).toBe(200);
    const stored = put!.body as { fileKey: string; size: number; sha256: string };
    expect(stored.size).toBe(recording.sizeBytes);
    expect(stored.sha256).toBe(recording.sha256);

    expect(create!.headers.authorization).toMatch(/^Bearer \*\*\*/);
    expect(create!.headers['content-type']).toBe('application/json');
    expect(create!.body).toEqual({
      callId: 'cw-1',
      from: '+15550001111',
      to: '+15550002222',
      direction: 'inbound',
      startTime: '2024-02-28T10:30:00Z',
      endTime: '2024-02-28T10:35:00Z',
      status: 'completed',
      recordingUrl: stored.fileKey,
    });
    expect(create!.status).toBe(200);

    const created = sandbox.calls().comswise.filter((c) => c.callId === 'cw-1');
    expect(created).toHaveLength(1);
    expect(outcome.remoteId).toBe(created[0]!.id);
    expect(outcome.pollResults).toBe(true);

    // Every step's output was committed, in order, before the next.
    const steps = ctx.steps as ReturnType<typeof memorySteps>;
    expect(steps.commits).toEqual(['upload-url', 'upload', 'create-call:sent', 'create-call']);

    // Results appear after the sandbox's delay; the poll stops by itself.
    let result = null;
    for (let i = 0; i < 100 && result === null; i++) {
      result = await dest.fetchResult!(outcome.remoteId!, { signal: new AbortController().signal, callId: 'cw-1' });
      if (result === null) await new Promise((r) => setTimeout(r, 50));
    }
    expect(result?.summary).toContain('cw-1');
    expect(result?.transcriptUrl).toMatch(/^https:\/\//);
    expect(result?.remoteId).toBe(outcome.remoteId);
  });

  it('gets a fresh URL when storage answers 403 for an expired one', async () => {
    const dest = destination();
    // A URL from an earlier attempt whose expiry we did not know: storage refuses it by now.
    const first = makeContext(makeJob(recording, call('cw-expired')));
    const stale = await fetch(`${sandbox.url}/comswise/v1/upload/request`, {
      method: 'POST',
      headers: { authorization: 'Bearer sandbox-comswise-token-7f3a', 'content-type': 'application/json' },
      body: JSON.stringify({ fileName: recording.fileName, contentType: 'audio/wav' }),
    }).then((r) => r.json() as Promise<{ uploadUrl: string; fileKey: string }>);
    await new Promise((r) => setTimeout(r, 600));
    first.steps.commit('upload-url', { ...stale, contentType: 'audio/wav', expiresAt: null });
    sandbox.clearRequests();

    await dest.deliver(first);
    const puts = sandbox.requests().filter((r) => r.method === 'PUT');
    expect(puts.map((p) => p.status)).toEqual([403, 200]);
    expect(puts.every((p) => p.headers.authorization === undefined)).toBe(true);
    const created = sandbox.calls().comswise.find((c) => c.callId === 'cw-expired')!;
    expect(created.recordingUrl).not.toBe(stale.fileKey);
    expect(sandbox.requests().filter((r) => r.path.startsWith('/comswise/v1/upload/request'))).toHaveLength(1);
  });

  it('asks for a fresh URL before starting when the stored one is about to expire', async () => {
    const dest = destination();
    const ctx = makeContext(makeJob(recording, call('cw-near-expiry')));
    ctx.steps.commit('upload-url', {
      uploadUrl: `${sandbox.url}/comswise/storage/org_sandbox/uploads/x.wav?X-Amz-Signature=old`,
      fileKey: 'org_sandbox/uploads/x.wav',
      contentType: 'audio/wav',
      expiresAt: Date.now() + 5_000,
    });
    sandbox.clearRequests();
    await dest.deliver(ctx);
    const puts = sandbox.requests().filter((r) => r.method === 'PUT');
    expect(puts.map((p) => p.status)).toEqual([200]);
  });

  it('after a crash between sending create and recording its answer, finds the call by callId instead of creating it again', async () => {
    const dest = destination();
    const steps = memorySteps();
    await dest.deliver(makeContext(makeJob(recording, call('cw-crash')), { steps }));
    // Simulate the crash: the platform created the call but the answer was never committed.
    steps.clear('create-call');
    expect(steps.get('create-call:sent')).toBeDefined();
    // Bury it under other calls so the lookup has to follow cursors.
    for (let i = 0; i < 3; i++) await dest.deliver(makeContext(makeJob(recording, call(`cw-filler-${i}`))));

    sandbox.clearRequests();
    const again = await dest.deliver(makeContext(makeJob(recording, call('cw-crash')), { steps }));
    expect(sandbox.calls().comswise.filter((c) => c.callId === 'cw-crash')).toHaveLength(1);
    expect(again.remoteId).toBe(sandbox.calls().comswise.find((c) => c.callId === 'cw-crash')!.id);
    expect(sandbox.requests().some((r) => r.path.includes('/calls/create'))).toBe(false);
    expect(sandbox.requests().some((r) => r.method === 'GET' && r.path.startsWith('/comswise/v1/calls/'))).toBe(true);
  });

  /** Steps as they stand after a finished upload, for a call whose create is still to come. */
  async function uploadedSteps(): Promise<ReturnType<typeof memorySteps>> {
    const dest = destination();
    const steps = memorySteps();
    await dest.deliver(makeContext(makeJob(recording, call(`cw-donor-${Math.random()}`)), { steps }));
    steps.clear('create-call');
    steps.clear('create-call:sent');
    return steps;
  }

  it('after a crash where the create never arrived, the lookup proves it absent and creates it once', async () => {
    const dest = destination();
    const steps = await uploadedSteps();
    // The marker was committed, then the process died before the request left.
    steps.commit('create-call:sent', { sentAt: Date.now() });
    sandbox.clearRequests();
    const outcome = await dest.deliver(makeContext(makeJob(recording, call('cw-never-arrived')), { steps }));
    const created = sandbox.calls().comswise.filter((c) => c.callId === 'cw-never-arrived');
    expect(created).toHaveLength(1);
    expect(outcome.remoteId).toBe(created[0]!.id);
    const order = sandbox.requests().map((r) => `${r.method} ${r.path.split('?')[0]}`);
    expect(order[0]).toBe('GET /comswise/v1/calls/');
    expect(order.filter((o) => o === 'POST /comswise/v1/calls/create')).toHaveLength(1);
    expect(order.indexOf('POST /comswise/v1/calls/create')).toBeGreaterThan(0);
  });

  it('a lost create answer (connection cut after the platform created it) is recovered without a duplicate', async () => {
    const dest = destination();
    const steps = await uploadedSteps();
    await underFaults(sandbox, { dropResponseRate: 1, kinds: ['comswise'] }, async () => {
      const first = await dest
        .deliver(makeContext(makeJob(recording, call('cw-dropped')), { steps }))
        .catch((e: unknown) => e);
      expect((first as Error).name).toBe('TransientError');
    });
    expect(sandbox.calls().comswise.filter((c) => c.callId === 'cw-dropped')).toHaveLength(1);
    expect(steps.get('create-call:sent')).toBeDefined();
    expect(steps.get('create-call')).toBeUndefined();

    const outcome = await dest.deliver(makeContext(makeJob(recording, call('cw-dropped')), { steps }));
    const created = sandbox.calls().comswise.filter((c) => c.callId === 'cw-dropped');
    expect(created).toHaveLength(1);
    expect(outcome.remoteId).toBe(created[0]!.id);
  });

  it('a create refused by an error answer clears the marker, so the retry creates normally', async () => {
    const dest = destination();
    const steps = await uploadedSteps();
    await underFaults(sandbox, { error503Rate: 1, kinds: ['comswise'] }, async () => {
      const first = await dest
        .deliver(makeContext(makeJob(recording, call('cw-503')), { steps }))
        .catch((e: unknown) => e);
      expect((first as Error).message).toMatch(/HTTP 503/);
    });
    expect(steps.get('create-call:sent')).toBeUndefined();
    sandbox.clearRequests();
    await dest.deliver(makeContext(makeJob(recording, call('cw-503')), { steps }));
    expect(sandbox.requests().some((r) => r.method === 'GET')).toBe(false);
    expect(sandbox.calls().comswise.filter((c) => c.callId === 'cw-503')).toHaveLength(1);
  });

  it('a live call is created in-progress first, then completed with PATCH once the audio is up', async () => {
    const dest = destination();
    sandbox.clearRequests();
    const ctx = makeContext(makeJob(recording, call('cw-live', { status: 'in-progress' })));
    const outcome = await dest.deliver(ctx);
    const order = sandbox
      .requests()
      .map((r) => `${r.method} ${r.path.split('?')[0]!.replace(/uploads\/.*$/, 'uploads/…')}`);
    expect(order).toEqual([
      'POST /comswise/v1/calls/create',
      'POST /comswise/v1/upload/request',
      'PUT /comswise/storage/org_sandbox/uploads/…',
      `PATCH /comswise/v1/calls/${outcome.remoteId}`,
    ]);
    const [create, , , patch] = sandbox.requests();
    expect(create!.body).toEqual({
      callId: 'cw-live',
      from: '+15550001111',
      to: '+15550002222',
      direction: 'inbound',
      startTime: '2024-02-28T10:30:00Z',
      endTime: '2024-02-28T10:35:00Z',
      status: 'in-progress',
    });
    const fileKey = (ctx.steps.get('upload') as { fileKey: string }).fileKey;
    expect(patch!.body).toEqual({ status: 'completed', recordingUrl: fileKey });
    const stored = sandbox.calls().comswise.filter((c) => c.callId === 'cw-live');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ status: 'completed', recordingUrl: fileKey });
  });

  it('bad metadata is named by field and nothing is sent', async () => {
    const dest = destination();
    sandbox.clearRequests();
    const missing = dest.validate({ recording, call: { callId: 'cw-bad-1', startTime: '2024-02-28T10:30:00Z' } });
    expect(missing.map((i) => i.field).sort()).toEqual(['from', 'to']);
    const badPhone = dest.validate({ recording, call: call('cw-bad-2', { from: '5551234' as never }) });
    expect(badPhone.map((i) => i.field)).toEqual(['from']);
    expect(badPhone[0]!.message).toMatch(/E\.164/);
    const badEnum = dest.validate({ recording, call: call('cw-bad-3', { direction: 'sideways' as never }) });
    expect(badEnum.map((i) => i.field)).toEqual(['direction']);
    const noStart = dest.validate({ recording, call: call('cw-bad-4', { startTime: undefined }) });
    expect(noStart.map((i) => i.field)).toEqual(['startTime']);
    expect(noStart[0]!.message).toMatch(/required/);
    await expect(
      dest.deliver(makeContext(makeJob(recording, call('cw-bad-5', { to: undefined })))),
    ).rejects.toBeInstanceOf(ReviewError);
    expect(sandbox.requests()).toHaveLength(0);
  });

  it('tests the connection: ok, bad credentials, unreachable', async () => {
    const config = sandbox.destinationConfigs().find((d) => d.kind === 'comswise')!;
    const signal = new AbortController().signal;
    const deps = { logger: createSilentLogger(), clock: systemClock };
    expect((await createDestination(config, deps).testConnection(signal)).status).toBe('ok');
    const wrong = { ...config, auth: { token: 'nope' } } as typeof config;
    const refused = await createDestination(wrong, deps).testConnection(signal);
    expect(refused.status).toBe('bad-credentials');
    expect(refused.message).toContain('Invalid API key');
    const gone = { ...config, baseUrl: 'http://127.0.0.1:9/comswise/v1' } as typeof config;
    expect((await createDestination(gone, deps).testConnection(signal)).status).toBe('unreachable');
    expect(await createDestination(gone, deps).probe(signal)).toBe(false);
    expect(await createDestination(config, deps).probe(signal)).toBe(true);
  });

  it('turns a platform 401 into a message that says what to do', async () => {
    const config = sandbox.destinationConfigs().find((d) => d.kind === 'comswise')!;
    const wrong = createDestination({ ...config, auth: { token: 'nope' } } as typeof config, {
      logger: createSilentLogger(),
      clock: systemClock,
    });
    const error = await wrong.deliver(makeContext(makeJob(recording, call('cw-401')))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toMatch(/refused the credentials.*Invalid API key.*Settings/);
  });
});
