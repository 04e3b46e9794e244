// Live jobs: a waiting-file job made when a recording appears, opened under a lease while it
// stays waiting-file, and completed (or failed as a duplicate) when the file is final.
import { describe, expect, it, onTestFinished } from 'vitest';
import { LeaseLostError } from '../../../electron/core/delivery-errors.js';
import { createSilentLogger } from '../../../electron/core/logger.js';
import { provisionalSha256, type LiveJobInput } from '../../../electron/core/outbox/intake-port.js';
import { LIVE_STOPPED_STEP, openOutbox } from '../../../electron/core/outbox/outbox.js';
import { enqueueInput, fakeRecording, makeTempDir } from '../../fixtures/engine/recordings.js';
import { leaseFor, memoryOutbox } from '../../fixtures/outbox/memory-outbox.js';

let now = 1_700_000_000_000;
const clock = { now: () => now };
const logger = createSilentLogger();

const memory = () => memoryOutbox(clock);

const lease = leaseFor(clock);

function liveInput(n: number, extra: Partial<LiveJobInput> = {}): LiveJobInput {
  const rec = fakeRecording(n);
  return {
    path: rec.path,
    fileName: rec.fileName,
    contentType: 'audio/wav',
    call: { callId: `cr-live-${n}`, groupingId: 'g', status: 'in-progress', startTime: '2026-01-01T00:00:00.000Z' },
    destination: 'dest',
    folder: '/recordings',
    ...extra,
  };
}

function completion(n: number) {
  const rec = fakeRecording(n);
  return {
    recording: rec,
    call: { callId: `cr-${rec.sha256.slice(0, 16)}`, groupingId: 'g', status: 'in-progress' as const },
    state: 'queued' as const,
    reviewIssues: [],
  };
}

