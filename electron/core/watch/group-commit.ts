// Group commit: recordings described close together are enqueued together, in one durable
// transaction per batch instead of one fsync per file (a commit costs the same for 1 row or 500,
// and one per file is what bound the intake to the disk's fsync rate). A batch is written when it
// holds `maxBatch` recordings, or `maxDelayMs` after its first one, or as soon as no other
// recording is being read that could join it (`moreComing`), whichever comes first: a lone file
// is written at once, and a burst fills batches of tens to hundreds (a 10 ms window left a
// 20,000-file intake committing batches of about five, each one fsync and one search-index
// segment; ~60 now). A
// file's promise resolves only after its batch committed, so nothing is acknowledged (counted as
// taken, its event sent) before it is on disk, and a crash before the commit loses nothing that
// was acknowledged: the file is simply found again at the next start.
import type { EnqueueInput, IntakePort } from '../outbox/intake-port.js';

export interface GroupCommitOptions {
  /** Recordings per transaction at most; default 500. */
  maxBatch?: number;
  /** How long the first recording of a batch waits for others at most; default 50 ms. */
  maxDelayMs?: number;
  /** Whether more recordings are being read now, which may join the batch; default: none are. */
  moreComing?(): boolean;
}

export interface GroupCommit {
  enqueue(input: EnqueueInput): Promise<{ id: string; created: boolean }>;
  /** Writes the batch now (on close). */
  flush(): void;
}

export function createGroupCommit(port: IntakePort, options: GroupCommitOptions = {}): GroupCommit {
  const maxBatch = options.maxBatch ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 50;
  const moreComing = options.moreComing ?? (() => false);
  type Waiting = { input: EnqueueInput; resolve(r: { id: string; created: boolean }): void; reject(e: unknown): void };
  let batch: Waiting[] = [];
  let timer: NodeJS.Timeout | null = null;

  function flush(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    const items = batch;
    batch = [];
    if (items.length === 0) return;
    let results: { id: string; created: boolean }[];
    try {
      results = port.enqueueMany!(items.map((i) => i.input));
    } catch (error) {
      if (items.length === 1) {
        items[0]!.reject(error);
        return;
      }
      // One recording the outbox refuses must not hold back the others: each is tried alone, so
      // only those that fail again are retried by the intake.
      for (const item of items) {
        try {
          item.resolve(port.enqueue(item.input));
        } catch (one) {
          item.reject(one);
        }
      }
      return;
    }
    items.forEach((item, n) => item.resolve(results[n]!));
  }

  return {
    enqueue(input) {
      if (!port.enqueueMany) return Promise.resolve(port.enqueue(input));
      return new Promise((resolve, reject) => {
        batch.push({ input, resolve, reject });
        if (batch.length >= maxBatch || !moreComing()) flush();
        else if (batch.length === 1) timer = setTimeout(flush, maxDelayMs);
      });
    },
    flush,
  };
}
