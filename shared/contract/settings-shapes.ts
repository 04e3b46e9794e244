// Settings as the renderer sees and changes them (secrets only masked).
import { z } from 'zod';
import { BandwidthConfig, Config, FolderConfig, TelemetryConfig } from '../config.js';
import { DestinationKind } from '../model.js';

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
