import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DestinationConfig } from '../../../shared/config.js';
import type { CallDraft, RecordingInfo } from '../../../shared/model.js';
import { createDestination } from '../../../electron/core/destinations/create-destination.js';
import { PermanentError, ReviewError } from '../../../electron/core/delivery-errors.js';
import { systemClock } from '../../../electron/core/clock.js';
import { createSilentLogger } from '../../../electron/core/logger.js';
import { startSandbox, type Sandbox } from '../../../electron/headless/sandbox/sandbox.js';
import { makeContext, makeJob, memorySteps, someBytes, underFaults, writeRecording } from './delivery-harness.js';

let sandbox: Sandbox;
let dir: string;
let small: RecordingInfo;
let larger: RecordingInfo;
const deps = { logger: createSilentLogger(), clock: systemClock };
const userId = '0d8f3c2a-5b7e-4f1a-9c3d-2e6b8a4f7c10';

beforeAll(async () => {
  sandbox = await startSandbox({});
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-add-calls-'));
  small = await writeRecording(dir, 'Anruf Müller.mp3', someBytes(50_000, 7), 'audio/mpeg');
  // Larger than loopback socket buffers, so a cut halfway is seen before the last byte is handed over.
  larger = await writeRecording(dir, 'long-call.wav', { sparseBytes: 40 * 1024 * 1024 }, 'audio/x-wav');
});
afterAll(async () => {
  await sandbox.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function config(patch: Partial<DestinationConfig> = {}): DestinationConfig {
  return { ...sandbox.destinationConfigs().find((d) => d.kind === 'add-calls')!, ...patch } as DestinationConfig;
}
const call = (callId: string, extra: Partial<CallDraft> = {}): CallDraft => ({
  callId,
  customerName: 'Acme Corp',
  userId,
  extensionId: 'EXT-456',
  orderId: 'ORD-789',
  ...extra,
});
const addCallsRequests = () => sandbox.requests().filter((r) => r.kind === 'add-calls');

describe('add-calls', () => {
  it('streams a multipart form: api_key, the optional fields, then the call file', async () => {
    const dest = createDestination(config(), deps);
    sandbox.clearRequests();
    const ctx = makeContext(makeJob(small, call('ad-1')));
    const outcome = await dest.deliver(ctx);
    const [req] = addCallsRequests();
    expect(req!.method).toBe('POST');
    expect(req!.path).toBe('/add-calls/api/add-calls');
    expect(req!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(req!.headers.authorization).toBeUndefined();
    expect(req!.contentLength).toBeGreaterThan(small.sizeBytes);
    expect(req!.body).toEqual({
      api_key: expect.stringMatching(/^\*\*\*/),
      customer_name: 'Acme Corp',
      user_id: userId,
      extension_id: 'EXT-456',
      order_id: 'ORD-789',
      call: {
        fileName: 'Anruf Müller.mp3',
        contentType: 'audio/mpeg',
        size: small.sizeBytes,
        sha256: small.sha256,
        truncated: false,
      },
    });
    expect(req!.status).toBe(201);
    const created = sandbox.calls()['add-calls'].at(-1)!;
    expect(created.worker_id).toBe('ORD-789');
    expect(outcome.remoteId).toBe(created.call_id);
    expect(outcome.result?.recordingUrl).toBe(created.audio_url);
    expect(ctx.opened).toEqual([0]);
  });

  it('sends the Content-Type that fits the extension when the probe gave another', async () => {
    const dest = createDestination(config(), deps);
    const odd = { ...small, contentType: 'application/octet-stream' };
    await dest.deliver(makeContext(makeJob(odd, call('ad-2'))));
    expect((addCallsRequests().at(-1)!.body as { call: { contentType: string } }).call.contentType).toBe('audio/mpeg');
  });

  it('refuses files over 500 MB and unsupported formats before sending a byte', async () => {
    const dest = createDestination(config(), deps);
    sandbox.clearRequests();
    const huge = { ...small, fileName: 'huge.wav', sizeBytes: 501 * 1024 * 1024 };
    const tooBig = await dest.deliver(makeContext(makeJob(huge, call('ad-3')))).catch((e: unknown) => e);
    expect(tooBig).toBeInstanceOf(PermanentError);
    expect((tooBig as Error).message).toMatch(/501 MB; add-calls accepts at most 500 MB/);
    const ogg = { ...small, fileName: 'call.ogg', contentType: 'audio/ogg' };
    const wrongFormat = await dest.deliver(makeContext(makeJob(ogg, call('ad-4')))).catch((e: unknown) => e);
    expect((wrongFormat as Error).message).toMatch(/MP3, WAV, M4A, WebM and MP4/);
    expect(addCallsRequests()).toHaveLength(0);
  });

  it('names bad metadata before sending anything', async () => {
    const dest = createDestination(config(), deps);
    sandbox.clearRequests();
    expect(dest.validate({ recording: small, call: call('ad-5', { userId: 'agent 7' }) })).toEqual([
      { field: 'userId', message: expect.stringContaining('UUID') },
    ]);
    const unknownDefault = createDestination(config({ defaults: { agent: 'x' } }), deps);
    expect(unknownDefault.validate({ recording: small, call: call('ad-6') })[0]!.field).toBe('defaults.agent');
    await expect(dest.deliver(makeContext(makeJob(small, call('ad-7', { userId: 'x' }))))).rejects.toBeInstanceOf(
      ReviewError,
    );
    expect(addCallsRequests()).toHaveLength(0);
  });

  it('a connection cut mid-upload cannot have created a call: the retry sends again, once', async () => {
    const dest = createDestination(config(), deps);
    const steps = memorySteps();
    await underFaults(sandbox, { resetRate: 1, kinds: ['add-calls'] }, async () => {
      const error = await dest
        .deliver(makeContext(makeJob(larger, call('ad-reset')), { steps }))
        .catch((e: unknown) => e);
      expect((error as Error).name).toBe('TransientError');
    });
    expect(steps.get('create-call:sent')).toBeUndefined();
    const before = sandbox.calls()['add-calls'].length;
    await dest.deliver(makeContext(makeJob(larger, call('ad-reset')), { steps }));
    expect(sandbox.calls()['add-calls'].length).toBe(before + 1);
    expect((sandbox.calls()['add-calls'].at(-1)!.file as { sha256: string }).sha256).toBe(larger.sha256);
  });

  it('a lost answer after the whole upload fails as "may have been created" rather than uploading twice', async () => {
    const dest = createDestination(config(), deps);
    const steps = memorySteps();
    await underFaults(sandbox, { dropResponseRate: 1, kinds: ['add-calls'] }, () =>
      expect(dest.deliver(makeContext(makeJob(small, call('ad-lost')), { steps }))).rejects.toThrow(),
    );
    const before = sandbox.calls()['add-calls'].length;
    const error = await dest.deliver(makeContext(makeJob(small, call('ad-lost')), { steps })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toMatch(/may have been created/);
    expect(sandbox.calls()['add-calls'].length).toBe(before);
  });

  it('tests the connection without creating a call', async () => {
    const before = sandbox.calls()['add-calls'].length;
    const signal = new AbortController().signal;
    expect((await createDestination(config(), deps).testConnection(signal)).status).toBe('ok');
    const bad = createDestination(config({ auth: { apiKey: 'wrong' } } as never), deps);
    const answer = await bad.testConnection(signal);
    expect(answer.status).toBe('bad-credentials');
    expect(answer.message).toContain('Invalid API key');
    expect(sandbox.calls()['add-calls'].length).toBe(before);
  });
});
