import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { PermanentError, ReviewError, TransientError } from '../../../electron/core/delivery-errors.js';
import type { Destination } from '../../../electron/core/destinations/destination.js';
import { createEngine, type Engine, type EngineOptions } from '../../../electron/core/engine/engine.js';
import { systemClock } from '../../../electron/core/clock.js';
import { createSilentLogger } from '../../../electron/core/logger.js';
import { openOutbox, type JobRecord, type Outbox } from '../../../electron/core/outbox/outbox.js';
import { createFakeDestination, type FakeDestination } from '../../fixtures/destinations/fake-destination.js';
import { enqueueInput, makeRecording, makeTempDir } from '../../fixtures/engine/recordings.js';
import { waitFor } from '../../fixtures/engine/wait-for.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function setup(destinations: FakeDestination[] = [createFakeDestination('dest')], extra: Partial<EngineOptions> = {}) {
  const tmp = makeTempDir();
  const outbox = openOutbox({ file: ':memory:', clock: systemClock, logger: createSilentLogger() });
  const byName = new Map<string, Destination>(destinations.map((d) => [d.name, d]));
  const engine = createEngine({
    outbox,
    getDestination: (name) => byName.get(name),
    clock: systemClock,
    logger: createSilentLogger(),
    concurrency: { global: 4, perDestination: 2 },
    bandwidth: { defaultBytesPerSec: null, schedule: [] },
    leaseMs: 3000,
    stallTimeoutMs: 5000,
    retry: { baseMs: 10, maxMs: 50 },
    probe: { baseMs: 20, maxMs: 100 },
    resultPoll: { firstMs: 20, maxMs: 50, totalMs: 10_000 },
    ...extra,
  });
  cleanups.push(
    tmp.remove,
    () => outbox.close(),
    () => engine.stop(),
  );
  let n = 0;
  const add = (extraInput: Parameters<typeof enqueueInput>[1] = {}, size = 4096) =>
    outbox.enqueue(enqueueInput(makeRecording(tmp.dir, `rec-${n++}.wav`, randomBytes(size)), extraInput)).id;
  return { outbox, engine, add, dest: destinations[0]!, tmp };
}

const state = (outbox: Outbox, id: string) => outbox.getJob(id)!.state;

