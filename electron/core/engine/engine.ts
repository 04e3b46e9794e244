// The delivery engine: picks ready jobs fairly, runs each under a lease, hands the destination a
// durable step store and a throttled body, and turns the outcome into the next state through the
// retry policy. Unreachable destinations sleep and are probed instead of burning attempts.
import { randomUUID, type Hash } from 'node:crypto';
import { statSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Readable } from 'node:stream';
import type { BandwidthConfig, Config } from '../../../shared/config.js';
import type { DestinationHealth } from '../../../shared/contract.js';
import type { JobState, Progress } from '../../../shared/model.js';
import { LeaseLostError, RecordingChangedError, TransientError } from '../delivery-errors.js';
import type { CreateWitness, DeliveryContext, Destination, StepStore } from '../destinations/destination.js';
import type { Clock, Logger } from '../logger.js';
import type { DeliveryObserver } from '../metrics/delivery-observer.js';
import type { JobRecord, LeaseOutcome, LiveOutcome, Outbox } from '../outbox/outbox.js';
import type { RecoveryGuard } from '../outbox/outbox-recovery.js';
import { isDiskFull, type DiskSpace } from '../health/disk-space.js';
import { createDestinationHealth, HEALTH_KEY, type DestinationHealthOptions } from './destination-health.js';
import { createProgressTracker } from './progress-tracker.js';
import { createRetryBudget, probeDelayMs, type RetryBudgetOptions } from './retry-budget.js';
import { createRetryPolicy, type RetryPolicyOptions } from './retry-policy.js';
import { openThrottledBody } from './throttled-body.js';
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

interface Runner {
  id: string;
  destination: string;
  folder: string | null;
  leaseId: string;
  controller: AbortController;
  interruptTo: Extract<JobState, 'paused' | 'cancelled' | 'queued'> | null;
  done: Promise<JobState | null>;
  openBodies: number;
}

interface HealthState {
  online: boolean;
  offlineSince: number | null;
  lastSuccessAt: number | null;
  lastError: string | null;
  probeFailures: number;
  probeTimer: NodeJS.Timeout | null;
  probeController: AbortController | null;
}

const PAUSED_KEY = 'engine.paused';
/** The last health of every destination, for `callrelay status` (read without a running engine). */
export { HEALTH_KEY };
const PAUSED_DESTINATIONS_KEY = 'engine.pausedDestinations';

