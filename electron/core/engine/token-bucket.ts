// One token bucket shared by every transfer, so the configured bandwidth is the total, not per
// upload. The rate follows a time-of-day schedule and can be changed while transfers run.
import type { BandwidthConfig } from '../../../shared/config.js';
import type { Clock } from '../clock.js';

/** Bytes per second at `at` (local time of this machine), or null for unlimited. */
export function rateAt(config: BandwidthConfig, at: Date): number | null {
  const minutes = at.getHours() * 60 + at.getMinutes();
  const day = at.getDay();
  for (const window of config.schedule) {
    const from = toMinutes(window.from);
    const to = toMinutes(window.to);
    // A window such as 22:00–06:00 wraps midnight; its early-morning part belongs to the day it began.
    const inWindow = from <= to ? minutes >= from && minutes < to : minutes >= from || minutes < to;
    if (!inWindow) continue;
    const startDay = from > to && minutes < to ? (day + 6) % 7 : day;
    if (window.days && !window.days.includes(startDay)) continue;
    return window.bytesPerSec;
  }
  return config.defaultBytesPerSec;
}

function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

export interface TokenBucket {
  /** Resolves when `bytes` may be sent; rejects with the signal's reason when aborted. */
  take(bytes: number, signal?: AbortSignal): Promise<void>;
  setConfig(config: BandwidthConfig): void;
  currentRate(): number | null;
  /** Largest slice a caller should ask for at once, so transfers interleave fairly. */
  readonly sliceBytes: number;
  close(): void;
}

interface Waiter {
  bytes: number;
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

export function createTokenBucket(options: {
  config: BandwidthConfig;
  clock: Clock;
  sliceBytes?: number;
  /** Burst allowance in seconds of the current rate. */
  burstSec?: number;
}): TokenBucket {
  const { clock } = options;
  const sliceBytes = options.sliceBytes ?? 16 * 1024;
  const burstSec = options.burstSec ?? 0.25;
  let config = options.config;
  const capacity = (r: number) => Math.max(r * burstSec, sliceBytes);
  let tokens = 0;
  let last = clock.now();
  let timer: NodeJS.Timeout | null = null;
  const waiters: Waiter[] = [];
  // Start full: the first slice of a transfer goes out at once.
  const initialRate = rateAt(config, new Date(clock.now()));
  if (initialRate !== null) tokens = capacity(initialRate);

  const rate = () => rateAt(config, new Date(clock.now()));

  function refill(r: number | null) {
    const now = clock.now();
    const elapsed = Math.max(0, now - last) / 1000;
    last = now;
    if (r === null) return;
    tokens = Math.min(capacity(r), tokens + elapsed * r);
  }

  function pump() {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    const r = rate();
    refill(r);
    while (waiters.length > 0) {
      const head = waiters[0]!;
      if (r !== null) {
        // A slice bigger than the bucket can hold is let through once the bucket is full.
        const need = Math.min(head.bytes, capacity(r));
        if (tokens < need) break;
        tokens -= head.bytes;
      }
      waiters.shift();
      head.signal?.removeEventListener('abort', head.onAbort);
      head.resolve();
    }
    if (waiters.length > 0 && r !== null) {
      const need = Math.min(waiters[0]!.bytes, capacity(r)) - tokens;
      // Re-check at least every second so a schedule boundary or a new rate takes effect promptly.
      const wait = Math.min(1000, Math.max(5, Math.ceil((need / r) * 1000)));
      timer = setTimeout(pump, wait);
    }
  }

  return {
    sliceBytes,
    take(bytes, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (waiters.length === 0) {
        const r = rate();
        refill(r);
        if (r === null) return Promise.resolve();
        if (tokens >= Math.min(bytes, capacity(r))) {
          tokens -= bytes;
          return Promise.resolve();
        }
      }
      return new Promise<void>((resolve, reject) => {
        const waiter: Waiter = {
          bytes,
          resolve,
          reject,
          signal,
          onAbort: () => {
            const i = waiters.indexOf(waiter);
            if (i >= 0) waiters.splice(i, 1);
            reject(signal!.reason);
            pump();
          },
        };
        signal?.addEventListener('abort', waiter.onAbort, { once: true });
        waiters.push(waiter);
        pump();
      });
    },
    setConfig(next) {
      config = next;
      pump();
    },
    currentRate: rate,
    close() {
      if (timer) clearTimeout(timer);
      timer = null;
      for (const w of waiters.splice(0)) {
        w.signal?.removeEventListener('abort', w.onAbort);
        w.resolve();
      }
    },
  };
}
