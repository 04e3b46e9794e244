// The one outcome mapping of an attempt that did not deliver: the verdict (interrupted, refused
// for review, failed, to retry) and the job's next state for it, for a delivery and for a live call.
import type { FieldIssue } from '../../../shared/model.js';
import type { JobRecord, LeaseOutcome, LiveOutcome } from '../outbox/outbox.js';
import type { Runner } from './attempt-context.js';

/** What an attempt that did not succeed comes to, whichever kind of attempt it was. */
export type Verdict =
  | { kind: 'interrupted'; to: NonNullable<Runner['interruptTo']> }
  | { kind: 'review'; message: string; issues: FieldIssue[] }
  | { kind: 'failed'; message: string }
  | { kind: 'retry'; message: string; delayMs: number; unreachable: boolean };

const INTERRUPTED: Record<NonNullable<Runner['interruptTo']>, string> = {
  queued: 'Attempt stopped (engine paused or stopping); it continues from its last committed step',
  paused: 'Paused by a person during an attempt',
  cancelled: 'Cancelled by a person during an attempt',
};

/** A delivery's next state for a verdict. */
export function deliveryOutcome(v: Verdict, job: JobRecord, now: number): LeaseOutcome {
  switch (v.kind) {
    case 'interrupted':
      return {
        to: v.to,
        uncountAttempt: v.to === 'queued',
        event: { type: v.to === 'queued' ? 'interrupted' : v.to, message: INTERRUPTED[v.to] },
      };
    case 'review':
      return {
        to: 'needs-review',
        reviewIssues: v.issues,
        lastError: v.message,
        event: { type: 'needs-review', message: `The platform needs corrections: ${v.message}` },
      };
    case 'failed':
      return { to: 'failed', lastError: v.message, event: { type: 'failed', message: v.message } };
    case 'retry':
      if (v.unreachable) {
        return {
          to: 'queued',
          uncountAttempt: true,
          lastError: v.message,
          // The reason says what is wrong (down, proxy, certificate); "unreachable" would hide it.
          event: { type: 'offline', message: `Waiting for ${job.destination} to come back: ${v.message}` },
        };
      }
      return {
        to: 'retry-wait',
        nextAttemptAt: now + v.delayMs,
        failures: job.failures + 1,
        lastError: v.message,
        event: {
          type: 'retry-wait',
          message: `${v.message}; retrying in ${Math.ceil(v.delayMs / 1000)} s`,
          data: { delayMs: v.delayMs, reason: v.message },
        },
      };
  }
}

/** A live call's outcome for a verdict: the job stays waiting-file whatever happens. */
export function liveOutcome(v: Verdict, job: JobRecord, now: number): LiveOutcome {
  switch (v.kind) {
    case 'interrupted':
      return {
        uncountAttempt: true,
        event: { type: 'interrupted', message: 'Opening the live call was stopped; it is tried again later' },
      };
    case 'review':
    case 'failed':
      // Not worth repeating early; delivery creates the call once the file is final, and a
      // refusal then reaches a person through needs-review or failed.
      return {
        stop: true,
        lastError: v.message,
        event: {
          type: 'live-stopped',
          message: `The call could not be opened early (${v.message}); it is created when the recording is finished`,
        },
      };
    case 'retry':
      return {
        nextAttemptAt: now + v.delayMs,
        failures: job.failures + 1,
        lastError: v.message,
        ...(v.unreachable ? { uncountAttempt: true } : {}),
        event: {
          type: 'live-retry',
          message: `${v.message}; opening the call again in ${Math.ceil(v.delayMs / 1000)} s`,
          data: { delayMs: v.delayMs, reason: v.message },
        },
      };
  }
}