describe('outbox live jobs', () => {
  it('creates one waiting-file job per path and destination, with a provisional hash', () => {
    const outbox = memory();
    const first = outbox.openLiveJob(liveInput(1));
    expect(first.created).toBe(true);
    expect(outbox.openLiveJob(liveInput(1, { call: { callId: 'other' } }))).toEqual({ id: first.id, created: false });
    expect(outbox.openLiveJob(liveInput(1, { destination: 'other' })).created).toBe(true);
    const job = outbox.getJob(first.id)!;
    expect(job.state).toBe('waiting-file');
    expect(job.sha256).toBe(provisionalSha256(fakeRecording(1).path));
    expect(job.call.callId).toBe('cr-live-1');
    expect(outbox.findLiveJob(fakeRecording(1).path, 'dest')).toEqual({ id: first.id });
    expect(outbox.findLiveJob(fakeRecording(2).path, 'dest')).toBeNull();
    // Never mistaken for a finished file, whatever its size and mtime turn out to be.
    expect(outbox.hasSeenFile(fakeRecording(1).path, 0, 0)).toBe(false);
    expect(outbox.readyJobs('dest', '/recordings', now, 10)).toEqual([]);
  });

  it('is found again by a second outbox on the same database (a restart)', () => {
    const temp = makeTempDir('callrelay-live-');
    onTestFinished(temp.remove);
    const file = `${temp.dir}/outbox.db`;
    const a = openOutbox({ file, clock, logger });
    const { id } = a.openLiveJob(liveInput(1));
    a.close();
    const b = openOutbox({ file, clock, logger });
    onTestFinished(() => b.close());
    expect(b.openLiveJob(liveInput(1))).toEqual({ id, created: false });
    expect(b.findLiveJob(fakeRecording(1).path, 'dest')).toEqual({ id });
    expect(b.counts()['waiting-file']).toBe(1);
  });

  it('runs under a lease while it stays waiting-file, and is not due again once its call is open', () => {
    const outbox = memory();
    const { id } = outbox.openLiveJob(liveInput(1));
    expect(outbox.liveJobsDue(now, 10)).toEqual([{ id, destination: 'dest' }]);
    const job = outbox.acquireLive(id, lease())!;
    expect(job.state).toBe('waiting-file');
    expect(outbox.acquireLive(id, lease('lease-2'))).toBeNull();
    expect(outbox.liveJobsDue(now, 10)).toEqual([]);
    expect(() => outbox.commitSteps(id, 'lease-2', { 'create-call': {} }, 'create-call')).toThrow(LeaseLostError);
    outbox.commitSteps(id, 'lease-1', { 'create-call': { remoteId: 'r1' } }, 'create-call');
    expect(outbox.finishLive(id, 'lease-1', { event: { type: 'live-opened', message: 'opened' } })).toBe(true);
    const after = outbox.getJob(id)!;
    expect(after).toMatchObject({ state: 'waiting-file', leaseId: null, steps: { 'create-call': { remoteId: 'r1' } } });
    expect(outbox.liveJobsDue(now, 10)).toEqual([]);
  });

  it('backs off a transient failure and stops trying early after a permanent one', () => {
    const outbox = memory();
    const { id } = outbox.openLiveJob(liveInput(1));
    outbox.acquireLive(id, lease());
    outbox.finishLive(id, 'lease-1', {
      nextAttemptAt: now + 5000,
      failures: 1,
      lastError: 'HTTP 503',
      event: { type: 'live-retry', message: 'retry' },
    });
    expect(outbox.liveJobsDue(now, 10)).toEqual([]);
    expect(outbox.nextDueAt()).toBe(now + 5000);
    expect(outbox.liveJobsDue(now + 5000, 10)).toHaveLength(1);
    now += 5000;
    expect(outbox.acquireLive(id, lease('lease-2'))).not.toBeNull();
    outbox.finishLive(id, 'lease-2', {
      stop: true,
      lastError: 'HTTP 401',
      event: { type: 'live-stopped', message: 'x' },
    });
    const job = outbox.getJob(id)!;
    expect(job.state).toBe('waiting-file');
    expect(job.steps[LIVE_STOPPED_STEP]).toBeDefined();
    expect(outbox.liveJobsDue(now + 10_000, 10)).toEqual([]);
  });

  it('completes with the real recording, keeps its callId and moves on to queued', () => {
    const outbox = memory();
    const { id } = outbox.openLiveJob(liveInput(1));
    const done = completion(1);
    expect(outbox.completeLiveJob(id, done)).toEqual({ outcome: 'completed', state: 'queued' });
    const job = outbox.getJob(id)!;
    expect(job).toMatchObject({ state: 'queued', sha256: done.recording.sha256, recording: done.recording });
    expect(job.call).toMatchObject({ callId: 'cr-live-1', status: 'in-progress' });
    expect(outbox.findBySha(done.recording.sha256, 'dest')).toEqual({ id, state: 'queued' });
    expect(outbox.hasSeenFile(done.recording.path, done.recording.sizeBytes, done.recording.mtimeMs)).toBe(true);
    expect(outbox.findLiveJob(done.recording.path, 'dest')).toBeNull();
    expect(outbox.completeLiveJob(id, done)).toEqual({ outcome: 'gone' });
    // The path can go live again for a new recording written there later.
    expect(outbox.openLiveJob(liveInput(1)).created).toBe(true);
  });

  it('waits while its call is being opened under a live lease', () => {
    const outbox = memory();
    const { id } = outbox.openLiveJob(liveInput(1));
    outbox.acquireLive(id, lease('lease-1', now + 1000));
    expect(outbox.completeLiveJob(id, completion(1))).toEqual({ outcome: 'busy' });
    now += 1000; // the holder died: its lease expired
    expect(outbox.completeLiveJob(id, completion(1)).outcome).toBe('completed');
    expect(outbox.getJob(id)!.leaseId).toBeNull();
  });

  it('keeps a person from queueing a job whose file is not final yet', () => {
    const outbox = memory();
    const { id } = outbox.openLiveJob(liveInput(1));
    const job = outbox.updateCall(id, { callId: 'cr-live-1', groupingId: 'edited' }, [], true);
    expect(job).toMatchObject({ state: 'waiting-file', call: { groupingId: 'edited' } });
    expect(outbox.cancel([id])).toBe(1);
    expect(outbox.completeLiveJob(id, completion(1))).toEqual({ outcome: 'gone' });
  });

  // Changed by issue 11: such a job is a `duplicate` row ("Same as …"), no longer `failed`.
  it('marks a live job whose content another job already holds as a duplicate, naming it', () => {
    const outbox = memory();
    const other = outbox.enqueue(enqueueInput(fakeRecording(1)));
    const { id } = outbox.openLiveJob(liveInput(1, { path: '/recordings/copy.wav', fileName: 'copy.wav' }));
    const result = outbox.completeLiveJob(id, {
      ...completion(1),
      recording: { ...fakeRecording(1), path: '/recordings/copy.wav' },
    });
    expect(result).toEqual({ outcome: 'duplicate', of: other.id });
    const job = outbox.getJob(id)!;
    expect(job.state).toBe('duplicate');
    expect(job.duplicateOf).toBe(other.id);
    expect(job.lastError).toContain(other.id);
    expect(outbox.findBySha(fakeRecording(1).sha256, 'dest')).toEqual({ id: other.id, state: 'queued' });
    expect(outbox.openLiveJob(liveInput(1, { path: '/recordings/copy.wav', fileName: 'copy.wav' })).created).toBe(true);
  });
});
