// Host events may arrive up to ten times a second; a refresh must never pile up behind another.
// This runs a task at most once at a time and at most once per interval, and remembers that one
// more run was asked for while it was busy.
export interface CoalescedRunner {
  request(): void;
  dispose(): void;
}

export function createCoalescedRunner(task: () => Promise<void>, minIntervalMs: number): CoalescedRunner {
  let running = false;
  let pending = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastStart = 0;
  let disposed = false;

  async function run() {
    timer = null;
    if (disposed) return;
    running = true;
    pending = false;
    lastStart = Date.now();
    try {
      await task();
    } catch {
      // The task records its own error state; a failed refresh must not stop later ones.
    } finally {
      running = false;
      if (pending) schedule();
    }
  }

  function schedule() {
    if (disposed || timer) return;
    const wait = Math.max(0, lastStart + minIntervalMs - Date.now());
    timer = setTimeout(() => void run(), wait);
  }

  return {
    request() {
      if (running) {
        pending = true;
        return;
      }
      schedule();
    },
    dispose() {
      disposed = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
