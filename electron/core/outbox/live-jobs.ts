// Live calls: the `waiting-file` job of a recording still being written. Its call is opened under
// a lease while the job stays waiting-file; the finished file then completes the job and moves it
// on, unless its content turns out to be another job's.
import { randomUUID } from 'node:crypto';
import type { CallDraft, RecordingInfo } from '../../../shared/model.js';
import { CREATE_CALL_STEP, LIVE_STOPPED_STEP } from '../step-names.js';
import { guardSql, mayMove } from './job-states.js';
import type { EventInput } from './job-events.js';
import type { JobRecord } from './job-row.js';
import { provisionalSha256, type LiveCompletion, type LiveCompletionResult, type LiveJobInput } from './intake-port.js';
import { callColumns, recordingColumns, type IntakeWrites } from './intake-writes.js';
import type { OutboxDb } from './outbox-db.js';
import type { Lease } from './leases.js';

/** Step committed when a live job gives up opening its call early (its name lives in step-names.ts). */
export { LIVE_STOPPED_STEP };

/** How a live attempt (opening the call of a recording still being written) ended. */
export interface LiveOutcome {
  event: EventInput;
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

export interface LiveJobs {
  openLiveJob(input: LiveJobInput): { id: string; created: boolean };
  findLiveJob(path: string, destination: string): { id: string } | null;
  completeLiveJob(id: string, completion: LiveCompletion): LiveCompletionResult;
  liveJobsDue(now: number, limit: number): { id: string; destination: string }[];
  acquireLive(id: string, lease: Lease): JobRecord | null;
  finishLive(id: string, leaseId: string, outcome: LiveOutcome): boolean;
}

// Still to be opened: neither created nor given up, due, and not leased by a live holder.
const OPENABLE = `state = 'waiting-file'
    AND json_extract(steps, '$."${CREATE_CALL_STEP}"') IS NULL AND json_extract(steps, '$."${LIVE_STOPPED_STEP}"') IS NULL
    AND (next_attempt_at IS NULL OR next_attempt_at <= @now)
    AND (lease_id IS NULL OR lease_expires_at <= @now)`;

export function createLiveJobs(ctx: OutboxDb, intake: IntakeWrites): LiveJobs {
  const { db, clock, events, getJob } = ctx;
  const due = db.prepare(`SELECT id, destination FROM jobs WHERE ${OPENABLE} ORDER BY seq LIMIT @limit`);
  const acquire = db.prepare(`UPDATE jobs SET lease_id = @leaseId, lease_owner = @owner, lease_expires_at = @expiresAt,
      attempts = attempts + 1, next_attempt_at = NULL, updated_at = @now
    WHERE id = @id AND ${OPENABLE}`);
  const byPath = db.prepare(
    "SELECT id FROM jobs WHERE sha256 = ? AND destination = ? AND resend_no = 0 AND state = 'waiting-file'",
  );
  // The provisional hash is retired to one of this job's own, so the path can go live again.
  const toDuplicate = db.prepare(
    `UPDATE jobs SET state = 'duplicate', duplicate_of = ?, sha256 = ?, recording = ?, size = ?, mtime = ?,
       last_error = ?, lease_id = NULL, lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = NULL,
       updated_at = ?, finished_at = ? WHERE id = ? AND ${guardSql('duplicate', ['waiting-file'])}`,
  );
  const complete = (state: LiveCompletion['state']) =>
    db.prepare(
      `UPDATE jobs SET state = @state, sha256 = @sha256, path = @path, file_name = @file_name, size = @size,
         mtime = @mtime, recording = @recording, call = @call, call_id = @call_id, call_time = @call_time,
         call_from = @call_from, call_to = @call_to, phones = @phones, review_issues = @review_issues,
         last_error = @last_error, lease_id = NULL, lease_owner = NULL, lease_expires_at = NULL,
         next_attempt_at = NULL, failures = 0, updated_at = @now,
         finished_at = CASE WHEN @state = 'failed' THEN @now ELSE NULL END
       WHERE id = @id AND ${guardSql(state, ['waiting-file'])}`,
    );
  const completeTo = {
    queued: complete('queued'),
    'needs-review': complete('needs-review'),
    failed: complete('failed'),
  };
  const endAttempt = db.prepare(
    `UPDATE jobs SET lease_id = NULL, lease_owner = NULL, lease_expires_at = NULL, steps = ?,
       last_error = ?, next_attempt_at = ?, failures = ?, attempts = ?, updated_at = ? WHERE id = ?`,
  );

  return {
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
      const existing = intake.findBySha(sha256, input.destination);
      if (existing) return { id: existing.id, created: false };
      const id = randomUUID();
      intake.insertRow(
        {
          id,
          state: 'waiting-file',
          destination: input.destination,
          folder: input.folder,
          sha256,
          path: input.path,
          file_name: input.fileName,
          size: -1,
          mtime: -1,
          recording: JSON.stringify(recording),
          call: JSON.stringify(input.call),
          review_issues: '[]',
          last_error: null,
          resend_of: null,
          resend_no: 0,
          duplicate_of: null,
          finished_at: null,
          now: clock.now(),
        },
        input.call,
      );
      events.add(id, 'created', `Recording appeared; opening the call in ${input.destination} while it is written`, {
        state: 'waiting-file',
        live: true,
      });
      return { id, created: true };
    },

    findLiveJob(path, destination) {
      const row = byPath.get(provisionalSha256(path), destination) as { id: string } | undefined;
      return row ? { id: row.id } : null;
    },

    completeLiveJob(id, completion) {
      const job = getJob(id);
      if (!job || job.state !== 'waiting-file') return { outcome: 'gone' };
      const now = clock.now();
      // Its call may be being created this very moment: handing the job to delivery now could
      // let a second create race the first. The holder's lease ends within one request.
      if (job.leaseId !== null && (job.leaseExpiresAt ?? 0) > now) return { outcome: 'busy' };
      const r = completion.recording;
      const other = intake.findBySha(r.sha256, job.destination);
      if (other && other.id !== id) {
        const opened = job.steps[CREATE_CALL_STEP] !== undefined;
        const reason =
          `the finished recording is the same content as job ${other.id}, already taken for ${job.destination}; ` +
          `not uploaded again${opened ? ' (the call opened for it stays in progress there)' : ''}`;
        const info = toDuplicate.run(
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
        if (info.changes !== 1) return { outcome: 'gone' };
        events.add(id, 'duplicate', `Not sent: ${reason}`, { duplicateOf: other.id });
        return { outcome: 'duplicate', of: other.id };
      }
      if (!mayMove(job.state, completion.state)) return { outcome: 'gone' };
      // The call was opened (or is about to be) under the live job's callId: it must not change.
      const call: CallDraft = { ...completion.call, callId: job.call.callId };
      const info = completeTo[completion.state].run({
        id,
        state: completion.state,
        ...recordingColumns(r),
        call: JSON.stringify(call),
        ...callColumns(call),
        review_issues: JSON.stringify(completion.reviewIssues),
        last_error: completion.state === 'failed' ? (completion.reason ?? 'failed at intake') : null,
        now,
      });
      if (info.changes !== 1) return { outcome: 'gone' };
      const what =
        completion.state === 'queued'
          ? 'Recording finished; queued'
          : completion.state === 'needs-review'
            ? 'Recording finished; waiting for review'
            : 'Recording finished but cannot be sent';
      events.add(id, 'file-final', completion.reason ? `${what}: ${completion.reason}` : what, {
        state: completion.state,
        ...(completion.reviewIssues.length ? { issues: completion.reviewIssues } : {}),
      });
      return { outcome: 'completed', state: completion.state };
    },

    liveJobsDue: (now, limit) => due.all({ now, limit }) as { id: string; destination: string }[],

    acquireLive(id, lease) {
      const info = acquire.run({
        id,
        leaseId: lease.leaseId,
        owner: lease.owner,
        expiresAt: lease.expiresAt,
        now: clock.now(),
      });
      if (info.changes !== 1) return null;
      events.add(id, 'attempt', 'Opening the call while the recording is written', { lease: lease.leaseId });
      return getJob(id)!;
    },

    finishLive(id, leaseId, o) {
      const now = clock.now();
      const job = getJob(id);
      // The job stays waiting-file: only its lease and its attempt's outcome change.
      if (!job || job.state !== 'waiting-file' || job.leaseId !== leaseId) return false;
      const steps = o.stop
        ? { ...job.steps, [LIVE_STOPPED_STEP]: { at: now, reason: o.lastError ?? null } }
        : job.steps;
      endAttempt.run(
        JSON.stringify(steps),
        o.lastError === undefined ? job.lastError : o.lastError,
        o.nextAttemptAt ?? null,
        o.failures ?? job.failures,
        o.uncountAttempt ? Math.max(job.attempts - 1, 0) : job.attempts,
        now,
        id,
      );
      events.addOrFold(id, o.event, now);
      return true;
    },
  };
}
