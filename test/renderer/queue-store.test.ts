// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { createContractClient } from '../../shared/contract-client.js';
import {
  createQueueStore,
  filtersToInput,
  queuePageSize,
  type QueueStore,
} from '../../renderer/src/stores/queue-store.js';
import { createFakeHost, makeJob } from './fixtures/fake-host.js';

async function until(check: () => boolean, what: string) {
  for (let i = 0; i < 400; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const stores: QueueStore[] = [];
function storeFor(host: ReturnType<typeof createFakeHost>) {
  const client = createContractClient(host.transport);
  const store = createQueueStore(client, { refreshIntervalMs: 0 });
  // As app-services wires it in the app.
  client.on('queue:changed', (event) => store.getState().handleChanged(event));
  stores.push(store);
  return store;
}
afterEach(() => stores.splice(0).forEach((s) => s.getState().dispose()));

describe('queue store', () => {
  it('loads the first page and reports the total', async () => {
    const host = createFakeHost({ count: 30 });
    const store = storeFor(host);
    await store.getState().load();
    expect(store.getState().status).toBe('ready');
    expect(store.getState().total).toBe(30);
    expect(store.getState().rowAt(0)?.id).toBe('job-0');
    expect(store.getState().rowAt(29)?.id).toBe('job-29');
    expect(host.calls.filter((c) => c.channel === 'queue:list')).toHaveLength(1);
  });

  it('walks the keyset cursors only as far as the rows on screen', async () => {
    const host = createFakeHost({ count: queuePageSize * 4 + 10 });
    const store = storeFor(host);
    await store.getState().load();
    expect(store.getState().pages).toHaveLength(1);
    store.getState().showRange(queuePageSize * 2 + 5, queuePageSize * 2 + 40);
    await until(() => store.getState().rowAt(queuePageSize * 2 + 40) !== undefined, 'page 3');
    const lists = host.calls
      .filter((c) => c.channel === 'queue:list')
      .map((c) => (c.input as { cursor?: string }).cursor);
    expect(lists).toEqual([undefined, String(queuePageSize), String(queuePageSize * 2)]);
    expect(store.getState().rowAt(queuePageSize * 3 + 1)).toBeUndefined();
  });

  it('sends the filters as queue:list input and starts again from the first page', async () => {
    const host = createFakeHost({ count: 40 });
    const store = storeFor(host);
    await store.getState().load();
    store.getState().setFilters({ states: ['failed'], destination: 'comswise', search: ' call-0000 ' });
    await until(() => store.getState().status === 'ready' && host.calls.length >= 2, 'filtered page');
    await until(() => store.getState().status === 'ready', 'ready');
    const last = host.calls.at(-1)?.input as Record<string, unknown>;
    expect(last).toMatchObject({ states: ['failed'], destination: 'comswise', search: 'call-0000' });
    expect(last.cursor).toBeUndefined();
    const rows = Array.from({ length: store.getState().total ?? 0 }, (_, i) => store.getState().rowAt(i));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r?.state === 'failed' && r.destination === 'comswise')).toBe(true);
  });

  it('turns local dates into an inclusive UTC range', () => {
    const input = filtersToInput({
      states: [],
      destination: '',
      folder: '',
      search: '',
      since: '2026-11-20',
      until: '2026-11-21',
    });
    expect(new Date(input.since!).getTime()).toBe(new Date('2026-11-20T00:00:00').getTime());
    expect(new Date(input.until!).getTime()).toBe(new Date('2026-11-21T23:59:59.999').getTime());
    expect(
      filtersToInput({ states: [], destination: '', folder: '', search: '', since: 'garbage', until: '' }),
    ).toEqual({});
  });

  it('refetches the visible page when a job on it changes, and not for jobs elsewhere', async () => {
    const host = createFakeHost({ count: 20 });
    const store = storeFor(host);
    await store.getState().load();
    store.getState().showRange(0, 10);
    host.change(['job-2'], { state: 'queued' });
    // The first event carries counts the store has not seen: it refreshes.
    await until(() => store.getState().rowAt(2)?.state === 'queued', 'row 2 refreshed');
    const before = host.calls.length;
    // A change to a job the table does not hold (same total) costs no request.
    host.emit('queue:changed', { ids: ['job-999'], reset: false, counts: host.counts(), at: '2026-11-20T08:00:00Z' });
    await new Promise((r) => setTimeout(r, 50));
    expect(host.calls.length).toBe(before);
    host.change(['job-3'], { state: 'done' });
    await until(() => store.getState().rowAt(3)?.state === 'done', 'row 3 refreshed');
  });

  it('fetches nothing while no queue view is on screen, and catches up when one is', async () => {
    const host = createFakeHost({ count: 20 });
    const store = storeFor(host);
    await store.getState().load();
    store.getState().setActive(false);
    const before = host.calls.length;
    host.change(['job-2'], { state: 'queued' });
    host.change(['job-3'], { state: 'queued' });
    await new Promise((r) => setTimeout(r, 50));
    expect(host.calls.length).toBe(before);
    store.getState().setActive(true);
    await until(() => store.getState().rowAt(3)?.state === 'queued', 'catch-up');
    expect(host.calls.length).toBe(before + 1);
  });

  it('shows a new job when the host reports more jobs', async () => {
    const host = createFakeHost({ count: 3 });
    const store = storeFor(host);
    await store.getState().load();
    host.emit('queue:changed', { ids: [], reset: false, counts: host.counts(), at: '2026-11-20T08:00:00Z' });
    host.jobs.push(makeJob(3, 'queued'));
    host.emit('queue:changed', { ids: ['job-3'], reset: false, counts: host.counts(), at: '2026-11-20T08:00:01Z' });
    await until(() => store.getState().total === 4, 'total 4');
    expect(store.getState().rowAt(3)?.id).toBe('job-3');
  });

  it('marks every page stale when jobs are added, so scrolling back up shows them', async () => {
    const host = createFakeHost({ count: queuePageSize * 2 + 5 });
    const store = storeFor(host);
    await store.getState().load();
    store.getState().showRange(queuePageSize + 10, queuePageSize + 40);
    await until(() => store.getState().rowAt(queuePageSize + 40) !== undefined, 'page 2');
    host.emit('queue:changed', { ids: [], reset: false, counts: host.counts(), at: '2026-11-20T08:00:00Z' });
    await new Promise((r) => setTimeout(r, 50));
    host.jobs.unshift(makeJob(99_999, 'queued'));
    host.emit('queue:changed', { ids: ['job-99999'], reset: false, counts: host.counts(), at: '2026-11-20T08:00:01Z' });
    await until(() => store.getState().total === queuePageSize * 2 + 6, 'new total');
    expect(store.getState().pages[0]?.stale).toBe(true);
    store.getState().showRange(0, 20);
    await until(() => store.getState().rowAt(0)?.id === 'job-99999', 'new job at the top');
  });

  it('runs bulk actions on the selection and reports how many changed', async () => {
    const host = createFakeHost({ count: 12 });
    const store = storeFor(host);
    await store.getState().load();
    store.getState().setSelection(['job-2', 'job-11', 'job-0']);
    const updated = await store.getState().bulk('retry');
    expect(updated).toBe(2); // job-0 is done: nothing to retry
    expect(host.calls.find((c) => c.channel === 'job:retry')?.input).toEqual({ ids: ['job-2', 'job-11', 'job-0'] });
    expect(store.getState().notice).toMatch(/2 of 3 jobs updated/);
    expect(host.jobs[2]?.state).toBe('queued');
  });

  it('keeps the rows it has and says why when a refresh fails', async () => {
    const host = createFakeHost({ count: 5 });
    const store = storeFor(host);
    await store.getState().load();
    const original = host.handlers['queue:list'];
    host.handlers['queue:list'] = () => {
      throw new Error('database is locked');
    };
    const broken = createQueueStore(createContractClient(host.transport), { refreshIntervalMs: 0 });
    stores.push(broken);
    await broken.getState().load();
    expect(broken.getState().status).toBe('error');
    expect(broken.getState().error).toContain('database is locked');
    host.handlers['queue:list'] = original;
    expect(store.getState().rowAt(0)?.id).toBe('job-0');
  });
});
