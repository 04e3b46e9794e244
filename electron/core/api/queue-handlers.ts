// Contract handlers for the queue page and job controls. Running jobs are interrupted through
// the engine (which owns their leases); everything else is a guarded outbox transition.
import { HandlerError, type ContractHandlers } from '../../../shared/contract-host.js';
import { CallDraft, type JobDetail, type JobSummary } from '../../../shared/model.js';
import { describeIssues } from '../../../shared/config.js';
import type { Destination } from '../destinations/destination.js';
import type { Engine } from '../engine/engine.js';
import type { Clock } from '../clock.js';
import type { JobListRow, JobRecord, Outbox } from '../outbox/outbox.js';
import type { Reexamination, ReexamineTarget } from '../watch/intake.js';
import { retryJobs } from './file-retry.js';
import { heldCounts, pausedBy } from './held-counts.js';
import { exportQueue } from './queue-export.js';
import { noDestinationNamed } from '../../../shared/no-destination.js';

export interface QueueHandlerDeps {
  outbox: Outbox;
  engine: Engine;
  getDestination(name: string): Destination | undefined;
  clock: Clock;
  /** The watched folders' phone regions, so a search for a nationally written number finds it. */
  phoneRegions?(): readonly string[];
  /** Reads a recording again for a retry of a job failed because of its file (the intake). */
  reexamine?(job: ReexamineTarget): Promise<Reexamination>;
}

export type QueueHandlers = Pick<
  ContractHandlers,
  | 'queue:list'
  | 'queue:stats'
  | 'queue:export'
  | 'job:get'
  | 'job:retry'
  | 'job:pause'
  | 'job:resume'
  | 'job:cancel'
  | 'job:move-to-front'
  | 'job:resend'
  | 'job:send-anyway'
  | 'job:send-as-is'
  | 'job:update-call'
  | 'engine:pause'
  | 'engine:resume'
  | 'destination:pause'
  | 'destination:resume'
>;

const iso = (ms: number | null) => (ms == null ? null : new Date(ms).toISOString());

export function toSummary(row: JobListRow | JobRecord, engine: Engine): JobSummary {
  const callTime = 'callTime' in row ? row.callTime : row.call.startTime ? Date.parse(row.call.startTime) : null;
  return {
    id: row.id,
    state: row.state,
    fileName: row.fileName,
    path: row.path,
    folder: row.folder,
    destination: row.destination,
    callTime: iso(callTime != null && !Number.isNaN(callTime) ? callTime : null),
    from: 'callTime' in row ? row.from : (row.call.from ?? null),
    to: 'callTime' in row ? row.to : (row.call.to ?? null),
    attempts: row.attempts,
    lastError: row.lastError,
    step: (row.state === 'running' ? engine.activity(row.id) : null) ?? row.step,
    progress: row.state === 'running' ? engine.progress(row.id) : null,
    nextAttemptAt: iso(row.nextAttemptAt),
    createdAt: iso(row.createdAt)!,
    updatedAt: iso(row.updatedAt)!,
    duplicateOf: row.duplicateOf,
    resendOf: row.resendOf,
    resendNo: row.resendNo,
    pausedBy: pausedBy(row.state, row.destination, pauseView(engine)),
    ...partiesOf(row),
  };
}

/** Who the call was with and who took it (the agent's id, else the user or extension). */
function partiesOf(row: JobListRow | JobRecord): { customerName: string | null; agent: string | null } {
  if ('call' in row) {
    const call = row.call;
    return { customerName: call.customerName ?? null, agent: call.agentId ?? call.userId ?? call.extensionId ?? null };
  }
  const listed = row as Partial<{ customerName: string | null; agent: string | null }>;
  return { customerName: listed.customerName ?? null, agent: listed.agent ?? null };
}

export function pauseView(engine: Engine) {
  return { all: engine.isPaused(), isDestinationPaused: (name: string) => engine.isDestinationPaused(name) };
}

/** The outbox's counts as the queue shows them: jobs held by a pause count as paused. */
export function shownCounts(outbox: Outbox, engine: Engine) {
  return heldCounts(outbox.counts(), outbox.readyCounts(), pauseView(engine));
}

export function toDetail(job: JobRecord, outbox: Outbox, engine: Engine): JobDetail {
  return {
    ...toSummary(job, engine),
    recording: job.recording,
    call: job.call,
    reviewIssues: job.reviewIssues,
    remoteId: job.remoteId,
    result: job.result,
    events: outbox.events(job.id),
  };
}

