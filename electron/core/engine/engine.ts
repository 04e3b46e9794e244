// The delivery engine: its public interface and the wiring of its parts (docs/ARCHITECTURE.md,
// "The engine"). The scheduler picks ready jobs fairly; each runs under a lease (lease-keeper)
// through run-attempt, which turns the outcome into the next state through the retry policy;
// unreachable destinations sleep and are probed (destination-health); results are polled
// (result-poller) and the after-delivery hook runs (delivered-hook).
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { BandwidthConfig, Config } from '../../../shared/config.js';
import type { DestinationHealth } from '../../../shared/contract.js';
import type { Progress } from '../../../shared/model.js';
import type { Destination } from '../destinations/destination.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { DeliveryObserver } from '../metrics/delivery-observer.js';
import type { JobRecord, Outbox } from '../outbox/outbox.js';
import type { RecoveryGuard } from '../outbox/outbox-recovery.js';
import { isDiskFull, type DiskSpace } from '../health/disk-space.js';
import type { Runner } from './attempt-context.js';
import { createDeliveredHook } from './delivered-hook.js';
import {
  createDestinationHealth,
  createHealthMonitor,
  HEALTH_KEY,
  type DestinationHealthOptions,
} from './destination-health.js';
import { createLeaseKeeper } from './lease-keeper.js';
import { createProgressTracker } from './progress-tracker.js';
import { createResultPoller } from './result-poller.js';
import { createRetryBudget, type RetryBudgetOptions } from './retry-budget.js';
import { createRetryPolicy, type RetryPolicyOptions } from './retry-policy.js';
import { createAttemptRunner } from './run-attempt.js';
import { createScheduler } from './scheduler.js';
import { createTokenBucket } from './token-bucket.js';

export interface EngineOptions {
  outbox: Outbox;
  getDestination(name: string): Destination | undefined;
  clock: Clock;
  logger: Logger;
  concurrency: Config['concurrency'];
  bandwidth: BandwidthConfig;
  /** After-delivery hook (archive or delete the file); runs once per delivered job, again after a crash. */
  onDelivered?(job: JobRecord): Promise<void>;
  /** No byte moving for this long fails the attempt as transient. Default 60 s. */
  stallTimeoutMs?: number;
  /** Lease length; renewed every third of it while the attempt runs. Default 60 s. */
  leaseMs?: number;
  retry?: RetryPolicyOptions;
  /** Per-destination retry budget (retry-budget.ts). */
  budget?: RetryBudgetOptions;
  /** When a failing destination counts as down (destination-health.ts). */
  healthRules?: Omit<DestinationHealthOptions, 'budget'>;
  /** Backoff of connectivity probes while a destination is unreachable. */
  probe?: { baseMs?: number; maxMs?: number; timeoutMs?: number };
  /** Polling of results after delivery, when the destination says they come later. */
  resultPoll?: { firstMs?: number; maxMs?: number; totalMs?: number };
  /** Names shown in health(); defaults to every destination the outbox has jobs for. */
  destinationNames?(): string[];
  /** Per-destination concurrency from its config, over `concurrency.perDestination`. */
  destinationConcurrency?(name: string): number | undefined;
  /** A pause began or ended: every held row reads differently (the change feed resets). */
  onPauseChanged?(): void;
  /** Identity written into leases; default host/pid/random. */
  owner?: string;
  /** Metrics: bytes sent, deliveries and failed attempts as they happen. */
  observer?: DeliveryObserver;
  /** The outbox's progress witness and recovery mode, around every create. */
  recovery?: RecoveryGuard;
  /** Where a full disk (SQLITE_FULL, ENOSPC) is reported; the attempt is taken back and retried. */
  diskSpace?: DiskSpace;
  /**
   * A job's file is no longer the recording it described: describe it again as a new job.
   * Resolves with words for the old job's reason ("re-read as …").
   */
  onRecordingChanged?(job: JobRecord): Promise<string>;
}

