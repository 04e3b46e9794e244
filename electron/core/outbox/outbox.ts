// The durable outbox: the one owner of the SQLite database that holds every job, its committed
// step outputs and its timeline. Every state change is one transaction guarded by the state the
// job must be in (and, while running, by its lease), so a control pressed at the wrong moment or a
// worker whose lease was taken back changes nothing.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { QueueListInput } from '../../../shared/contract.js';
import {
  emptyCounts,
  jobStates,
  type CallDraft,
  type CallResult,
  type FieldIssue,
  type JobEvent,
  type JobState,
  type RecordingInfo,
  type StateCounts,
} from '../../../shared/model.js';
import { LeaseLostError } from '../delivery-errors.js';
import { outboxEnvironmentProblem, StartupError } from '../startup-checks.js';
import type { Clock, Logger } from '../logger.js';
import { provisionalSha256, type EnqueueInput, type IntakePort, type LiveCompletionResult } from './intake-port.js';
import { failureReasonSql } from './failure-reasons.js';
import { createIntakeRows, type Reexamined, type ReexaminedResult } from './intake-rows.js';
import { statesLeadingTo, waitingStates } from './job-states.js';
import { createTimelineFolding } from './timeline-folding.js';
import { migrate } from './migrations.js';
import { lostCreates } from './outbox-recovery.js';
import type { WitnessEntry } from './progress-witness.js';

