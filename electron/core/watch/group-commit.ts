// Group commit: recordings described in the same moment are enqueued together, in one durable
// transaction per batch instead of one fsync per file, which is what held a burst of files back.
// A file's promise resolves only after its batch committed, so nothing is acknowledged (the
// file counted as taken, its event sent) before it is on disk.
import type { EnqueueInput, IntakePort } from '../outbox/intake-port.js';

export interface GroupCommit {
  enqueue(input: EnqueueInput): Promise<{ id: string; created: boolean }>;
}

export function createGroupCommit(port: IntakePort, options: { maxBatch?: number } = {}): GroupCommit {
  const maxBatch = options.maxBatch ?? 200;
  type Waiting = { input: EnqueueInput; resolve(r: { id: string; created: boolean }): void; reject(e: unknown): void };
  let batch: Waiting[] = [];

  function flush(): void {
    const items = batch;
    batch = [];
    if (items.length === 0) return;
    try {
      const results = port.enqueueMany!(items.map((i) => i.input));
      items.forEach((item, n) => item.resolve(results[n]!));
    } catch (error) {
      for (const item of items) item.reject(error);
    }
  }

  return {
    enqueue(input) {
      if (!port.enqueueMany) return Promise.resolve(port.enqueue(input));
      return new Promise((resolve, reject) => {
        batch.push({ input, resolve, reject });
        if (batch.length === 1) setImmediate(flush);
        else if (batch.length >= maxBatch) flush();
      });
    },
  };
}
