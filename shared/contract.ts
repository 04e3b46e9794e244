// The one contract between the renderer and a host (Electron IPC or headless HTTP + SSE).
// Every call is `domain:verb` with an input and an output schema; every pushed event has a schema.
// Hosts parse every input; the client parses every output. Types are inferred from here only.
// The shapes live in shared/contract/ by domain; this file names the channels and events.
import { z } from 'zod';
import { DestinationConfig, FolderConfig } from './config.js';
import { CallPatch, DestinationKind, FieldIssue, IsoUtc, JobDetail, JobSummary, stateCounts } from './model.js';
import { Empty, JobId, JobIds, Updated } from './contract/ids.js';
import { QueueExport, QueueExportInput, QueueListInput } from './contract/queue-shapes.js';
import { DestinationInput, SettingsUpdate, SettingsView } from './contract/settings-shapes.js';
import { Dashboard, StatusSnapshot } from './contract/status-shapes.js';
import { ConnectionTest, MetadataPreview, NetworkReport } from './contract/check-shapes.js';
import { AppAbout, ReviewCheck } from './contract/app-shapes.js';
export * from './contract/queue-shapes.js';
export * from './contract/settings-shapes.js';
export * from './contract/status-shapes.js';
export * from './contract/check-shapes.js';
export * from './contract/app-shapes.js';

function channel<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

export const channels = {
  'queue:list': channel(
    QueueListInput,
    z.object({ items: z.array(JobSummary), nextCursor: z.string().nullable(), total: z.number().int() }),
  ),
  'queue:stats': channel(Empty, z.object({ counts: stateCounts, paused: z.boolean() })),
  /** The queue view (filters and order of the table) as CSV, every page, for supervisors. */
  'queue:export': channel(QueueExportInput, QueueExport),
  /** The status line's facts: counts, destination health, today's deliveries, time left. */
  'status:get': channel(Empty, StatusSnapshot),
  'job:get': channel(z.object({ id: JobId }).strict(), JobDetail),
  'job:retry': channel(
    z.object({ ids: JobIds }).strict(),
    // A job failed because of its recording is re-read first; one still bad is refused with its reason.
    Updated.extend({ refused: z.array(z.object({ id: JobId, reason: z.string() })).optional() }),
  ),
  'job:pause': channel(z.object({ ids: JobIds }).strict(), Updated),
  'job:resume': channel(z.object({ ids: JobIds }).strict(), Updated),
  'job:cancel': channel(z.object({ ids: JobIds }).strict(), Updated),
  'job:move-to-front': channel(z.object({ ids: JobIds }).strict(), Updated),
  /** Sends a delivered recording again on purpose, as a new job with a new callId suffix. */
  'job:resend': channel(z.object({ ids: JobIds }).strict(), Updated),
  /** Duplicates sent on purpose: each becomes a resend of the job that has the content. */
  'job:send-anyway': channel(z.object({ ids: JobIds }).strict(), Updated),
  /** Needs-review jobs whose recording (cut off, length unknown) a person sends as it is. */
  'job:send-as-is': channel(z.object({ ids: JobIds }).strict(), Updated),
  /** Saves the person's edits; when nothing is missing any more the job is queued. */
  'job:update-call': channel(
    z.object({ id: JobId, call: CallPatch, queue: z.boolean().default(true) }).strict(),
    z.object({ job: JobDetail, issues: z.array(FieldIssue) }),
  ),
  /** What each job in review lacks and what is filled for it (the inbox rows and the quick form). */
  'review:check': channel(
    z.object({ ids: z.array(JobId).min(1).max(500), call: CallPatch.optional() }).strict(),
    z.object({ items: z.array(ReviewCheck) }),
  ),
  /** The recording's waveform, computed host-side from a bounded sample (never a full decode in the page). */
  'job:waveform': channel(
    z.object({ id: JobId, points: z.number().int().min(10).max(2000).default(600) }).strict(),
    z.object({ peaks: z.array(z.number().min(0).max(1)).nullable() }),
  ),
  /** Queues files a person dropped on the window. */
  'files:enqueue': channel(
    z.object({ paths: z.array(z.string().min(1)).min(1).max(1000), destination: z.string() }).strict(),
    z.object({
      queued: z.number().int(),
      duplicates: z.number().int(),
      errors: z.array(z.object({ path: z.string(), message: z.string() })),
    }),
  ),
  'engine:pause': channel(Empty, z.object({ paused: z.boolean() })),
  'engine:resume': channel(Empty, z.object({ paused: z.boolean() })),
  'destination:pause': channel(z.object({ name: z.string() }).strict(), z.object({ paused: z.boolean() })),
  'destination:resume': channel(z.object({ name: z.string() }).strict(), z.object({ paused: z.boolean() })),
  'destination:test': channel(
    z.object({ name: z.string().optional(), draft: DestinationInput.optional() }).strict(),
    ConnectionTest,
  ),
  'dashboard:get': channel(Empty, Dashboard),
  'settings:get': channel(Empty, SettingsView),
  'settings:update': channel(SettingsUpdate, SettingsView),
  'metadata:preview': channel(
    z
      .object({
        fileName: z.string().min(1),
        folder: FolderConfig.partial().extend({ destination: z.string() }),
      })
      .strict(),
    MetadataPreview,
  ),
  /** Field list of a destination kind's call form: which canonical fields it requires. */
  'destination:schema': channel(
    z.object({ name: z.string() }).strict(),
    z.object({
      kind: DestinationKind,
      required: z.array(z.string()),
      optional: z.array(z.string()),
    }),
  ),
  /** The network doctor for one enabled destination, or all of them. */
  'network:diagnose': channel(z.object({ name: z.string().optional() }).strict().default({}), NetworkReport),
  /** Version and updates (Settings → About). `update` is null where this host does not update itself. */
  'app:about': channel(Empty, AppAbout),
  /** Desktop only: native folder picker. Headless answers null. */
  'dialog:pick-folder': channel(Empty, z.object({ path: z.string().nullable() })),
} as const;

