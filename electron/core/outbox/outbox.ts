// The durable outbox: the one owner of the SQLite database that holds every job, its committed
// step outputs and its timeline. Every state change is one transaction guarded by the state the
// job must be in (job-states.ts) and, while running, by its lease, so a control pressed at the
// wrong moment or a worker whose lease was taken back changes nothing.
//
// This file is the interface, the transactions and the change listeners; the SQL lives in one
// module per concern (open-database, job-row, intake-writes, intake-rows, live-jobs, leases,
// scheduler-queries, delivered-jobs, controls, queue-queries, dashboard-queries, outbox-meta).
import type { CallDraft, CallResult, FieldIssue, JobEvent, StateCounts } from '../../../shared/model.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { createControls } from './controls.js';
import { createDashboardQueries, type DashboardQueries, type JobTotals } from './dashboard-queries.js';
import { createDeliveredJobs } from './delivered-jobs.js';
import type { EnqueueInput, IntakePort } from './intake-port.js';
import { createIntakeRows, type Reexamined, type ReexaminedResult } from './intake-rows.js';
import { createIntakeWrites } from './intake-writes.js';
import { createJobEvents } from './job-events.js';
import { createJobReads, type JobListRow, type JobRecord } from './job-row.js';
import { createLeases, type Lease, type LeaseOutcome } from './leases.js';
import { createLiveJobs, type LiveOutcome } from './live-jobs.js';
import { openDatabase } from './open-database.js';
import { createOutboxMeta } from './outbox-meta.js';
import type { OutboxDb } from './outbox-db.js';
import { lostCreates } from './outbox-recovery.js';
import type { WitnessEntry } from './progress-witness.js';
import { createQueueQueries, type QueueQuery } from './queue-queries.js';
import { createSchedulerQueries, type ReadyJob } from './scheduler-queries.js';

export type { JobListRow, JobRecord } from './job-row.js';
export type { JobTotals } from './dashboard-queries.js';
export type { Lease, LeaseOutcome } from './leases.js';
export { LIVE_STOPPED_STEP, type LiveOutcome } from './live-jobs.js';
export { OutboxOpenError, setAsideOutbox } from './open-database.js';
export { decodeCursor, encodeCursor, type QueueQuery } from './queue-queries.js';
export type { ReadyJob } from './scheduler-queries.js';
export { failureReasonSql } from './failure-reasons.js';

export interface Outbox extends Required<IntakePort> {
  readonly file: string;
  /** Many enqueues in one transaction (a start-up scan of a full folder): one fsync, not one per file. */
  enqueueMany(inputs: EnqueueInput[]): { id: string; created: boolean }[];
  close(): void;
  /** Every changed job id is reported here (the change feed listens). */
  onChange(listener: (ids: string[]) => void): () => void;
  /** Reports a change that lives outside the database (transfer progress). */
  notifyChanged(ids: string[]): void;

  getJob(id: string): JobRecord | null;
  events(id: string, limit?: number): JobEvent[];
  addEvent(id: string, type: string, message: string, data?: Record<string, unknown>): void;
  list(query: QueueQuery): { rows: JobListRow[]; nextCursor: string | null; total: number };
  counts(): StateCounts;
  destinations(): string[];

  // Scheduler side.
  readyFolders(destination: string): (string | null)[];
  readyJobs(destination: string, folder: string | null, now: number, limit: number): ReadyJob[];
  readyDestinations(now: number): string[];
  nextDueAt(): number | null;
  acquire(id: string, lease: Lease): JobRecord | null;
  renewLease(id: string, leaseId: string, expiresAt: number): boolean;
  /** Writes a job's step outputs under its lease; throws LeaseLostError when the lease is gone. */
  commitSteps(id: string, leaseId: string, steps: Record<string, unknown>, step: string | null, event?: string): void;
  finishUnderLease(id: string, leaseId: string, outcome: LeaseOutcome): boolean;
  /** Live jobs (waiting-file) whose call is still to be opened, due now and not leased. */
  liveJobsDue(now: number, limit: number): { id: string; destination: string }[];
  /** Leases a live job to open its call; it stays `waiting-file` throughout. */
  acquireLive(id: string, lease: Lease): JobRecord | null;
  /** Ends a live attempt: drops the lease, the job stays `waiting-file`. */
  finishLive(id: string, leaseId: string, outcome: LiveOutcome): boolean;
  /** Takes back leases that expired or whose owner is gone; `held` are this process's live ones. */
  reclaimLeases(isOwnerGone: (owner: string) => boolean, held: ReadonlySet<string>): string[];
  pollDue(now: number, limit: number): JobRecord[];
  saveResult(id: string, result: CallResult | null, pollUntil: number | null): void;
  hookPending(limit: number): JobRecord[];
  clearHook(id: string): void;

