// Batches changed job ids into `queue:changed` events: at most one per interval (10 per second by
// default) however many jobs change, and a reset instead of an id list when too many changed for
// a list to be cheaper than reloading the page.
import type { QueueChanged } from '../../../shared/contract.js';
import type { StateCounts } from '../../../shared/model.js';
import type { Clock } from '../clock.js';

export interface ChangeFeedOptions {
  clock: Clock;
  counts(): StateCounts;
  emit(payload: QueueChanged): void;
  intervalMs?: number;
  maxIds?: number;
}

export interface ChangeFeed {
  push(ids: readonly string[]): void;
  /** Every row may read differently now (a pause began or ended): clients reload their page. */
  reset(): void;
  /** Emits what is pending now (tests, shutdown). */
  flush(): void;
  close(): void;
}

export function createChangeFeed(options: ChangeFeedOptions): ChangeFeed {
  const intervalMs = options.intervalMs ?? 100;
  const maxIds = options.maxIds ?? 500;
  let pending = new Set<string>();
  let overflow = false;
  let lastEmit = -Infinity;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;

  function flush() {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    if (pending.size === 0 && !overflow) return;
    const reset = overflow;
    const ids = reset ? [] : [...pending];
    pending = new Set();
    overflow = false;
    lastEmit = options.clock.now();
    options.emit({ ids, reset, counts: options.counts(), at: new Date(lastEmit).toISOString() });
  }

  function schedule() {
    if (timer) return;
    const wait = Math.max(0, lastEmit + intervalMs - options.clock.now());
    timer = setTimeout(flush, wait);
  }

  return {
    reset() {
      if (closed) return;
      overflow = true;
      pending.clear();
      schedule();
    },
    push(ids) {
      if (closed || ids.length === 0) return;
      if (!overflow) {
        for (const id of ids) pending.add(id);
        if (pending.size > maxIds) {
          overflow = true;
          pending.clear();
        }
      }
      if (timer) return;
      const wait = Math.max(0, lastEmit + intervalMs - options.clock.now());
      timer = setTimeout(flush, wait);
    },
    flush,
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      pending.clear();
    },
  };
}
