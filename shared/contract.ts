// The one contract between the renderer and a host (Electron IPC or headless HTTP + SSE).
// Every call is `domain:verb` with an input and an output schema; every pushed event has a schema.
// Hosts parse every input; the client parses every output. Types are inferred from here only.
import { z } from 'zod';
import { BandwidthConfig, Config, DestinationConfig, FolderConfig, TelemetryConfig } from './config.js';
import {
  CallDraft,
  CallPatch,
  DestinationKind,
  FieldIssue,
  IsoUtc,
  JobDetail,
  JobState,
  JobSummary,
  stateCounts,
} from './model.js';

const JobId = z.string().min(1).max(100);
const JobIds = z.array(JobId).min(1).max(10_000);
const Empty = z.object({}).strict().default({});
const Updated = z.object({ updated: z.number().int().nonnegative() });

/**
 * The columns a queue can be sorted by, whatever its size: the host sorts the whole queue (not
 * only the page on screen) and pages through it with a keyset cursor. Only these names reach SQL.
 */
export const queueSortColumns = [
  'created',
  'callTime',
  'fileName',
  'customer',
  'agent',
  'destination',
  'state',
  'attempts',
  'lastError',
] as const;
export const QueueSort = z
  .object({ column: z.enum(queueSortColumns), direction: z.enum(['asc', 'desc']).default('desc') })
  .strict();
export type QueueSort = z.input<typeof QueueSort>;

export const QueueListInput = z
  .object({
    states: z.array(JobState).optional(),
    destination: z.string().optional(),
    folder: z.string().optional(),
    /** Matches file name, phone numbers and call id (case-insensitive substring). */
    search: z.string().max(200).optional(),
    /** Call time range, inclusive, ISO UTC. */
    since: IsoUtc.optional(),
    until: IsoUtc.optional(),
    /** Failed jobs whose reason (file name left out) is this one, as "Failures by reason" lists it. */
    reason: z.string().max(2000).optional(),
    /** Newest first when absent. */
    sort: QueueSort.optional(),
    /** Opaque cursor from a previous page's nextCursor. */
    cursor: z.string().max(200).optional(),
    limit: z.number().int().min(1).max(1000).default(100),
  })
  .strict();
export type QueueListInput = z.input<typeof QueueListInput>;

/** The queue view as a CSV file: the same filters and order as the table, every page. */
export const QueueExportInput = QueueListInput.omit({ cursor: true, limit: true });
export type QueueExportInput = z.input<typeof QueueExportInput>;
export const QueueExport = z.object({
  fileName: z.string(),
  csv: z.string(),
  rows: z.number().int().nonnegative(),
  /** More jobs matched than one export holds (queueExportLimit); narrow the filters. */
  truncated: z.boolean(),
});
export type QueueExport = z.infer<typeof QueueExport>;
export const queueExportLimit = 200_000;

/** Delivered and failed since local midnight, and the delivered recordings' bytes. */
export const TodayTotals = z.object({
  delivered: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  bytes: z.number().nonnegative(),
});
export type TodayTotals = z.infer<typeof TodayTotals>;

/** What is waiting to be sent and when it will be, at the rate of the last 15 minutes. */
export const BacklogEta = z.object({
  jobs: z.number().int().nonnegative(),
  /** Deliveries per minute over the recent window; 0 when nothing was delivered lately. */
  perMinute: z.number().nonnegative(),
  /** null when there is no recent rate to go by. */
  etaSec: z.number().nonnegative().nullable(),
});
export type BacklogEta = z.infer<typeof BacklogEta>;

/** A secret as the renderer sees it: never the value, only whether it is set and its tail. */
export const MaskedSecret = z.object({ set: z.boolean(), hint: z.string().nullable() });
export type MaskedSecret = z.infer<typeof MaskedSecret>;

export const DestinationView = z.object({
  name: z.string(),
  kind: DestinationKind,
  baseUrl: z.string(),
  defaults: z.record(z.string(), z.unknown()),
  concurrency: z.number().int().optional(),
  enabled: z.boolean(),
  /**
   * Its base URL moved to another origin and its secrets were dropped: it sends nothing until
   * they are entered again for the new address.
   */
  awaitingSecrets: z.boolean().optional(),
  /** Same keys as the config's auth, values masked. */
  auth: z.record(z.string(), z.union([MaskedSecret, z.record(z.string(), MaskedSecret)])),
});
export type DestinationView = z.infer<typeof DestinationView>;

