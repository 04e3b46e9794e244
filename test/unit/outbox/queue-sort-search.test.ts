// Issue 14: the queue sorted as a whole (not the page on screen), searched by customer name and by
// a phone number written any way, and the dashboard's "today" and oldest waiting job.
import { afterEach, describe, expect, it } from 'vitest';
import { createSilentLogger } from '../../../electron/core/logger.js';
import { openOutbox, type Outbox, type QueueQuery } from '../../../electron/core/outbox/outbox.js';
import { phoneSearchTerms } from '../../../electron/core/outbox/queue-queries.js';
import { enqueueInput, fakeRecording } from '../../fixtures/engine/recordings.js';

let now = 1_700_000_000_000;
const clock = { now: () => now };
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

const customers = ['bo', 'Asha', null, 'carla', 'asha', null, 'Dev', 'eve', 'Bo'];

function filled(): Outbox {
  const outbox = openOutbox({ file: ':memory:', clock, logger: createSilentLogger() });
  cleanups.push(() => outbox.close());
  customers.forEach((name, i) => {
    now += 1000;
    const input = enqueueInput(fakeRecording(i));
    outbox.enqueue({
      ...input,
      call: {
        ...input.call,
        ...(name ? { customerName: name } : {}),
        customerPhone: `+1212555${String(100 + i).padStart(4, '0')}`,
        startTime: new Date(1_700_000_000_000 + ((i * 7) % 5) * 60_000).toISOString(),
      },
    });
  });
  return outbox;
}

/** Every page of a query, two rows at a time, as the table walks them. */
function walk(outbox: Outbox, query: QueueQuery) {
  const rows = [];
  let cursor: string | undefined;
  for (let i = 0; i < 50; i++) {
    const page = outbox.list({ ...query, cursor, limit: 2 });
    rows.push(...page.rows);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return rows;
}

describe('queue sort', () => {
  it('sorts the whole queue by a column, across pages, with nothing skipped or repeated', () => {
    const outbox = filled();
    const asc = walk(outbox, { sort: { column: 'customer', direction: 'asc' } });
    expect(asc).toHaveLength(customers.length);
    expect(new Set(asc.map((r) => r.id)).size).toBe(customers.length);
    // No name first (NULL is smallest), then A→Z without regard to case; ties by arrival.
    expect(asc.map((r) => r.customerName)).toEqual([null, null, 'Asha', 'asha', 'bo', 'Bo', 'carla', 'Dev', 'eve']);
    const desc = walk(outbox, { sort: { column: 'customer', direction: 'desc' } });
    expect(desc.map((r) => r.id)).toEqual([...asc].reverse().map((r) => r.id));

    const byTime = walk(outbox, { sort: { column: 'callTime', direction: 'asc' } }).map((r) => r.callTime!);
    expect(byTime).toEqual([...byTime].sort((a, b) => a - b));
    // The default order stays newest first.
    expect(walk(outbox, {}).map((r) => r.fileName)[0]).toBe(`call-${customers.length - 1}.wav`);
  });

  it('refuses a cursor it did not give out, or one of another order', () => {
    const outbox = filled();
    const page = outbox.list({ sort: { column: 'customer', direction: 'asc' }, limit: 2 });
    expect(() => outbox.list({ sort: { column: 'fileName', direction: 'asc' }, cursor: page.nextCursor! })).toThrow(
      RangeError,
    );
    expect(() => outbox.list({ sort: { column: 'customer', direction: 'asc' }, cursor: 'bm9wZQ' })).toThrow(RangeError);
  });
});

describe('queue search', () => {
  it('finds a customer by name and a phone number written nationally', () => {
    const outbox = filled();
    expect(outbox.list({ search: 'carla' }).rows.map((r) => r.customerName)).toEqual(['carla']);
    for (const typed of ['(212) 555-0105', '212 555 0105', '+1 212-555-0105', '2125550105']) {
      const rows = outbox.list({ search: typed, phoneRegions: ['US'] }).rows;
      expect(
        rows.map((r) => r.fileName),
        typed,
      ).toEqual(['call-5.wav']);
    }
    expect(phoneSearchTerms('020 7946 0958', ['GB'])).toContain('442079460958');
    expect(phoneSearchTerms('Asha', ['US'])).toEqual([]);
  });
});

describe('dashboard queries', () => {
  it('names the oldest waiting job and counts what finished today, refusals at intake included', () => {
    const outbox = filled();
    const oldest = outbox.oldestWaitingJob()!;
    expect(oldest.fileName).toBe('call-0.wav');
    const since = now;
    now += 1000;
    outbox.enqueue(enqueueInput(fakeRecording(100), { state: 'failed', reason: 'file is empty' }));
    expect(outbox.finishedSince(since)).toEqual({ done: 0, failed: 1, bytes: 0 });
    expect([...outbox.failedJobBuckets(since, 60_000).values()]).toEqual([1]);
  });
});
