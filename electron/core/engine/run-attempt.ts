// One attempt under a lease, for a delivery and for a live call (opening the call of a recording
// still being written): the same context (attempt-context.ts) and one outcome mapping
// (attempt-outcome.ts) from what happened to the job's next state.
import type { Hash } from 'node:crypto';
import { statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { JobState } from '../../../shared/model.js';
import { LeaseLostError, RecordingChangedError, TransientError } from '../delivery-errors.js';
import type { Destination } from '../destinations/destination.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { DeliveryObserver } from '../metrics/delivery-observer.js';
import type { JobRecord, LeaseOutcome, LiveOutcome, Outbox } from '../outbox/outbox.js';
import type { RecoveryGuard } from '../outbox/outbox-recovery.js';
import { createAttemptContext, type Runner } from './attempt-context.js';
import { deliveryOutcome, liveOutcome, type Verdict } from './attempt-outcome.js';
import type { DeliveredHook } from './delivered-hook.js';
import type { HealthMonitor } from './destination-health.js';
import type { LeaseKeeper } from './lease-keeper.js';
import type { ProgressTracker } from './progress-tracker.js';
import type { ResultPoller } from './result-poller.js';
import type { RetryBudget } from './retry-budget.js';
import type { RetryPolicy } from './retry-policy.js';
import { openThrottledBody } from './throttled-body.js';
import type { TokenBucket } from './token-bucket.js';
import { noDestinationNamed } from '../../../shared/no-destination.js';

export interface AttemptRunnerOptions {
  outbox: Outbox;
  clock: Clock;
  log: Logger;
  getDestination(name: string): Destination | undefined;
  policy: RetryPolicy;
  budget: RetryBudget;
  health: HealthMonitor;
  leases: LeaseKeeper;
  bucket: TokenBucket;
  progress: ProgressTracker;
  hook: DeliveredHook;
  results: ResultPoller;
  /** No byte moving for this long fails the attempt as transient. */
  stallTimeoutMs: number;
  observer?: DeliveryObserver;
  recovery?: RecoveryGuard;
  /** The file is no longer the recording it described: resolves with words for the old job's reason. */
  onRecordingChanged?(job: JobRecord): Promise<string>;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createAttemptRunner(options: AttemptRunnerOptions) {
  const { outbox, clock, log, policy, budget, health, progress, stallTimeoutMs } = options;

  function finish(runner: Runner, outcome: LeaseOutcome, jobLog: Logger): JobState | null {
    const ok = outbox.finishUnderLease(runner.id, runner.leaseId, outcome);
    if (!ok) jobLog.warn('lease was gone when the attempt ended; its outcome is dropped');
    return ok ? outcome.to : null;
  }

  function finishLive(runner: Runner, outcome: LiveOutcome, jobLog: Logger): JobState | null {
    if (outbox.finishLive(runner.id, runner.leaseId, outcome)) return 'waiting-file';
    jobLog.warn('lease was gone when the live attempt ended; its outcome is dropped');
    return null;
  }

  /**
   * Turns a failed attempt into a verdict, keeping the destination's health and the metrics on
   * the way; null when the lease was lost (another holder owns the job: nothing is written).
   */
  function judge(error: unknown, job: JobRecord, runner: Runner, live: boolean, jobLog: Logger): Verdict | null {
    if (runner.interruptTo && !(error instanceof LeaseLostError))
      return { kind: 'interrupted', to: runner.interruptTo };
    const decision = policy.decide(error, job.failures);
    if (live) options.observer?.attemptFailed(job.destination, error, decision.kind, { live: true });
    else options.observer?.attemptFailed(job.destination, error, decision.kind);
    switch (decision.kind) {
      case 'lease-lost':
        jobLog.warn(
          `lease lost ${live ? 'while opening the live call' : 'during the attempt'}; another holder owns the job now`,
        );
        return null;
      case 'review':
        // The platform answered on purpose: it is up, the call needs a person.
        health.refused(job.destination, null);
        return { kind: 'review', message: decision.message, issues: decision.issues };
      case 'failed':
        health.refused(job.destination, decision.message);
        return { kind: 'failed', message: decision.message };
      case 'retry': {
        health.failed(job.destination, decision.message, decision.unreachable);
        // Retry-After may make the wait longer than the budget, never shorter.
        const delayMs = Math.max(decision.delayMs, budget.minDelayMs(job.destination, clock.now()));
        return { kind: 'retry', message: decision.message, delayMs, unreachable: decision.unreachable };
      }
    }
  }

  /**
   * The file changed under a queued job: the job stops before any call exists for it (the body
   * withheld its last bytes), and the file as it is now is described again as its own job.
   */
  async function recordingChanged(runner: Runner, job: JobRecord, error: RecordingChangedError, jobLog: Logger) {
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
    return finish(runner, { to: 'failed', lastError: reason, event: { type: 'failed', message: reason } }, jobLog);
  }

  /** Before a delivery starts: the destination exists and the file is still the size it was. */
  async function precheck(job: JobRecord, runner: Runner, jobLog: Logger): Promise<JobState | null | undefined> {
    if (!options.getDestination(job.destination)) {
      return finish(
        runner,
        {
          to: 'retry-wait',
          nextAttemptAt: clock.now() + policy.backoffMs(job.failures),
          failures: job.failures + 1,
          lastError: noDestinationNamed(job.destination, ' is configured or enabled; add it in Settings', {
            sentence: true,
          }),
          uncountAttempt: true,
          event: { type: 'retry-wait', message: `Destination "${job.destination}" is not configured` },
        },
        jobLog,
      );
    }
    try {
      const { size } = statSync(job.recording.path);
      if (size === job.recording.sizeBytes) return undefined;
      const error = new RecordingChangedError(
        `it is now ${size} bytes, it was ${job.recording.sizeBytes} when it was queued`,
        true,
      );
      return await recordingChanged(runner, job, error, jobLog);
    } catch (error) {
      options.observer?.attemptFailed(job.destination, error, 'failed');
      const code = (error as NodeJS.ErrnoException).code ?? message(error);
      return finish(
        runner,
        {
          to: 'failed',
          lastError: `The recording ${job.recording.path} cannot be read (${code}); restore the file and retry`,
          event: { type: 'failed', message: `Recording file unreadable: ${message(error)}` },
        },
        jobLog,
      );
    }
  }

  /** The recording's bytes for one attempt: throttled, hashed as they stream, watched for stalls. */
  function bodies(job: JobRecord, runner: Runner) {
    const { controller } = runner;
    const open = new Set<Readable>();
    const hashStates = new Map<number, Hash>();
    const stallError = new TransientError(
      `No bytes moved for ${stallTimeoutMs >= 1000 ? `${Math.round(stallTimeoutMs / 1000)} s` : `${stallTimeoutMs} ms`}; the transfer stalled and will be retried`,
    );
    let lastNotice = 0;
    const state = { stalled: false, changed: null as RecordingChangedError | null, stallError };
    function openBody(start = 0): Readable {
      progress.begin(job.id, start, job.recording.sizeBytes);
      const body = openThrottledBody({
        path: job.recording.path,
        start,
        bucket: options.bucket,
        clock,
        signal: controller.signal,
        stallTimeoutMs,
        verify: {
          sizeBytes: job.recording.sizeBytes,
          sha256: job.recording.sha256,
          states: hashStates,
          ...(job.recording.fileId
            ? {
                identity: {
                  ...job.recording.fileId,
                  sizeBytes: job.recording.sizeBytes,
                  mtimeMs: job.recording.mtimeMs,
                },
              }
            : {}),
        },
        onBytes: (n) => {
          progress.add(job.id, n);
          options.observer?.bytesSent(job.destination, n);
          const now = clock.now();
          if (now - lastNotice >= 500) {
            lastNotice = now;
            outbox.notifyChanged([job.id]);
          }
        },
        onStall: () => {
          state.stalled = true;
          controller.abort(stallError);
        },
      });
      body.once('error', (error) => {
        if (error instanceof RecordingChangedError) {
          state.changed = error;
          controller.abort(error);
        }
      });
      open.add(body);
      runner.openBodies++;
      body.once('close', () => {
        runner.openBodies--;
        outbox.notifyChanged([job.id]);
      });
      outbox.notifyChanged([job.id]);
      return body;
    }
    return { state, openBody, destroy: () => open.forEach((b) => b.destroy()) };
  }

  function refuseBody(): never {
    throw new Error('the recording is still being written; its bytes are sent by delivery, not by openLiveCall');
  }

  /** Runs one attempt; resolves with the job's new state, or null when nothing was written. */
  async function run(job: JobRecord, runner: Runner, live: boolean): Promise<JobState | null> {
    const jobLog = log.child({ job: job.id, destination: job.destination, ...(live ? { live: true } : {}) });
    const destination = options.getDestination(job.destination);
    const lease = options.leases.hold(
      job.id,
      runner.leaseId,
      runner.controller,
      jobLog,
      live ? 'stopping the live attempt' : 'stopping the attempt',
    );
    const body = live ? null : bodies(job, runner);
    try {
      if (live && !destination?.openLiveCall) {
        return finishLive(
          runner,
          { uncountAttempt: true, event: { type: 'live-skipped', message: 'No live call to open' } },
          jobLog,
        );
      }
      if (!live) {
        const early = await precheck(job, runner, jobLog);
        if (early !== undefined) return early;
      }
      const ctx = createAttemptContext(options, {
        job,
        runner,
        log: jobLog,
        leaseLost: lease.lost,
        openBody: body ? body.openBody : refuseBody,
      });
      try {
        if (live) {
          await destination!.openLiveCall!(ctx);
          health.succeeded(job.destination);
          const event = { type: 'live-opened', message: `Call opened in ${job.destination} (in progress)` };
          return finishLive(runner, { failures: 0, lastError: null, event }, jobLog);
        }
        return delivered(job, runner, destination!, await destination!.deliver(ctx), jobLog);
      } catch (raw) {
        if (body?.state.changed && !lease.lost())
          return await recordingChanged(runner, job, body.state.changed, jobLog);
        const error = body?.state.stalled
          ? body.state.stallError
          : lease.lost()
            ? new LeaseLostError('lease lost')
            : raw;
        const verdict = judge(error, job, runner, live, jobLog);
        if (!verdict) return null;
        const now = clock.now();
        if (!live) return finish(runner, deliveryOutcome(verdict, job, now), jobLog);
        const state = finishLive(runner, liveOutcome(verdict, job, now), jobLog);
        // A waiting job cannot be paused (it has no file to hold back yet), but it can be cancelled.
        if (state && verdict.kind === 'interrupted' && verdict.to === 'cancelled' && outbox.cancel([job.id]) === 1) {
          return 'cancelled';
        }
        return state;
      }
    } finally {
      lease.stop();
      body?.destroy();
    }
  }

  function delivered(
    job: JobRecord,
    runner: Runner,
    destination: Destination,
    outcome: Awaited<ReturnType<Destination['deliver']>>,
    jobLog: Logger,
  ): JobState | null {
    health.succeeded(job.destination);
    // A first result (e.g. only a status) may come with the answer; summaries and transcripts come later.
    const poll = outcome.pollResults && outcome.remoteId != null && !!destination.fetchResult;
    const state = finish(
      runner,
      {
        to: 'done',
        remoteId: outcome.remoteId,
        result: outcome.result,
        pollUntil: poll ? options.results.pollUntil(clock.now()) : null,
        hookPending: options.hook.enabled,
        failures: 0,
        lastError: null,
        event: {
          type: 'done',
          message: `Delivered to ${job.destination}${outcome.remoteId ? ` as ${outcome.remoteId}` : ''}`,
          data: { remoteId: outcome.remoteId },
        },
      },
      jobLog,
    );
    if (state === 'done') {
      jobLog.info({ remoteId: outcome.remoteId }, 'delivered');
      options.observer?.delivered(job);
      void options.hook.run(job.id);
      if (poll) options.results.watch(job.id);
    }
    return state;
  }

  return { run };
}

export type AttemptRunner = ReturnType<typeof createAttemptRunner>;
