// The outbox side of "every file seen is a row": duplicate rows, "send anyway" for one of them,
// a retry that re-read its recording, and "send as it is" for a recording a person accepts as
// it is. Each moves only jobs in the state it acts on, as far as job-states.ts allows.
import type { CallDraft, FieldIssue, RecordingInfo } from '../../../shared/model.js';
import type { EnqueueInput } from './intake-port.js';
import { callColumns, type IntakeWrites } from './intake-writes.js';
import { guardSql, mayMove } from './job-states.js';
import type { JobRecord } from './job-row.js';
import type { OutboxDb } from './outbox-db.js';

/** A retry's fresh look at its recording. */
export interface Reexamined {
  recording: RecordingInfo;
  call: CallDraft;
  state: EnqueueInput['state'];
  reviewIssues: FieldIssue[];
  reason?: string;
}

export type ReexaminedResult =
  | { outcome: 'queued' | 'needs-review' | 'failed'; reason: string | null }
  | { outcome: 'duplicate'; of: string }
  | { outcome: 'gone' };

export interface IntakeRows {
  /** A recording whose content job `of` already has: kept as a duplicate row naming it. */
  recordDuplicate(input: EnqueueInput, of: string): { id: string };
  /** Duplicates sent on purpose: each becomes a resend of the job that has the content. */
  sendAnyway(ids: string[]): string[];
  /** Applies a retry's re-read of a failed job's recording. */
  applyReexamined(id: string, fresh: Reexamined): ReexaminedResult;
  /** Needs-review jobs whose recording a person accepts as it is (truncated, length unknown). */
  sendAsIs(ids: string[]): string[];
}

export function sameAsReason(other: JobRecord | null, destination: string): string {
  const name = other ? `${other.fileName} (job ${other.id})` : 'another job';
  return `same recording as ${name}, already taken for ${destination}; not sent again`;
}

export function createIntakeRows(ctx: OutboxDb, intake: IntakeWrites): IntakeRows {
  const { db, clock, getJob, events } = ctx;
  const resendCount = db.prepare(
    'SELECT COALESCE(MAX(resend_no), 0) AS n FROM jobs WHERE sha256 = ? AND destination = ?',
  );
  const sendAnyway = db.prepare(
    `UPDATE jobs SET state = 'queued', resend_of = ?, resend_no = ?, call = ?, call_id = ?, last_error = NULL,
       finished_at = NULL, next_attempt_at = NULL, failures = 0, updated_at = ? WHERE id = ? AND ${guardSql('queued', ['duplicate'])}`,
  );
  const reexaminedDuplicate = db.prepare(
    `UPDATE jobs SET state = 'duplicate', duplicate_of = @of, sha256 = @sha256, size = @size, mtime = @mtime,
       recording = @recording, call = @call, call_id = @call_id, call_time = @call_time, call_from = @call_from,
       call_to = @call_to, phones = @phones, last_error = @reason, review_issues = '[]', finished_at = @now,
       updated_at = @now WHERE id = @id AND ${guardSql('duplicate', ['failed'])}`,
  );
  const reexamined = db.prepare(
    `UPDATE jobs SET state = @state, sha256 = @sha256, size = @size, mtime = @mtime, recording = @recording,
       call = @call, call_id = @call_id, call_time = @call_time, call_from = @call_from, call_to = @call_to,
       phones = @phones, review_issues = @issues, last_error = @error, failures = 0, next_attempt_at = NULL,
       finished_at = CASE WHEN @state = 'failed' THEN finished_at ELSE NULL END, updated_at = @now
     WHERE id = @id AND state = 'failed'`,
  );
  const sendAsIs = db.prepare(
    `UPDATE jobs SET state = 'queued', review_issues = ?, last_error = NULL, next_attempt_at = NULL,
       updated_at = ? WHERE id = ? AND ${guardSql('queued', ['needs-review'])}`,
  );

  return {
    recordDuplicate(input, of) {
      const reason = sameAsReason(getJob(of), input.destination);
      return { id: intake.insertJob({ ...input, state: 'duplicate', reason, duplicateOf: of }).id };
    },

    sendAnyway(ids) {
      const moved: string[] = [];
      for (const id of ids) {
        const job = getJob(id);
        if (!job || job.state !== 'duplicate' || !job.duplicateOf) continue;
        const first = getJob(job.duplicateOf);
        const root = first?.resendOf ?? job.duplicateOf;
        const n = (resendCount.get(job.sha256, job.destination) as { n: number }).n + 1;
        const baseCallId = (first?.call.callId ?? job.call.callId).replace(/-resend-\d+$/, '');
        const call = { ...job.call, callId: `${baseCallId}-resend-${n}` };
        if (sendAnyway.run(root, n, JSON.stringify(call), call.callId, clock.now(), id).changes !== 1) continue;
        events.add(id, 'sent-anyway', `Send anyway, on purpose: resend ${n} of ${root}; a second call is created`, {
          resendOf: root,
          resendNo: n,
        });
        moved.push(id);
      }
      return moved;
    },

    applyReexamined(id, fresh) {
      const job = getJob(id);
      if (!job || job.state !== 'failed') return { outcome: 'gone' };
      const now = clock.now();
      const r = fresh.recording;
      const other = r.sizeBytes > 0 ? intake.findBySha(r.sha256, job.destination) : null;
      const base = {
        id,
        sha256: r.sha256,
        size: r.sizeBytes,
        mtime: r.mtimeMs,
        recording: JSON.stringify(r),
        call: JSON.stringify(fresh.call),
        ...callColumns(fresh.call),
        now,
      };
      if (other && other.id !== id) {
        const reason = sameAsReason(getJob(other.id), job.destination);
        if (reexaminedDuplicate.run({ ...base, of: other.id, reason }).changes !== 1) return { outcome: 'gone' };
        events.add(id, 'duplicate', `Retry re-read the recording: ${reason}`, { duplicateOf: other.id });
        return { outcome: 'duplicate', of: other.id };
      }
      if (!mayMove(job.state, fresh.state)) return { outcome: 'gone' };
      const reason = fresh.state === 'queued' ? null : (fresh.reason ?? null);
      reexamined.run({
        ...base,
        state: fresh.state,
        issues: JSON.stringify(fresh.reviewIssues),
        error: fresh.state === 'failed' ? (fresh.reason ?? job.lastError) : null,
      });
      events.add(
        id,
        fresh.state === 'failed' ? 'retry-refused' : 'retry',
        fresh.state === 'queued'
          ? 'Retry requested by a person; the recording was read again and is good now'
          : fresh.state === 'needs-review'
            ? `Retry requested by a person; the recording was read again and waits for review: ${reason}`
            : `Retry refused, nothing was sent: ${reason}`,
      );
      return { outcome: fresh.state, reason };
    },

    sendAsIs(ids) {
      const moved: string[] = [];
      for (const id of ids) {
        const job = getJob(id);
        if (!job || job.state !== 'needs-review') continue;
        const recordingIssue = job.reviewIssues.find((i) => i.field === 'recording');
        if (!recordingIssue) continue;
        // Only the recording's own problem is waived; a platform that still wants a field says so.
        const rest = job.reviewIssues.filter((i) => i.field !== 'recording');
        if (sendAsIs.run(JSON.stringify(rest), clock.now(), id).changes !== 1) continue;
        events.add(id, 'sent-as-is', `Send as it is, on purpose, although ${recordingIssue.message}`);
        moved.push(id);
      }
      return moved;
    },
  };
}