export interface Engine {
  start(): void;
  stop(): Promise<void>;
  wake(): void;
  pauseAll(): void;
  resumeAll(): void;
  isPaused(): boolean;
  pauseDestination(name: string): void;
  resumeDestination(name: string): void;
  isDestinationPaused(name: string): boolean;
  setConcurrency(concurrency: Config['concurrency']): void;
  setBandwidth(bandwidth: BandwidthConfig): void;
  health(): DestinationHealth[];
  /** Live transfer progress of a running job. */
  progress(id: string): Progress | null;
  /** What a running job is doing now ('transfer' while its body streams), else null. */
  activity(id: string): string | null;
  isRunning(id: string): boolean;
  /** Stops running attempts and moves those jobs to `to`; resolves with how many moved. */
  interruptJobs(ids: string[], to: 'paused' | 'cancelled'): Promise<number>;
}

const PAUSED_KEY = 'engine.paused';
/** The last health of every destination, for `callrelay status` (read without a running engine). */
export { HEALTH_KEY };
const PAUSED_DESTINATIONS_KEY = 'engine.pausedDestinations';

export function createEngine(options: EngineOptions): Engine {
  const { outbox, clock, getDestination } = options;
  const log = options.logger.child({ module: 'engine' });
  const leaseMs = options.leaseMs ?? 60_000;
  const owner = options.owner ?? `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  let concurrency = { ...options.concurrency };
  const bucket = createTokenBucket({ config: options.bandwidth, clock });
  const progress = createProgressTracker(clock);
  const budget = createRetryBudget(options.budget);
  const running = new Map<string, Runner>();
  let paused = outbox.getMeta(PAUSED_KEY) === 'true';
  const pausedDestinations = new Set<string>(JSON.parse(outbox.getMeta(PAUSED_DESTINATIONS_KEY) ?? '[]') as string[]);
  let started = false;
  let stopped = false;
  let unsubscribe: (() => void) | null = null;

  // What every part reads: the outbox, the time, the engine's logger.
  const base = { outbox, clock, log };
  const health = createHealthMonitor({
    ...base,
    tracker: createDestinationHealth({ budget, ...options.healthRules }),
    getDestination,
    isPaused: (name) => pausedDestinations.has(name),
    destinationNames: options.destinationNames,
    probe: options.probe,
    onOnline: () => scheduler.schedule(),
  });
  const scheduler = createScheduler({
    ...base,
    budget,
    getDestination,
    concurrency: () => concurrency,
    destinationConcurrency: options.destinationConcurrency,
    running,
    isPaused: () => paused,
    isDestinationPaused: (name) => pausedDestinations.has(name),
    isOnline: (name) => health.isOnline(name),
    startJob,
    diskSpace: options.diskSpace,
  });
  const leases = createLeaseKeeper({
    ...base,
    owner,
    leaseMs,
    running: () => running.keys(),
    onReclaimed: () => scheduler.schedule(),
  });
  const results = createResultPoller({ ...base, getDestination, ...options.resultPoll });
  const hook = createDeliveredHook({ outbox, log, onDelivered: options.onDelivered });
  const attempts = createAttemptRunner({
    ...base,
    getDestination,
    policy: createRetryPolicy(options.retry),
    budget,
    health,
    leases,
    bucket,
    progress,
    hook,
    results,
    stallTimeoutMs: options.stallTimeoutMs ?? 60_000,
    observer: options.observer,
    recovery: options.recovery,
    onRecordingChanged: options.onRecordingChanged,
  });

  function startJob(id: string, live: boolean): boolean {
    const leaseId = randomUUID();
    const lease = leases.lease(leaseId);
    const job = live ? outbox.acquireLive(id, lease) : outbox.acquire(id, lease);
    if (!job) return false;
    const runner: Runner = {
      id,
      destination: job.destination,
      folder: job.folder,
      leaseId,
      controller: new AbortController(),
      interruptTo: null,
      done: Promise.resolve(null),
      openBodies: 0,
    };
    running.set(id, runner);
    runner.done = attempts
      .run(job, runner, live)
      .catch((error: unknown) => {
        if (isDiskFull(error)) {
          // Its outcome could not be written: the lease runs out and the job is taken up again.
          options.diskSpace?.reportFull('delivery', error);
          return null;
        }
        log.error({ err: error, job: id }, 'attempt ended with an internal error');
        return null;
      })
      .finally(() => {
        running.delete(id);
        progress.end(id);
        scheduler.schedule();
      });
    return true;
  }

  function interruptWhere(match: (r: Runner) => boolean, to: 'queued' | 'paused' | 'cancelled') {
    const hit: Runner[] = [];
    for (const r of running.values()) {
      if (!match(r)) continue;
      r.interruptTo = to;
      r.controller.abort(new Error(`interrupted: ${to}`));
      hit.push(r);
    }
    return hit;
  }

  function persistPausedDestinations() {
    outbox.setMeta(PAUSED_DESTINATIONS_KEY, JSON.stringify([...pausedDestinations]));
  }

  return {
    start() {
      if (started) return;
      started = true;
      stopped = false;
      scheduler.start();
      leases.start();
      unsubscribe = outbox.onChange((ids) => {
        // A change to a job this engine is not running (a new recording, a retry, a person's
        // edit) may add a destination or folder the scheduler's caches do not know yet.
        if (ids.length === 0 || ids.some((id) => !running.has(id))) scheduler.forget();
        scheduler.schedule();
      });
      results.start();
      hook.start();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      unsubscribe?.();
      scheduler.stop();
      leases.stop();
      results.stop();
      hook.stop();
      health.stop();
      const runners = interruptWhere(() => true, 'queued');
      bucket.close();
      // A destination that ignores its signal must not hold shutdown forever; its lease expires.
      await Promise.race([
        Promise.all(runners.map((r) => r.done)),
        new Promise((resolve) => setTimeout(resolve, 10_000).unref()),
      ]);
    },
    wake() {
      scheduler.forget();
      scheduler.schedule();
    },
    pauseAll() {
      paused = true;
      outbox.setMeta(PAUSED_KEY, 'true');
      interruptWhere(() => true, 'queued');
      outbox.notifyChanged([]);
      options.onPauseChanged?.();
    },
    resumeAll() {
      paused = false;
      outbox.setMeta(PAUSED_KEY, null);
      options.onPauseChanged?.();
      scheduler.schedule();
    },
    isPaused: () => paused,
    pauseDestination(name) {
      pausedDestinations.add(name);
      persistPausedDestinations();
      interruptWhere((r) => r.destination === name, 'queued');
      options.onPauseChanged?.();
    },
    resumeDestination(name) {
      pausedDestinations.delete(name);
      persistPausedDestinations();
      options.onPauseChanged?.();
      scheduler.schedule();
    },
    isDestinationPaused: (name) => pausedDestinations.has(name),
    setConcurrency(next) {
      concurrency = { ...next };
      scheduler.schedule();
    },
    setBandwidth(next) {
      bucket.setConfig(next);
    },
    health: () => health.list(),
    progress: (id) => (running.has(id) ? progress.get(id) : null),
    activity: (id) => ((running.get(id)?.openBodies ?? 0) > 0 ? 'transfer' : null),
    isRunning: (id) => running.has(id),
    async interruptJobs(ids, to) {
      const wanted = new Set(ids);
      const runners = interruptWhere((r) => wanted.has(r.id), to);
      const states = await Promise.all(
        runners.map((r) =>
          Promise.race([r.done, new Promise<null>((resolve) => setTimeout(() => resolve(null), 10_000).unref())]),
        ),
      );
      return states.filter((s) => s === to).length;
    },
  };
}
