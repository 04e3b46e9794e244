import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BandwidthConfig } from '../../../shared/config.js';
import { createTokenBucket, rateAt } from '../../../electron/core/engine/token-bucket.js';

const schedule: BandwidthConfig = {
  defaultBytesPerSec: null,
  schedule: [
    { from: '08:00', to: '18:00', days: [1, 2, 3, 4, 5], bytesPerSec: 1_000_000 },
    { from: '22:00', to: '06:00', bytesPerSec: 5_000_000 },
  ],
};

describe('bandwidth schedule', () => {
  it('applies the window for the local time and day, unlimited elsewhere', () => {
    expect(rateAt(schedule, new Date(2025, 0, 6, 9, 30))).toBe(1_000_000); // Monday
    expect(rateAt(schedule, new Date(2025, 0, 6, 18, 0))).toBeNull(); // window end is exclusive
    expect(rateAt(schedule, new Date(2025, 0, 5, 9, 30))).toBeNull(); // Sunday
    expect(rateAt(schedule, new Date(2025, 0, 6, 23, 0))).toBe(5_000_000); // wraps midnight
    expect(rateAt(schedule, new Date(2025, 0, 7, 5, 59))).toBe(5_000_000);
    expect(rateAt({ defaultBytesPerSec: 42, schedule: [] }, new Date())).toBe(42);
  });
});

describe('token bucket', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date(2025, 0, 6, 12, 0) });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  const clock = { now: () => Date.now() };

  async function sendFor(bucket: ReturnType<typeof createTokenBucket>, ms: number, transfers = 1) {
    let sent = 0;
    let stop = false;
    const loops = Array.from({ length: transfers }, async () => {
      while (!stop) {
        await bucket.take(bucket.sliceBytes);
        if (!stop) sent += bucket.sliceBytes;
      }
    });
    await vi.advanceTimersByTimeAsync(ms);
    stop = true;
    bucket.close();
    await Promise.all(loops);
    return sent;
  }

  it('holds the total rate whatever the number of transfers', async () => {
    const rate = 160 * 1024;
    const one = await sendFor(createTokenBucket({ config: { defaultBytesPerSec: rate, schedule: [] }, clock }), 10_000);
    const four = await sendFor(
      createTokenBucket({ config: { defaultBytesPerSec: rate, schedule: [] }, clock }),
      10_000,
      4,
    );
    for (const sent of [one, four]) {
      expect(sent).toBeGreaterThanOrEqual(rate * 9);
      expect(sent).toBeLessThanOrEqual(rate * 10.5);
    }
  });

  it('does not wait when unlimited', async () => {
    const bucket = createTokenBucket({ config: { defaultBytesPerSec: null, schedule: [] }, clock });
    let done = 0;
    for (let i = 0; i < 1000; i++) await bucket.take(65536).then(() => done++);
    expect(done).toBe(1000);
  });

  it('takes a new rate while transfers wait', async () => {
    const bucket = createTokenBucket({ config: { defaultBytesPerSec: 16 * 1024, schedule: [] }, clock });
    let sent = 0;
    let stop = false;
    const loop = (async () => {
      while (!stop) {
        await bucket.take(bucket.sliceBytes);
        sent += bucket.sliceBytes;
      }
    })();
    await vi.advanceTimersByTimeAsync(5000);
    const slow = sent;
    bucket.setConfig({ defaultBytesPerSec: 1024 * 1024, schedule: [] });
    await vi.advanceTimersByTimeAsync(5000);
    const fast = sent - slow;
    stop = true;
    bucket.close();
    await loop;
    expect(slow).toBeLessThanOrEqual(6 * 16 * 1024);
    expect(fast).toBeGreaterThan(4 * 1024 * 1024);
  });

  it('releases a waiter when its signal aborts', { timeout: 5000 }, async () => {
    const bucket = createTokenBucket({ config: { defaultBytesPerSec: 1, schedule: [] }, clock });
    await bucket.take(16 * 1024); // empties the bucket for a very long time
    const controller = new AbortController();
    const waiting = bucket.take(16 * 1024, controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    bucket.close();
  });
});
