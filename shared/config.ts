// The configuration file's schema. Secrets may be written literally or as `env:NAME`; the host
// resolves references, and the renderer only ever sees the masked form (see SettingsView).
import { z } from 'zod';
import { secret, type DestinationKindSpec } from './destinations/destination-kind.js';
import { destinationKindSpecs } from './destinations/kinds.js';
import { CallDraft } from './model.js';
import { noDestinationNamed } from './no-destination.js';

const name = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'use letters, digits, dot, dash or underscore (max 63)');
const baseUrl = z.url({ protocol: /^https?$/, message: 'expected an http(s) URL such as https://api.example.com/v1' });
const EMPTY_SECRET = 'a secret may not be empty; write the value or env:NAME';

const proxyUrl = z
  .url({ protocol: /^(https?|socks5?)$/, message: 'expected a proxy URL such as http://proxy.corp:3128' })
  .refine((u) => !new URL(u).username && !new URL(u).password, {
    message: 'put proxy credentials in "username" and "password" (env:NAME), not in the URL',
  });
/**
 * How requests leave this machine: "direct", a proxy URL, a proxy with credentials, or a PAC file
 * (`{"pac": "http://wpad/wpad.dat"}`). Credentials are secrets (env:NAME, or stored by Settings).
 */
export const ProxySetting = z.union([
  z.literal('direct'),
  proxyUrl,
  z.object({ url: proxyUrl, username: secret.optional(), password: secret.optional() }).strict(),
  z
    .object({
      pac: z.url({ protocol: /^(https?|file)$/, message: 'expected the PAC file URL, e.g. http://wpad/wpad.dat' }),
      username: secret.optional(),
      password: secret.optional(),
    })
    .strict(),
]);
export type ProxySetting = z.infer<typeof ProxySetting>;
/** A PEM file of extra root certificates to trust (a company's TLS-inspection CA). */
const caFile = z.string().min(1, 'give the path of a PEM file');

/** Platform fields by the platform's own names, e.g. {"agent_id": "agent-7"}. */
const platformDefaults = z.record(z.string(), z.unknown()).default({});

const common = {
  name,
  baseUrl,
  defaults: platformDefaults,
  /** Max transfers at once for this destination. */
  concurrency: z.number().int().min(1).max(32).optional(),
  enabled: z.boolean().default(true),
  /**
   * Set by CallRelay when an update moved baseUrl to another scheme, host or port without new
   * secrets: a secret belongs to the address it was entered for, so the old ones were dropped and
   * the destination sends nothing until they are entered again.
   */
  awaitingSecrets: z.boolean().optional(),
  proxy: ProxySetting.optional(),
  caFile: caFile.optional(),
};

function emptySecrets(auth: unknown, at: (string | number)[] = ['auth']): (string | number)[][] {
  if (typeof auth === 'string') return auth === '' ? [at] : [];
  if (auth === null || typeof auth !== 'object') return [];
  return Object.entries(auth).flatMap(([key, value]) => emptySecrets(value, [...at, key]));
}

/** The secret fields of a destination that are empty (a tus destination may have no header). */
export function missingSecrets(destination: { auth: unknown }): string[] {
  return emptySecrets(destination.auth).map((p) => p.slice(1).join('.'));
}

type CommonFields = typeof common;
/** One kind's config object: the common fields, its `kind`, its `auth` and its own fields. */
type KindConfigSchema<S extends DestinationKindSpec> = z.ZodObject<
  CommonFields & { kind: z.ZodLiteral<S['kind']>; auth: S['auth'] } & S['config'],
  z.core.$strict
>;
type KindConfigSchemas<S extends readonly DestinationKindSpec[]> = { -readonly [I in keyof S]: KindConfigSchema<S[I]> };

/**
 * The destination config union of these kinds. `DestinationConfig` is it for the built-in kinds
 * (shared/destinations/kinds.ts); a test builds it with one more to prove a kind is one spec.
 */
export function destinationConfigSchema<const S extends readonly [DestinationKindSpec, ...DestinationKindSpec[]]>(
  specs: S,
) {
  const options = specs.map((spec) =>
    z.object({ ...common, kind: z.literal(spec.kind), auth: spec.auth, ...spec.config }).strict(),
  ) as unknown as KindConfigSchemas<S>;
  return z.discriminatedUnion('kind', options).superRefine((d, ctx) => {
    if ((d as { awaitingSecrets?: boolean }).awaitingSecrets) return;
    for (const path of emptySecrets((d as { auth: unknown }).auth)) {
      ctx.addIssue({ code: 'custom', path, message: EMPTY_SECRET });
    }
  });
}

