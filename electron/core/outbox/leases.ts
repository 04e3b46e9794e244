// A job runs under a lease: only the holder of its lease id may commit its steps or end its
// attempt, and a lease that expired or whose owner is gone is taken back, the job continuing
// from its last committed step (docs/ARCHITECTURE.md, "Steps, leases and resume").
import type { CallResult, FieldIssue, JobState } from '../../../shared/model.js';
import { LeaseLostError } from '../delivery-errors.js';
import { guardSql } from './job-states.js';
import type { EventInput } from './job-events.js';
import type { JobRecord } from './job-row.js';
import type { OutboxDb } from './outbox-db.js';

export interface Lease {
  leaseId: string;
  owner: string;
  expiresAt: number;
}

/** A transition made by the holder of a job's lease at the end of an attempt. */
export interface LeaseOutcome {
  to: Extract<JobState, 'done' | 'failed' | 'retry-wait' | 'needs-review' | 'queued' | 'paused' | 'cancelled'>;
  event: EventInput;
  lastError?: string | null;
  nextAttemptAt?: number | null;
  reviewIssues?: FieldIssue[];
  remoteId?: string | null;
  result?: CallResult | null;
  pollUntil?: number | null;
  hookPending?: boolean;
  /** Consecutive transient failures after this attempt (drives the backoff). */
  failures?: number;
  /** An attempt that never reached the server is not counted. */
  uncountAttempt?: boolean;
}

export interface Leases {
  acquire(id: string, lease: Lease): JobRecord | null;
  renewLease(id: string, leaseId: string, expiresAt: number): boolean;
  commitSteps(id: string, leaseId: string, steps: Record<string, unknown>, step: string | null, event?: string): void;
  finishUnderLease(id: string, leaseId: string, outcome: LeaseOutcome): boolean;
  reclaimLeases(isOwnerGone: (owner: string) => boolean, held: ReadonlySet<string>): string[];
}

/** The optional columns an outcome may set, with how each is stored. */
const outcomeColumns: [keyof LeaseOutcome, string, (v: unknown) => unknown][] = [
  ['lastError', 'last_error', (v) => v],
  ['nextAttemptAt', 'next_attempt_at', (v) => v],
  ['reviewIssues', 'review_issues', (v) => JSON.stringify(v)],
  ['remoteId', 'remote_id', (v) => v],
  ['result', 'result', (v) => (v == null ? null : JSON.stringify(v))],
  ['pollUntil', 'poll_until', (v) => v],
  ['hookPending', 'hook_pending', (v) => (v ? 1 : 0)],
  ['failures', 'failures', (v) => v],
];

export function createLeases({ db, clock, events, getJob }: OutboxDb): Leases {
  const acquire = db.prepare(`UPDATE jobs SET state = 'running', lease_id = ?, lease_owner = ?, lease_expires_at = ?,
      attempts = attempts + 1, next_attempt_at = NULL, updated_at = ?
    WHERE id = ? AND ${guardSql('running', ['queued', 'retry-wait'])} AND (next_attempt_at IS NULL OR next_attempt_at <= ?)`);
  // A live job holds its lease while it stays waiting-file (its call is opened before the file is final).
  const renew = db.prepare(
    "UPDATE jobs SET lease_expires_at = ? WHERE id = ? AND lease_id = ? AND state IN ('running', 'waiting-file')",
  );
  const commitSteps = db.prepare(
    "UPDATE jobs SET steps = ?, step = ?, updated_at = ? WHERE id = ? AND lease_id = ? AND state IN ('running', 'waiting-file')",
  );
  const running = db.prepare("SELECT id, lease_owner, lease_expires_at FROM jobs WHERE state = 'running'");
  const reclaim = db.prepare(`UPDATE jobs SET state = 'queued', lease_id = NULL, lease_owner = NULL,
      lease_expires_at = NULL, updated_at = ? WHERE id = ? AND ${guardSql('queued', ['running'])} AND lease_id IS ?`);

  return {
    acquire(id, lease) {
      const now = clock.now();
      if (acquire.run(lease.leaseId, lease.owner, lease.expiresAt, now, id, now).changes !== 1) return null;
      const record = getJob(id)!;
      events.add(id, 'attempt', `Attempt ${record.attempts} started`, { lease: lease.leaseId });
      return record;
    },

    renewLease: (id, leaseId, expiresAt) => renew.run(expiresAt, id, leaseId).changes === 1,

    commitSteps(id, leaseId, steps, step, event) {
      const info = commitSteps.run(JSON.stringify(steps), step, clock.now(), id, leaseId);
      if (info.changes !== 1) {
        throw new LeaseLostError(`The lease on job ${id} was taken back; this worker stops without writing.`);
      }
      if (event) events.add(id, 'step', event);
    },

    finishUnderLease(id, leaseId, o) {
      const sets = [
        'state = @to',
        'lease_id = NULL',
        'lease_owner = NULL',
        'lease_expires_at = NULL',
        'updated_at = @now',
      ];
      const now = clock.now();
      const params: Record<string, unknown> = { to: o.to, now, id, leaseId };
      for (const [key, column, encode] of outcomeColumns) {
        if (o[key] !== undefined) {
          sets.push(`${column} = @${column}`);
          params[column] = encode(o[key]);
        }
      }
      if (o.uncountAttempt) sets.push('attempts = MAX(attempts - 1, 0)');
      if (o.to === 'done' || o.to === 'failed' || o.to === 'cancelled') sets.push('finished_at = @now');
      const info = db
        .prepare(
          `UPDATE jobs SET ${sets.join(', ')} WHERE id = @id AND lease_id = @leaseId AND ${guardSql(o.to, ['running'])}`,
        )
        .run(params);
      if (info.changes !== 1) return false;
      events.addOrFold(id, o.event, now);
      return true;
    },

    reclaimLeases(isOwnerGone, held) {
      const now = clock.now();
      const taken: string[] = [];
      const rows = running.all() as { id: string; lease_owner: string | null; lease_expires_at: number | null }[];
      for (const row of rows) {
        if (held.has(row.id)) continue;
        const expired = row.lease_expires_at == null || row.lease_expires_at <= now;
        if (!expired && !(row.lease_owner && isOwnerGone(row.lease_owner))) continue;
        const current = getJob(row.id)!;
        if (reclaim.run(now, row.id, current.leaseId).changes === 1) {
          events.add(
            row.id,
            'lease-reclaimed',
            'The previous attempt stopped (process ended or lease expired); the job continues from its last committed step',
            { owner: row.lease_owner },
          );
          taken.push(row.id);
        }
      }
      return taken;
    },
  };
}
