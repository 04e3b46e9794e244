import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { QueueChanged } from '../../../shared/contract.js';
import { emptyCounts } from '../../../shared/model.js';
import { createChangeFeed } from '../../../electron/core/engine/change-feed.js';

describe('change feed', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('emits at most ten events a second however many jobs change', async () => {
    const events: QueueChanged[] = [];
    const feed = createChangeFeed({
      clock: { now: () => Date.now() },
      counts: emptyCounts,
      emit: (e) => events.push(e),
    });
    for (let ms = 0; ms < 3000; ms += 5) {
      feed.push([`job-${ms}`]);
      await vi.advanceTimersByTimeAsync(5);
    }
    await vi.advanceTimersByTimeAsync(200);
    expect(events.length).toBeGreaterThan(10);
    expect(events.length).toBeLessThanOrEqual(31);
    const ids = events.flatMap((e) => e.ids);
    expect(new Set(ids).size).toBe(600);
    const times = events.map((e) => Date.parse(e.at));
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(100);
    feed.close();
  });

  it('sends a reset instead of a huge id list, with counts', async () => {
    const events: QueueChanged[] = [];
    const counts = { ...emptyCounts(), queued: 7 };
    const feed = createChangeFeed({
      clock: { now: () => Date.now() },
      counts: () => counts,
      emit: (e) => events.push(e),
      maxIds: 50,
    });
    feed.push(Array.from({ length: 51 }, (_, i) => `j${i}`));
    feed.push(['one-more']);
    await vi.advanceTimersByTimeAsync(150);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ ids: [], reset: true, counts: { queued: 7 } });
    feed.push(['a', 'a', 'b']);
    await vi.advanceTimersByTimeAsync(150);
    expect(events[1]).toMatchObject({ ids: ['a', 'b'], reset: false });
    feed.close();
  });
});