export const SettingsView = z.object({
  destinations: z.array(DestinationView),
  folders: z.array(FolderConfig),
  bandwidth: BandwidthConfig,
  concurrency: Config.shape.concurrency,
  notifications: Config.shape.notifications,
  /** Metrics push to a collector; absent when off. */
  telemetry: TelemetryConfig.optional(),
  /** Where the settings are saved, for the person to know. */
  source: z.string(),
  /**
   * The machine's managed policy, when there is one: where it comes from, the settings it locks
   * (`destinations`, `concurrency.global`…) and what is wrong with it when it cannot be used.
   */
  policy: z
    .object({ source: z.string(), locked: z.array(z.string()), error: z.string().nullable() })
    .nullable()
    .default(null),
});
export type SettingsView = z.infer<typeof SettingsView>;

/**
 * A destination as the settings form sends it. Secrets are write-only: an auth value left out
 * (or a header left out for tus) keeps the stored one.
 */
export const DestinationInput = z.object({
  name: z.string(),
  kind: DestinationKind,
  baseUrl: z.string(),
  defaults: z.record(z.string(), z.unknown()).optional(),
  concurrency: z.number().int().optional(),
  enabled: z.boolean().optional(),
  auth: z.record(z.string(), z.union([z.string(), z.record(z.string(), z.string())])).optional(),
});
export type DestinationInput = z.infer<typeof DestinationInput>;

export const SettingsUpdate = z
  .object({
    destinations: z.array(DestinationInput).optional(),
    folders: z.array(FolderConfig.partial().extend({ path: z.string(), destination: z.string() })).optional(),
    bandwidth: BandwidthConfig.optional(),
    concurrency: Config.shape.concurrency.optional(),
    notifications: Config.shape.notifications.optional(),
    /** null turns the metrics push off. */
    telemetry: TelemetryConfig.nullable().optional(),
  })
  .strict();
export type SettingsUpdate = z.input<typeof SettingsUpdate>;

export const DestinationHealth = z.object({
  name: z.string(),
  kind: DestinationKind,
  online: z.boolean(),
  paused: z.boolean(),
  lastSuccessAt: IsoUtc.nullable(),
  lastError: z.string().nullable(),
  offlineSince: IsoUtc.nullable(),
  /** From what actually happens: recent attempts failing = degraded; probe or every attempt failing = down. */
  health: z.enum(['online', 'degraded', 'down']).default('online'),
  /** When the destination entered its current health. */
  since: IsoUtc.nullable().default(null),
});
export type DestinationHealth = z.infer<typeof DestinationHealth>;

export const FolderStatus = z.object({
  path: z.string(),
  destination: z.string(),
  available: z.boolean(),
  error: z.string().nullable(),
  filesSeen: z.number().int().nonnegative(),
});
export type FolderStatus = z.infer<typeof FolderStatus>;

export const Dashboard = z.object({
  counts: stateCounts,
  oldestWaitingAt: IsoUtc.nullable(),
  /** Deliveries per bucket; hour = 12 × 5 min, day = 24 × 1 h, oldest first. */
  throughputHour: z.array(z.object({ at: IsoUtc, done: z.number().int(), failed: z.number().int() })),
  throughputDay: z.array(z.object({ at: IsoUtc, done: z.number().int(), failed: z.number().int() })),
  failuresByReason: z.array(z.object({ reason: z.string(), count: z.number().int() })),
  destinations: z.array(DestinationHealth),
  folders: z.array(FolderStatus),
  paused: z.boolean(),
  /** Conditions a supervisor must see before anything else (a damaged outbox, a full disk). */
  warnings: z.array(z.object({ kind: z.string(), message: z.string() })).optional(),
  /** The job waiting longest, so the dashboard can link to it. */
  oldestWaiting: z.object({ id: z.string(), fileName: z.string(), at: IsoUtc }).nullable().optional(),
  today: TodayTotals.optional(),
  backlog: BacklogEta.optional(),
});
export type Dashboard = z.infer<typeof Dashboard>;

