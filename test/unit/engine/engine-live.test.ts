// The engine's live path: a waiting-file job has its call opened through openLiveCall under a
// lease, backs off on transient errors without leaving waiting-file, and gives up opening early
// after a permanent refusal (delivery creates the call once the file is final).
import { afterEach, describe, expect, it } from 'vitest';
import { PermanentError, TransientError } from '../../../electron/core/delivery-errors.js';
import type { DeliveryContext } from '../../../electron/core/destinations/destination.js';
import { createEngine } from '../../../electron/core/engine/engine.js';
import { systemClock } from '../../../electron/core/clock.js';
import { createSilentLogger } from '../../../electron/core/logger.js';
import { LIVE_STOPPED_STEP, openOutbox } from '../../../electron/core/outbox/outbox.js';
import { createFakeDestination } from '../../fixtures/destinations/fake-destination.js';
import { makeRecording, makeTempDir } from '../../fixtures/engine/recordings.js';
import { waitFor } from '../../fixtures/engine/wait-for.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function setup(openLiveCall: (ctx: DeliveryContext, attempt: number) => Promise<void>) {
  const tmp = makeTempDir();
  const outbox = openOutbox({ file: ':memory:', clock: systemClock, logger: createSilentLogger() });
  const dest = createFakeDestination('dest');
  let liveAttempts = 0;
  const states: string[] = [];
  dest.openLiveCall = async (ctx) => {
    liveAttempts++;
    states.push(outbox.getJob(ctx.job.id)!.state);
    await openLiveCall(ctx, liveAttempts);
  };
  const engine = createEngine({
    outbox,
    getDestination: (name) => (name === 'dest' ? dest : undefined),
    clock: systemClock,
    logger: createSilentLogger(),
    concurrency: { global: 4, perDestination: 2 },
    bandwidth: { defaultBytesPerSec: null, schedule: [] },
    leaseMs: 3000,
    retry: { baseMs: 10, maxMs: 50 },
    probe: { baseMs: 20, maxMs: 100 },
  });
  cleanups.push(
    tmp.remove,
    () => outbox.close(),
    () => engine.stop(),
  );
  const recording = makeRecording(tmp.dir, 'live.wav');
  const { id } = outbox.openLiveJob({
    path: recording.path,
    fileName: recording.fileName,
    contentType: 'audio/wav',
    call: { callId: 'live-1', status: 'in-progress' },
    destination: 'dest',
    folder: null,
  });
  const complete = () =>
    outbox.completeLiveJob(id, {
      recording,
      call: { callId: 'ignored', status: 'in-progress' },
      state: 'queued',
      reviewIssues: [],
    });
  return { outbox, engine, dest, id, complete, liveAttempts: () => liveAttempts, states };
}

describe('engine live calls', () => {
  it('opens the call while the job waits for its file, backing off transient errors', async () => {
    const t = setup(async (ctx, attempt) => {
      if (attempt <= 2) throw new TransientError('HTTP 503: try later');
      expect(() => ctx.openBody()).toThrow(/still being written/);
      ctx.steps.commit('create-call', { remoteId: 'r-1' });
    });
    t.engine.start();
    await waitFor(() => t.outbox.getJob(t.id)!.steps['create-call'], 'the live call opened');
    await waitFor(() => t.outbox.getJob(t.id)!.leaseId === null, 'the live lease released');
    const job = t.outbox.getJob(t.id)!;
    expect(job.state).toBe('waiting-file');
    expect(job.failures).toBe(0);
    expect(t.states).toEqual(['waiting-file', 'waiting-file', 'waiting-file']);
    // Issue 11: identical failures fold into one timeline row with their count.
    const retries = t.outbox.events(t.id).filter((e) => e.type === 'live-retry');
    expect(retries).toHaveLength(1);
    expect(retries[0]!.repeat?.count).toBe(2);
    expect(t.outbox.liveJobsDue(Date.now() + 60_000, 10)).toEqual([]);

    expect(t.complete()).toEqual({ outcome: 'completed', state: 'queued' });
    await waitFor(() => t.outbox.getJob(t.id)!.state === 'done', 'delivery once the file is final');
    expect(t.liveAttempts()).toBe(3);
    expect(t.outbox.getJob(t.id)!.steps['create-call']).toEqual({ remoteId: 'r-1' });
  });

  it('stops opening early after a permanent refusal; the finished file is still delivered', async () => {
    const t = setup(async () => {
      throw new PermanentError('HTTP 401: token refused');
    });
    t.engine.start();
    await waitFor(() => t.outbox.getJob(t.id)!.steps[LIVE_STOPPED_STEP], 'the live attempt given up');
    const job = t.outbox.getJob(t.id)!;
    expect(job.state).toBe('waiting-file');
    expect(job.lastError).toContain('token refused');
    await waitFor(() => t.outbox.getJob(t.id)!.leaseId === null, 'the live lease released');
    expect(t.complete().outcome).toBe('completed');
    await waitFor(() => t.outbox.getJob(t.id)!.state === 'done', 'delivery once the file is final');
    expect(t.liveAttempts()).toBe(1);
  });
});