describe('engine', () => {
  it('delivers queued jobs, commits each step and runs the after-delivery hook once', async () => {
    const delivered: JobRecord[] = [];
    const { outbox, engine, add, dest } = setup(undefined, { onDelivered: async (job) => void delivered.push(job) });
    const ids = [add(), add(), add()];
    engine.start();
    await waitFor(() => ids.every((id) => state(outbox, id) === 'done'), 'all jobs done');
    for (const id of ids) {
      const job = outbox.getJob(id)!;
      expect(job.remoteId).toBe(`remote-${job.call.callId}`);
      expect(job.steps).toMatchObject({ upload: { fileKey: `key-${id}` }, create: job.remoteId });
      expect(dest.bytesReceived.get(id)).toBe(4096);
      expect(job.attempts).toBe(1);
    }
    await waitFor(() => delivered.length === 3 && ids.every((id) => !outbox.getJob(id)!.hookPending), 'hooks ran');
    expect([...dest.created.values()]).toEqual([1, 1, 1]);
  });

  it('retries transient errors with backoff, then delivers', async () => {
    const { outbox, engine, add, dest } = setup();
    dest.before = (_ctx, attempt) => {
      if (attempt <= 3) throw new TransientError('HTTP 503: try later');
    };
    const id = add();
    engine.start();
    await waitFor(() => state(outbox, id) === 'done', 'delivery after retries');
    const job = outbox.getJob(id)!;
    expect(job.attempts).toBe(4);
    expect(job.failures).toBe(0);
    // Issue 11: the three identical failures are one folded timeline row with a count of 3.
    const retries = outbox.events(id).filter((e) => e.type === 'retry-wait');
    expect(retries).toHaveLength(1);
    expect(retries[0]!.repeat?.count).toBe(3);
  });

  it('fails on a permanent error with the server message and asks for review on a review error', async () => {
    const { outbox, engine, add, dest } = setup();
    const a = add();
    const b = add();
    dest.before = (ctx) => {
      if (ctx.job.id === a) throw new PermanentError('HTTP 422: agent_id is not a known agent');
      throw new ReviewError([{ field: 'agentId', message: 'required by this platform' }]);
    };
    engine.start();
    await waitFor(() => state(outbox, a) === 'failed' && state(outbox, b) === 'needs-review', 'failed and review');
    expect(outbox.getJob(a)!.lastError).toBe('HTTP 422: agent_id is not a known agent');
    expect(outbox.getJob(b)!.reviewIssues).toEqual([{ field: 'agentId', message: 'required by this platform' }]);
  });

  it('puts an unreachable destination to sleep, probes it, burns no attempts and wakes when it answers', async () => {
    const { outbox, engine, add, dest } = setup();
    dest.online = false;
    dest.before = () => {
      if (!dest.online) throw new TransientError('connect ECONNREFUSED', { unreachable: true });
    };
    const ids = [add(), add(), add()];
    engine.start();
    await waitFor(() => dest.probes >= 3, 'probes while offline');
    expect(engine.health()[0]).toMatchObject({ name: 'dest', online: false });
    const attemptsWhileOffline = dest.attempts;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(dest.attempts).toBe(attemptsWhileOffline); // the queue sleeps while offline
    for (const id of ids) expect(outbox.getJob(id)!.attempts).toBe(0);
    dest.online = true;
    await waitFor(() => ids.every((id) => state(outbox, id) === 'done'), 'delivery after the link returns', 5000);
    for (const id of ids) expect(outbox.getJob(id)!.attempts).toBe(1);
    expect(engine.health()[0]).toMatchObject({ online: true, offlineSince: null });
  });

  it('keeps to the global and per-destination limits', async () => {
    const a = createFakeDestination('a');
    const b = createFakeDestination('b');
    let now = 0;
    let peak = 0;
    const perDest = new Map<string, number>();
    let peakPerDest = 0;
    const hold: FakeDestination['before'] = async (ctx) => {
      now++;
      perDest.set(ctx.job.destination, (perDest.get(ctx.job.destination) ?? 0) + 1);
      peak = Math.max(peak, now);
      peakPerDest = Math.max(peakPerDest, ...perDest.values());
      await new Promise((resolve) => setTimeout(resolve, 30));
      now--;
      perDest.set(ctx.job.destination, perDest.get(ctx.job.destination)! - 1);
    };
    a.before = hold;
    b.before = hold;
    const { outbox, engine, add } = setup([a, b], { concurrency: { global: 3, perDestination: 2 } });
    const ids = Array.from({ length: 12 }, (_, i) => add({ destination: i % 2 ? 'a' : 'b' }));
    engine.start();
    await waitFor(() => ids.every((id) => state(outbox, id) === 'done'), 'all done');
    expect(peak).toBeLessThanOrEqual(3);
    expect(peakPerDest).toBeLessThanOrEqual(2);
    expect(peak).toBeGreaterThanOrEqual(2);
  });

  it('is fair across folders and lets a person move a job to the front', async () => {
    const order: string[] = [];
    const { outbox, engine, add, dest } = setup(undefined, { concurrency: { global: 1, perDestination: 1 } });
    dest.before = (ctx) => void order.push(ctx.job.id);
    const big = Array.from({ length: 8 }, () => add({ folder: '/big' }));
    const small = Array.from({ length: 3 }, () => add({ folder: '/small' }));
    outbox.moveToFront([big[7]!]);
    engine.start();
    await waitFor(() => [...big, ...small].every((id) => state(outbox, id) === 'done'), 'all done');
    expect(order[0]).toBe(big[7]);
    // The small folder is not starved behind the big one: its three jobs go out within the first seven.
    const positions = small.map((id) => order.indexOf(id));
    expect(Math.max(...positions)).toBeLessThan(7);
  });

  it('pauses and cancels a running job through its lease, keeping committed steps', async () => {
    const { outbox, engine, add, dest } = setup();
    const a = add();
    const b = add();
    dest.before = async (ctx) => {
      if (ctx.steps.get('upload')) return;
      ctx.steps.commit('upload', { fileKey: 'early' });
      await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));
    };
    engine.start();
    await waitFor(() => engine.isRunning(a) && engine.isRunning(b), 'both running');
    await waitFor(() => outbox.getJob(a)!.steps.upload && outbox.getJob(b)!.steps.upload, 'first steps committed');
    expect(await engine.interruptJobs([a], 'paused')).toBe(1);
    expect(await engine.interruptJobs([b], 'cancelled')).toBe(1);
    expect(outbox.getJob(a)).toMatchObject({ state: 'paused', steps: { upload: { fileKey: 'early' } } });
    expect(state(outbox, b)).toBe('cancelled');
    outbox.resume([a]);
    await waitFor(() => state(outbox, a) === 'done', 'resumed job done');
    expect(dest.bytesReceived.has(a)).toBe(false); // the upload step was not repeated
  });

  it('fails a stalled transfer as transient and retries it', async () => {
    const { outbox, engine, add, dest } = setup(undefined, { stallTimeoutMs: 300 });
    const id = add({}, 2 * 1024 * 1024);
    dest.before = async (ctx, attempt) => {
      if (attempt > 1) return;
      const body = ctx.openBody(0);
      body.once('data', () => body.pause());
      await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('socket closed'))));
    };
    engine.start();
    await waitFor(() => engine.activity(id) === 'transfer', 'transfer under way');
    await waitFor(() => state(outbox, id) === 'done', 'delivery after a stall');
    expect(engine.activity(id)).toBeNull();
    expect(outbox.events(id).some((e) => e.type === 'retry-wait' && e.message.includes('stalled'))).toBe(true);
  });

  it('never lets a worker that lost its lease commit, and the job still goes through once', async () => {
    const { outbox, engine, add, dest } = setup();
    const id = add();
    dest.before = (_ctx, attempt) => {
      // Another process takes the lease over during the first attempt.
      if (attempt === 1) outbox.reclaimLeases(() => true, new Set());
    };
    engine.start();
    await waitFor(() => state(outbox, id) === 'done', 'delivery by the next holder');
    expect(dest.created.get(outbox.getJob(id)!.call.callId)).toBe(1);
    expect(outbox.events(id).some((e) => e.type === 'lease-reclaimed')).toBe(true);
  });

  it('polls results after delivery when the destination says they come later', async () => {
    const { outbox, engine, add, dest } = setup();
    dest.pollResults = true;
    dest.resultAfterPolls = 3;
    dest.initialResult = {
      remoteId: null,
      status: 'processing',
      summary: null,
      transcriptUrl: null,
      transcriptText: null,
      recordingUrl: null,
      fetchedAt: new Date().toISOString(),
    };
    const id = add();
    engine.start();
    await waitFor(() => outbox.getJob(id)!.state === 'done', 'delivered');
    expect(outbox.getJob(id)!.result).toMatchObject({ status: 'processing' });
    await waitFor(() => outbox.getJob(id)!.result?.summary, 'polled result');
    expect(outbox.getJob(id)!.result).toMatchObject({ summary: 'A short call' });
    expect(outbox.getJob(id)!.pollUntil).toBeNull();
    expect(dest.polls).toBe(3);
  });

  it('pauses everything and resumes, and remembers it across a restart', async () => {
    const { outbox, engine, add } = setup();
    engine.pauseAll();
    const id = add();
    engine.start();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(state(outbox, id)).toBe('queued');
    const again = createEngine({
      outbox,
      getDestination: () => undefined,
      clock: systemClock,
      logger: createSilentLogger(),
      concurrency: { global: 1, perDestination: 1 },
      bandwidth: { defaultBytesPerSec: null, schedule: [] },
    });
    expect(again.isPaused()).toBe(true);
    engine.resumeAll();
    await waitFor(() => state(outbox, id) === 'done', 'delivery after resume');
  });

  it('stops with running jobs back in the queue, and a new engine finishes them from their step', async () => {
    const { outbox, engine, add, dest } = setup();
    const id = add();
    let block = true;
    dest.before = async (ctx) => {
      if (!block) return;
      if (!ctx.steps.get('upload')) ctx.steps.commit('upload', { fileKey: 'before-stop' });
      await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));
    };
    engine.start();
    await waitFor(() => outbox.getJob(id)!.steps.upload, 'first step');
    await engine.stop();
    expect(outbox.getJob(id)).toMatchObject({ state: 'queued', attempts: 0 });
    block = false;
    const next = createEngine({
      outbox,
      getDestination: () => dest,
      clock: systemClock,
      logger: createSilentLogger(),
      concurrency: { global: 1, perDestination: 1 },
      bandwidth: { defaultBytesPerSec: null, schedule: [] },
    });
    cleanups.push(() => next.stop());
    next.start();
    await waitFor(() => state(outbox, id) === 'done', 'finished by the next engine');
    expect(outbox.getJob(id)!.steps.upload).toEqual({ fileKey: 'before-stop' });
  });

  it('takes back at start a lease whose process on this host is gone, without waiting for it to expire', async () => {
    const { outbox, engine, add } = setup();
    const id = add();
    const { hostname } = await import('node:os');
    // A pid far above any pid_max on Linux: certainly not a live process.
    outbox.acquire(id, { leaseId: 'crashed', owner: `${hostname()}/99999999/dead`, expiresAt: Date.now() + 3_600_000 });
    outbox.commitSteps(id, 'crashed', { upload: { fileKey: 'from-the-crashed-process' } }, 'upload');
    engine.start();
    await waitFor(() => state(outbox, id) === 'done', 'delivered after the crashed lease was taken back', 5000);
    expect(outbox.getJob(id)!.steps.upload).toEqual({ fileKey: 'from-the-crashed-process' });
  });

  it('takes back an expired lease of another host only once it expires, by the sweep', async () => {
    const { outbox, engine, add } = setup(undefined, { leaseMs: 400 });
    const id = add();
    const expiresAt = Date.now() + 800;
    outbox.acquire(id, { leaseId: 'elsewhere', owner: 'another-host/123/abc', expiresAt });
    engine.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    if (Date.now() < expiresAt) expect(state(outbox, id)).toBe('running'); // still that host's, while its lease lives
    await waitFor(() => state(outbox, id) === 'done', 'delivered after the lease expired', 10_000);
    expect(outbox.events(id).some((e) => e.type === 'lease-reclaimed')).toBe(true);
  });

  it('fails a job whose recording file is gone, with what to do', async () => {
    const { outbox, engine, dest } = setup();
    const rec = makeRecording(makeTempDir().dir, 'gone.wav');
    const { rmSync } = await import('node:fs');
    rmSync(rec.path);
    const id = outbox.enqueue(enqueueInput(rec)).id;
    engine.start();
    await waitFor(() => state(outbox, id) === 'failed', 'failed');
    expect(outbox.getJob(id)!.lastError).toMatch(/cannot be read.*restore the file and retry/);
    expect(dest.attempts).toBe(0);
  });
});

export type { Engine };
