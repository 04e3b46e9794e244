// What the dashboard and a metrics scrape read: a few rows through indexes and trigger-kept
// totals (migration 4), whatever the queue size.
import type { JobState } from '../../../shared/model.js';
import { failureReasonSql } from './failure-reasons.js';
import { waitingStates } from './job-states.js';
import type { OutboxDb } from './outbox-db.js';

export interface JobTotals {
  destination: string;
  state: JobState;
  jobs: number;
  bytes: number;
}

export interface DashboardQueries {
  oldestWaitingAt(): number | null;
  finishedBuckets(type: 'done' | 'failed', since: number, bucketMs: number): Map<number, number>;
  failuresByReason(limit: number): { reason: string; count: number }[];
  totals(): JobTotals[];
  oldestWaitingFor(destination: string): number | null;
  /** The job waiting longest (the first by arrival of each waiting state), for the dashboard's link. */
  oldestWaitingJob(): { id: string; fileName: string; createdAt: number } | null;
  /** Jobs delivered and failed that finished since `since`, and the delivered recordings' bytes. */
  finishedSince(since: number): { done: number; failed: number; bytes: number };
  /** Jobs failed now, per bucket of when they failed (refusals at intake included). */
  failedJobBuckets(since: number, bucketMs: number): Map<number, number>;
}

export function createDashboardQueries({ db }: OutboxDb): DashboardQueries {
  const oldestWaiting = db.prepare(
    `SELECT MIN(created_at) AS at FROM jobs WHERE state IN (${waitingStates.map(() => '?').join(', ')})`,
  );
  const buckets = db.prepare(
    'SELECT CAST((at - ?) / ? AS INTEGER) AS bucket, COUNT(*) AS n FROM events WHERE type = ? AND at >= ? GROUP BY bucket',
  );
  const failures = db.prepare(`SELECT ${failureReasonSql} AS reason, COUNT(*) AS count
    FROM jobs WHERE state = 'failed' GROUP BY reason ORDER BY count DESC LIMIT ?`);
  const totals = db.prepare('SELECT destination, state, n AS jobs, bytes FROM job_totals WHERE n > 0');
  // One index probe per waiting state (jobs_destination_state), never a scan of the backlog.
  const oldestWaitingFor = db.prepare(
    `SELECT MIN(at) AS at FROM (${waitingStates
      .map(
        (s) =>
          `SELECT (SELECT created_at FROM jobs WHERE destination = @destination AND state = '${s}' ORDER BY seq LIMIT 1) AS at`,
      )
      .join(' UNION ALL ')})`,
  );
  // One index probe per waiting state (jobs_state), then the earliest of those few.
  const oldestWaitingJob = db.prepare(
    `SELECT id, file_name AS fileName, created_at AS createdAt FROM (${waitingStates
      .map(
        (s) => `SELECT * FROM (SELECT id, file_name, created_at FROM jobs WHERE state = '${s}' ORDER BY seq LIMIT 1)`,
      )
      .join(' UNION ALL ')}) ORDER BY created_at LIMIT 1`,
  );
  // Index ranges of jobs_finished (migration 6), whatever the size of the history.
  const finishedSince = db.prepare(`SELECT state, COUNT(*) AS n, COALESCE(SUM(MAX(size, 0)), 0) AS bytes
    FROM jobs WHERE state IN ('done', 'failed') AND finished_at >= ? GROUP BY state`);
  const failedBuckets = db.prepare(`SELECT CAST((finished_at - ?) / ? AS INTEGER) AS bucket, COUNT(*) AS n
    FROM jobs WHERE state = 'failed' AND finished_at >= ? GROUP BY bucket`);
  return {
    oldestWaitingJob: () =>
      (oldestWaitingJob.get() as { id: string; fileName: string; createdAt: number } | undefined) ?? null,
    finishedSince(since) {
      const out = { done: 0, failed: 0, bytes: 0 };
      for (const row of finishedSince.all(since) as { state: 'done' | 'failed'; n: number; bytes: number }[]) {
        out[row.state] = row.n;
        if (row.state === 'done') out.bytes = row.bytes;
      }
      return out;
    },
    failedJobBuckets(since, bucketMs) {
      const rows = failedBuckets.all(since, bucketMs, since) as { bucket: number; n: number }[];
      return new Map(rows.map((r) => [Math.floor(r.bucket), r.n]));
    },
    oldestWaitingAt: () => (oldestWaiting.get(...waitingStates) as { at: number | null }).at,
    finishedBuckets(type, since, bucketMs) {
      const rows = buckets.all(since, bucketMs, type, since) as { bucket: number; n: number }[];
      return new Map(rows.map((r) => [Math.floor(r.bucket), r.n]));
    },
    failuresByReason: (limit) => failures.all(limit) as { reason: string; count: number }[],
    totals: () => totals.all() as JobTotals[],
    oldestWaitingFor: (destination) => (oldestWaitingFor.get({ destination }) as { at: number | null }).at,
  };
}
