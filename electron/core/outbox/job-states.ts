// The job state machine of docs/ARCHITECTURE.md. The outbox refuses any transition not listed here, so a
// control pressed at the wrong moment (cancel on a delivered job) is a no-op, never a corruption.
import type { JobState } from '../../../shared/model.js';

export const transitions: Record<JobState, readonly JobState[]> = {
  'waiting-file': ['needs-review', 'queued', 'failed', 'cancelled', 'duplicate'],
  'needs-review': ['needs-review', 'queued', 'failed', 'cancelled'],
  queued: ['running', 'paused', 'cancelled', 'needs-review', 'failed'],
  // running → queued: the lease was taken back, or the destination went offline mid-attempt.
  running: ['done', 'failed', 'retry-wait', 'needs-review', 'queued', 'paused', 'cancelled'],
  'retry-wait': ['running', 'queued', 'paused', 'cancelled', 'needs-review', 'failed'],
  paused: ['queued', 'cancelled', 'needs-review'],
  // failed → duplicate: a retry re-read the file and found content another job already has.
  failed: ['queued', 'cancelled', 'needs-review', 'duplicate'],
  cancelled: ['queued', 'needs-review'],
  done: [],
  // Only "send anyway", on purpose: it becomes a resend of the job that has the content.
  duplicate: ['queued'],
};

export function canTransition(from: JobState, to: JobState): boolean {
  return transitions[from].includes(to);
}

/**
 * Whether a write may leave a job that is in `from` in state `to`: a transition listed above, or
 * no transition at all (the state stays) for a job that can still change. A job in a state with no
 * way out (done) is never written by a control.
 */
export function mayMove(from: JobState, to: JobState): boolean {
  return from === to ? transitions[from].length > 0 : canTransition(from, to);
}

/**
 * The `state IN (...)` guard of a conditional update that moves jobs to `to`: the states of
 * `from` (all of them by default) that this table lets move there. Every state change the outbox
 * makes is guarded by this, so a transition missing from the table is refused by the database
 * write itself.
 */
export function guardSql(to: JobState, from: readonly JobState[] = statesLeadingTo(to)): string {
  const allowed = from.filter((state) => canTransition(state, to));
  return allowed.length > 0 ? `state IN (${allowed.map((state) => `'${state}'`).join(', ')})` : 'FALSE';
}

/** Every state a job may be in to move to `to` (used as the guard of conditional updates). */
export function statesLeadingTo(to: JobState): JobState[] {
  return (Object.keys(transitions) as JobState[]).filter((from) => transitions[from].includes(to));
}

/** States in which a job still waits for something to happen (for "oldest waiting"). */
export const waitingStates: readonly JobState[] = [
  'waiting-file',
  'needs-review',
  'queued',
  'running',
  'retry-wait',
  'paused',
];