export interface JobRecord {
  seq: number;
  id: string;
  state: JobState;
  destination: string;
  folder: string | null;
  sha256: string;
  path: string;
  fileName: string;
  recording: RecordingInfo;
  call: CallDraft;
  reviewIssues: FieldIssue[];
  steps: Record<string, unknown>;
  step: string | null;
  attempts: number;
  failures: number;
  lastError: string | null;
  priority: number;
  nextAttemptAt: number | null;
  leaseId: string | null;
  leaseOwner: string | null;
  leaseExpiresAt: number | null;
  remoteId: string | null;
  result: CallResult | null;
  pollUntil: number | null;
  hookPending: boolean;
  resendOf: string | null;
  resendNo: number;
  /** state duplicate: the job that has the same content. */
  duplicateOf: string | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

/** What a queue page shows: no JSON blobs, so a page stays cheap at any queue size. */
export interface JobListRow {
  id: string;
  state: JobState;
  fileName: string;
  path: string;
  folder: string | null;
  destination: string;
  callTime: number | null;
  from: string | null;
  to: string | null;
  attempts: number;
  lastError: string | null;
  step: string | null;
  nextAttemptAt: number | null;
  createdAt: number;
  updatedAt: number;
  duplicateOf: string | null;
  resendOf: string | null;
  resendNo: number;
}

export type QueueQuery = Omit<QueueListInput, 'limit'> & { limit?: number };
export { failureReasonSql } from './failure-reasons.js';

export interface Lease {
  leaseId: string;
  owner: string;
  expiresAt: number;
}

export interface ReadyJob {
  id: string;
  folder: string | null;
  priority: number;
  seq: number;
}

/** A transition made by the holder of a job's lease at the end of an attempt. */
export interface LeaseOutcome {
  to: Extract<JobState, 'done' | 'failed' | 'retry-wait' | 'needs-review' | 'queued' | 'paused' | 'cancelled'>;
  event: { type: string; message: string; data?: Record<string, unknown> };
  lastError?: string | null;
  nextAttemptAt?: number | null;
  reviewIssues?: FieldIssue[];
  remoteId?: string | null;
  result?: CallResult | null;
  pollUntil?: number | null;
  hookPending?: boolean;
  /** Consecutive transient failures after this attempt (drives the backoff). */
  failures?: number;
  /** An attempt that never reached the server is not counted. */
  uncountAttempt?: boolean;
}

/** How a live attempt (opening the call of a recording still being written) ended. */
export interface LiveOutcome {
  event: { type: string; message: string; data?: Record<string, unknown> };
  lastError?: string | null;
  nextAttemptAt?: number | null;
  failures?: number;
  uncountAttempt?: boolean;
  /**
   * Never try to open this call early again (a permanent refusal): delivery creates it once the
   * file is final, where the same refusal reaches a person through the normal states.
   */
  stop?: boolean;
}

/** Step committed when a live job gives up opening its call early. */
export const LIVE_STOPPED_STEP = 'live-call-stopped';

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

export interface JobTotals {
  destination: string;
  state: JobState;
  jobs: number;
  bytes: number;
}

export interface OpenOutboxOptions {
  file: string;
  clock: Clock;
  logger: Logger;
  busyTimeoutMs?: number;
}

export class OutboxOpenError extends Error {
  constructor(
    readonly file: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(
      `The outbox database ${file} cannot be used: ${problem}. CallRelay has not changed or replaced it. ` +
        'Restore it from a backup, or move it aside to start with an empty queue: ' +
        '`callrelay doctor --set-aside-outbox` keeps it as <name>.broken-<time>.',
      options,
    );
    this.name = 'OutboxOpenError';
  }
}

/**
 * Renames a database that failed to open (and its WAL and shared-memory files) so a fresh one can
 * be created, keeping the old one for recovery. Only on an explicit decision, never automatically.
 */
export function setAsideOutbox(file: string, now = Date.now()): string {
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  const target = `${file}.broken-${stamp}`;
  renameSync(file, target);
  for (const suffix of ['-wal', '-shm']) {
    if (existsSync(file + suffix)) renameSync(file + suffix, target + suffix);
  }
  return target;
}

const JOB_COLUMNS = '*';
const LIST_COLUMNS =
  'seq, id, state, file_name, path, folder, destination, call_time, call_from, call_to, attempts, last_error, step, next_attempt_at, created_at, updated_at, duplicate_of, resend_of, resend_no';

interface JobRowRaw {
  seq: number;
  id: string;
  state: JobState;
  destination: string;
  folder: string | null;
  sha256: string;
  path: string;
  file_name: string;
  recording: string;
  call: string;
  review_issues: string;
  steps: string;
  step: string | null;
  attempts: number;
  failures: number;
  last_error: string | null;
  priority: number;
  next_attempt_at: number | null;
  lease_id: string | null;
  lease_owner: string | null;
  lease_expires_at: number | null;
  remote_id: string | null;
  result: string | null;
  poll_until: number | null;
  hook_pending: number;
  resend_of: string | null;
  resend_no: number;
  duplicate_of: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

interface ListRowRaw {
  seq: number;
  id: string;
  state: JobState;
  file_name: string;
  path: string;
  folder: string | null;
  destination: string;
  call_time: number | null;
  call_from: string | null;
  call_to: string | null;
  attempts: number;
  last_error: string | null;
  step: string | null;
  next_attempt_at: number | null;
  created_at: number;
  updated_at: number;
  duplicate_of: string | null;
  resend_of: string | null;
  resend_no: number;
}

function toRecord(r: JobRowRaw): JobRecord {
  return {
    seq: r.seq,
    id: r.id,
    state: r.state,
    destination: r.destination,
    folder: r.folder,
    sha256: r.sha256,
    path: r.path,
    fileName: r.file_name,
    recording: JSON.parse(r.recording) as RecordingInfo,
    call: JSON.parse(r.call) as CallDraft,
    reviewIssues: JSON.parse(r.review_issues) as FieldIssue[],
    steps: JSON.parse(r.steps) as Record<string, unknown>,
    step: r.step,
    attempts: r.attempts,
    failures: r.failures,
    lastError: r.last_error,
    priority: r.priority,
    nextAttemptAt: r.next_attempt_at,
    leaseId: r.lease_id,
    leaseOwner: r.lease_owner,
    leaseExpiresAt: r.lease_expires_at,
    remoteId: r.remote_id,
    result: r.result == null ? null : (JSON.parse(r.result) as CallResult),
    pollUntil: r.poll_until,
    hookPending: r.hook_pending === 1,
    resendOf: r.resend_of,
    resendNo: r.resend_no,
    duplicateOf: r.duplicate_of,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    finishedAt: r.finished_at,
  };
}

function toListRow(r: ListRowRaw): JobListRow {
  return {
    id: r.id,
    state: r.state,
    fileName: r.file_name,
    path: r.path,
    folder: r.folder,
    destination: r.destination,
    callTime: r.call_time,
    from: r.call_from,
    to: r.call_to,
    attempts: r.attempts,
    lastError: r.last_error,
    step: r.step,
    nextAttemptAt: r.next_attempt_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    duplicateOf: r.duplicate_of,
    resendOf: r.resend_of,
    resendNo: r.resend_no,
  };
}

export function encodeCursor(seq: number): string {
  return Buffer.from(`s${seq}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^s(\d{1,15})$/.exec(text);
  if (!match) throw new RangeError('The queue cursor is not one this host gave out; reload the list from the start.');
  return Number(match[1]);
}

function callColumns(call: CallDraft) {
  const time = call.startTime ? Date.parse(call.startTime) : NaN;
  return {
    call_id: call.callId,
    call_time: Number.isNaN(time) ? null : time,
    call_from: call.from ?? null,
    call_to: call.to ?? null,
    phones: [call.from, call.to, call.customerPhone].filter(Boolean).join(' '),
  };
}

/** FTS5 phrase of a person's search text: a substring match on the trigram index. */
function searchPhrase(text: string): string {
  return `"${text.toLowerCase().replace(/"/g, '""')}"`;
}

function openDatabase(file: string, busyTimeoutMs: number): Database.Database {
  if (file !== ':memory:') {
    try {
      mkdirSync(dirname(file), { recursive: true });
    } catch (error) {
      throw new OutboxOpenError(file, `its folder cannot be created (${(error as Error).message})`, { cause: error });
    }
  }
  let db: Database.Database;
  try {
    db = new Database(file, { timeout: busyTimeoutMs });
  } catch (error) {
    const environment = outboxEnvironmentProblem(file, error);
    if (environment) throw new StartupError(environment, { cause: error });
    throw new OutboxOpenError(file, `it cannot be opened (${(error as Error).message})`, { cause: error });
  }
  try {
    // WAL with synchronous=FULL: a commit returns only after the WAL is fsynced, so a committed
    // transition survives a power cut, not only a process kill.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    const check = db.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new Error(`integrity_check reported: ${String(check).slice(0, 300)}`);
    migrate(db);
  } catch (error) {
    db.close();
    if (error instanceof OutboxOpenError) throw error;
    // A read-only folder, a lock held elsewhere, a full disk: not a damaged database.
    const environment = outboxEnvironmentProblem(file, error);
    if (environment) throw new StartupError(environment, { cause: error });
    throw new OutboxOpenError(file, (error as Error).message, { cause: error });
  }
  return db;
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

  const stmt = {
    byId: db.prepare(`SELECT ${JOB_COLUMNS} FROM jobs WHERE id = ?`),
    seenFile: db.prepare('SELECT 1 FROM jobs WHERE path = ? AND size = ? AND mtime = ? LIMIT 1'),
    // Duplicate rows and empty files are outside the content rule (migration 4).
    bySha: db.prepare(
      'SELECT id, state FROM jobs WHERE sha256 = ? AND destination = ? AND resend_no = 0 AND duplicate_of IS NULL AND size <> 0',
    ),
    insert: db.prepare(`INSERT INTO jobs (id, state, destination, folder, sha256, path, file_name, size, mtime,
        call_id, call_time, call_from, call_to, phones, recording, call, review_issues, last_error,
        resend_of, resend_no, duplicate_of, finished_at, created_at, updated_at)
      VALUES (@id, @state, @destination, @folder, @sha256, @path, @file_name, @size, @mtime,
        @call_id, @call_time, @call_from, @call_to, @phones, @recording, @call, @review_issues, @last_error,
        @resend_of, @resend_no, @duplicate_of, @finished_at, @now, @now)
      ON CONFLICT(sha256, destination, resend_no) WHERE duplicate_of IS NULL AND size <> 0 DO NOTHING`),
    event: db.prepare('INSERT INTO events (job_id, at, type, message, data) VALUES (?, ?, ?, ?, ?)'),
    events: db.prepare('SELECT id, at, type, message, data FROM events WHERE job_id = ? ORDER BY id DESC LIMIT ?'),
    counts: db.prepare('SELECT state, n FROM job_counts'),
    destinations: db.prepare('SELECT DISTINCT destination FROM jobs'),
    readyFolders: db.prepare(
      "SELECT DISTINCT folder FROM jobs WHERE destination = ? AND state IN ('queued', 'retry-wait')",
    ),
    readyJobs: db.prepare(`SELECT id, folder, priority, seq FROM jobs INDEXED BY jobs_ready
      WHERE destination = ? AND folder IS ? AND state IN ('queued', 'retry-wait')
        AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
      ORDER BY priority DESC, seq LIMIT ?`),
    readyDestinations: db.prepare(`SELECT DISTINCT destination FROM jobs WHERE
      (state = 'queued') OR (state = 'retry-wait' AND next_attempt_at <= ?)`),
    nextDue: db.prepare(
      "SELECT MIN(next_attempt_at) AS at FROM jobs WHERE state = 'retry-wait' OR (state = 'waiting-file' AND next_attempt_at IS NOT NULL)",
    ),
    acquire: db.prepare(`UPDATE jobs SET state = 'running', lease_id = ?, lease_owner = ?, lease_expires_at = ?,
        attempts = attempts + 1, next_attempt_at = NULL, updated_at = ?
      WHERE id = ? AND state IN ('queued', 'retry-wait') AND (next_attempt_at IS NULL OR next_attempt_at <= ?)`),
    // A live job holds its lease while it stays waiting-file (its call is opened before the file is final).
    renew: db.prepare(
      "UPDATE jobs SET lease_expires_at = ? WHERE id = ? AND lease_id = ? AND state IN ('running', 'waiting-file')",
    ),
    commitSteps: db.prepare(
      "UPDATE jobs SET steps = ?, step = ?, updated_at = ? WHERE id = ? AND lease_id = ? AND state IN ('running', 'waiting-file')",
    ),
    liveDue: db.prepare(`SELECT id, destination FROM jobs WHERE state = 'waiting-file'
        AND json_extract(steps, '$."create-call"') IS NULL AND json_extract(steps, '$."${LIVE_STOPPED_STEP}"') IS NULL
        AND (next_attempt_at IS NULL OR next_attempt_at <= @now)
        AND (lease_id IS NULL OR lease_expires_at <= @now)
      ORDER BY seq LIMIT @limit`),
    acquireLive: db.prepare(`UPDATE jobs SET lease_id = @leaseId, lease_owner = @owner, lease_expires_at = @expiresAt,
        attempts = attempts + 1, next_attempt_at = NULL, updated_at = @now
      WHERE id = @id AND state = 'waiting-file'
        AND json_extract(steps, '$."create-call"') IS NULL AND json_extract(steps, '$."${LIVE_STOPPED_STEP}"') IS NULL
        AND (next_attempt_at IS NULL OR next_attempt_at <= @now)
        AND (lease_id IS NULL OR lease_expires_at <= @now)`),
    liveByPath: db.prepare(
      "SELECT id FROM jobs WHERE sha256 = ? AND destination = ? AND resend_no = 0 AND state = 'waiting-file'",
    ),
    running: db.prepare("SELECT id, lease_owner, lease_expires_at FROM jobs WHERE state = 'running'"),
    reclaim: db.prepare(`UPDATE jobs SET state = 'queued', lease_id = NULL, lease_owner = NULL,
        lease_expires_at = NULL, updated_at = ? WHERE id = ? AND state = 'running' AND lease_id IS ?`),
    pollDue: db.prepare(`SELECT ${JOB_COLUMNS} FROM jobs
      WHERE state = 'done' AND poll_until IS NOT NULL AND remote_id IS NOT NULL LIMIT ?`),
    saveResult: db.prepare('UPDATE jobs SET result = ?, poll_until = ?, updated_at = ? WHERE id = ?'),
    hookPending: db.prepare(`SELECT ${JOB_COLUMNS} FROM jobs WHERE hook_pending = 1 AND state = 'done' LIMIT ?`),
    clearHook: db.prepare('UPDATE jobs SET hook_pending = 0 WHERE id = ?'),
    maxPriority: db.prepare('SELECT COALESCE(MAX(priority), 0) AS p FROM jobs'),
    resendCount: db.prepare('SELECT COALESCE(MAX(resend_no), 0) AS n FROM jobs WHERE sha256 = ? AND destination = ?'),
    oldestWaiting: db.prepare(
      `SELECT MIN(created_at) AS at FROM jobs WHERE state IN (${waitingStates.map(() => '?').join(', ')})`,
    ),
    buckets: db.prepare(
      'SELECT CAST((at - ?) / ? AS INTEGER) AS bucket, COUNT(*) AS n FROM events WHERE type = ? AND at >= ? GROUP BY bucket',
    ),
    failures: db.prepare(`SELECT ${failureReasonSql} AS reason, COUNT(*) AS count
      FROM jobs WHERE state = 'failed' GROUP BY reason ORDER BY count DESC LIMIT ?`),
    totals: db.prepare('SELECT destination, state, n AS jobs, bytes FROM job_totals WHERE n > 0'),
    // One index probe per waiting state (jobs_destination_state), never a scan of the backlog.
    oldestWaitingFor: db.prepare(
      `SELECT MIN(at) AS at FROM (${waitingStates
        .map(
          (s) =>
            `SELECT (SELECT created_at FROM jobs WHERE destination = @destination AND state = '${s}' ORDER BY seq LIMIT 1) AS at`,
        )
        .join(' UNION ALL ')})`,
    ),
    getMeta: db.prepare('SELECT value FROM meta WHERE key = ?'),
    setMeta: db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    ),
    deleteMeta: db.prepare('DELETE FROM meta WHERE key = ?'),
  };

