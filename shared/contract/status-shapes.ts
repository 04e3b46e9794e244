// Destination health, folder status, the dashboard and the status line's facts.
import { z } from 'zod';
import { DestinationKind, IsoUtc, stateCounts } from '../model.js';
import { TodayTotals, BacklogEta } from './queue-shapes.js';

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
