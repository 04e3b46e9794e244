// The domain model shared by every host and the renderer. One zod schema per shape; types are
// inferred from it so there is never a hand-written duplicate.
import { z } from 'zod';
import { destinationKinds } from './destinations/kinds.js';
import { E164, IsoUtc, Sha256 } from './formats.js';
import { jobStates } from './job-states.js';

export { jobStates };
export const JobState = z.enum(jobStates);
export type JobState = z.infer<typeof JobState>;

export { destinationKinds };
export const DestinationKind = z.enum(destinationKinds);
export type DestinationKind = z.infer<typeof DestinationKind>;

export { E164, IsoUtc, Sha256 };

/**
 * Which file on disk a recording was, as stated right after it was hashed: its inode and change
 * time, beside the size and modification time. Any write moves the change time (setting the
 * times by hand does too), so a file with the same identity holds the bytes that were hashed.
 */
export const FileIdentity = z.object({ ino: z.number().nonnegative(), ctimeMs: z.number().nonnegative() });
export type FileIdentity = z.infer<typeof FileIdentity>;

export const RecordingInfo = z.object({
  path: z.string().min(1),
  fileName: z.string().min(1),
  sizeBytes: z.number().int().nonnegative(),
  mtimeMs: z.number().nonnegative(),
  sha256: Sha256,
  contentType: z.string().min(1),
  durationSec: z.number().nonnegative().nullable(),
  channels: z.number().int().positive().nullable(),
  sampleRate: z.number().int().positive().nullable(),
  codec: z.string().nullable(),
  /** Set by the watched-folder intake; without it the upload hashes the bytes it sends. */
  fileId: FileIdentity.optional(),
});
export type RecordingInfo = z.infer<typeof RecordingInfo>;

export const Direction = z.enum(['inbound', 'outbound', 'unknown']);
export type Direction = z.infer<typeof Direction>;
export const CallStatus = z.enum(['completed', 'in-progress']);
export type CallStatus = z.infer<typeof CallStatus>;

/**
 * The canonical call model. Every field but callId is optional here: what a destination requires
 * is checked by that destination's own schema, so a missing field becomes a named review issue.
 */
export const CallDraft = z.object({
  callId: z.string().min(1).max(200),
  groupingId: z.string().min(1).max(200).optional(),
  from: E164.optional(),
  to: E164.optional(),
  direction: Direction.optional(),
  startTime: IsoUtc.optional(),
  endTime: IsoUtc.optional(),
  status: CallStatus.optional(),
  agentId: z.string().min(1).optional(),
  userId: z.string().min(1).optional(),
  extensionId: z.string().min(1).optional(),
  customerName: z.string().min(1).optional(),
  customerPhone: E164.optional(),
  orderId: z.string().min(1).optional(),
  campaignId: z.string().min(1).optional(),
  skillId: z.string().min(1).optional(),
  channel: z.string().min(1).optional(),
  notes: z.string().optional(),
  extra: z.record(z.string(), z.string()).optional(),
});
export type CallDraft = z.infer<typeof CallDraft>;
export const callFieldNames = Object.keys(CallDraft.shape) as (keyof CallDraft)[];

/** A person's edits in the review form: any canonical field, callId included, may be changed. */
export const CallPatch = CallDraft.partial();
export type CallPatch = z.infer<typeof CallPatch>;

/** A problem with one field, named so a person can fix it in the form. */
export const FieldIssue = z.object({
  field: z.string(),
  message: z.string(),
});
export type FieldIssue = z.infer<typeof FieldIssue>;

export const Progress = z.object({
  bytesSent: z.number().nonnegative(),
  bytesTotal: z.number().nonnegative(),
  bytesPerSec: z.number().nonnegative(),
  etaSec: z.number().nonnegative().nullable(),
});
export type Progress = z.infer<typeof Progress>;

export const JobSummary = z.object({
  id: z.string(),
  state: JobState,
  fileName: z.string(),
  path: z.string(),
  folder: z.string().nullable(),
  destination: z.string(),
  callTime: IsoUtc.nullable(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  attempts: z.number().int().nonnegative(),
  lastError: z.string().nullable(),
  step: z.string().nullable(),
  progress: Progress.nullable(),
  nextAttemptAt: IsoUtc.nullable(),
  createdAt: IsoUtc,
  updatedAt: IsoUtc,
  /** duplicate: the job that holds the same content ("Same as …"). */
  duplicateOf: z.string().nullable().optional(),
  /** A resend on purpose: the first job of the recording and this resend's number. */
  resendOf: z.string().nullable().optional(),
  resendNo: z.number().int().nonnegative().optional(),
  /** Held by a pause though its own state is queued or retry-wait: which pause holds it. */
  pausedBy: z.enum(['all', 'destination']).nullable().optional(),
  /** Who the call was with and who took it, for the queue's customer / agent column. */
  customerName: z.string().nullable().optional(),
  agent: z.string().nullable().optional(),
});
export type JobSummary = z.infer<typeof JobSummary>;

export const JobEvent = z.object({
  id: z.number().int(),
  at: IsoUtc,
  type: z.string(),
  message: z.string(),
  data: z.record(z.string(), z.unknown()).optional(),
  /** The same failure repeated: folded into this one row (HTTP 503 × 111, 19:41–19:44). */
  repeat: z.object({ count: z.number().int().positive(), firstAt: IsoUtc, lastAt: IsoUtc }).optional(),
});
export type JobEvent = z.infer<typeof JobEvent>;

/** What a platform gave back for a call, normalised across kinds. */
export const CallResult = z.object({
  remoteId: z.string().nullable(),
  status: z.string().nullable(),
  summary: z.string().nullable(),
  transcriptUrl: z.string().nullable(),
  transcriptText: z.string().nullable(),
  recordingUrl: z.string().nullable(),
  raw: z.record(z.string(), z.unknown()).optional(),
  fetchedAt: IsoUtc,
});
export type CallResult = z.infer<typeof CallResult>;

export const JobDetail = JobSummary.extend({
  recording: RecordingInfo,
  call: CallDraft,
  reviewIssues: z.array(FieldIssue),
  remoteId: z.string().nullable(),
  result: CallResult.nullable(),
  events: z.array(JobEvent),
});
export type JobDetail = z.infer<typeof JobDetail>;

export const stateCounts = z.object(
  Object.fromEntries(jobStates.map((s) => [s, z.number().int().nonnegative()])) as Record<JobState, z.ZodNumber>,
);
export type StateCounts = Record<JobState, number>;

export function emptyCounts(): StateCounts {
  return Object.fromEntries(jobStates.map((s) => [s, 0])) as StateCounts;
}