export const QueueChanged = z.object({
  /** Jobs changed since the last event; empty with `reset` when too many changed to list. */
  ids: z.array(z.string()),
  reset: z.boolean(),
  counts: stateCounts,
  at: IsoUtc,
});
export type QueueChanged = z.infer<typeof QueueChanged>;

export const events = {
  'queue:changed': QueueChanged,
  'settings:changed': z.object({ at: IsoUtc }),
  /** Something a person must act on (review waiting, destination failing). */
  'attention:changed': z.object({
    reviewWaiting: z.number().int(),
    failingDestinations: z.array(z.string()),
    /** Destinations whose health is not online (degraded or down), for the top bar. */
    unhealthy: z
      .array(z.object({ name: z.string(), health: z.enum(['degraded', 'down']), since: IsoUtc.nullable() }))
      .optional(),
  }),
} as const;

export type Channels = typeof channels;
export type ChannelName = keyof Channels;
export type ChannelInput<C extends ChannelName> = z.input<Channels[C]['input']>;
export type ChannelArgs<C extends ChannelName> = z.output<Channels[C]['input']>;
export type ChannelOutput<C extends ChannelName> = z.output<Channels[C]['output']>;
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

export const channelNames = Object.keys(channels) as ChannelName[];
export const eventNames = Object.keys(events) as EventName[];

export function isChannelName(value: unknown): value is ChannelName {
  return typeof value === 'string' && Object.hasOwn(channels, value);
}
export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && Object.hasOwn(events, value);
}

/** Every reply crosses a boundary as an envelope, never as a thrown error. */
export const ErrorCode = z.enum(['bad-input', 'not-found', 'conflict', 'unavailable', 'internal']);
export type ErrorCode = z.infer<typeof ErrorCode>;
export const Envelope = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({
    ok: z.literal(false),
    error: z.object({
      code: ErrorCode,
      message: z.string(),
      /** The refused fields by their path in the input (`folders.2.path`), so a form can show each by its field. */
      issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  }),
]);
export type Envelope = z.infer<typeof Envelope>;

export { DestinationConfig };
