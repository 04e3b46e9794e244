// The one list of the jobs table's columns that the outbox reads, each with the field it becomes
// and how its stored value is decoded. Every row type (a whole job, a queue page's row) is a
// pick of this list, and every SELECT names its columns from it, so a column added by a
// migration is added here once and nowhere else.
import type Database from 'better-sqlite3';
import type { CallDraft, CallResult, FieldIssue, JobState, RecordingInfo } from '../../../shared/model.js';

interface Column<T> {
  readonly name: string;
  decode(stored: unknown): T;
}

const plain = <T>(name: string): Column<T> => ({ name, decode: (stored) => stored as T });
const json = <T>(name: string): Column<T> => ({ name, decode: (stored) => JSON.parse(stored as string) as T });
const jsonOrNull = <T>(name: string): Column<T | null> => ({
  name,
  decode: (stored) => (stored == null ? null : (JSON.parse(stored as string) as T)),
});
const flag = (name: string): Column<boolean> => ({ name, decode: (stored) => stored === 1 });

export const jobColumns = {
  seq: plain<number>('seq'),
  id: plain<string>('id'),
  state: plain<JobState>('state'),
  destination: plain<string>('destination'),
  folder: plain<string | null>('folder'),
  sha256: plain<string>('sha256'),
  path: plain<string>('path'),
  fileName: plain<string>('file_name'),
  callTime: plain<number | null>('call_time'),
  from: plain<string | null>('call_from'),
  to: plain<string | null>('call_to'),
  recording: json<RecordingInfo>('recording'),
  call: json<CallDraft>('call'),
  reviewIssues: json<FieldIssue[]>('review_issues'),
  steps: json<Record<string, unknown>>('steps'),
  step: plain<string | null>('step'),
  attempts: plain<number>('attempts'),
  failures: plain<number>('failures'),
  lastError: plain<string | null>('last_error'),
  priority: plain<number>('priority'),
  nextAttemptAt: plain<number | null>('next_attempt_at'),
  leaseId: plain<string | null>('lease_id'),
  leaseOwner: plain<string | null>('lease_owner'),
  leaseExpiresAt: plain<number | null>('lease_expires_at'),
  remoteId: plain<string | null>('remote_id'),
  result: jsonOrNull<CallResult>('result'),
  pollUntil: plain<number | null>('poll_until'),
  hookPending: flag('hook_pending'),
  resendOf: plain<string | null>('resend_of'),
  resendNo: plain<number>('resend_no'),
  /** state duplicate: the job that has the same content. */
  duplicateOf: plain<string | null>('duplicate_of'),
  createdAt: plain<number>('created_at'),
  updatedAt: plain<number>('updated_at'),
  finishedAt: plain<number | null>('finished_at'),
  /** Generated from the call (migration 6), for the queue's customer / agent column and its sort. */
  customerName: plain<string | null>('customer_name'),
  agent: plain<string | null>('agent'),
} as const;

type Columns = typeof jobColumns;
export type JobField = keyof Columns;
/** Every field the outbox reads of a job, decoded. */
export type JobRow = { [K in JobField]: ReturnType<Columns[K]['decode']> };

/** A whole job as the engine and the job page use it (the call's indexed copies left out). */
export const recordFields = [
  'seq',
  'id',
  'state',
  'destination',
  'folder',
  'sha256',
  'path',
  'fileName',
  'recording',
  'call',
  'reviewIssues',
  'steps',
  'step',
  'attempts',
  'failures',
  'lastError',
  'priority',
  'nextAttemptAt',
  'leaseId',
  'leaseOwner',
  'leaseExpiresAt',
  'remoteId',
  'result',
  'pollUntil',
  'hookPending',
  'resendOf',
  'resendNo',
  'duplicateOf',
  'createdAt',
  'updatedAt',
  'finishedAt',
] as const satisfies readonly JobField[];
export type JobRecord = Pick<JobRow, (typeof recordFields)[number]>;

/** What a queue page shows: no JSON blobs, so a page stays cheap at any queue size. */
export const listFields = [
  'id',
  'state',
  'fileName',
  'path',
  'folder',
  'destination',
  'callTime',
  'from',
  'to',
  'attempts',
  'lastError',
  'step',
  'nextAttemptAt',
  'createdAt',
  'updatedAt',
  'duplicateOf',
  'resendOf',
  'resendNo',
  'customerName',
  'agent',
] as const satisfies readonly JobField[];
export type JobListRow = Pick<JobRow, (typeof listFields)[number]>;

/** Reads rows of the fields `F`: the SELECT list to use and the decoder of a stored row. */
export interface RowShape<F extends JobField> {
  /** The column list for `SELECT ${columns} FROM jobs`. */
  readonly columns: string;
  decode(stored: Record<string, unknown>): Pick<JobRow, F>;
}

export function rowShape<F extends JobField>(fields: readonly F[]): RowShape<F> {
  const pairs = fields.map((field) => [field, jobColumns[field]] as const);
  return {
    columns: pairs.map(([, column]) => column.name).join(', '),
    decode(stored) {
      const row = {} as Record<string, unknown>;
      for (const [field, column] of pairs) row[field] = column.decode(stored[column.name]);
      return row as Pick<JobRow, F>;
    },
  };
}

export const recordShape = rowShape(recordFields);
export const listShape = rowShape(listFields);

export interface JobReads {
  getJob(id: string): JobRecord | null;
  /** Whole jobs selected by `where` (a clause after WHERE, with `?` parameters). */
  jobsWhere(where: string): (...params: unknown[]) => JobRecord[];
}

export function createJobReads(db: Database.Database): JobReads {
  const byId = db.prepare(`SELECT ${recordShape.columns} FROM jobs WHERE id = ?`);
  return {
    getJob(id) {
      const stored = byId.get(id) as Record<string, unknown> | undefined;
      return stored ? recordShape.decode(stored) : null;
    },
    jobsWhere(where) {
      const select = db.prepare(`SELECT ${recordShape.columns} FROM jobs WHERE ${where}`);
      return (...params) => (select.all(...params) as Record<string, unknown>[]).map((r) => recordShape.decode(r));
    },
  };
}
