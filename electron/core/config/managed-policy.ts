// A machine-wide policy set by IT (Group Policy, MDM, a file on a site server), in two parts:
// `enforced` values win over the person's config and cannot be changed from the app;
// `recommended` values fill only what the person has not set. Each part is a subset of the config
// plus the update settings, which only a policy sets. Secrets in a policy are references
// (env:NAME, safe:…), never values: a policy is readable by every account on the machine.
import { z } from 'zod';
import {
  BandwidthConfig,
  DestinationConfig,
  FolderConfig,
  describeIssues,
  type ConfigInput,
} from '../../../shared/config.js';

/** Where updates come from and how; a policy-only setting (never in the person's config). */
export const UpdatePolicy = z
  .object({
    /** `off`: never check; `auto`: download in the background, install when nothing is sending. */
    mode: z.enum(['off', 'auto']).optional(),
    /** Base URL of a generic update server (electron-updater's `generic` provider). */
    url: z
      .url({ protocol: /^https?$/, message: 'expected an http(s) URL such as https://updates.example.com/callrelay' })
      .optional(),
    channel: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,30}$/, 'use a channel name such as latest or beta')
      .optional(),
    /** Only this share of machines takes a new version at first (a staged rollout), 0–100. */
    stagedPercentage: z.number().min(0).max(100).optional(),
  })
  .strict();
export type UpdatePolicy = z.infer<typeof UpdatePolicy>;

const concurrency = z
  .object({
    global: z.number().int().min(1).max(64),
    perDestination: z.number().int().min(1).max(32),
  })
  .partial()
  .strict();
const notifications = z
  .object({ reviewWaiting: z.boolean(), destinationFailingAfterMin: z.number().int().min(1) })
  .partial()
  .strict();
const bandwidth = z
  .object({
    defaultBytesPerSec: BandwidthConfig.shape.defaultBytesPerSec.unwrap(),
    schedule: BandwidthConfig.shape.schedule.unwrap(),
  })
  .partial()
  .strict();

export const PolicyPart = z
  .object({
    destinations: z.array(DestinationConfig),
    folders: z.array(FolderConfig),
    bandwidth,
    concurrency,
    notifications,
    updates: UpdatePolicy,
  })
  .partial()
  .strict();
export type PolicyPart = z.infer<typeof PolicyPart>;

export const Policy = z
  .object({ enforced: PolicyPart.default({}), recommended: PolicyPart.default({}) })
  .strict()
  .superRefine((policy, ctx) => {
    for (const part of ['enforced', 'recommended'] as const) {
      policy[part].destinations?.forEach((d, i) => {
        for (const [key, value] of secretsOf(d.auth as Record<string, unknown>)) {
          if (!value.startsWith('env:') && !value.startsWith('safe:')) {
            ctx.addIssue({
              code: 'custom',
              path: [part, 'destinations', i, 'auth', ...key.split('.')],
              message:
                'a policy may not hold a secret itself (every account on the machine can read it); write env:NAME and set that environment variable for the service or machine',
            });
          }
        }
      });
    }
  });
export type Policy = z.infer<typeof Policy>;

function* secretsOf(auth: Record<string, unknown>, prefix = ''): Generator<[string, string]> {
  for (const [key, value] of Object.entries(auth)) {
    if (typeof value === 'string') yield [`${prefix}${key}`, value];
    else if (value && typeof value === 'object') yield* secretsOf(value as Record<string, unknown>, `${prefix}${key}.`);
  }
}

export class PolicyError extends Error {
  constructor(
    message: string,
    readonly source: string,
  ) {
    super(`The policy from ${source} cannot be used:\n${message}`);
    this.name = 'PolicyError';
  }
}

export function parsePolicy(text: string, source: string): Policy {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PolicyError(`not valid JSON (${(error as Error).message}); check commas and quotes.`, source);
  }
  const parsed = Policy.safeParse(json);
  if (!parsed.success) throw new PolicyError(describeIssues(parsed.error), source);
  return parsed.data;
}

/** The config sections a policy can hold; objects merge by field, lists replace whole. */
const objectSections = ['bandwidth', 'concurrency', 'notifications'] as const;
const listSections = ['destinations', 'folders'] as const;

/**
 * Paths a policy locks: a list section as a whole (`destinations`: an agent can neither edit nor
 * add a destination, so recordings cannot be sent elsewhere), an object section per field
 * (`concurrency.global`), and `updates` per field.
 */
export function lockedPaths(policy: Policy): string[] {
  const { enforced } = policy;
  const paths: string[] = [];
  for (const key of listSections) if (enforced[key]) paths.push(key);
  for (const key of [...objectSections, 'updates'] as const) {
    for (const field of Object.keys(enforced[key] ?? {})) paths.push(`${key}.${field}`);
  }
  return paths;
}

/** recommended < the person's config < enforced, on the config as written (before defaults). */
export function mergePolicy(user: ConfigInput, policy: Policy | null): ConfigInput {
  if (!policy) return user;
  const { enforced, recommended } = policy;
  const out: Record<string, unknown> = { ...user };
  for (const key of listSections) {
    const own = user[key];
    if (enforced[key]) out[key] = enforced[key];
    else if ((own === undefined || own.length === 0) && recommended[key]) out[key] = recommended[key];
  }
  for (const key of objectSections) {
    const merged = { ...recommended[key], ...(user[key] ?? {}), ...enforced[key] };
    if (Object.keys(merged).length > 0) out[key] = merged;
  }
  return out as ConfigInput;
}

/** The update settings in effect: enforced over recommended; off when neither gives a URL. */
export function effectiveUpdates(policy: Policy | null): Required<Pick<UpdatePolicy, 'mode'>> & UpdatePolicy {
  const merged = { ...policy?.recommended.updates, ...policy?.enforced.updates };
  return { ...merged, mode: merged.url ? (merged.mode ?? 'auto') : 'off' };
}