export const DestinationConfig = destinationConfigSchema(destinationKindSpecs);
export type DestinationConfig = z.infer<typeof DestinationConfig>;

export const AfterDelivery = z.union([
  z.literal('leave'),
  z.literal('delete'),
  z.object({ moveTo: z.string().min(1) }).strict(),
]);
export type AfterDelivery = z.infer<typeof AfterDelivery>;

/** One agent of the directory: who answers at an extension. */
export const AgentEntry = z
  .object({
    agentId: z.string().min(1).optional(),
    userId: z.string().min(1).optional(),
    name: z.string().min(1).optional(),
  })
  .strict();
export type AgentEntry = z.infer<typeof AgentEntry>;

/**
 * Extension → agent: a path to a CSV file (columns extension, agentId, userId, name; re-read
 * when it changes) or the map itself, e.g. {"101": {"agentId": "a-7", "name": "Asha"}}.
 */
export const AgentDirectoryConfig = z.union([
  z.string().min(1, 'give the CSV file path or a map of extensions'),
  z.record(z.string().regex(/^[A-Za-z0-9*#+._-]{1,32}$/, 'an extension such as 101'), AgentEntry),
]);
export type AgentDirectoryConfig = z.infer<typeof AgentDirectoryConfig>;

const cdrWait = {
  /** How long to wait for a call record the PBX has not written yet (it writes at hang-up). */
  waitMs: z.number().int().min(0).max(600_000).default(30_000),
  /** How often to look again while waiting. */
  pollMs: z.number().int().min(100).max(60_000).default(2_000),
};

/** The PBX's call records, looked up by the recording's unique id (uniqueid or linkedid). */
export const CdrConfig = z.union([
  z
    .object({
      /** mysql://user:password@host:3306/asteriskcdrdb, best as env:NAME. */
      mysql: secret,
      table: z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/, 'a table name such as cdr or asteriskcdrdb.cdr')
        .default('cdr'),
      /** Connect and query timeout. */
      timeoutMs: z.number().int().min(100).max(120_000).default(5_000),
      ...cdrWait,
    })
    .strict(),
  z
    .object({
      /** A CSV export: FreePBX's CDR report (with a header row) or Asterisk's Master.csv. */
      csv: z.string().min(1),
      ...cdrWait,
    })
    .strict(),
]);
export type CdrConfig = z.infer<typeof CdrConfig>;

export const FolderConfig = z
  .object({
    path: z.string().min(1, 'give the folder path'),
    /** Short label for this folder in metrics and dashboards; default: the folder's own name. */
    name: name.optional(),
    destination: name,
    /** A preset name (freepbx, 3cx, ringcentral, zoom-cc, dashed-numeric) or a template string. */
    template: z.string().min(1).optional(),
    /** IANA time zone the recorder writes local times in, e.g. Asia/Kolkata. */
    timezone: z.string().min(1).default('UTC'),
    /** Default region for phone numbers without a country code (ISO 3166 alpha-2, e.g. IN). */
    region: z
      .string()
      .regex(/^[A-Z]{2}$/, 'expected a two-letter country code such as US or IN')
      .optional(),
    recursive: z.boolean().default(true),
    include: z.array(z.string()).default(['**/*.{wav,mp3,m4a,webm,mp4,ogg,opus,flac}']),
    exclude: z.array(z.string()).default([]),
    quietPeriodMs: z.number().int().min(0).max(600_000).default(3000),
    polling: z.boolean().default(false),
    /**
     * How often the whole folder is listed again to catch what change events missed (each such
     * file is logged at warn level); 0 turns the safety net off. Default 60,000 (a minute).
     */
    rescanMs: z.number().int().min(0).max(86_400_000).optional(),
    /** Every recording waits in needs-review until a person confirms it. */
    review: z.boolean().default(false),
    afterDelivery: AfterDelivery.default('leave'),
    /** Canonical call fields applied when nothing else supplies them, e.g. {"direction": "inbound"}. */
    defaults: CallDraft.omit({ callId: true }).partial().default({}),
    /**
     * Create the call in-progress as soon as a recording appears; for kinds with the liveCalls
     * capability (shared/destinations/, today comswise).
     */
    liveCalls: z.boolean().default(false),
    /**
     * Send files that are symlinks to somewhere outside this folder. Off: such a link becomes a
     * failed job naming its target, and the target is never read.
     */
    followSymlinks: z.boolean().optional(),
    /** Extension → agent for this folder; the global `agents` applies where it has no entry. */
    agents: AgentDirectoryConfig.optional(),
    /** Call details from the PBX's own call records. */
    cdr: CdrConfig.optional(),
  })
  .strict();
export type FolderConfig = z.infer<typeof FolderConfig>;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time such as 08:00');

export const BandwidthConfig = z
  .object({
    /** Bytes per second outside any schedule window; null means unlimited. */
    defaultBytesPerSec: z.number().int().positive().nullable().default(null),
    schedule: z
      .array(
        z
          .object({
            from: hhmm,
            to: hhmm,
            /** 0 = Sunday … 6 = Saturday; all days when omitted. */
            days: z.array(z.number().int().min(0).max(6)).optional(),
            bytesPerSec: z.number().int().positive().nullable(),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();
export type BandwidthConfig = z.infer<typeof BandwidthConfig>;

/** Pushing the metrics to an OpenTelemetry collector (OTLP/HTTP); off unless `otlp` is set. */
export const TelemetryConfig = z
  .object({
    /** The collector's OTLP/HTTP address, e.g. http://collector.site:4318 (metrics go to /v1/metrics). */
    otlp: baseUrl.optional(),
    /** This station's name in the fleet (resource attribute `station`); default: the host name. */
    station: name.optional(),
    /** Seconds between pushes. */
    intervalSec: z.number().int().min(1).max(3600).default(30),
  })
  .strict();
export type TelemetryConfig = z.infer<typeof TelemetryConfig>;

export const Config = z
  .object({
    destinations: z.array(DestinationConfig).default([]),
    folders: z.array(FolderConfig).default([]),
    /** Extension → agent for every folder (a folder's own `agents` comes first). */
    agents: AgentDirectoryConfig.optional(),
    bandwidth: BandwidthConfig.default({ defaultBytesPerSec: null, schedule: [] }),
    concurrency: z
      .object({
        global: z.number().int().min(1).max(64).default(4),
        perDestination: z.number().int().min(1).max(32).default(2),
      })
      .strict()
      .default({ global: 4, perDestination: 2 }),
    notifications: z
      .object({
        reviewWaiting: z.boolean().default(true),
        destinationFailingAfterMin: z.number().int().min(1).default(30),
      })
      .strict()
      .default({ reviewWaiting: true, destinationFailingAfterMin: 30 }),
    telemetry: TelemetryConfig.optional(),
    /** Every destination's proxy unless it sets its own; environment variables otherwise. */
    proxy: ProxySetting.optional(),
    /** Extra roots for every destination, added to those of a destination's own caFile. */
    caFile: caFile.optional(),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const names = new Set<string>();
    cfg.destinations.forEach((d, i) => {
      if (names.has(d.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['destinations', i, 'name'],
          message: `destination name "${d.name}" is used twice; names must be unique`,
        });
      }
      names.add(d.name);
    });
    cfg.folders.forEach((f, i) => {
      if (!names.has(f.destination)) {
        ctx.addIssue({
          code: 'custom',
          path: ['folders', i, 'destination'],
          message: noDestinationNamed(f.destination, '; define it under "destinations" or fix the name'),
        });
      }
    });
  });
export type Config = z.infer<typeof Config>;
export type ConfigInput = z.input<typeof Config>;

/** Turns zod issues into one message per line, each naming the field path. */
export function describeIssues(error: z.ZodError, root = ''): string {
  return error.issues
    .map((i) => {
      const path = [root, ...i.path.map(String)].filter(Boolean).join('.');
      return `${path || '(top level)'}: ${i.message}`;
    })
    .join('\n');
}

/** The same issues as a list of {path, message}, for a form to show each next to its field. */
export function issueList(error: z.ZodError, root = ''): { path: string; message: string }[] {
  return error.issues.map((i) => ({
    path: [root, ...i.path.map(String)].filter(Boolean).join('.'),
    message: i.message,
  }));
}
