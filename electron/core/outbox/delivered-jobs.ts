// Delivered jobs that still have work: results to poll from the platform, and the
// after-delivery hook (archive rule) still to run.
import type { CallResult } from '../../../shared/model.js';
import type { JobReads, JobRecord } from './job-row.js';
import type { OutboxDb } from './outbox-db.js';

export interface DeliveredJobs {
  pollDue(now: number, limit: number): JobRecord[];
  saveResult(id: string, result: CallResult | null, pollUntil: number | null): void;
  hookPending(limit: number): JobRecord[];
  clearHook(id: string): void;
}

export function createDeliveredJobs({ db, clock }: OutboxDb, reads: JobReads): DeliveredJobs {
  const pollDue = reads.jobsWhere("state = 'done' AND poll_until IS NOT NULL AND remote_id IS NOT NULL LIMIT ?");
  const hookPending = reads.jobsWhere("hook_pending = 1 AND state = 'done' LIMIT ?");
  const saveResult = db.prepare('UPDATE jobs SET result = ?, poll_until = ?, updated_at = ? WHERE id = ?');
  const clearHook = db.prepare('UPDATE jobs SET hook_pending = 0 WHERE id = ?');
  return {
    pollDue: (_now, limit) => pollDue(limit),
    saveResult(id, result, pollUntil) {
      saveResult.run(result == null ? null : JSON.stringify(result), pollUntil, clock.now(), id);
    },
    hookPending: (limit) => hookPending(limit),
    clearHook(id) {
      clearHook.run(id);
    },
  };
}