  // Controls (for jobs that are not running; the engine interrupts running ones first).
  pause(ids: string[]): number;
  resume(ids: string[]): number;
  cancel(ids: string[]): number;
  retry(ids: string[]): number;
  moveToFront(ids: string[]): number;
  resend(ids: string[]): string[];
  updateCall(id: string, call: CallDraft, issues: FieldIssue[], queue: boolean): JobRecord;

  // Dashboard side.
  oldestWaitingAt(): number | null;
  finishedBuckets(type: 'done' | 'failed', since: number, bucketMs: number): Map<number, number>;
  failuresByReason(limit: number): { reason: string; count: number }[];
  oldestWaitingJob: DashboardQueries['oldestWaitingJob'];
  finishedSince: DashboardQueries['finishedSince'];
  failedJobBuckets: DashboardQueries['failedJobBuckets'];

  // Metrics side: a few rows read through indexes and trigger-kept totals, whatever the queue size.
  /** Jobs and their recordings' bytes per destination and state. */
  totals(): JobTotals[];
  /** When the job waiting longest for `destination` arrived (the first by arrival order), or null. */
  oldestWaitingFor(destination: string): number | null;

  // Every file seen is a row (intake-rows.ts).
  recordDuplicate(input: EnqueueInput, of: string): { id: string };
  sendAnyway(ids: string[]): string[];
  applyReexamined(id: string, fresh: Reexamined): ReexaminedResult;
  sendAsIs(ids: string[]): string[];
  /** A destination that recovered: its waiting retries are due now. */
  wakeRetries(destination: string): number;
  /** Jobs that a pause would hold (queued or retry-wait), per destination. */
  readyCounts(): Map<string, { queued: number; 'retry-wait': number }>;

  getMeta(key: string): string | null;
  setMeta(key: string, value: string | null): void;
  integrityCheck(): string;
  /** Witnessed creates this outbox does not remember (see outbox-recovery.ts). */
  lostCreates(witnessed: WitnessEntry[]): WitnessEntry[];
  /** Copies the WAL into the database file (PRAGMA wal_checkpoint(PASSIVE)); false when busy. */
  checkpoint(): boolean;
}

export interface OpenOutboxOptions {
  file: string;
  clock: Clock;
  logger: Logger;
  busyTimeoutMs?: number;
}

