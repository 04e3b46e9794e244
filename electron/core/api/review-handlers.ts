// What a job in review lacks, for the review form and its inbox. "Missing" is decided here, by
// the rule that put the job in review (the destination's own check of the call as it would be
// sent, the same call watch/intake.ts and job:update-call make), never by a copy in the renderer.
import { HandlerError, type ContractHandlers } from '../../../shared/contract-host.js';
import type { ReviewCheck } from '../../../shared/contract.js';
import { CallDraft, type CallPatch, type FieldIssue } from '../../../shared/model.js';
import type { Destination } from '../destinations/destination.js';
import type { JobRecord } from '../outbox/outbox.js';
import type { RecordingSource } from './recording-source.js';

export interface ReviewHandlerDeps {
  getJob(id: string): JobRecord | null;
  getDestination(name: string): Destination | undefined;
  /** The call defaults of the folder a job came from (for "filled by the folder"). */
  folderDefaults(folder: string): Record<string, unknown> | undefined;
  recordings: RecordingSource;
}

export type ReviewHandlers = Pick<ContractHandlers, 'review:check' | 'job:waveform'>;

/** The check of one job's call, with the person's unsaved edits over it when given. */
export function checkCall(job: JobRecord, deps: ReviewHandlerDeps, patch: CallPatch = {}): ReviewCheck {
  const merged = CallDraft.safeParse({ ...job.call, ...patch });
  const call = merged.success ? merged.data : job.call;
  const destination = deps.getDestination(job.destination);
  const recordingIssues = job.reviewIssues.filter((i) => i.field === 'recording');
  if (!destination) {
    const missing: FieldIssue[] = [
      {
        field: 'destination',
        message: `no destination named "${job.destination}" is configured; add it in Settings or change the folder's destination`,
      },
    ];
    return { id: job.id, missing: [...recordingIssues, ...missing], filled: [] };
  }
  const subject = { recording: job.recording, call };
  let missing: FieldIssue[];
  try {
    missing = destination.validate(subject);
  } catch (error) {
    missing = [{ field: 'call', message: `the destination could not check this call: ${(error as Error).message}` }];
  }
  const filled: ReviewCheck['filled'] = [];
  const lacking = new Set(missing.map((i) => i.field));
  for (const [field, { value, from }] of Object.entries(destination.filled?.(subject) ?? {})) {
    if (!lacking.has(field)) filled.push({ field, value, from });
  }
  const folder = (job.folder ? deps.folderDefaults(job.folder) : undefined) ?? {};
  const own = call as Record<string, unknown>;
  for (const field of [...destination.fields.required, ...destination.fields.optional]) {
    const value = own[field];
    if (value === undefined || value === '' || lacking.has(field) || field === 'callId') continue;
    if (filled.some((f) => f.field === field)) continue;
    filled.push({ field, value: String(value), from: folder[field] === value ? 'folder' : 'recording' });
  }
  return { id: job.id, missing: [...recordingIssues, ...missing], filled };
}

export function createReviewHandlers(deps: ReviewHandlerDeps): ReviewHandlers {
  return {
    'review:check'({ ids, call }) {
      if (call && ids.length !== 1) {
        throw new HandlerError('bad-input', 'Unsaved edits can be checked for one job at a time.');
      }
      const items: ReviewCheck[] = [];
      for (const id of ids) {
        const job = deps.getJob(id);
        if (job) items.push(checkCall(job, deps, call));
      }
      return { items };
    },
    async 'job:waveform'({ id, points }) {
      const answer = await deps.recordings.waveform(id, points);
      if (!answer.ok) throw new HandlerError('not-found', answer.message);
      return { peaks: answer.peaks };
    },
  };
}
