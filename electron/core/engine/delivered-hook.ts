// The after-delivery hook (archive or delete the file, see watch/): runs once per delivered job
// and again after a crash, because the job row keeps `hookPending` until the hook succeeded.
import { isDiskFull } from '../health/disk-space.js';
import type { Logger } from '../logger.js';
import type { JobRecord, Outbox } from '../outbox/outbox.js';

export interface DeliveredHookOptions {
  outbox: Outbox;
  log: Logger;
  onDelivered?(job: JobRecord): Promise<void>;
}

export interface DeliveredHook {
  /** True when there is a hook: delivered jobs are written with `hookPending`. */
  readonly enabled: boolean;
  run(id: string): Promise<void>;
  /** Runs the hook of every job still pending (after a restart). */
  start(): void;
  stop(): void;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createDeliveredHook(options: DeliveredHookOptions): DeliveredHook {
  const { outbox, log, onDelivered } = options;
  const running = new Set<string>();
  const retries = new Map<string, number>();
  let stopped = false;

  async function run(id: string) {
    if (!onDelivered || running.has(id) || stopped) return;
    running.add(id);
    try {
      const job = outbox.getJob(id);
      if (!job || !job.hookPending) return;
      let failure: unknown = null;
      try {
        await onDelivered(job);
      } catch (error) {
        failure = error;
      }
      // The outbox may be closed by now (shutdown): the hook stays pending and runs at the next start.
      if (stopped) return;
      if (failure === null) outbox.clearHook(id);
      else if (isDiskFull(failure)) {
        // The archive's disk is full (often not the data folder's): tried again with a backoff.
        const tries = (retries.get(id) ?? 0) + 1;
        retries.set(id, tries);
        const delayMs = Math.min(10 * 60_000, 2000 * 2 ** Math.min(tries, 8));
        if (tries === 1) {
          outbox.addEvent(
            id,
            'after-delivery-waiting',
            `After-delivery action waits for disk space: ${message(failure)}`,
          );
        }
        const timer = setTimeout(() => {
          if (!stopped) void run(id);
        }, delayMs);
        timer.unref();
      }
      // Left pending on failure: it runs again at the next start, once the cause (e.g. a missing archive folder) is fixed.
      else outbox.addEvent(id, 'after-delivery-failed', `After-delivery action failed: ${message(failure)}`);
    } catch (error) {
      log.warn({ err: error, job: id }, 'after-delivery bookkeeping failed');
    } finally {
      running.delete(id);
    }
  }

  return {
    enabled: !!onDelivered,
    run,
    start() {
      for (const job of outbox.hookPending(10_000)) void run(job.id);
    },
    stop() {
      stopped = true;
    },
  };
}
