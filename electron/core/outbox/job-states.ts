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