/** The few facts behind the status line and the tray tooltip (shared/status-summary.ts). */
export const StatusSnapshot = z.object({
  counts: stateCounts,
  paused: z.boolean(),
  destinations: z.array(DestinationHealth),
  deliveredToday: z.number().int().nonnegative(),
  backlog: BacklogEta,
  at: IsoUtc,
});
export type StatusSnapshot = z.infer<typeof StatusSnapshot>;

export const MetadataPreview = z.object({
  fields: CallDraft.partial(),
  /** Which source supplied each field: filename, sidecar, folder-default, probe, mtime. */
  sources: z.record(z.string(), z.string()),
  missing: z.array(FieldIssue),
  error: z.string().nullable(),
});
export type MetadataPreview = z.infer<typeof MetadataPreview>;

export const ConnectionTest = z.object({
  status: z.enum(['ok', 'unreachable', 'bad-credentials', 'error']),
  message: z.string(),
  latencyMs: z.number().nonnegative().nullable(),
});
export type ConnectionTest = z.infer<typeof ConnectionTest>;

/** One step of the network doctor: how far a connection to a destination got, and how long it took. */
export const NetworkStep = z.object({
  step: z.enum(['proxy', 'dns', 'tcp', 'tunnel', 'tls', 'request']),
  status: z.enum(['ok', 'failed', 'skipped']),
  ms: z.number().nonnegative().nullable(),
  detail: z.string(),
});
export type NetworkStep = z.infer<typeof NetworkStep>;

export const NetworkDiagnosis = z.object({
  destination: z.string(),
  url: z.string(),
  /** The proxy decision for the base URL; never carries credentials. */
  proxy: z
    .object({
      kind: z.enum(['direct', 'proxy']),
      proxy: z.string().nullable(),
      source: z.enum(['config', 'pac', 'system', 'env', 'default']),
      reason: z.string(),
      withCredentials: z.boolean(),
    })
    .nullable(),
  tls: z
    .object({
      subject: z.string(),
      issuer: z.string(),
      validTo: z.string(),
      trustedBy: z.string().nullable(),
      protocol: z.string().nullable(),
    })
    .nullable(),
  steps: z.array(NetworkStep),
  ok: z.boolean(),
  /** The first failing step in plain words, or null when every step passed. */
  firstFailure: z.string().nullable(),
});
export type NetworkDiagnosis = z.infer<typeof NetworkDiagnosis>;

export const NetworkReport = z.object({
  destinations: z.array(NetworkDiagnosis),
  /** The certificate sources the core trusts (counts, not the certificates). */
  trust: z.array(z.object({ label: z.string(), certificates: z.number().int().nonnegative() })),
  at: IsoUtc,
});
export type NetworkReport = z.infer<typeof NetworkReport>;

function channel<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

export const AppAbout = z.object({
  version: z.string(),
  /** Where it runs: the desktop app or `callrelay serve`. */
  host: z.enum(['desktop', 'headless']),
  update: z
    .object({
      /** off: updates are turned off by policy or not configured. */
      mode: z.enum(['off', 'auto']),
      channel: z.string().nullable(),
      /** A downloaded version waiting to be installed (when nothing is being sent), else null. */
      waiting: z.string().nullable(),
      /** Why it waits, or why no update was taken, in a sentence. */
      note: z.string().nullable(),
    })
    .nullable(),
});
export type AppAbout = z.infer<typeof AppAbout>;

/** Where a value the review form did not ask for comes from. */
export const FilledFrom = z.enum(['destination', 'folder', 'recording', 'derived']);
/**
 * What a job in review lacks, by the rule the core itself applies to hold it (the destination's
 * own check of the call as it would be sent), and what is already filled and by whom.
 */
export const ReviewCheck = z.object({
  id: JobId,
  missing: z.array(FieldIssue),
  filled: z.array(z.object({ field: z.string(), value: z.string(), from: FilledFrom })),
});
export type ReviewCheck = z.infer<typeof ReviewCheck>;

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
