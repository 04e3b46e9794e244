import { afterEach, describe, expect, it } from 'vitest';
import { channels } from '../../../shared/contract.js';
import { createContractDispatcher, type ContractHandlers } from '../../../shared/contract-host.js';
import { createDashboardHandlers } from '../../../electron/core/api/dashboard-handlers.js';
import { createQueueHandlers } from '../../../electron/core/api/queue-handlers.js';
import { createEngine } from '../../../electron/core/engine/engine.js';
import { systemClock } from '../../../electron/core/clock.js';
import { createSilentLogger } from '../../../electron/core/logger.js';
import { openOutbox } from '../../../electron/core/outbox/outbox.js';
import { createFakeDestination } from '../../fixtures/destinations/fake-destination.js';
import { enqueueInput, makeRecording, makeTempDir } from '../../fixtures/engine/recordings.js';
import { waitFor } from '../../fixtures/engine/wait-for.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function setup() {
  const tmp = makeTempDir();
  const outbox = openOutbox({ file: ':memory:', clock: systemClock, logger: createSilentLogger() });
  const dest = createFakeDestination('dest');
  const getDestination = (name: string) => (name === 'dest' ? dest : undefined);
  const engine = createEngine({
    outbox,
    getDestination,
    clock: systemClock,
    logger: createSilentLogger(),
    concurrency: { global: 2, perDestination: 2 },
    bandwidth: { defaultBytesPerSec: null, schedule: [] },
    retry: { baseMs: 10, maxMs: 20 },
  });
  const handlers = {
    ...createQueueHandlers({ outbox, engine, getDestination, clock: systemClock }),
    ...createDashboardHandlers({ outbox, engine, clock: systemClock, folders: () => [] }),
  };
  // Every other channel answers "not here" so the dispatcher can be built with a full handler map.
  const dispatcher = createContractDispatcher(
    new Proxy(handlers, {
      get: (target, key) =>
        (target as Record<string, unknown>)[key as string] ??
        (() => {
          throw new Error(`${String(key)} is not part of this test`);
        }),
    }) as ContractHandlers,
  );
  cleanups.push(
    tmp.remove,
    () => outbox.close(),
    () => engine.stop(),
  );
  let n = 0;
  const add = (extra: Parameters<typeof enqueueInput>[1] = {}) =>
    outbox.enqueue(enqueueInput(makeRecording(tmp.dir, `r${n++}.wav`), extra)).id;
  const call = async <T>(channel: keyof typeof channels, input: unknown): Promise<T> => {
    const envelope = await dispatcher.dispatch(channel, input);
    if (!envelope.ok) throw new Error(`${envelope.error.code}: ${envelope.error.message}`);
    // What the renderer's client checks: the output schema of the channel.
    return channels[channel].output.parse(envelope.value) as T;
  };
  return { outbox, engine, dest, add, call, dispatcher };
}

