// What the engine tells the metrics as deliveries happen. Kept as a narrow interface so the engine
// does not depend on any metrics library, and a host without metrics passes nothing.
import type { JobRecord } from '../outbox/outbox.js';
import type { RetryDecision } from '../engine/retry-policy.js';

export interface DeliveryObserver {
  /** Bytes of a recording that left for `destination` (counted as they are read into the request). */
  bytesSent(destination: string, bytes: number): void;
  /** A job was delivered (its attempt ended in `done`). */
  delivered(job: JobRecord): void;
  /**
   * An attempt failed; `decision` is what the retry policy made of `error`. A live attempt
   * (opening a call while its file is written) never ends the job, whatever the decision.
   */
  attemptFailed(
    destination: string,
    error: unknown,
    decision: RetryDecision['kind'],
    attempt?: { live: boolean },
  ): void;
}
