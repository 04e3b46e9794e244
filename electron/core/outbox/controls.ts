// What a person does to jobs that are not running (the engine interrupts running ones first):
// pause, resume, cancel, retry, move to the front, resend, edit the call. Each moves only the
// jobs that job-states.ts lets move, so a control pressed at the wrong moment changes nothing.
import type { CallDraft, FieldIssue, JobState } from '../../../shared/model.js';
import { guardSql, mayMove, statesLeadingTo } from './job-states.js';
import type { JobRecord } from './job-row.js';
import { callColumns, type IntakeWrites } from './intake-writes.js';
import type { OutboxDb } from './outbox-db.js';

export interface Controls {
  /** Each returns the ids that moved. */
  pause(ids: string[]): string[];
  resume(ids: string[]): string[];
  cancel(ids: string[]): string[];
  retry(ids: string[]): string[];
  moveToFront(ids: string[]): string[];
  /** The new jobs' ids. */
  resend(ids: string[]): string[];
  /** The job as it is after the edit, or null when there is no such job. */
  updateCall(id: string, call: CallDraft, issues: FieldIssue[], queue: boolean): JobRecord | null;
}

/** States "move to front" reorders; a waiting retry also becomes due. */
const reorderable: readonly JobState[] = ['queued', 'retry-wait', 'paused', 'needs-review', 'waiting-file'];
const frontOf = (state: JobState): JobState => (state === 'retry-wait' ? 'queued' : state);

export function createControls(ctx: OutboxDb, intake: IntakeWrites): Controls {
  const { db, clock, events, getJob } = ctx;

  /** A guarded bulk transition: only jobs the table lets move from `from` to `to` move. */
  const mover = (to: JobState, from: readonly JobState[], set: string, event: { type: string; message: string }) => {
    const update = db.prepare(
      `UPDATE jobs SET state = @to, updated_at = @now${set ? `, ${set}` : ''} WHERE id = @id AND ${guardSql(to, from)}`,
    );
    return (ids: string[]): string[] => {
      const now = clock.now();
      const moved: string[] = [];
      for (const id of ids) {
        if (update.run({ to, now, id }).changes === 1) {
          events.add(id, event.type, event.message);
          moved.push(id);
        }
      }
      return moved;
    };
  };

  const maxPriority = db.prepare('SELECT COALESCE(MAX(priority), 0) AS p FROM jobs');
  const toFront = db.prepare(
    `UPDATE jobs SET priority = ?, updated_at = ?,
       state = CASE state WHEN 'retry-wait' THEN 'queued' ELSE state END,
       next_attempt_at = CASE state WHEN 'retry-wait' THEN NULL ELSE next_attempt_at END
     WHERE id = ? AND state IN (${reorderable
       .filter((s) => mayMove(s, frontOf(s)))
       .map((s) => `'${s}'`)
       .join(', ')})`,
  );
  const resendCount = db.prepare(
    'SELECT COALESCE(MAX(resend_no), 0) AS n FROM jobs WHERE sha256 = ? AND destination = ?',
  );
  const saveCall = db.prepare(
    `UPDATE jobs SET call = ?, call_id = ?, call_time = ?, call_from = ?, call_to = ?, phones = ?,
       review_issues = ?, state = ?, next_attempt_at = CASE WHEN ? = 'queued' THEN NULL ELSE next_attempt_at END,
       last_error = CASE WHEN ? = 'queued' THEN NULL ELSE last_error END, updated_at = ? WHERE id = ?`,
  );

  return {
    pause: mover('paused', ['queued', 'retry-wait'], '', { type: 'paused', message: 'Paused by a person' }),
    resume: mover('queued', ['paused'], 'next_attempt_at = NULL', { type: 'resumed', message: 'Resumed by a person' }),
    cancel: mover(
      'cancelled',
      statesLeadingTo('cancelled').filter((s) => s !== 'running'),
      'finished_at = @now',
      { type: 'cancelled', message: 'Cancelled by a person' },
    ),
    retry: mover(
      'queued',
      ['failed', 'cancelled', 'retry-wait'],
      'next_attempt_at = NULL, failures = 0, last_error = NULL, finished_at = NULL',
      { type: 'retry', message: 'Retry requested by a person' },
    ),

    moveToFront(ids) {
      const top = (maxPriority.get() as { p: number }).p + 1;
      const now = clock.now();
      const moved: string[] = [];
      // Later ids in the list go first, so the person's first pick ends up at the very front.
      [...ids].reverse().forEach((id, i) => {
        if (toFront.run(top + i, now, id).changes === 1) {
          events.add(id, 'moved-to-front', 'Moved to the front of the queue');
          moved.push(id);
        }
      });
      return moved.reverse();
    },

    resend(ids) {
      const created: string[] = [];
      for (const id of ids) {
        const job = getJob(id);
        // A resend is a new job made on purpose from a finished one; the old job does not move.
        if (!job || !['done', 'failed', 'cancelled'].includes(job.state)) continue;
        const n = (resendCount.get(job.sha256, job.destination) as { n: number }).n + 1;
        const baseCallId = job.resendOf ? job.call.callId.replace(/-resend-\d+$/, '') : job.call.callId;
        const result = intake.insertJob({
          recording: job.recording,
          call: { ...job.call, callId: `${baseCallId}-resend-${n}` },
          destination: job.destination,
          folder: job.folder,
          state: 'queued',
          reviewIssues: [],
          reason: `sent again on purpose (resend ${n} of this recording)`,
          resendOf: job.resendOf ?? job.id,
          resendNo: n,
        });
        if (result.created) {
          events.add(id, 'resent', `Sent again on purpose as a new job (${result.id})`, { job: result.id });
          created.push(result.id);
        }
      }
      return created;
    },

    updateCall(id, call, issues, queue) {
      const current = getJob(id);
      if (!current) return null;
      // A running job belongs to its lease holder; a person's edit waits until it is not.
      if (current.state === 'running') return current;
      // A job still waiting for its file keeps waiting: queueing it would send a half-written recording.
      // A duplicate's content was already sent by another job: saving its details must not queue
      // it, or the same recording goes out twice; only Send anyway (a resend) sends it.
      const target: JobState =
        current.state === 'waiting-file' || current.state === 'duplicate'
          ? current.state
          : issues.length > 0
            ? 'needs-review'
            : queue
              ? 'queued'
              : current.state;
      if (!mayMove(current.state, target)) return current;
      const cols = callColumns(call);
      saveCall.run(
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
      events.add(
        id,
        'call-updated',
        issues.length
          ? `Call details saved; still to fix: ${issues.map((i) => i.field).join(', ')}`
          : target === 'queued'
            ? 'Call details saved and queued'
            : 'Call details saved',
      );
      return getJob(id);
    },
  };
}
