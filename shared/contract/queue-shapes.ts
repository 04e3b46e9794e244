// The queue table: its order, its filters, its CSV export; today's totals and time left.
import { z } from 'zod';
import { IsoUtc, JobState } from '../model.js';

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
