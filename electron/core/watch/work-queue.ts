// The intake's work queue: finished files wait here to be described, a bounded number at once,
// and one path is never handled twice at the same time (the second sighting is handed back).
// A run may give its slot back before it ends (`release`): a described file waiting for its
// batch to commit holds no disk reader, so the next files are read meanwhile and a batch can
// grow past the number read at once. Those waiting runs are bounded too (`maxHeld`), so memory
// stays flat however many files wait in the queue.
export interface WorkQueueOptions<T> {
  /** Items run at once before they release their slot. */
  concurrency: number;
  /**
   * No item starts while this many runs have released their slot but not ended (those being run
   * may still join them: at most maxHeld + concurrency); default unbounded.
   */
  maxHeld?: number;
  /** Items with the same key are never run at the same time. */
  keyOf(item: T): string;
  run(item: T, release: () => void): Promise<void>;
  /** An item whose key is being run already: it is not queued, the caller looks again later. */
  onBusy(item: T): void;
}

export interface WorkQueue<T> {
  push(item: T): void;
  /** Items waiting (not counting those being run). */
  waiting(): number;
  /** Items being run and not yet released, plus those waiting. */
  inHand(): number;
  /** Resolves when nothing waits and nothing runs. */
  drained(): Promise<void>;
  /** Drops what waits and resolves once the items being run have ended. */
  close(): Promise<void>;
}

export function createWorkQueue<T>(options: WorkQueueOptions<T>): WorkQueue<T> {
  // An array read from a moving head: shift() copies the whole array each time, which a start-up
  // scan of 100,000 waiting files turns into quadratic work.
  let items: T[] = [];
  let head = 0;
  const running = new Set<string>();
  let active = 0;
  let held = 0;
  const maxHeld = options.maxHeld ?? Infinity;
  let closed = false;
  let waiters: (() => void)[] = [];

  const waiting = () => items.length - head;

  function notify(): void {
    if (active !== 0 || held !== 0 || waiting() !== 0) return;
    const w = waiters;
    waiters = [];
    for (const resolve of w) resolve();
  }

  function take(): T {
    const item = items[head] as T;
    items[head] = undefined as T;
    head += 1;
    if (head === items.length) {
      items = [];
      head = 0;
    } else if (head >= 1024 && head * 2 >= items.length) {
      items = items.slice(head);
      head = 0;
    }
    return item;
  }

  function pump(): void {
    while (!closed && active < options.concurrency && held < maxHeld && waiting() > 0) {
      const item = take();
      const key = options.keyOf(item);
      if (running.has(key)) {
        options.onBusy(item);
        continue;
      }
      active += 1;
      running.add(key);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        active -= 1;
        held += 1;
        pump();
      };
      void options.run(item, release).finally(() => {
        if (released) held -= 1;
        else active -= 1;
        running.delete(key);
        pump();
        notify();
      });
    }
    notify();
  }

  return {
    push(item) {
      if (closed) return;
      items.push(item);
      pump();
    },
    waiting,
    inHand: () => active + waiting(),
    drained() {
      if (active === 0 && held === 0 && waiting() === 0) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push(resolve));
    },
    async close() {
      closed = true;
      items = [];
      head = 0;
      if (active > 0 || held > 0) await new Promise<void>((resolve) => waiters.push(resolve));
    },
  };
}
