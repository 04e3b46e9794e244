// The boundary between the engine and a platform. A destination runs the steps of its protocol;
// the engine gives it durable step storage, a throttled body and a cancellation signal, and
// decides from the thrown error (delivery-errors.ts) whether to retry, fail or ask for review.
import type { Readable } from 'node:stream';
import type { ConnectionTest } from '../../../shared/contract.js';
import type { CallDraft, CallResult, DestinationKind, FieldIssue, RecordingInfo } from '../../../shared/model.js';
import type { Logger } from '../logger.js';

export interface DeliveryJob {
  id: string;
  destination: string;
  recording: RecordingInfo;
  /** Canonical call, folder defaults and the person's edits already merged in. */
  call: CallDraft;
}

/**
 * Durable outputs of completed steps. `commit` writes through to the outbox before returning,
 * under the job's lease (it throws LeaseLostError when the lease is gone), so after a crash the
 * next attempt sees every step that finished and repeats none of them.
 */
export interface StepStore {
  get<T = unknown>(step: string): T | undefined;
  commit(step: string, output: unknown): void;
  /** Forgets a step so it runs again (e.g. an expired presigned URL). */
  clear(step: string): void;
}

/**
 * The progress witness of this job's create (outbox/progress-witness.ts), bound to its
 * destination and call. Absent in tests that run a destination without an outbox.
 */
export interface CreateWitness {
  /** Recovery mode: the outbox was found behind its witness; every create looks up first. */
  recovering(): boolean;
  /** A create for this call may have left before, though the steps may not say so. */
  wasSent(): boolean;
  /** Fsynced before the request leaves; `ref` names what it made, when known (a tus upload URL). */
  recordSent(ref?: string): void;
  /** The `ref` recorded for this call's create, if any. */
  sentRef(): string | null;
  /** The request provably created nothing. */
  retract(): void;
  /** The outbox holds the create's outcome (or its sent marker) again. */
  accounted(): void;
}

export interface DeliveryContext {
  job: DeliveryJob;
  steps: StepStore;
  witness?: CreateWitness;
  signal: AbortSignal;
  log: Logger;
  now(): number;
  /**
   * The recording's bytes from `start`, throttled by the shared bandwidth bucket, counted for
   * progress, and aborted with a TransientError when no byte moves for the stall timeout.
   */
  openBody(start?: number): Readable;
}

export interface DeliveryOutcome {
  remoteId: string | null;
  result: CallResult | null;
  /** True when results appear later and should be polled with fetchResult. */
  pollResults: boolean;
}

export interface Destination {
  readonly name: string;
  readonly kind: DestinationKind;
  /** Canonical call fields this destination needs and accepts, for the review form. */
  readonly fields: { required: string[]; optional: string[] };
  /** Checks the call against the platform's request schema before any request is sent. */
  validate(job: Pick<DeliveryJob, 'recording' | 'call'>): FieldIssue[];
  /**
   * Canonical fields the call leaves empty that the request would still carry, with the value and
   * whether the destination's defaults or a rule (the remote party's number) gave it: the review
   * form shows them as filled instead of asking for them.
   */
  filled?(
    job: Pick<DeliveryJob, 'recording' | 'call'>,
  ): Record<string, { value: string; from: 'destination' | 'derived' }>;
  /** Runs the remaining steps. Throws TransientError, PermanentError or ReviewError. */
  deliver(ctx: DeliveryContext): Promise<DeliveryOutcome>;
  /**
   * Live calls: opens the call (status in-progress) while its recording is still being written.
   * Must commit the same `create-call` step `deliver` runs later, so the call is created once.
   * `ctx.openBody` is not usable here: the file is not final. Optional (comswise has it).
   */
  openLiveCall?(ctx: DeliveryContext): Promise<void>;
  /** Polls the platform for results; null while it has none yet. */
  fetchResult?(remoteId: string, ctx: { signal: AbortSignal; callId: string }): Promise<CallResult | null>;
  /** The cheapest authenticated request that proves base URL and credentials. */
  testConnection(signal: AbortSignal): Promise<ConnectionTest>;
  /** Reachability only: true when the server answers at all. Never throws. */
  probe(signal: AbortSignal): Promise<boolean>;
}