export function openOutbox(options: OpenOutboxOptions): Outbox {
  const { file, clock, logger } = options;
  const db = openDatabase(file, options.busyTimeoutMs ?? 5000);
  const log = logger.child({ module: 'outbox' });
  const listeners = new Set<(ids: string[]) => void>();

  const changed = (ids: string[]) => {
    if (ids.length === 0) return;
    for (const listener of listeners) {
      try {
        listener(ids);
      } catch (error) {
        log.error({ err: error }, 'a change listener failed');
      }
    }
  };
  /** Runs `write` as one transaction, then reports the ids `changedIds` picks from its result. */
  const tx =
    <A extends unknown[], R>(write: (...args: A) => R, changedIds: (result: R, ...args: A) => string[]) =>
    (...args: A): R => {
      const result = db.transaction(() => write(...args))();
      changed(changedIds(result, ...args));
      return result;
    };
  const moved = (ids: string[]) => ids;
  const count =
    (write: (ids: string[]) => string[]) =>
    (ids: string[]): number =>
      tx(write, moved)(ids).length;

  const reads = createJobReads(db);
  const ctx: OutboxDb = { db, clock, getJob: reads.getJob, events: createJobEvents(db, clock) };
  const intake = createIntakeWrites(ctx);
  const rows = createIntakeRows(ctx, intake);
  const live = createLiveJobs(ctx, intake);
  const leases = createLeases(ctx);
  const scheduler = createSchedulerQueries(ctx);
  const delivered = createDeliveredJobs(ctx, reads);
  const controls = createControls(ctx, intake);
  const queue = createQueueQueries(ctx);
  const dashboard = createDashboardQueries(ctx);
  const meta = createOutboxMeta(db);

  const outbox: Outbox = {
    file,
    close() {
      // A clean shutdown leaves the whole state in the database file, none of it only in the WAL.
      // PASSIVE never waits: another process reading the outbox (status) cannot hold this up.
      try {
        db.pragma('wal_checkpoint(PASSIVE)');
      } catch (error) {
        log.warn({ err: error }, 'could not checkpoint the outbox at shutdown; its WAL keeps the latest state');
      }
      db.close();
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    notifyChanged: changed,

    hasSeenFile: intake.hasSeenFile,
    findBySha: intake.findBySha,
    enqueue: tx(intake.insertJob, (r) => (r.created ? [r.id] : [])),
    enqueueMany: tx(
      (inputs: EnqueueInput[]) => inputs.map((input) => intake.insertJob(input)),
      (results) => results.filter((r) => r.created).map((r) => r.id),
    ),
    recordDuplicate: tx(rows.recordDuplicate, (r) => [r.id]),
    sendAnyway: tx(rows.sendAnyway, moved),
    applyReexamined: tx(rows.applyReexamined, (r, id) => (r.outcome === 'gone' ? [] : [id])),
    sendAsIs: tx(rows.sendAsIs, moved),

    openLiveJob: tx(live.openLiveJob, (r) => (r.created ? [r.id] : [])),
    findLiveJob: live.findLiveJob,
    completeLiveJob: tx(live.completeLiveJob, (r, id) =>
      r.outcome === 'completed' || r.outcome === 'duplicate' ? [id] : [],
    ),
    liveJobsDue: live.liveJobsDue,
    acquireLive: tx(live.acquireLive, (job, id) => (job ? [id] : [])),
    finishLive: tx(live.finishLive, (ok, id) => (ok ? [id] : [])),

    getJob: reads.getJob,
    events: (id, limit = 500) => ctx.events.list(id, limit),
    addEvent(id, type, message, data) {
      ctx.events.add(id, type, message, data);
      changed([id]);
    },
    list: queue.list,
    counts: queue.counts,
    destinations: queue.destinations,

    readyFolders: scheduler.readyFolders,
    readyJobs: scheduler.readyJobs,
    readyDestinations: scheduler.readyDestinations,
    nextDueAt: scheduler.nextDueAt,
    readyCounts: scheduler.readyCounts,
    wakeRetries(destination) {
      const n = scheduler.wakeRetries(destination);
      // Nothing a queue row shows changed, but the scheduler should look again.
      if (n > 0) changed([]);
      return n;
    },

    acquire: tx(leases.acquire, (job, id) => (job ? [id] : [])),
    renewLease: leases.renewLease,
    commitSteps: tx(leases.commitSteps, (_, id) => [id]),
    finishUnderLease: tx(leases.finishUnderLease, (ok, id) => (ok ? [id] : [])),
    reclaimLeases: tx(leases.reclaimLeases, moved),

    pollDue: delivered.pollDue,
    saveResult(id, result, pollUntil) {
      delivered.saveResult(id, result, pollUntil);
      changed([id]);
    },
    hookPending: delivered.hookPending,
    clearHook: delivered.clearHook,

    pause: count(controls.pause),
    resume: count(controls.resume),
    cancel: count(controls.cancel),
    retry: count(controls.retry),
    moveToFront: count(controls.moveToFront),
    resend: tx(controls.resend, (created, ids) => [...created, ...ids]),
    updateCall(id, call, issues, queue) {
      const job = db.transaction(() => controls.updateCall(id, call, issues, queue))();
      if (!job) throw new RangeError(`No job ${id}`);
      changed([id]);
      return job;
    },

    oldestWaitingAt: dashboard.oldestWaitingAt,
    finishedBuckets: dashboard.finishedBuckets,
    failuresByReason: dashboard.failuresByReason,
    totals: dashboard.totals,
    oldestWaitingFor: dashboard.oldestWaitingFor,
    oldestWaitingJob: dashboard.oldestWaitingJob,
    finishedSince: dashboard.finishedSince,
    failedJobBuckets: dashboard.failedJobBuckets,

    ...meta,
    lostCreates: (witnessed) => lostCreates(db, witnessed),
  };
  log.debug({ file }, 'outbox open');
  return outbox;
}
