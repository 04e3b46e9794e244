// How fast calls are being delivered and what that means for the backlog: read by the status line
// (`status:get`), the tray tooltip and the dashboard, so all three give the same time left.
import type { BacklogEta } from '../../../shared/contract.js';
import type { StateCounts } from '../../../shared/model.js';
import type { Outbox } from '../outbox/outbox.js';

/** The recent window the rate is taken over. */
export const PACE_WINDOW_MS = 15 * 60_000;
const MINUTE = 60_000;

/** Local midnight of the host's day: "today" for the status line and the dashboard. */
export function startOfDay(now: number): number {
  const day = new Date(now);
  day.setHours(0, 0, 0, 0);
  return day.getTime();
}

/** Jobs on their way (queued, sending, retrying; not those a pause holds). */
export function jobsToSend(counts: StateCounts): number {
  return counts.queued + counts.running + counts['retry-wait'];
}

/**
 * Deliveries per minute over the last 15 minutes, counted from the first minute that delivered
 * anything: a batch that started 2 minutes ago is not averaged over 15.
 */
export function backlogEta(outbox: Pick<Outbox, 'finishedBuckets'>, counts: StateCounts, now: number): BacklogEta {
  const jobs = jobsToSend(counts);
  const since = now - PACE_WINDOW_MS;
  const buckets = outbox.finishedBuckets('done', since, MINUTE);
  let total = 0;
  let first = Infinity;
  for (const [bucket, n] of buckets) {
    if (n <= 0) continue;
    total += n;
    first = Math.min(first, bucket);
  }
  if (total === 0) return { jobs, perMinute: 0, etaSec: null };
  const minutes = Math.max(1, (now - (since + first * MINUTE)) / MINUTE);
  const perMinute = total / minutes;
  return { jobs, perMinute, etaSec: jobs === 0 ? 0 : (jobs / perMinute) * 60 };
}