  const addEvent = (id: string, type: string, message: string, data?: Record<string, unknown>) => {
    stmt.event.run(id, clock.now(), type, message, data === undefined ? null : JSON.stringify(data));
  };

  const getJob = (id: string): JobRecord | null => {
    const row = stmt.byId.get(id) as JobRowRaw | undefined;
    return row ? toRecord(row) : null;
  };

  /** A guarded bulk transition: only jobs currently in one of `from` move; returns who moved. */
  const moveJobs = (
    ids: string[],
    to: JobState,
    from: readonly JobState[],
    set: string,
    params: Record<string, unknown>,
    event: (id: string) => { type: string; message: string },
  ): string[] => {
    const update = db.prepare(
      `UPDATE jobs SET state = @to, updated_at = @now${set ? `, ${set}` : ''}
       WHERE id = @id AND state IN (${from.map((s) => `'${s}'`).join(', ')})`,
    );
    const moved: string[] = [];
    db.transaction(() => {
      const now = clock.now();
      for (const id of ids) {
        if (update.run({ ...params, to, now, id }).changes === 1) {
          const e = event(id);
          addEvent(id, e.type, e.message);
          moved.push(id);
        }
      }
    })();
    changed(moved);
    return moved;
  };

  const insertJob = (
    input: Omit<EnqueueInput, 'state'> & {
      state: EnqueueInput['state'] | 'duplicate';
      resendOf?: string;
      resendNo?: number;
      duplicateOf?: string;
    },
  ): { id: string; created: boolean } => {
    const id = randomUUID();
    const now = clock.now();
    const r = input.recording;
    const info = stmt.insert.run({
      id,
      state: input.state,
      destination: input.destination,
      folder: input.folder,
      sha256: r.sha256,
      path: r.path,
      file_name: r.fileName,
      size: r.sizeBytes,
      mtime: r.mtimeMs,
      ...callColumns(input.call),
      recording: JSON.stringify(r),
      call: JSON.stringify(input.call),
      review_issues: JSON.stringify(input.reviewIssues),
      last_error: input.state === 'failed' || input.state === 'duplicate' ? (input.reason ?? 'failed at intake') : null,
      resend_of: input.resendOf ?? null,
      resend_no: input.resendNo ?? 0,
      duplicate_of: input.duplicateOf ?? null,
      finished_at: input.state === 'duplicate' ? now : null,
      now,
    });
    if (info.changes === 0) {
      const existing = stmt.bySha.get(r.sha256, input.destination) as { id: string } | undefined;
      if (!existing) throw new Error(`enqueue of ${r.path} conflicted but no job holds its content`);
      return { id: existing.id, created: false };
    }
    const what =
      input.state === 'queued'
        ? 'Queued'
        : input.state === 'needs-review'
          ? 'Waiting for review'
          : input.state === 'duplicate'
            ? 'Not sent'
            : 'Could not be queued';
    addEvent(id, 'created', input.reason ? `${what}: ${input.reason}` : `${what} for ${input.destination}`, {
      state: input.state,
      ...(input.reviewIssues.length ? { issues: input.reviewIssues } : {}),
      ...(input.resendOf ? { resendOf: input.resendOf } : {}),
      ...(input.duplicateOf ? { duplicateOf: input.duplicateOf } : {}),
    });
    return { id, created: true };
  };

