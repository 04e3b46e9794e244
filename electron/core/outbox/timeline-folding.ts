// Repeated identical failures fold into one timeline row with a count and the first and last
// time ("HTTP 503 × 111, 19:41–19:44"), so a job retried for a day keeps a readable timeline and
// the events table does not grow by two rows per attempt.
import type Database from 'better-sqlite3';

/** Event types of a failed attempt that is tried again; only these fold. */
export const foldingTypes = new Set(['retry-wait', 'live-retry']);

interface EventRow {
  id: number;
  at: number;
  type: string;
  data: string | null;
}

export interface FoldData {
  reason: string;
  count: number;
  firstAt: number;
  lastAt: number;
}

export interface TimelineFolding {
  /**
   * Called inside the transaction that ends an attempt, instead of inserting its event. Returns
   * true when the event was folded into the previous identical failure: that row's count and last
   * time grow and the start-of-attempt row in between is dropped.
   */
  fold(jobId: string, type: string, reason: string, message: string, at: number): boolean;
}

export function createTimelineFolding(db: Database.Database): TimelineFolding {
  const lastTwo = db.prepare('SELECT id, at, type, data FROM events WHERE job_id = ? ORDER BY id DESC LIMIT 2');
  const update = db.prepare('UPDATE events SET message = ?, data = ? WHERE id = ?');
  const drop = db.prepare('DELETE FROM events WHERE id = ?');
  return {
    fold(jobId, type, reason, message, at) {
      if (!foldingTypes.has(type)) return false;
      const rows = lastTwo.all(jobId) as EventRow[];
      // The attempt that just failed left its start row on top; under it, the previous failure.
      const [start, previous] = rows;
      if (!start || !previous || start.type !== 'attempt' || previous.type !== type) return false;
      const data = previous.data ? (JSON.parse(previous.data) as Record<string, unknown>) : {};
      const prior = data.fold as FoldData | undefined;
      const previousReason = prior?.reason ?? (typeof data.reason === 'string' ? data.reason : null);
      if (previousReason !== reason) return false;
      const fold: FoldData = {
        reason,
        count: (prior?.count ?? 1) + 1,
        firstAt: prior?.firstAt ?? previous.at,
        lastAt: at,
      };
      update.run(message, JSON.stringify({ ...data, reason, fold }), previous.id);
      drop.run(start.id);
      return true;
    },
  };
}
