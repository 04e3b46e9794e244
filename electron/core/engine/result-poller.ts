// Results that come after delivery (summaries, transcripts): polled with a doubling delay until
// they arrive or the job's poll window closes. Survives restarts: the window is in the job row.
import type { Destination } from '../destinations/destination.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Outbox } from '../outbox/outbox.js';

export interface ResultPollerOptions {
  outbox: Outbox;
  clock: Clock;
  log: Logger;
  getDestination(name: string): Destination | undefined;
  /** First poll after delivery; doubled each time up to maxMs; for totalMs after delivery. */
  firstMs?: number;
  maxMs?: number;
  totalMs?: number;
}

export interface ResultPoller {
  /** Until when a job delivered now is polled (written into the job as its poll window). */
  pollUntil(now: number): number;
  /** Polls a delivered job's results, beginning after the first delay. */
  watch(id: string): void;
  /** Picks up every job whose window is still open (after a restart). */
  start(): void;
  stop(): void;
}

export function createResultPoller(options: ResultPollerOptions): ResultPoller {
  const { outbox, clock, log, getDestination } = options;
  const firstMs = options.firstMs ?? 5000;
  const maxMs = options.maxMs ?? 5 * 60_000;
  const totalMs = options.totalMs ?? 2 * 60 * 60_000;
  const timers = new Map<string, NodeJS.Timeout>();
  let stopped = false;

  function schedule(id: string, delayMs: number) {
    if (stopped || timers.has(id)) return;
    const timer = setTimeout(() => {
      timers.delete(id);
      poll(id, delayMs).catch((error: unknown) => log.warn({ err: error, job: id }, 'result polling stopped'));
    }, delayMs);
    timers.set(id, timer);
  }

  async function poll(id: string, lastDelayMs: number) {
    const job = outbox.getJob(id);
    if (!job || job.state !== 'done' || !job.remoteId || job.pollUntil == null) return;
    const destination = getDestination(job.destination);
    if (!destination?.fetchResult) {
      outbox.saveResult(id, job.result, null);
      return;
    }
    let result = null;
    const controller = new AbortController();
    const timeout = setTimeout(() => controller.abort(new Error('result poll timed out')), 30_000);
    timeout.unref();
    try {
      result = await destination.fetchResult(job.remoteId, { signal: controller.signal, callId: job.call.callId });
    } catch (error) {
      log.debug({ job: id, err: error }, 'result poll failed; will poll again');
    } finally {
      clearTimeout(timeout);
    }
    if (stopped) return;
    if (result) {
      outbox.saveResult(id, result, null);
      outbox.addEvent(id, 'result', 'Results received from the platform');
      return;
    }
    if (clock.now() >= job.pollUntil) {
      outbox.saveResult(id, job.result, null);
      outbox.addEvent(id, 'result-timeout', 'No results yet from the platform; look them up there');
      return;
    }
    schedule(id, Math.min(maxMs, lastDelayMs * 2));
  }

  return {
    pollUntil: (now) => now + totalMs,
    watch: (id) => schedule(id, firstMs),
    start() {
      for (const job of outbox.pollDue(clock.now(), 10_000)) schedule(job.id, firstMs);
    },
    stop() {
      stopped = true;
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    },
  };
}
