// callab, agent-calls and cx: one JSON create each. Each is driven against the sandbox and the
// request the sandbox received is checked field by field against its seed document.
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
import { sandboxIds, startSandbox, type Sandbox } from '../../../electron/headless/sandbox/sandbox.js';
import { makeContext, makeJob, memorySteps, someBytes, underFaults, writeRecording } from './delivery-harness.js';

let sandbox: Sandbox;
let dir: string;
let recording: RecordingInfo;
const deps = { logger: createSilentLogger(), clock: systemClock };
const signal = () => new AbortController().signal;

beforeAll(async () => {
  sandbox = await startSandbox({});
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-json-kinds-'));
  recording = await writeRecording(dir, 'call-0001.wav', someBytes(4096), 'audio/wav');
});
afterAll(async () => {
  await sandbox.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function configOf(kind: DestinationConfig['kind'], patch: Partial<DestinationConfig> = {}): DestinationConfig {
  const config = sandbox.destinationConfigs().find((d) => d.kind === kind)!;
  return { ...config, ...patch } as DestinationConfig;
}

const baseCall = (callId: string, extra: Partial<CallDraft> = {}): CallDraft => ({
  callId,
  from: '+15550001111',
  to: '+15550002222',
  direction: 'outbound',
  startTime: '2024-02-28T10:30:00Z',
  endTime: '2024-02-28T10:35:00Z',
  ...extra,
});

const recordingMetadata = () => ({
  callrelay_call_id: expect.any(String),
  recording_file_name: 'call-0001.wav',
  recording_sha256: recording.sha256,
  recording_size_bytes: 4096,
  recording_content_type: 'audio/wav',
  recording_duration_sec: 12.5,
  start_time: '2024-02-28T10:30:00Z',
  end_time: '2024-02-28T10:35:00Z',
  from: '+15550001111',
  to: '+15550002222',
  direction: 'outbound',
});

function lastRequest(kind: string) {
  const list = sandbox.requests().filter((r) => r.kind === kind);
  return list[list.length - 1]!;
}

describe('callab', () => {
  it('POSTs {base}/v1/calls with Bearer auth and the documented fields; recording details in metadata', async () => {
    const dest = createDestination(configOf('callab'), deps);
    const campaign = '7b0f5a8e-3f1e-4c57-9a43-0c1f5e8d2a11';
    const outcome = await dest.deliver(
      makeContext(
        makeJob(recording, baseCall('cb-1', { campaignId: campaign, notes: 'VIP', extra: { ticket: 'T-9' } })),
      ),
    );
    const req = lastRequest('callab');
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/callab/v1/calls');
    expect(req.headers.authorization).toMatch(/^Bearer \*\*\*/);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.body).toEqual({
      company_id: sandboxIds.callabCompanyId,
      call_provider: 'callrelay',
      campaign_id: campaign,
      call_from: '+15550001111',
      call_to: '+15550002222',
      call_direction: 'outbound',
      notes: 'VIP',
      metadata: { ...recordingMetadata(), callrelay_call_id: 'cb-1', ticket: 'T-9' },
    });
    expect(req.status).toBe(200);
    const created = sandbox.calls().callab.at(-1)!;
    expect(outcome.remoteId).toBe(created.id);
    expect(outcome.result?.status).toBe('registered');
    expect(outcome.pollResults).toBe(false);
  });

  it('names bad fields before sending anything', () => {
    const dest = createDestination(configOf('callab'), deps);
    const before = sandbox.requests().length;
    expect(dest.validate({ recording, call: baseCall('cb-2', { agentId: 'not-a-uuid' }) })).toEqual([
      { field: 'agentId', message: expect.stringContaining('UUID') },
    ]);
    expect(dest.validate({ recording, call: baseCall('cb-3', { from: '12345' as never }) })[0]!.field).toBe('from');
    expect(dest.validate({ recording, call: baseCall('cb-4', { direction: 'sideways' as never }) })[0]!.field).toBe(
      'direction',
    );
    const noCompany = createDestination(configOf('callab', { defaults: {} }), deps);
    expect(noCompany.validate({ recording, call: baseCall('cb-5') })).toEqual([
      { field: 'defaults.company_id', message: expect.stringContaining("destination's defaults") },
    ]);
    expect(sandbox.requests().length).toBe(before);
  });

  it('a lost answer fails the job as "may have been created" instead of creating twice', async () => {
    const dest = createDestination(configOf('callab'), deps);
    const steps = memorySteps();
    await underFaults(sandbox, { dropResponseRate: 1, kinds: ['callab'] }, () =>
      expect(dest.deliver(makeContext(makeJob(recording, baseCall('cb-lost')), { steps }))).rejects.toThrow(),
    );
    const count = () =>
      sandbox
        .calls()
        .callab.filter((c) => (c.metadata as { callrelay_call_id?: string }).callrelay_call_id === 'cb-lost').length;
    expect(count()).toBe(1);
    const error = await dest
      .deliver(makeContext(makeJob(recording, baseCall('cb-lost')), { steps }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toMatch(/may have been created.*resend this recording on purpose/);
    expect(count()).toBe(1);
  });

  it('a connection refused before sending leaves no marker, so the retry creates normally', async () => {
    const steps = memorySteps();
    const gone = createDestination(configOf('callab', { baseUrl: 'http://127.0.0.1:9/callab' }), deps);
    const error = await gone
      .deliver(makeContext(makeJob(recording, baseCall('cb-refused')), { steps }))
      .catch((e: unknown) => e);
    expect((error as { unreachable?: boolean }).unreachable).toBe(true);
    expect(steps.get('create-call:sent')).toBeUndefined();
    await createDestination(configOf('callab'), deps).deliver(
      makeContext(makeJob(recording, baseCall('cb-refused')), { steps }),
    );
    expect(steps.get('create-call')).toBeDefined();
  });

  it('tests the connection', async () => {
    expect((await createDestination(configOf('callab'), deps).testConnection(signal())).status).toBe('ok');
    const bad = createDestination(configOf('callab', { auth: { token: 'wrong' } } as never), deps);
    expect((await bad.testConnection(signal())).status).toBe('bad-credentials');
  });
});

describe('agent-calls', () => {
  it('POSTs {base}/api/calls/create with X-API-KEY/X-API-SECRET, our callId as call_id, upper-case enums', async () => {
    const dest = createDestination(configOf('agent-calls'), deps);
    const outcome = await dest.deliver(makeContext(makeJob(recording, baseCall('ac-1'))));
    const req = lastRequest('agent-calls');
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/agent-calls/api/calls/create');
    expect(req.headers['x-api-key']).toMatch(/^\*\*\*/);
    expect(req.headers['x-api-secret']).toMatch(/^\*\*\*/);
    expect(req.headers.authorization).toBeUndefined();
    expect(req.body).toEqual({
      agent_id: sandboxIds.agentId,
      call_type: 'PHONE_CALL',
      call_id: 'ac-1',
      direction: 'OUTBOUND',
      metadata: { ...recordingMetadata(), callrelay_call_id: 'ac-1' },
    });
    expect(outcome.remoteId).toBe('ac-1');
    expect(outcome.result?.status).toBe('registered');
  });

  it('a per-call agentId overrides the default agent_id; unknown direction is left out', async () => {
    const dest = createDestination(configOf('agent-calls'), deps);
    await dest.deliver(makeContext(makeJob(recording, baseCall('ac-2', { agentId: 'agent-9', direction: 'unknown' }))));
    const body = lastRequest('agent-calls').body as Record<string, unknown>;
    expect(body.agent_id).toBe('agent-9');
    expect('direction' in body).toBe(false);
  });

  it('names bad fields before sending anything', () => {
    const noAgent = createDestination(configOf('agent-calls', { defaults: {} }), deps);
    const before = sandbox.requests().length;
    expect(noAgent.validate({ recording, call: baseCall('ac-3') })).toEqual([
      { field: 'agentId', message: 'required by agent-calls (its field agent_id)' },
    ]);
    const badType = createDestination(
      configOf('agent-calls', { defaults: { agent_id: 'a', call_type: 'PHONE' } }),
      deps,
    );
    expect(badType.validate({ recording, call: baseCall('ac-4') })[0]!.field).toBe('defaults.call_type');
    const dest = createDestination(configOf('agent-calls'), deps);
    expect(dest.validate({ recording, call: baseCall('ac-5', { direction: 'sideways' as never }) })).toEqual([]);
    expect(sandbox.requests().length).toBe(before);
  });

  it('after a lost answer, resending the same call_id adopts the existing call (409) instead of a duplicate', async () => {
    const dest = createDestination(configOf('agent-calls'), deps);
    const steps = memorySteps();
    await underFaults(sandbox, { dropResponseRate: 1, kinds: ['agent-calls'] }, () =>
      expect(dest.deliver(makeContext(makeJob(recording, baseCall('ac-lost')), { steps }))).rejects.toThrow(),
    );
    const outcome = await dest.deliver(makeContext(makeJob(recording, baseCall('ac-lost')), { steps }));
    expect(outcome.remoteId).toBe('ac-lost');
    expect(lastRequest('agent-calls').status).toBe(409);
    expect(sandbox.calls()['agent-calls'].filter((c) => c.call_id === 'ac-lost')).toHaveLength(1);
  });

  it('a call_id already taken on first send fails with an actionable message', async () => {
    const dest = createDestination(configOf('agent-calls'), deps);
    await dest.deliver(makeContext(makeJob(recording, baseCall('ac-taken'))));
    const error = await dest.deliver(makeContext(makeJob(recording, baseCall('ac-taken')))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toMatch(/HTTP 409.*already exists.*another callId/);
  });

  it('tests the connection', async () => {
    expect((await createDestination(configOf('agent-calls'), deps).testConnection(signal())).status).toBe('ok');
    const bad = createDestination(configOf('agent-calls', { auth: { apiKey: 'x', apiSecret: 'y' } } as never), deps);
    expect((await bad.testConnection(signal())).status).toBe('bad-credentials');
    expect(sandbox.calls()['agent-calls'].some((c) => !String(c.call_id).startsWith('ac-'))).toBe(false);
  });
});

describe('cx', () => {
  it('POSTs {base}/api/v1/calls with Basic auth and exactly the five required fields', async () => {
    const dest = createDestination(configOf('cx'), deps);
    const outcome = await dest.deliver(makeContext(makeJob(recording, baseCall('cx-1', { customerName: 'John Doe' }))));
    const req = lastRequest('cx');
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/cx/api/v1/calls');
    expect(req.headers.authorization).toMatch(/^Basic \*\*\*/);
    expect(req.body).toEqual({
      agentId: sandboxIds.cxAgentId,
      channel: 'call',
      skillId: sandboxIds.cxSkillId,
      customerName: 'John Doe',
      // outbound: the customer is the number called
      customerPhone: '+15550002222',
    });
    expect(req.status).toBe(200);
    expect(outcome.remoteId).toBe(sandbox.calls().cx.at(-1)!.id);
    expect(outcome.result?.status).toBe('in-progress');
  });

  it('names missing and malformed fields before sending anything', () => {
    const dest = createDestination(configOf('cx'), deps);
    const before = sandbox.requests().length;
    expect(dest.validate({ recording, call: baseCall('cx-2') })).toEqual([
      { field: 'customerName', message: 'required by cx (its field customerName)' },
    ]);
    const badChannel = dest.validate({ recording, call: baseCall('cx-3', { customerName: 'A', channel: 'fax' }) });
    expect(badChannel.map((i) => i.field)).toEqual(['channel']);
    const badPhone = dest.validate({
      recording,
      call: baseCall('cx-4', { customerName: 'A', customerPhone: '0044 20' as never }),
    });
    expect(badPhone.map((i) => i.field)).toEqual(['customerPhone']);
    const noPhone = dest.validate({
      recording,
      call: baseCall('cx-5', { customerName: 'A', direction: 'unknown', from: undefined, to: undefined }),
    });
    expect(noPhone).toEqual([{ field: 'customerPhone', message: expect.stringContaining('from/to with a direction') }]);
    const noIds = createDestination(configOf('cx', { defaults: {} }), deps);
    expect(
      noIds
        .validate({ recording, call: baseCall('cx-6', { customerName: 'A' }) })
        .map((i) => i.field)
        .sort(),
    ).toEqual(['agentId', 'skillId']);
    expect(sandbox.requests().length).toBe(before);
  });

  it('delivery with bad metadata throws ReviewError and sends nothing', async () => {
    const dest = createDestination(configOf('cx'), deps);
    const before = sandbox.requests().length;
    await expect(dest.deliver(makeContext(makeJob(recording, baseCall('cx-7'))))).rejects.toBeInstanceOf(ReviewError);
    expect(sandbox.requests().length).toBe(before);
  });

  it('tests the connection without creating anything', async () => {
    const count = sandbox.calls().cx.length;
    expect((await createDestination(configOf('cx'), deps).testConnection(signal())).status).toBe('ok');
    const bad = createDestination(configOf('cx', { auth: { username: 'u', password: 'p' } } as never), deps);
    expect((await bad.testConnection(signal())).status).toBe('bad-credentials');
    expect(sandbox.calls().cx.length).toBe(count);
  });
});