describe('queue handlers', () => {
  it('answers queue pages and job details the contract accepts', async () => {
    const { add, call } = setup();
    const ids = [add(), add(), add()];
    const page = await call<{ items: { id: string }[]; nextCursor: string | null; total: number }>('queue:list', {
      limit: 2,
    });
    expect(page.total).toBe(3);
    expect(page.items.map((i) => i.id)).toEqual([ids[2], ids[1]]);
    const rest = await call<{ items: { id: string }[]; nextCursor: string | null }>('queue:list', {
      limit: 2,
      cursor: page.nextCursor,
    });
    expect(rest.items.map((i) => i.id)).toEqual([ids[0]]);
    expect(rest.nextCursor).toBeNull();
    const detail = await call<{ id: string; events: unknown[] }>('job:get', { id: ids[0] });
    expect(detail.events.length).toBeGreaterThan(0);
    const stats = await call<{ counts: { queued: number } }>('queue:stats', {});
    expect(stats.counts.queued).toBe(3);
  });

  it('answers clean errors for unknown jobs and foreign cursors', async () => {
    const { dispatcher } = setup();
    expect(await dispatcher.dispatch('job:get', { id: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    expect(await dispatcher.dispatch('queue:list', { cursor: 'garbage' })).toMatchObject({
      ok: false,
      error: { code: 'bad-input' },
    });
  });

  it('re-validates edited calls with the destination and queues them once nothing is missing', async () => {
    const { add, call, dest, outbox, engine } = setup();
    dest.issues = [{ field: 'agentId', message: 'required' }];
    const id = add({ state: 'needs-review', reviewIssues: dest.issues });
    const still = await call<{ issues: unknown[]; job: { state: string } }>('job:update-call', {
      id,
      call: { notes: 'x' },
    });
    expect(still.issues).toHaveLength(1);
    expect(still.job.state).toBe('needs-review');
    dest.issues = [];
    const fixed = await call<{ issues: unknown[]; job: { state: string; call: { agentId?: string } } }>(
      'job:update-call',
      {
        id,
        call: { agentId: 'agent-7' },
      },
    );
    expect(fixed.issues).toEqual([]);
    expect(fixed.job).toMatchObject({ state: 'queued', call: { agentId: 'agent-7' } });
    engine.start();
    await waitFor(() => outbox.getJob(id)!.state === 'done', 'edited job delivered');
    await expect(call('job:update-call', { id, call: { notes: 'late' } })).rejects.toThrow(/already delivered/);
  });

  it('retries, pauses, resumes, cancels, moves to the front and resends', async () => {
    const { add, call, outbox, engine, dest } = setup();
    const a = add();
    const b = add();
    expect(await call('job:pause', { ids: [a, b] })).toEqual({ updated: 2 });
    expect(await call('job:resume', { ids: [a] })).toEqual({ updated: 1 });
    expect(await call('job:cancel', { ids: [b] })).toEqual({ updated: 1 });
    expect(await call('job:retry', { ids: [b] })).toEqual({ updated: 1 });
    expect(await call('job:move-to-front', { ids: [b] })).toEqual({ updated: 1 });
    engine.start();
    await waitFor(() => outbox.getJob(a)!.state === 'done' && outbox.getJob(b)!.state === 'done', 'both done');
    expect(await call('job:resend', { ids: [a] })).toEqual({ updated: 1 });
    await waitFor(() => outbox.counts().done === 3, 'resend delivered');
    const callIds = [...dest.created.keys()];
    expect(callIds.filter((c) => c.endsWith('-resend-1'))).toHaveLength(1);
  });

  it('pauses the engine and a destination, and reports them on the dashboard', async () => {
    const { call, add, outbox } = setup();
    add();
    expect(await call('engine:pause', {})).toEqual({ paused: true });
    expect(await call('destination:pause', { name: 'dest' })).toEqual({ paused: true });
    const dashboard = await call<{
      paused: boolean;
      destinations: { name: string; paused: boolean }[];
      counts: { queued: number };
    }>('dashboard:get', {});
    // Issue 11: a job held by a pause counts as paused, as its row says.
    expect(dashboard).toMatchObject({ paused: true, counts: { queued: 0, paused: 1 } });
    expect(dashboard.destinations).toEqual([expect.objectContaining({ name: 'dest', paused: true, online: true })]);
    expect(await call('destination:resume', { name: 'dest' })).toEqual({ paused: false });
    expect(await call('engine:resume', {})).toEqual({ paused: false });
    expect(outbox.counts().queued).toBe(1);
  });

  it('counts deliveries in the dashboard throughput', async () => {
    const { call, add, engine, outbox } = setup();
    add();
    add();
    engine.start();
    await waitFor(() => outbox.counts().done === 2, 'done');
    const dashboard = await call<{ throughputHour: { done: number }[]; throughputDay: { done: number }[] }>(
      'dashboard:get',
      {},
    );
    expect(dashboard.throughputHour).toHaveLength(12);
    expect(dashboard.throughputDay).toHaveLength(24);
    expect(dashboard.throughputHour.reduce((s, b) => s + b.done, 0)).toBe(2);
    // Which bucket they land in depends on the wall clock (a 5-minute edge may fall between), so only sums are checked.
    expect(dashboard.throughputDay.reduce((s, b) => s + b.done, 0)).toBe(2);
  });

  it('marks rows held by a paused destination, counts them as paused, and refuses a retry the file does not allow', async () => {
    const { call, add, outbox, engine } = setup();
    const id = add();
    engine.pauseDestination('dest');
    const page = await call<{ items: { id: string; pausedBy: string | null }[] }>('queue:list', {});
    expect(page.items.find((j) => j.id === id)?.pausedBy).toBe('destination');
    const stats = await call<{ counts: Record<string, number> }>('queue:stats', {});
    expect(stats.counts).toMatchObject({ queued: 0, paused: 1 });
    engine.resumeDestination('dest');
    expect((await call<{ counts: Record<string, number> }>('queue:stats', {})).counts).toMatchObject({ paused: 0 });

    // A failed empty file without a re-read (no intake) is retried plainly; with one, it is refused.
    const failed = add({
      state: 'failed',
      reason: 'the file is empty (0 bytes)',
      reviewIssues: [{ field: 'recording', message: 'the file is empty (0 bytes)' }],
    });
    const { createQueueHandlers } = await import('../../../electron/core/api/queue-handlers.js');
    const handlers = createQueueHandlers({
      outbox,
      engine,
      getDestination: () => undefined,
      clock: systemClock,
      reexamine: async () => ({ ok: false, reason: 'the recording /x is not there any more; put it back, then retry' }),
    });
    expect(await handlers['job:retry']({ ids: [failed] })).toEqual({
      updated: 0,
      refused: [{ id: failed, reason: 'the recording /x is not there any more; put it back, then retry' }],
    });
    expect(outbox.getJob(failed)!.state).toBe('failed');
    expect(outbox.events(failed).at(-1)!.type).toBe('retry-refused');
  });
});
