// How a recording becomes a job row: the content rule (one job per content and destination,
// resends numbered apart), the call's indexed copies and the row's first timeline entry.
import { randomUUID } from 'node:crypto';
import type { CallDraft, JobState, RecordingInfo } from '../../../shared/model.js';
import type { EnqueueInput } from './intake-port.js';
import type { OutboxDb } from './outbox-db.js';

/** A new row: an intake decision, or a resend or duplicate made from another job. */
export type NewJobInput = Omit<EnqueueInput, 'state'> & {
  state: EnqueueInput['state'] | 'duplicate';
  resendOf?: string;
  resendNo?: number;
  duplicateOf?: string;
};

/** The row as the insert statement takes it (live jobs fill it in themselves). */
export interface InsertRow {
  id: string;
  state: JobState;
  destination: string;
  folder: string | null;
  sha256: string;
  path: string;
  file_name: string;
  size: number;
  mtime: number;
  recording: string;
  call: string;
  review_issues: string;
  last_error: string | null;
  resend_of: string | null;
  resend_no: number;
  duplicate_of: string | null;
  finished_at: number | null;
  now: number;
}

export interface IntakeWrites {
  hasSeenFile(path: string, sizeBytes: number, mtimeMs: number): boolean;
  findBySha(sha256: string, destination: string): { id: string; state: JobState } | null;
  /** Inserts a job unless its content is taken; then names the job that has it. */
  insertJob(input: NewJobInput): { id: string; created: boolean };
  /** The raw insert; false when the content rule kept the row out. */
  insertRow(row: InsertRow, call: CallDraft): boolean;
}

/** The columns a call is searched and filtered by, copied out of its JSON. */
export function callColumns(call: CallDraft) {
  const time = call.startTime ? Date.parse(call.startTime) : NaN;
  return {
    call_id: call.callId,
    call_time: Number.isNaN(time) ? null : time,
    call_from: call.from ?? null,
    call_to: call.to ?? null,
    phones: [call.from, call.to, call.customerPhone].filter(Boolean).join(' '),
  };
}

/** The columns a job's recording fills, the same for a new row and a live job's completion. */
export function recordingColumns(r: RecordingInfo) {
  return {
    sha256: r.sha256,
    path: r.path,
    file_name: r.fileName,
    size: r.sizeBytes,
    mtime: r.mtimeMs,
    recording: JSON.stringify(r),
  };
}

export function createIntakeWrites({ db, clock, events }: OutboxDb): IntakeWrites {
  const seenFile = db.prepare('SELECT 1 FROM jobs WHERE path = ? AND size = ? AND mtime = ? LIMIT 1');
  // Duplicate rows and empty files are outside the content rule (migration 5).
  const bySha = db.prepare(
    'SELECT id, state FROM jobs WHERE sha256 = ? AND destination = ? AND resend_no = 0 AND duplicate_of IS NULL AND size <> 0',
  );
  const insert = db.prepare(`INSERT INTO jobs (id, state, destination, folder, sha256, path, file_name, size, mtime,
      call_id, call_time, call_from, call_to, phones, recording, call, review_issues, last_error,
      resend_of, resend_no, duplicate_of, finished_at, created_at, updated_at)
    VALUES (@id, @state, @destination, @folder, @sha256, @path, @file_name, @size, @mtime,
      @call_id, @call_time, @call_from, @call_to, @phones, @recording, @call, @review_issues, @last_error,
      @resend_of, @resend_no, @duplicate_of, @finished_at, @now, @now)
    ON CONFLICT(sha256, destination, resend_no) WHERE duplicate_of IS NULL AND size <> 0 DO NOTHING`);

  const findBySha: IntakeWrites['findBySha'] = (sha256, destination) => {
    const row = bySha.get(sha256, destination) as { id: string; state: JobState } | undefined;
    return row ? { id: row.id, state: row.state } : null;
  };
  const insertRow: IntakeWrites['insertRow'] = (row, call) =>
    insert.run({ ...row, ...callColumns(call) }).changes === 1;

  return {
    hasSeenFile: (path, sizeBytes, mtimeMs) => seenFile.get(path, sizeBytes, mtimeMs) !== undefined,
    findBySha,
    insertRow,
    insertJob(input) {
      const id = randomUUID();
      const now = clock.now();
      const r = input.recording;
      const inserted = insertRow(
        {
          id,
          state: input.state,
          destination: input.destination,
          folder: input.folder,
          ...recordingColumns(r),
          call: JSON.stringify(input.call),
          review_issues: JSON.stringify(input.reviewIssues),
          last_error:
            input.state === 'failed' || input.state === 'duplicate' ? (input.reason ?? 'failed at intake') : null,
          resend_of: input.resendOf ?? null,
          resend_no: input.resendNo ?? 0,
          duplicate_of: input.duplicateOf ?? null,
          // A recording refused at intake finished when it was seen (today's failed, the failed bars).
          finished_at: input.state === 'duplicate' || input.state === 'failed' ? now : null,
          now,
        },
        input.call,
      );
      if (!inserted) {
        const existing = findBySha(r.sha256, input.destination);
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
      events.add(id, 'created', input.reason ? `${what}: ${input.reason}` : `${what} for ${input.destination}`, {
        state: input.state,
        ...(input.reviewIssues.length ? { issues: input.reviewIssues } : {}),
        ...(input.resendOf ? { resendOf: input.resendOf } : {}),
        ...(input.duplicateOf ? { duplicateOf: input.duplicateOf } : {}),
      });
      return { id, created: true };
    },
  };
}
