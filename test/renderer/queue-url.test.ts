import { describe, expect, it } from 'vitest';
import { isQueueHash, parseQueueHash, queueHash } from '../../renderer/src/queue-url.js';
import { emptyFilters } from '../../renderer/src/stores/queue-store.js';

describe('queue filters in the address', () => {
  it('round-trips filters and order', () => {
    const filters = {
      ...emptyFilters,
      states: ['failed' as const, 'queued' as const],
      search: '(212) 555-0105',
      reason: 'a & b',
    };
    const sort = { column: 'customer' as const, direction: 'asc' as const };
    const hash = queueHash(filters, sort);
    expect(hash).toMatch(/^#\/queue\?state=failed%2Cqueued&q=/);
    expect(parseQueueHash(hash)).toEqual({ filters, sort });
    expect(queueHash(emptyFilters)).toBe('#/queue');
  });

  it('ignores what it does not know, and reads no route at all as the queue', () => {
    const parsed = parseQueueHash('#/queue?state=failed,bogus&sort=drop-table.asc&x=1');
    expect(parsed.filters.states).toEqual(['failed']);
    expect(parsed.sort).toBeNull();
    expect(isQueueHash('')).toBe(true);
    expect(isQueueHash('#token=abc')).toBe(true);
    expect(isQueueHash('#/dashboard')).toBe(false);
    expect(isQueueHash('#/queue?q=x')).toBe(true);
  });
});
