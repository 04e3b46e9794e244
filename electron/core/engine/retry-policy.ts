// The one place that decides what happens after a failed attempt. Destinations only classify
// their failures (delivery-errors.ts); everything about timing lives here.
import { LeaseLostError, PermanentError, ReviewError, TransientError } from '../delivery-errors.js';
import type { FieldIssue } from '../../../shared/model.js';

export interface RetryPolicyOptions {
  /** First backoff ceiling; doubles per consecutive failure. */
  baseMs?: number;
  /** Highest backoff ceiling: an offline site keeps trying at least this often. */
  maxMs?: number;
  /** Longest Retry-After honoured as given; a longer one is capped (a broken header must not park a job for a year). */
  maxRetryAfterMs?: number;
  random?: () => number;
}

export type RetryDecision =
  | { kind: 'retry'; delayMs: number; message: string; unreachable: boolean }
  | { kind: 'failed'; message: string }
  | { kind: 'review'; message: string; issues: FieldIssue[] }
  | { kind: 'lease-lost'; message: string };

export interface RetryPolicy {
  /** `failures` counts consecutive transient failures before this one. */
  decide(error: unknown, failures: number): RetryDecision;
  backoffMs(failures: number): number;
}

/** Full jitter (AWS architecture blog): a uniform delay in [0, min(max, base·2^n)]. */
export function fullJitterDelay(failures: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(failures, 40));
  return Math.floor(random() * ceiling);
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

export function createRetryPolicy(options: RetryPolicyOptions = {}): RetryPolicy {
  const baseMs = options.baseMs ?? 1000;
  const maxMs = options.maxMs ?? 10 * 60_000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 6 * 60 * 60_000;
  const random = options.random ?? Math.random;
  const backoffMs = (failures: number) => fullJitterDelay(failures, baseMs, maxMs, random);

  return {
    backoffMs,
    decide(error, failures) {
      if (error instanceof LeaseLostError) return { kind: 'lease-lost', message: describe(error) };
      if (error instanceof ReviewError) return { kind: 'review', message: describe(error), issues: error.issues };
      if (error instanceof PermanentError) return { kind: 'failed', message: describe(error) };
      if (error instanceof TransientError) {
        const delayMs =
          error.retryAfterMs != null ? Math.min(error.retryAfterMs, maxRetryAfterMs) : backoffMs(failures);
        return { kind: 'retry', delayMs, message: describe(error), unreachable: error.unreachable };
      }
      // Anything unclassified (a network error a destination did not wrap, a bug) is retried
      // with backoff: losing a recording to an unexpected exception is worse than retrying.
      return {
        kind: 'retry',
        delayMs: backoffMs(failures),
        message: `Unexpected error: ${describe(error)}`,
        unreachable: false,
      };
    },
  };
}
