// What the scheduler reads to pick the next job: ready jobs per destination and folder, front of
// the line first, through the partial index jobs_ready; and when the next retry falls due.
import type { OutboxDb } from './outbox-db.js';

export interface ReadyJob {
  id: string;
  folder: string | null;
  priority: number;
  seq: number;
}

export interface SchedulerQueries {
  readyFolders(destination: string): (string | null)[];
  readyJobs(destination: string, folder: string | null, now: number, limit: number): ReadyJob[];
  readyDestinations(now: number): string[];
  nextDueAt(): number | null;
  readyCounts(): Map<string, { queued: number; 'retry-wait': number }>;
  /** Makes a destination's waiting retries due now; how many there were. */
  wakeRetries(destination: string): number;
}

export function createSchedulerQueries({ db, clock }: OutboxDb): SchedulerQueries {
  const readyFolders = db.prepare(
    "SELECT DISTINCT folder FROM jobs WHERE destination = ? AND state IN ('queued', 'retry-wait')",
  );
  const readyJobs = db.prepare(`SELECT id, folder, priority, seq FROM jobs INDEXED BY jobs_ready
    WHERE destination = ? AND folder IS ? AND state IN ('queued', 'retry-wait')
      AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
    ORDER BY priority DESC, seq LIMIT ?`);
  const readyDestinations = db.prepare(`SELECT DISTINCT destination FROM jobs WHERE
    (state = 'queued') OR (state = 'retry-wait' AND next_attempt_at <= ?)`);
  const nextDue = db.prepare(
    "SELECT MIN(next_attempt_at) AS at FROM jobs WHERE state = 'retry-wait' OR (state = 'waiting-file' AND next_attempt_at IS NOT NULL)",
  );
  // Read on every queue:changed event (up to 10 a second): from the totals the triggers keep
  // (migration 004), not a count over the backlog, which grew with it (9 s of a 20,000-file intake).
  const readyCounts = db.prepare(
    "SELECT destination, state, n FROM job_totals WHERE state IN ('queued', 'retry-wait') AND n > 0",
  );
  const wakeRetries = db.prepare(
    "UPDATE jobs SET next_attempt_at = ? WHERE destination = ? AND state = 'retry-wait' AND next_attempt_at > ?",
  );
  return {
    readyFolders: (destination) => (readyFolders.all(destination) as { folder: string | null }[]).map((r) => r.folder),
    readyJobs: (destination, folder, now, limit) => readyJobs.all(destination, folder, now, limit) as ReadyJob[],
    readyDestinations: (now) => (readyDestinations.all(now) as { destination: string }[]).map((r) => r.destination),
    nextDueAt: () => (nextDue.get() as { at: number | null }).at,
    readyCounts() {
      const out = new Map<string, { queued: number; 'retry-wait': number }>();
      for (const r of readyCounts.all() as { destination: string; state: 'queued' | 'retry-wait'; n: number }[]) {
        const entry = out.get(r.destination) ?? { queued: 0, 'retry-wait': 0 };
        entry[r.state] = r.n;
        out.set(r.destination, entry);
      }
      return out;
    },
    wakeRetries(destination) {
      const now = clock.now();
      return wakeRetries.run(now, destination, now).changes;
    },
  };
}
