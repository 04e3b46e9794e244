// Group commit and the work queue in front of it: many recordings per durable transaction, none
// acknowledged before its transaction ran, a refused batch retried row by row, and the number of
// files read at once and waiting for a commit both bounded.
import { describe, expect, it } from 'vitest';
import type { EnqueueInput, IntakePort } from '../../../electron/core/outbox/intake-port.js';
import { createGroupCommit } from '../../../electron/core/watch/group-commit.js';
import { createWorkQueue } from '../../../electron/core/watch/work-queue.js';

const input = (n: number) => ({ recording: { path: `/r/${n}.wav` } }) as unknown as EnqueueInput;

function countingPort(refuse?: (i: EnqueueInput) => boolean) {
  const transactions: string[][] = [];
  const committed = new Set<string>();
  const commit = (inputs: EnqueueInput[]) => {
    if (refuse && inputs.some(refuse)) throw new Error('SQLITE_CONSTRAINT: refused');
    transactions.push(inputs.map((i) => i.recording.path));
    for (const i of inputs) committed.add(i.recording.path);
    return inputs.map((i) => ({ id: i.recording.path, created: true }));
  };
  const port = {
    enqueue: (i: EnqueueInput) => commit([i])[0]!,
    enqueueMany: commit,
  } as unknown as IntakePort;
  return { port, transactions, committed };
}

describe('group commit', () => {
  it('writes recordings described together in one transaction, acknowledging each only after it', async () => {
    const { port, transactions, committed } = countingPort();
    const commits = createGroupCommit(port, { maxBatch: 500, maxDelayMs: 5, moreComing: () => true });
    const acknowledged: boolean[] = [];
    const all = Array.from({ length: 1200 }, (_, n) =>
      commits.enqueue(input(n)).then((r) => acknowledged.push(committed.has(r.id))),
    );
    await Promise.all(all);
    expect(transactions.map((t) => t.length)).toEqual([500, 500, 200]);
    expect(acknowledged).toHaveLength(1200);
    expect(acknowledged.every(Boolean)).toBe(true);
  });

  it('writes at once when no other recording is being read, and the batch that waited with the last one', async () => {
    const { port, transactions } = countingPort();
    let reading = 3;
    // A long window: only "nothing more is coming" can explain a write before it ends.
    const commits = createGroupCommit(port, { maxDelayMs: 60_000, moreComing: () => reading > 0 });
    const first = [0, 1, 2].map((n) => {
      reading -= 1;
      return commits.enqueue(input(n));
    });
    await Promise.all(first);
    expect(transactions).toEqual([['/r/0.wav', '/r/1.wav', '/r/2.wav']]);
    await commits.enqueue(input(3));
    expect(transactions).toHaveLength(2);
  });

  it('retries a refused batch row by row, so only the bad recording fails', async () => {
    const { port, transactions } = countingPort((i) => i.recording.path === '/r/3.wav');
    const commits = createGroupCommit(port, { maxDelayMs: 5, moreComing: () => true });
    const results = await Promise.allSettled(Array.from({ length: 6 }, (_, n) => commits.enqueue(input(n))));
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect(transactions).toHaveLength(5);
  });
});

describe('work queue', () => {
  it('reads a few at a time, lets described files wait for their commit outside that bound, and bounds those too', async () => {
    let reading = 0;
    let maxReading = 0;
    let waiting = 0;
    let maxWaiting = 0;
    const running = new Set<string>();
    let overlapped = false;
    const commitsDue: (() => void)[] = [];
    const queue = createWorkQueue<string>({
      concurrency: 4,
      maxHeld: 10,
      keyOf: (k) => k,
      onBusy: () => {},
      run: async (key, release) => {
        if (running.has(key)) overlapped = true;
        running.add(key);
        reading += 1;
        maxReading = Math.max(maxReading, reading);
        await new Promise((r) => setImmediate(r));
        reading -= 1;
        release();
        waiting += 1;
        maxWaiting = Math.max(maxWaiting, waiting);
        await new Promise<void>((r) => commitsDue.push(r));
        waiting -= 1;
        running.delete(key);
      },
    });
    for (let n = 0; n < 100; n += 1) queue.push(`f${n}`);
    const drained = queue.drained();
    // Commits come in batches, each releasing every file waiting for one.
    while (commitsDue.length > 0 || queue.waiting() > 0) {
      await new Promise((r) => setTimeout(r, 1));
      for (const commit of commitsDue.splice(0)) commit();
    }
    await drained;
    expect(maxReading).toBeLessThanOrEqual(4);
    expect(maxWaiting).toBeGreaterThan(4);
    // No new file is read while 10 wait; the 4 being read may still join them.
    expect(maxWaiting).toBeLessThanOrEqual(10 + 4);
    expect(overlapped).toBe(false);
  });

  it('hands back a file seen again while it is handled, instead of handling it twice at once', async () => {
    const busy: string[] = [];
    let finish: () => void = () => {};
    const queue = createWorkQueue<string>({
      concurrency: 4,
      keyOf: (k) => k,
      onBusy: (k) => busy.push(k),
      run: () => new Promise<void>((r) => (finish = r)),
    });
    queue.push('a.wav');
    queue.push('a.wav');
    expect(busy).toEqual(['a.wav']);
    finish();
    await queue.drained();
  });
});