function iso(ms: number | null): string | null {
  return ms == null ? null : new Date(ms).toISOString();
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Lease owners look like host/pid/instance; a dead pid on this host means a crashed process. */
function ownerGoneOnThisHost(owner: string, self: string): boolean {
  const [host, pid, instance] = owner.split('/');
  const [selfHost, , selfInstance] = self.split('/');
  if (instance === selfInstance) return true; // ours but not held: the attempt is over
  if (host !== selfHost || !pid || !/^\d+$/.test(pid)) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export function createEngine(options: EngineOptions): Engine {
  const { outbox, clock, getDestination } = options;
  const log = options.logger.child({ module: 'engine' });
  const leaseMs = options.leaseMs ?? 60_000;
  const stallTimeoutMs = options.stallTimeoutMs ?? 60_000;
  const owner = options.owner ?? `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  const policy = createRetryPolicy(options.retry);
  const probeBaseMs = options.probe?.baseMs ?? 1000;
  const probeMaxMs = options.probe?.maxMs ?? 30_000;
  const probeTimeoutMs = options.probe?.timeoutMs ?? 10_000;
  const pollFirstMs = options.resultPoll?.firstMs ?? 5000;
  const pollMaxMs = options.resultPoll?.maxMs ?? 5 * 60_000;
  const pollTotalMs = options.resultPoll?.totalMs ?? 2 * 60 * 60_000;
  let concurrency = { ...options.concurrency };
  const bucket = createTokenBucket({ config: options.bandwidth, clock });
  const progress = createProgressTracker(clock);
  const budget = createRetryBudget(options.budget);
  const tracker = createDestinationHealth({ budget, ...options.healthRules });
  let savedHealth = outbox.getMeta(HEALTH_KEY) ?? '';

  const running = new Map<string, Runner>();
  const health = new Map<string, HealthState>();
  const pollTimers = new Map<string, NodeJS.Timeout>();
  const hooksRunning = new Set<string>();
  const folderServed = new Map<string, number>();
  const folderCache = new Map<string, { at: number; folders: (string | null)[] }>();
  let serveCounter = 0;
  let destinationRotation = 0;
  let paused = outbox.getMeta(PAUSED_KEY) === 'true';
  const pausedDestinations = new Set<string>(JSON.parse(outbox.getMeta(PAUSED_DESTINATIONS_KEY) ?? '[]') as string[]);
  let started = false;
  let stopped = false;
  let tickScheduled = false;
  let dueTimer: NodeJS.Timeout | null = null;
  let sweepTimer: NodeJS.Timeout | null = null;
  let unsubscribe: (() => void) | null = null;
  const lastProgressNotice = new Map<string, number>();

  const healthOf = (name: string): HealthState => {
    let h = health.get(name);
    if (!h) {
      h = {
        online: true,
        offlineSince: null,
        lastSuccessAt: null,
        lastError: null,
        probeFailures: 0,
        probeTimer: null,
        probeController: null,
      };
      health.set(name, h);
    }
    return h;
  };

  function scheduleTick() {
    if (tickScheduled || stopped || !started) return;
    tickScheduled = true;
    setImmediate(() => {
      tickScheduled = false;
      try {
        tick();
      } catch (error) {
        if (isDiskFull(error)) {
          options.diskSpace?.reportFull('delivery', error);
          armDueTimer(2000);
          return;
        }
        log.error({ err: error }, 'scheduler tick failed; trying again shortly');
        armDueTimer(1000);
      }
    });
  }

  function armDueTimer(delayMs: number) {
    if (dueTimer) clearTimeout(dueTimer);
    // Wake at least once a minute whatever happens, so nothing waits on a lost timer.
    dueTimer = setTimeout(scheduleTick, Math.max(10, Math.min(delayMs, 60_000)));
  }

  function limitFor(name: string): number {
    return options.destinationConcurrency?.(name) ?? concurrency.perDestination;
  }

  function runningFor(name: string): number {
    let n = 0;
    for (const r of running.values()) if (r.destination === name) n++;
    return n;
  }

  // Every destination that has jobs, refreshed every few seconds: cheaper per tick than asking
  // which destinations have ready jobs (that scans every queued job of a large backlog).
  let destinationCache: { at: number; names: string[] } | null = null;
  function knownDestinations(now: number): string[] {
    if (!destinationCache || now - destinationCache.at > 2000) {
      destinationCache = { at: now, names: outbox.destinations() };
    }
    return destinationCache.names;
  }

  function readyFolders(name: string, now: number): (string | null)[] {
    const cached = folderCache.get(name);
    if (cached && now - cached.at < 1000) return cached.folders;
    const folders = outbox.readyFolders(name);
    folderCache.set(name, { at: now, folders });
    return folders;
  }

  /** Up to `count` job ids for a destination, front of the line first, then round-robin by folder. */
  function pickFair(name: string, count: number, now: number): string[] {
    const heads = readyFolders(name, now)
      .map((folder) => ({ folder, jobs: outbox.readyJobs(name, folder, now, count) }))
      .filter((h) => h.jobs.length > 0);
    const picked: string[] = [];
    while (picked.length < count) {
      let best: (typeof heads)[number] | null = null;
      for (const h of heads) {
        if (h.jobs.length === 0) continue;
        if (!best) {
          best = h;
          continue;
        }
        const a = h.jobs[0]!;
        const b = best.jobs[0]!;
        const servedA = folderServed.get(`${name}\u0000${h.folder}`) ?? 0;
        const servedB = folderServed.get(`${name}\u0000${best.folder}`) ?? 0;
        if (a.priority > b.priority || (a.priority === b.priority && servedA < servedB)) best = h;
      }
      if (!best) break;
      const job = best.jobs.shift()!;
      folderServed.set(`${name}\u0000${best.folder}`, ++serveCounter);
      if (!running.has(job.id)) picked.push(job.id);
    }
    return picked;
  }

  function tick() {
    if (!started || stopped) return;
    const now = clock.now();
    const nextDue = outbox.nextDueAt();
    armDueTimer(nextDue == null ? 60_000 : nextDue - now);
    if (paused) return;
    let free = concurrency.global - running.size;
    if (free <= 0) return;
    free -= startLiveJobs(free, now);
    if (free <= 0) return;
    const names = knownDestinations(now);
    if (names.length === 0) return;
    // Rotate which destination goes first so one busy destination cannot take every global slot.
    destinationRotation = (destinationRotation + 1) % names.length;
    const ordered = [...names.slice(destinationRotation), ...names.slice(0, destinationRotation)];
    for (const name of ordered) {
      if (free <= 0) break;
      if (pausedDestinations.has(name) || !healthOf(name).online) continue;
      if (!getDestination(name)) continue;
      // A strained destination gets one attempt at a time, spaced by its retry budget.
      const notBefore = budget.nextAttemptAt(name, now);
      if (notBefore > now) {
        armDueTimer(Math.min(notBefore - now, nextDue == null ? 60_000 : nextDue - now));
        continue;
      }
      const limit = budget.strained(name, now) ? 1 : limitFor(name);
      const slots = Math.min(free, limit - runningFor(name));
      if (slots <= 0) continue;
      for (const id of pickFair(name, slots, now)) {
        if (startJob(id)) free--;
      }
    }
  }

  /**
   * Live calls first: opening a call while its recording is written is one short request, and it
   * is only useful early. Returns how many slots were taken.
   */
  function startLiveJobs(free: number, now: number): number {
    let taken = 0;
    for (const live of outbox.liveJobsDue(now, free + running.size)) {
      if (taken >= free) break;
      if (running.has(live.id) || pausedDestinations.has(live.destination)) continue;
      if (!healthOf(live.destination).online || runningFor(live.destination) >= limitFor(live.destination)) continue;
      if (!getDestination(live.destination)?.openLiveCall) continue;
      if (startJob(live.id, true)) taken++;
    }
    return taken;
  }

  function startJob(id: string, live = false): boolean {
    const leaseId = randomUUID();
    const lease = { leaseId, owner, expiresAt: clock.now() + leaseMs };
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
    runner.done = (live ? runLive(job, runner) : runJob(job, runner))
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
        lastProgressNotice.delete(id);
        scheduleTick();
      });
    return true;
  }

  function finish(runner: Runner, outcome: LeaseOutcome): JobState | null {
    const ok = outbox.finishUnderLease(runner.id, runner.leaseId, outcome);
    if (!ok) log.warn({ job: runner.id }, 'lease was gone when the attempt ended; its outcome is dropped');
    return ok ? outcome.to : null;
  }

  /**
   * Renews the runner's lease every third of its length while an attempt runs. A renewal that
   * fails (taken back, or the database closing at shutdown) aborts the attempt instead of letting
   * it write, or crash the process.
   */
  function keepLease(
    job: JobRecord,
    runner: Runner,
    jobLog: Logger,
    stopping: string,
  ): { lost: () => boolean; stop: () => void } {
    let lost = false;
    const timer = setInterval(
      () => {
        let renewed = false;
        try {
          renewed = outbox.renewLease(job.id, runner.leaseId, clock.now() + leaseMs);
        } catch (error) {
          jobLog.warn({ err: error }, `could not renew the lease; ${stopping}`);
        }
        if (!renewed) {
          lost = true;
          runner.controller.abort(new LeaseLostError(`The lease on job ${job.id} was taken back`));
        }
      },
      Math.max(50, Math.floor(leaseMs / 3)),
    );
    return { lost: () => lost, stop: () => clearInterval(timer) };
  }

  /**
   * The step store a destination writes through: every output is committed to the outbox under
   * the runner's lease before the next step starts, and nothing is written once the lease is lost.
   */
  function leasedSteps(job: JobRecord, runner: Runner, leaseLost: () => boolean): StepStore {
    let steps: Record<string, unknown> = { ...job.steps };
    let current: string | null = job.step;
    const holdLease = () => {
      if (leaseLost()) throw new LeaseLostError(`The lease on job ${job.id} was taken back`);
    };
    return {
      get: <T>(name: string) => steps[name] as T | undefined,
      commit(name, output) {
        holdLease();
        const next = { ...steps, [name]: output === undefined ? null : output };
        outbox.commitSteps(job.id, runner.leaseId, next, name, `Step ${name} done`);
        steps = next;
        current = name;
      },
      clear(name) {
        holdLease();
        if (!(name in steps)) return;
        const next = { ...steps };
        delete next[name];
        outbox.commitSteps(job.id, runner.leaseId, next, current, `Step ${name} will run again`);
        steps = next;
      },
    };
  }

  /**
   * The file changed under a queued job: the job stops before any call exists for it (the body
   * withheld its last bytes), and the file as it is now is described again as its own job.
   */
  async function recordingChanged(runner: Runner, job: JobRecord, error: RecordingChangedError) {
    let reread = 'it is looked at again as a new recording';
    try {
      if (options.onRecordingChanged) reread = await options.onRecordingChanged(job);
    } catch (e) {
      reread = `reading it again failed (${message(e)}); add it again once it is complete`;
    }
    const what = error.sizeChanged
      ? 'The recording changed size after it was queued'
      : 'The recording changed after it was queued';
    const reason = `${what} (${error.message}); no call was created for this job; ${reread}`;
    log.warn({ job: job.id, path: job.recording.path }, reason);
    return finish(runner, { to: 'failed', lastError: reason, event: { type: 'failed', message: reason } });
  }

  function witnessOf(job: JobRecord): CreateWitness | undefined {
    const guard = options.recovery;
    if (!guard) return undefined;
    const { destination } = job;
    // Read at each call: a person may have changed the callId in the review form.
    const callId = () => job.call.callId;
    return {
      recovering: () => guard.recovering(),
      wasSent: () => guard.wasSent(destination, callId()),
      recordSent: (ref) => guard.recordSent(destination, callId(), job.id, ref),
      sentRef: () => guard.refOf(destination, callId()),
      retract: () => guard.retract(destination, callId()),
      accounted: () => guard.accounted(destination, callId()),
    };
  }

  async function runJob(job: JobRecord, runner: Runner): Promise<JobState | null> {
    const { controller } = runner;
    const jobLog = log.child({ job: job.id, destination: job.destination });
    const destination = getDestination(job.destination);
    let stalled = false;
    let changed: RecordingChangedError | null = null;
    const hashStates = new Map<number, Hash>();
    const stallError = new TransientError(
      `No bytes moved for ${stallTimeoutMs >= 1000 ? `${Math.round(stallTimeoutMs / 1000)} s` : `${stallTimeoutMs} ms`}; the transfer stalled and will be retried`,
    );
    const lease = keepLease(job, runner, jobLog, 'stopping the attempt');
    const bodies = new Set<Readable>();
    try {
      if (!destination) {
        return finish(runner, {
          to: 'retry-wait',
          nextAttemptAt: clock.now() + policy.backoffMs(job.failures),
          failures: job.failures + 1,
          lastError: `No destination named "${job.destination}" is configured or enabled; add it in Settings`,
          uncountAttempt: true,
          event: { type: 'retry-wait', message: `Destination "${job.destination}" is not configured` },
        });
      }
      try {
        const { size } = statSync(job.recording.path);
        if (size !== job.recording.sizeBytes) {
          return await recordingChanged(
            runner,
            job,
            new RecordingChangedError(
              `it is now ${size} bytes, it was ${job.recording.sizeBytes} when it was queued`,
              true,
            ),
          );
        }
      } catch (error) {
        options.observer?.attemptFailed(job.destination, error, 'failed');
        return finish(runner, {
          to: 'failed',
          lastError: `The recording ${job.recording.path} cannot be read (${(error as NodeJS.ErrnoException).code ?? message(error)}); restore the file and retry`,
          event: { type: 'failed', message: `Recording file unreadable: ${message(error)}` },
        });
      }

      const store = leasedSteps(job, runner, lease.lost);
      const ctx: DeliveryContext = {
        job: { id: job.id, destination: job.destination, recording: job.recording, call: job.call },
        steps: store,
        witness: witnessOf(job),
        signal: controller.signal,
        log: jobLog,
        now: () => clock.now(),
        openBody(start = 0) {
          progress.begin(job.id, start, job.recording.sizeBytes);
          const body = openThrottledBody({
            path: job.recording.path,
            start,
            bucket,
            clock,
            signal: controller.signal,
            stallTimeoutMs,
            verify: { sizeBytes: job.recording.sizeBytes, sha256: job.recording.sha256, states: hashStates },
            onBytes: (n) => {
              progress.add(job.id, n);
              options.observer?.bytesSent(job.destination, n);
              const now = clock.now();
              if (now - (lastProgressNotice.get(job.id) ?? 0) >= 500) {
                lastProgressNotice.set(job.id, now);
                outbox.notifyChanged([job.id]);
              }
            },
            onStall: () => {
              stalled = true;
              controller.abort(stallError);
            },
          });
          body.once('error', (error) => {
            if (error instanceof RecordingChangedError) {
              changed = error;
              controller.abort(error);
            }
          });
          bodies.add(body);
          runner.openBodies++;
          body.once('close', () => {
            runner.openBodies--;
            outbox.notifyChanged([job.id]);
          });
          outbox.notifyChanged([job.id]);
          return body;
        },
      };

      try {
        const outcome = await destination.deliver(ctx);
        const h = healthOf(job.destination);
        h.lastSuccessAt = clock.now();
        h.lastError = null;
        tracker.attempt(job.destination, true, null, clock.now());
        noteHealth();
        // A first result (e.g. only a status) may come with the answer; summaries and transcripts come later.
        const poll = outcome.pollResults && outcome.remoteId != null && !!destination.fetchResult;
        const state = finish(runner, {
          to: 'done',
          remoteId: outcome.remoteId,
          result: outcome.result,
          pollUntil: poll ? clock.now() + pollTotalMs : null,
          hookPending: !!options.onDelivered,
          failures: 0,
          lastError: null,
          event: {
            type: 'done',
            message: `Delivered to ${job.destination}${outcome.remoteId ? ` as ${outcome.remoteId}` : ''}`,
            data: { remoteId: outcome.remoteId },
          },
        });
        if (state === 'done') {
          jobLog.info({ remoteId: outcome.remoteId }, 'delivered');
          options.observer?.delivered(job);
          void runHook(job.id);
          if (poll) schedulePoll(job.id, pollFirstMs);
        }
        return state;
      } catch (raw) {
        if (changed && !lease.lost()) return await recordingChanged(runner, job, changed);
        const error = stalled ? stallError : lease.lost() ? new LeaseLostError('lease lost') : raw;
        if (runner.interruptTo && !(error instanceof LeaseLostError)) {
          const to = runner.interruptTo;
          return finish(runner, {
            to,
            uncountAttempt: to === 'queued',
            event: {
              type: to === 'queued' ? 'interrupted' : to,
              message:
                to === 'queued'
                  ? 'Attempt stopped (engine paused or stopping); it continues from its last committed step'
                  : to === 'paused'
                    ? 'Paused by a person during an attempt'
                    : 'Cancelled by a person during an attempt',
            },
          });
        }
        const decision = policy.decide(error, job.failures);
        options.observer?.attemptFailed(job.destination, error, decision.kind);
        switch (decision.kind) {
          case 'lease-lost':
            jobLog.warn('lease lost during the attempt; another holder owns the job now');
            return null;
          case 'review':
            // The platform answered on purpose: it is up, the call needs a person.
            tracker.attempt(job.destination, true, null, clock.now());
            noteHealth();
            return finish(runner, {
              to: 'needs-review',
              reviewIssues: decision.issues,
              lastError: decision.message,
              event: { type: 'needs-review', message: `The platform needs corrections: ${decision.message}` },
            });
          case 'failed':
            healthOf(job.destination).lastError = decision.message;
            tracker.attempt(job.destination, true, null, clock.now());
            noteHealth();
            return finish(runner, {
              to: 'failed',
              lastError: decision.message,
              event: { type: 'failed', message: decision.message },
            });
          case 'retry': {
            healthOf(job.destination).lastError = decision.message;
            if (decision.unreachable) {
              tracker.unreachable(job.destination, decision.message, clock.now());
              markOffline(job.destination, decision.message);
              noteHealth();
              return finish(runner, {
                to: 'queued',
                uncountAttempt: true,
                lastError: decision.message,
                event: {
                  type: 'offline',
                  // The reason says what is wrong (down, proxy, certificate); "unreachable" would hide it.
                  message: `Waiting for ${job.destination} to come back: ${decision.message}`,
                },
              });
            }
            const now = clock.now();
            tracker.attempt(job.destination, false, decision.message, now);
            // Retry-After may make the wait longer than the budget, never shorter.
            const delayMs = Math.max(decision.delayMs, budget.minDelayMs(job.destination, now));
            if (tracker.shouldSleep(job.destination, now)) markOffline(job.destination, decision.message);
            noteHealth();
            return finish(runner, {
              to: 'retry-wait',
              nextAttemptAt: now + delayMs,
              failures: job.failures + 1,
              lastError: decision.message,
              event: {
                type: 'retry-wait',
                message: `${decision.message}; retrying in ${Math.ceil(delayMs / 1000)} s`,
                data: { delayMs, reason: decision.message },
              },
            });
          }
        }
        return null;
      }
    } finally {
      lease.stop();
      for (const body of bodies) body.destroy();
    }
  }

  /** Opens a live job's call under its lease; the job stays waiting-file whatever happens. */
  async function runLive(job: JobRecord, runner: Runner): Promise<JobState | null> {
    const { controller } = runner;
    const jobLog = log.child({ job: job.id, destination: job.destination, live: true });
    const destination = getDestination(job.destination);
    const end = (outcome: LiveOutcome): JobState | null => {
      if (!outbox.finishLive(runner.id, runner.leaseId, outcome)) {
        jobLog.warn('lease was gone when the live attempt ended; its outcome is dropped');
        return null;
      }
      return 'waiting-file';
    };
    const lease = keepLease(job, runner, jobLog, 'stopping the live attempt');
    try {
      if (!destination?.openLiveCall) {
        return end({ uncountAttempt: true, event: { type: 'live-skipped', message: 'No live call to open' } });
      }
      const store = leasedSteps(job, runner, lease.lost);
      const ctx: DeliveryContext = {
        job: { id: job.id, destination: job.destination, recording: job.recording, call: job.call },
        steps: store,
        witness: witnessOf(job),
        signal: controller.signal,
        log: jobLog,
        now: () => clock.now(),
        openBody() {
          throw new Error('the recording is still being written; its bytes are sent by delivery, not by openLiveCall');
        },
      };
      try {
        await destination.openLiveCall(ctx);
        healthOf(job.destination).lastError = null;
        return end({
          failures: 0,
          lastError: null,
          event: { type: 'live-opened', message: `Call opened in ${job.destination} (in progress)` },
        });
      } catch (raw) {
        const error = lease.lost() ? new LeaseLostError('lease lost') : raw;
        if (runner.interruptTo && !(error instanceof LeaseLostError)) {
          const released = end({
            uncountAttempt: true,
            event: { type: 'interrupted', message: 'Opening the live call was stopped; it is tried again later' },
          });
          // A waiting job cannot be paused (it has no file to hold back yet), but it can be cancelled.
          if (released && runner.interruptTo === 'cancelled' && outbox.cancel([job.id]) === 1) return 'cancelled';
          return released;
        }
        const decision = policy.decide(error, job.failures);
        options.observer?.attemptFailed(job.destination, error, decision.kind, { live: true });
        switch (decision.kind) {
          case 'lease-lost':
            jobLog.warn('lease lost while opening the live call; another holder owns the job now');
            return null;
          case 'review':
          case 'failed':
            // Not worth repeating early; delivery creates the call once the file is final, and a
            // refusal then reaches a person through needs-review or failed.
            return end({
              stop: true,
              lastError: decision.message,
              event: {
                type: 'live-stopped',
                message: `The call could not be opened early (${decision.message}); it is created when the recording is finished`,
              },
            });
          case 'retry': {
            healthOf(job.destination).lastError = decision.message;
            const now = clock.now();
            if (decision.unreachable) {
              tracker.unreachable(job.destination, decision.message, now);
              markOffline(job.destination, decision.message);
            } else {
              tracker.attempt(job.destination, false, decision.message, now);
              if (tracker.shouldSleep(job.destination, now)) markOffline(job.destination, decision.message);
            }
            noteHealth();
            const delayMs = Math.max(decision.delayMs, budget.minDelayMs(job.destination, now));
            return end({
              nextAttemptAt: now + delayMs,
              failures: job.failures + 1,
              lastError: decision.message,
              ...(decision.unreachable ? { uncountAttempt: true } : {}),
              event: {
                type: 'live-retry',
                message: `${decision.message}; opening the call again in ${Math.ceil(delayMs / 1000)} s`,
                data: { delayMs, reason: decision.message },
              },
            });
          }
        }
        return null;
      }
    } finally {
      lease.stop();
    }
  }

  function markOffline(name: string, reason: string) {
    const h = healthOf(name);
    h.lastError = reason;
    if (!h.online) return;
    h.online = false;
    h.offlineSince = clock.now();
    h.probeFailures = 0;
    log.warn({ destination: name, reason }, 'destination unreachable; its queue sleeps while probing');
    scheduleProbe(name);
  }

  function scheduleProbe(name: string) {
    const h = healthOf(name);
    if (h.probeTimer || stopped) return;
    // One probe at a time; quick while the outage is young, so the queue wakes soon after it ends.
    const delay = probeDelayMs(h.probeFailures, clock.now() - (h.offlineSince ?? clock.now()), {
      baseMs: probeBaseMs,
      maxMs: probeMaxMs,
    });
    h.probeTimer = setTimeout(() => {
      h.probeTimer = null;
      void probe(name);
    }, delay);
  }

  async function probe(name: string) {
    const h = healthOf(name);
    const destination = getDestination(name);
    if (stopped || h.online) return;
    if (!destination) {
      // Removed from the config while offline: nothing to probe, nothing to wake.
      h.online = true;
      h.offlineSince = null;
      return;
    }
    const controller = new AbortController();
    h.probeController = controller;
    const timeout = setTimeout(() => controller.abort(new Error('probe timed out')), probeTimeoutMs);
    let reachable = false;
    try {
      reachable = await destination.probe(controller.signal);
    } catch {
      reachable = false;
    } finally {
      clearTimeout(timeout);
      h.probeController = null;
    }
    if (stopped) return;
    if (reachable) {
      log.info({ destination: name }, 'destination reachable again; its queue wakes');
      h.online = true;
      h.offlineSince = null;
      h.probeFailures = 0;
      tracker.recovered(name, clock.now());
      // Retries spaced out by the budget while it failed are due now: the queue wakes at once.
      outbox.wakeRetries(name);
      noteHealth();
      scheduleTick();
    } else {
      h.probeFailures++;
      scheduleProbe(name);
    }
  }

  function schedulePoll(id: string, delayMs: number) {
    if (stopped || pollTimers.has(id)) return;
    const timer = setTimeout(() => {
      pollTimers.delete(id);
      pollResult(id, delayMs).catch((error: unknown) => log.warn({ err: error, job: id }, 'result polling stopped'));
    }, delayMs);
    pollTimers.set(id, timer);
  }

  async function pollResult(id: string, lastDelayMs: number) {
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
    schedulePoll(id, Math.min(pollMaxMs, lastDelayMs * 2));
  }

  const hookRetries = new Map<string, number>();
  async function runHook(id: string) {
    if (!options.onDelivered || hooksRunning.has(id) || stopped) return;
    hooksRunning.add(id);
    try {
      const job = outbox.getJob(id);
      if (!job || !job.hookPending) return;
      let failure: unknown = null;
      try {
        await options.onDelivered(job);
      } catch (error) {
        failure = error;
      }
      // The outbox may be closed by now (shutdown): the hook stays pending and runs at the next start.
      if (stopped) return;
      if (failure === null) outbox.clearHook(id);
      else if (isDiskFull(failure)) {
        // The archive's disk is full (often not the data folder's): tried again with a backoff.
        const tries = (hookRetries.get(id) ?? 0) + 1;
        hookRetries.set(id, tries);
        const delayMs = Math.min(10 * 60_000, 2000 * 2 ** Math.min(tries, 8));
        if (tries === 1) {
          outbox.addEvent(
            id,
            'after-delivery-waiting',
            `After-delivery action waits for disk space: ${message(failure)}`,
          );
        }
        const timer = setTimeout(() => {
          if (!stopped) void runHook(id);
        }, delayMs);
        timer.unref();
      }
      // Left pending on failure: it runs again at the next start, once the cause (e.g. a missing archive folder) is fixed.
      else outbox.addEvent(id, 'after-delivery-failed', `After-delivery action failed: ${message(failure)}`);
    } catch (error) {
      log.warn({ err: error, job: id }, 'after-delivery bookkeeping failed');
    } finally {
      hooksRunning.delete(id);
    }
  }

  function sweep() {
    let taken: string[] = [];
    try {
      taken = outbox.reclaimLeases((o) => ownerGoneOnThisHost(o, owner), new Set(running.keys()));
    } catch (error) {
      log.error({ err: error }, 'lease sweep failed; trying again at the next sweep');
    }
    if (taken.length > 0) {
      log.info({ jobs: taken.length }, 'took back leases of attempts that ended without finishing');
      scheduleTick();
    }
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

  /** Keeps the last health in the outbox for `callrelay status`; written only when it changes. */
  function noteHealth() {
    try {
      const text = JSON.stringify(
        healthList().map(({ name, health, lastError, since }) => ({ name, health, lastError, since })),
      );
      if (text === savedHealth) return;
      savedHealth = text;
      outbox.setMeta(HEALTH_KEY, text);
    } catch (error) {
      log.debug({ err: error }, 'could not save destination health');
    }
  }

  function healthList(): DestinationHealth[] {
    const names = new Set([...(options.destinationNames?.() ?? outbox.destinations()), ...health.keys()]);
    const out: DestinationHealth[] = [];
    const now = clock.now();
    for (const name of [...names].sort()) {
      const destination = getDestination(name);
      if (!destination) continue;
      const h = healthOf(name);
      const t = tracker.get(name, now);
      out.push({
        name,
        kind: destination.kind,
        online: h.online,
        paused: pausedDestinations.has(name),
        lastSuccessAt: iso(h.lastSuccessAt),
        lastError: t.lastError ?? h.lastError,
        offlineSince: iso(h.offlineSince),
        health: h.online ? t.health : 'down',
        since: iso(h.online ? t.since : (h.offlineSince ?? t.since)),
      });
    }
    return out;
  }

  function persistPausedDestinations() {
    outbox.setMeta(PAUSED_DESTINATIONS_KEY, JSON.stringify([...pausedDestinations]));
  }

  return {
    start() {
      if (started) return;
      started = true;
      stopped = false;
      sweep();
      sweepTimer = setInterval(sweep, Math.max(100, Math.floor(leaseMs / 2)));
      unsubscribe = outbox.onChange((ids) => {
        // A change to a job this engine is not running (a new recording, a retry, a person's
        // edit) may add a destination or folder the scheduler's caches do not know yet.
        if (ids.length === 0 || ids.some((id) => !running.has(id))) {
          destinationCache = null;
          folderCache.clear();
        }
        scheduleTick();
      });
      for (const job of outbox.pollDue(clock.now(), 10_000)) schedulePoll(job.id, pollFirstMs);
      for (const job of outbox.hookPending(10_000)) void runHook(job.id);
      scheduleTick();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      unsubscribe?.();
      if (dueTimer) clearTimeout(dueTimer);
      if (sweepTimer) clearInterval(sweepTimer);
      for (const t of pollTimers.values()) clearTimeout(t);
      pollTimers.clear();
      for (const h of health.values()) {
        if (h.probeTimer) clearTimeout(h.probeTimer);
        h.probeTimer = null;
        h.probeController?.abort();
      }
      const runners = interruptWhere(() => true, 'queued');
      bucket.close();
      // A destination that ignores its signal must not hold shutdown forever; its lease expires.
      await Promise.race([
        Promise.all(runners.map((r) => r.done)),
        new Promise((resolve) => setTimeout(resolve, 10_000).unref()),
      ]);
    },
    wake() {
      destinationCache = null;
      folderCache.clear();
      scheduleTick();
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
      scheduleTick();
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
      scheduleTick();
    },
    isDestinationPaused: (name) => pausedDestinations.has(name),
    setConcurrency(next) {
      concurrency = { ...next };
      scheduleTick();
    },
    setBandwidth(next) {
      bucket.setConfig(next);
    },
    health: () => healthList(),
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