  const folding = createTimelineFolding(db);
  const rows = createIntakeRows({
    db,
    clock,
    getJob,
    addEvent,
    insertJob,
    changed,
    callColumns,
    findBySha: (sha256, destination) =>
      (stmt.bySha.get(sha256, destination) as { id: string; state: JobState } | undefined) ?? null,
  });
  const wakeRetries = db.prepare(
    "UPDATE jobs SET next_attempt_at = ? WHERE destination = ? AND state = 'retry-wait' AND next_attempt_at > ?",
  );
  const readyCounts = db.prepare(
    "SELECT destination, state, COUNT(*) AS n FROM jobs WHERE state IN ('queued', 'retry-wait') GROUP BY destination, state",
  );

  const outbox: Outbox = {
    file,
    ...rows,
    wakeRetries(destination) {
      const now = clock.now();
      const n = wakeRetries.run(now, destination, now).changes;
      if (n > 0) changed([]);
      return n;
    },
    readyCounts() {
      const out = new Map<string, { queued: number; 'retry-wait': number }>();
      for (const r of readyCounts.all() as { destination: string; state: 'queued' | 'retry-wait'; n: number }[]) {
        const entry = out.get(r.destination) ?? { queued: 0, 'retry-wait': 0 };
        entry[r.state] = r.n;
        out.set(r.destination, entry);
      }
      return out;
    },
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

    hasSeenFile: (path, sizeBytes, mtimeMs) => stmt.seenFile.get(path, sizeBytes, mtimeMs) !== undefined,
    findBySha(sha256, destination) {
      const row = stmt.bySha.get(sha256, destination) as { id: string; state: JobState } | undefined;
      return row ? { id: row.id, state: row.state } : null;
    },
    enqueue(input) {
      const result = db.transaction(() => insertJob(input))();
      if (result.created) changed([result.id]);
      return result;
    },

    enqueueMany(inputs) {
      const results = db.transaction(() => inputs.map((input) => insertJob(input)))();
      changed(results.filter((r) => r.created).map((r) => r.id));
      return results;
    },

    openLiveJob(input) {
      const sha256 = provisionalSha256(input.path);
      // Nothing is known of the audio yet. size -1 keeps hasSeenFile from ever matching this job,
      // so the finished file still goes through intake and completes it.
      const recording: RecordingInfo = {
        path: input.path,
        fileName: input.fileName,
        sizeBytes: 0,
        mtimeMs: 0,
        sha256,
        contentType: input.contentType,
        durationSec: null,
        channels: null,
        sampleRate: null,
        codec: null,
      };
      const result = db.transaction(() => {
        const existing = stmt.bySha.get(sha256, input.destination) as { id: string } | undefined;
        if (existing) return { id: existing.id, created: false };
        const id = randomUUID();
        const now = clock.now();
        stmt.insert.run({
          id,
          state: 'waiting-file',
          destination: input.destination,
          folder: input.folder,
          sha256,
          path: input.path,
          file_name: input.fileName,
          size: -1,
          mtime: -1,
          ...callColumns(input.call),
          recording: JSON.stringify(recording),
          call: JSON.stringify(input.call),
          review_issues: '[]',
          last_error: null,
          resend_of: null,
          resend_no: 0,
          duplicate_of: null,
          finished_at: null,
          now,
        });
        addEvent(id, 'created', `Recording appeared; opening the call in ${input.destination} while it is written`, {
          state: 'waiting-file',
          live: true,
        });
        return { id, created: true };
      })();
      if (result.created) changed([result.id]);
      return result;
    },
    findLiveJob(path, destination) {
      const row = stmt.liveByPath.get(provisionalSha256(path), destination) as { id: string } | undefined;
      return row ? { id: row.id } : null;
    },
    completeLiveJob(id, completion): LiveCompletionResult {
      const result = db.transaction((): LiveCompletionResult => {
        const job = getJob(id);
        if (!job || job.state !== 'waiting-file') return { outcome: 'gone' };
        const now = clock.now();
        // Its call may be being created this very moment: handing the job to delivery now could
        // let a second create race the first. The holder's lease ends within one request.
        if (job.leaseId !== null && (job.leaseExpiresAt ?? 0) > now) return { outcome: 'busy' };
        const r = completion.recording;
        const other = stmt.bySha.get(r.sha256, job.destination) as { id: string } | undefined;
        if (other && other.id !== id) {
          const opened = job.steps['create-call'] !== undefined;
          const reason =
            `the finished recording is the same content as job ${other.id}, already taken for ${job.destination}; ` +
            `not uploaded again${opened ? ' (the call opened for it stays in progress there)' : ''}`;
          // The provisional hash is retired to one of this job's own, so the path can go live again.
          db.prepare(
            `UPDATE jobs SET state = 'duplicate', duplicate_of = ?, sha256 = ?, recording = ?, size = ?, mtime = ?,
               last_error = ?, lease_id = NULL, lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = NULL,
               updated_at = ?, finished_at = ? WHERE id = ?`,
          ).run(
            other.id,
            provisionalSha256(`retired:${id}`),
            JSON.stringify(r),
            r.sizeBytes,
            r.mtimeMs,
            reason,
            now,
            now,
            id,
          );
          addEvent(id, 'duplicate', `Not sent: ${reason}`, { duplicateOf: other.id });
          return { outcome: 'duplicate', of: other.id };
        }
        // The call was opened (or is about to be) under the live job's callId: it must not change.
        const call: CallDraft = { ...completion.call, callId: job.call.callId };
        const cols = callColumns(call);
        db.prepare(
          `UPDATE jobs SET state = @state, sha256 = @sha256, path = @path, file_name = @file_name, size = @size,
             mtime = @mtime, recording = @recording, call = @call, call_id = @call_id, call_time = @call_time,
             call_from = @call_from, call_to = @call_to, phones = @phones, review_issues = @review_issues,
             last_error = @last_error, lease_id = NULL, lease_owner = NULL, lease_expires_at = NULL,
             next_attempt_at = NULL, failures = 0, updated_at = @now,
             finished_at = CASE WHEN @state = 'failed' THEN @now ELSE NULL END
           WHERE id = @id AND state = 'waiting-file'`,
        ).run({
          id,
          state: completion.state,
          sha256: r.sha256,
          path: r.path,
          file_name: r.fileName,
          size: r.sizeBytes,
          mtime: r.mtimeMs,
          recording: JSON.stringify(r),
          call: JSON.stringify(call),
          ...cols,
          review_issues: JSON.stringify(completion.reviewIssues),
          last_error: completion.state === 'failed' ? (completion.reason ?? 'failed at intake') : null,
          now,
        });
        const what =
          completion.state === 'queued'
            ? 'Recording finished; queued'
            : completion.state === 'needs-review'
              ? 'Recording finished; waiting for review'
              : 'Recording finished but cannot be sent';
        addEvent(id, 'file-final', completion.reason ? `${what}: ${completion.reason}` : what, {
          state: completion.state,
          ...(completion.reviewIssues.length ? { issues: completion.reviewIssues } : {}),
        });
        return { outcome: 'completed', state: completion.state };
      })();
      if (result.outcome === 'completed' || result.outcome === 'duplicate') changed([id]);
      return result;
    },
    liveJobsDue: (now, limit) => stmt.liveDue.all({ now, limit }) as { id: string; destination: string }[],
    acquireLive(id, lease) {
      const now = clock.now();
      const job = db.transaction(() => {
        const info = stmt.acquireLive.run({
          id,
          leaseId: lease.leaseId,
          owner: lease.owner,
          expiresAt: lease.expiresAt,
          now,
        });
        if (info.changes !== 1) return null;
        addEvent(id, 'attempt', 'Opening the call while the recording is written', { lease: lease.leaseId });
        return getJob(id)!;
      })();
      if (job) changed([id]);
      return job;
    },
    finishLive(id, leaseId, o) {
      const now = clock.now();
      const ok = db.transaction(() => {
        const job = getJob(id);
        if (!job || job.state !== 'waiting-file' || job.leaseId !== leaseId) return false;
        const steps = o.stop
          ? { ...job.steps, [LIVE_STOPPED_STEP]: { at: now, reason: o.lastError ?? null } }
          : job.steps;
        db.prepare(
          `UPDATE jobs SET lease_id = NULL, lease_owner = NULL, lease_expires_at = NULL, steps = ?,
             last_error = ?, next_attempt_at = ?, failures = ?, attempts = ?, updated_at = ? WHERE id = ?`,
        ).run(
          JSON.stringify(steps),
          o.lastError === undefined ? job.lastError : o.lastError,
          o.nextAttemptAt ?? null,
          o.failures ?? job.failures,
          o.uncountAttempt ? Math.max(job.attempts - 1, 0) : job.attempts,
          now,
          id,
        );
        const reason = o.event.data?.reason;
        if (!(typeof reason === 'string' && folding.fold(id, o.event.type, reason, o.event.message, now))) {
          addEvent(id, o.event.type, o.event.message, o.event.data);
        }
        return true;
      })();
      if (ok) changed([id]);
      return ok;
    },

    getJob,
    events(id, limit = 500) {
      const rows = stmt.events.all(id, limit) as {
        id: number;
        at: number;
        type: string;
        message: string;
        data: string | null;
      }[];
      return rows.reverse().map((e) => {
        const data = e.data ? (JSON.parse(e.data) as Record<string, unknown>) : undefined;
        const fold = data?.fold as { count: number; firstAt: number; lastAt: number } | undefined;
        return {
          id: e.id,
          at: new Date(e.at).toISOString(),
          type: e.type,
          message: e.message,
          ...(data ? { data } : {}),
          ...(fold
            ? {
                repeat: {
                  count: fold.count,
                  firstAt: new Date(fold.firstAt).toISOString(),
                  lastAt: new Date(fold.lastAt).toISOString(),
                },
              }
            : {}),
        };
      });
    },
    addEvent(id, type, message, data) {
      addEvent(id, type, message, data);
      changed([id]);
    },
    list(query) {
      const where: string[] = [];
      const params: unknown[] = [];
      if (query.states && query.states.length > 0) {
        where.push(`state IN (${query.states.map(() => '?').join(', ')})`);
        params.push(...query.states);
      }
      if (query.destination) {
        where.push('destination = ?');
        params.push(query.destination);
      }
      if (query.folder) {
        where.push('folder = ?');
        params.push(query.folder);
      }
      if (query.since) {
        where.push('call_time >= ?');
        params.push(Date.parse(query.since));
      }
      if (query.until) {
        where.push('call_time <= ?');
        params.push(Date.parse(query.until));
      }
      if (query.reason) {
        where.push(`state = 'failed' AND ${failureReasonSql} = ?`);
        params.push(query.reason);
      }
      const search = query.search?.trim();
      if (search) {
        if (search.length >= 3) {
          where.push('seq IN (SELECT rowid FROM jobs_search WHERE jobs_search MATCH ?)');
          params.push(searchPhrase(search));
        } else {
          const like = `%${search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
          where.push(
            "(lower(file_name) LIKE ? ESCAPE '\\' OR phones LIKE ? ESCAPE '\\' OR lower(call_id) LIKE ? ESCAPE '\\')",
          );
          params.push(like, like, like);
        }
      }
      const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const limit = query.limit ?? 100;
      const pageWhere = [...where];
      const pageParams = [...params];
      if (query.cursor) {
        pageWhere.push('seq < ?');
        pageParams.push(decodeCursor(query.cursor));
      }
      // Newest first; the keyset (seq) keeps every page as cheap as the first.
      const rows = db
        .prepare(
          `SELECT ${LIST_COLUMNS} FROM jobs ${pageWhere.length ? `WHERE ${pageWhere.join(' AND ')}` : ''}
           ORDER BY seq DESC LIMIT ?`,
        )
        .all(...pageParams, limit + 1) as ListRowRaw[];
      const more = rows.length > limit;
      const page = more ? rows.slice(0, limit) : rows;
      const total = (db.prepare(`SELECT COUNT(*) AS n FROM jobs ${filter}`).get(...params) as { n: number }).n;
      return {
        rows: page.map(toListRow),
        nextCursor: more ? encodeCursor(page[page.length - 1]!.seq) : null,
        total,
      };
    },
    counts() {
      const counts = emptyCounts();
      for (const row of stmt.counts.all() as { state: JobState; n: number }[]) {
        if ((jobStates as readonly string[]).includes(row.state)) counts[row.state] = row.n;
      }
      return counts;
    },
    destinations: () => (stmt.destinations.all() as { destination: string }[]).map((r) => r.destination),

    readyFolders: (destination) =>
      (stmt.readyFolders.all(destination) as { folder: string | null }[]).map((r) => r.folder),
    readyJobs: (destination, folder, now, limit) => stmt.readyJobs.all(destination, folder, now, limit) as ReadyJob[],
    readyDestinations: (now) =>
      (stmt.readyDestinations.all(now) as { destination: string }[]).map((r) => r.destination),
    nextDueAt: () => (stmt.nextDue.get() as { at: number | null }).at,
    acquire(id, lease) {
      const now = clock.now();
      const job = db.transaction(() => {
        if (stmt.acquire.run(lease.leaseId, lease.owner, lease.expiresAt, now, id, now).changes !== 1) return null;
        const record = getJob(id)!;
        addEvent(id, 'attempt', `Attempt ${record.attempts} started`, { lease: lease.leaseId });
        return record;
      })();
      if (job) changed([id]);
      return job;
    },
    renewLease: (id, leaseId, expiresAt) => stmt.renew.run(expiresAt, id, leaseId).changes === 1,
    commitSteps(id, leaseId, steps, step, event) {
      db.transaction(() => {
        const info = stmt.commitSteps.run(JSON.stringify(steps), step, clock.now(), id, leaseId);
        if (info.changes !== 1) {
          throw new LeaseLostError(`The lease on job ${id} was taken back; this worker stops without writing.`);
        }
        if (event) addEvent(id, 'step', event);
      })();
      changed([id]);
    },
    finishUnderLease(id, leaseId, o) {
      const sets = [
        'state = @to',
        'lease_id = NULL',
        'lease_owner = NULL',
        'lease_expires_at = NULL',
        'updated_at = @now',
      ];
      const params: Record<string, unknown> = { to: o.to, now: clock.now(), id, leaseId };
      const optional: [keyof LeaseOutcome, string, (v: unknown) => unknown][] = [
        ['lastError', 'last_error', (v) => v],
        ['nextAttemptAt', 'next_attempt_at', (v) => v],
        ['reviewIssues', 'review_issues', (v) => JSON.stringify(v)],
        ['remoteId', 'remote_id', (v) => v],
        ['result', 'result', (v) => (v == null ? null : JSON.stringify(v))],
        ['pollUntil', 'poll_until', (v) => v],
        ['hookPending', 'hook_pending', (v) => (v ? 1 : 0)],
        ['failures', 'failures', (v) => v],
      ];
      for (const [key, column, encode] of optional) {
        if (o[key] !== undefined) {
          sets.push(`${column} = @${column}`);
          params[column] = encode(o[key]);
        }
      }
      if (o.uncountAttempt) sets.push('attempts = MAX(attempts - 1, 0)');
      if (o.to === 'done' || o.to === 'failed' || o.to === 'cancelled') sets.push('finished_at = @now');
      const ok = db.transaction(() => {
        const info = db
          .prepare(`UPDATE jobs SET ${sets.join(', ')} WHERE id = @id AND lease_id = @leaseId AND state = 'running'`)
          .run(params);
        if (info.changes !== 1) return false;
        const reason = o.event.data?.reason;
        const folded =
          typeof reason === 'string' && folding.fold(id, o.event.type, reason, o.event.message, params.now as number);
        if (!folded) addEvent(id, o.event.type, o.event.message, o.event.data);
        return true;
      })();
      if (ok) changed([id]);
      return ok;
    },
    reclaimLeases(isOwnerGone, held) {
      const now = clock.now();
      const taken: string[] = [];
      db.transaction(() => {
        const rows = stmt.running.all() as {
          id: string;
          lease_owner: string | null;
          lease_expires_at: number | null;
        }[];
        for (const row of rows) {
          if (held.has(row.id)) continue;
          const expired = row.lease_expires_at == null || row.lease_expires_at <= now;
          if (!expired && !(row.lease_owner && isOwnerGone(row.lease_owner))) continue;
          const current = getJob(row.id)!;
          if (stmt.reclaim.run(now, row.id, current.leaseId).changes === 1) {
            addEvent(
              row.id,
              'lease-reclaimed',
              'The previous attempt stopped (process ended or lease expired); the job continues from its last committed step',
              {
                owner: row.lease_owner,
              },
            );
            taken.push(row.id);
          }
        }
      })();
      changed(taken);
      return taken;
    },
    pollDue: (_now, limit) => (stmt.pollDue.all(limit) as JobRowRaw[]).map(toRecord),
    saveResult(id, result, pollUntil) {
      stmt.saveResult.run(result == null ? null : JSON.stringify(result), pollUntil, clock.now(), id);
      changed([id]);
    },
    hookPending: (limit) => (stmt.hookPending.all(limit) as JobRowRaw[]).map(toRecord),
    clearHook: (id) => {
      stmt.clearHook.run(id);
    },

    pause: (ids) =>
      moveJobs(ids, 'paused', ['queued', 'retry-wait'], '', {}, () => ({
        type: 'paused',
        message: 'Paused by a person',
      })).length,
    resume: (ids) =>
      moveJobs(ids, 'queued', ['paused'], 'next_attempt_at = NULL', {}, () => ({
        type: 'resumed',
        message: 'Resumed by a person',
      })).length,
    cancel: (ids) =>
      moveJobs(
        ids,
        'cancelled',
        statesLeadingTo('cancelled').filter((s) => s !== 'running'),
        'finished_at = @now',
        {},
        () => ({
          type: 'cancelled',
          message: 'Cancelled by a person',
        }),
      ).length,
    retry: (ids) =>
      moveJobs(
        ids,
        'queued',
        ['failed', 'cancelled', 'retry-wait'],
        'next_attempt_at = NULL, failures = 0, last_error = NULL, finished_at = NULL',
        {},
        () => ({ type: 'retry', message: 'Retry requested by a person' }),
      ).length,
    moveToFront(ids) {
      let moved: string[] = [];
      db.transaction(() => {
        const top = (stmt.maxPriority.get() as { p: number }).p + 1;
        const update = db.prepare(
          `UPDATE jobs SET priority = ?, updated_at = ?,
             state = CASE state WHEN 'retry-wait' THEN 'queued' ELSE state END,
             next_attempt_at = CASE state WHEN 'retry-wait' THEN NULL ELSE next_attempt_at END
           WHERE id = ? AND state IN ('queued', 'retry-wait', 'paused', 'needs-review', 'waiting-file')`,
        );
        const now = clock.now();
        // Later ids in the list go first, so the person's first pick ends up at the very front.
        [...ids].reverse().forEach((id, i) => {
          if (update.run(top + i, now, id).changes === 1) {
            addEvent(id, 'moved-to-front', 'Moved to the front of the queue');
            moved.push(id);
          }
        });
        moved = moved.reverse();
      })();
      changed(moved);
      return moved.length;
    },
    resend(ids) {
      const created: string[] = [];
      db.transaction(() => {
        for (const id of ids) {
          const job = getJob(id);
          if (!job || !['done', 'failed', 'cancelled'].includes(job.state)) continue;
          const n = (stmt.resendCount.get(job.sha256, job.destination) as { n: number }).n + 1;
          const baseCallId = job.resendOf ? job.call.callId.replace(/-resend-\d+$/, '') : job.call.callId;
          const result = insertJob({
            recording: job.recording,
            call: { ...job.call, callId: `${baseCallId}-resend-${n}` },
            destination: job.destination,
            folder: job.folder,
            state: 'queued',
            reviewIssues: [],
            reason: `resend ${n} of ${job.resendOf ?? job.id}, on purpose`,
            resendOf: job.resendOf ?? job.id,
            resendNo: n,
          });
          if (result.created) {
            addEvent(id, 'resent', `Sent again on purpose as a new job (${result.id})`, { job: result.id });
            created.push(result.id);
          }
        }
      })();
      changed([...created, ...ids]);
      return created;
    },
    updateCall(id, call, issues, queue) {
      const job = db.transaction(() => {
        const current = getJob(id);
        if (!current) return null;
        if (current.state === 'running' || current.state === 'done') return current;
        const cols = callColumns(call);
        // A job still waiting for its file keeps waiting: queueing it would send a half-written recording.
        const target: JobState =
          current.state === 'waiting-file'
            ? 'waiting-file'
            : issues.length > 0
              ? 'needs-review'
              : queue
                ? 'queued'
                : current.state;
        db.prepare(
          `UPDATE jobs SET call = ?, call_id = ?, call_time = ?, call_from = ?, call_to = ?, phones = ?,
             review_issues = ?, state = ?, next_attempt_at = CASE WHEN ? = 'queued' THEN NULL ELSE next_attempt_at END,
             last_error = CASE WHEN ? = 'queued' THEN NULL ELSE last_error END, updated_at = ? WHERE id = ?`,
        ).run(
          JSON.stringify(call),
          cols.call_id,
          cols.call_time,
          cols.call_from,
          cols.call_to,
          cols.phones,
          JSON.stringify(issues),
          target,
          target,
          target,
          clock.now(),
          id,
        );
        addEvent(
          id,
          'call-updated',
          issues.length
            ? `Call details saved; still to fix: ${issues.map((i) => i.field).join(', ')}`
            : target === 'queued'
              ? 'Call details saved and queued'
              : 'Call details saved',
        );
        return getJob(id);
      })();
      if (!job) throw new RangeError(`No job ${id}`);
      changed([id]);
      return job;
    },

    oldestWaitingAt: () => (stmt.oldestWaiting.get(...waitingStates) as { at: number | null }).at,
    finishedBuckets(type, since, bucketMs) {
      const rows = stmt.buckets.all(since, bucketMs, type, since) as { bucket: number; n: number }[];
      return new Map(rows.map((r) => [Math.floor(r.bucket), r.n]));
    },
    failuresByReason: (limit) => stmt.failures.all(limit) as { reason: string; count: number }[],

    totals: () => stmt.totals.all() as JobTotals[],
    oldestWaitingFor: (destination) => (stmt.oldestWaitingFor.get({ destination }) as { at: number | null }).at,

    getMeta: (key) => (stmt.getMeta.get(key) as { value: string } | undefined)?.value ?? null,
    setMeta(key, value) {
      if (value === null) stmt.deleteMeta.run(key);
      else stmt.setMeta.run(key, value);
    },
    integrityCheck: () => String(db.pragma('integrity_check', { simple: true })),
    lostCreates: (witnessed) => lostCreates(db, witnessed),
    checkpoint() {
      const [row] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number }[];
      return row?.busy === 0;
    },
  };
  log.debug({ file }, 'outbox open');
  return outbox;
}