export function createQueueHandlers(deps: QueueHandlerDeps): QueueHandlers {
  const { outbox, engine, getDestination } = deps;

  const runningOf = (ids: string[]) => ids.filter((id) => engine.isRunning(id));
  const idleOf = (ids: string[]) => ids.filter((id) => !engine.isRunning(id));
  const withWake = (n: number) => {
    if (n > 0) engine.wake();
    return { updated: n };
  };

  return {
    'queue:list'(args) {
      try {
        const page = outbox.list({ ...args, phoneRegions: deps.phoneRegions?.() ?? [] });
        return {
          items: page.rows.map((r) => toSummary(r, engine)),
          nextCursor: page.nextCursor,
          total: page.total,
        };
      } catch (error) {
        if (error instanceof RangeError) throw new HandlerError('bad-input', error.message);
        throw error;
      }
    },
    'queue:stats': () => ({ counts: shownCounts(outbox, engine), paused: engine.isPaused() }),
    'queue:export'(args) {
      try {
        return exportQueue(outbox, engine, { ...args, phoneRegions: deps.phoneRegions?.() ?? [] }, deps.clock.now());
      } catch (error) {
        if (error instanceof RangeError) throw new HandlerError('bad-input', error.message);
        throw error;
      }
    },
    'job:get'({ id }) {
      const job = outbox.getJob(id);
      if (!job) throw new HandlerError('not-found', `No job ${id}; it may have been removed. Reload the queue.`);
      return toDetail(job, outbox, engine);
    },
    async 'job:retry'({ ids }) {
      const result = await retryJobs({ outbox, ...(deps.reexamine ? { reexamine: deps.reexamine } : {}) }, ids);
      if (result.updated > 0) engine.wake();
      return result.refused.length > 0 ? result : { updated: result.updated };
    },
    async 'job:pause'({ ids }) {
      const idle = outbox.pause(idleOf(ids));
      const interrupted = await engine.interruptJobs(runningOf(ids), 'paused');
      return { updated: idle + interrupted };
    },
    'job:resume': ({ ids }) => withWake(outbox.resume(ids)),
    async 'job:cancel'({ ids }) {
      const idle = outbox.cancel(idleOf(ids));
      const interrupted = await engine.interruptJobs(runningOf(ids), 'cancelled');
      return { updated: idle + interrupted };
    },
    'job:move-to-front': ({ ids }) => withWake(outbox.moveToFront(ids)),
    'job:resend': ({ ids }) => withWake(outbox.resend(ids).length),
    'job:send-anyway': ({ ids }) => withWake(outbox.sendAnyway(ids).length),
    'job:send-as-is': ({ ids }) => withWake(outbox.sendAsIs(ids).length),
    'job:update-call'({ id, call: patch, queue }) {
      const job = outbox.getJob(id);
      if (!job) throw new HandlerError('not-found', `No job ${id}; it may have been removed. Reload the queue.`);
      if (job.state === 'running' || engine.isRunning(id)) {
        throw new HandlerError(
          'conflict',
          'This job is being delivered right now; pause it first, then edit the call.',
        );
      }
      if (job.state === 'done') {
        throw new HandlerError(
          'conflict',
          'This call was already delivered; use Resend to send it again with new details.',
        );
      }
      const merged = CallDraft.safeParse({ ...job.call, ...patch });
      if (!merged.success)
        throw new HandlerError('bad-input', `The call details are not valid:\n${describeIssues(merged.error, 'call')}`);
      const destination = getDestination(job.destination);
      const issues = destination
        ? destination.validate({ recording: job.recording, call: merged.data })
        : [
            {
              field: 'destination',
              message: noDestinationNamed(job.destination, ' is configured; add it in Settings', { sentence: true }),
            },
          ];
      const updated = outbox.updateCall(id, merged.data, issues, queue);
      if (updated.state === 'queued') engine.wake();
      return { job: toDetail(updated, outbox, engine), issues };
    },
    'engine:pause'() {
      engine.pauseAll();
      return { paused: true };
    },
    'engine:resume'() {
      engine.resumeAll();
      return { paused: false };
    },
    'destination:pause'({ name }) {
      engine.pauseDestination(name);
      return { paused: true };
    },
    'destination:resume'({ name }) {
      engine.resumeDestination(name);
      return { paused: false };
    },
  };
}
