// The one context a destination works in, for a delivery and for a live call alike: the job, a
// step store that commits each output under the lease, the exactly-once witness, the abort
// signal, a logger and the body opener (a live call has no final bytes to open yet).
import type { Readable } from 'node:stream';
import { stepEventText } from '../step-words.js';
import type { JobState } from '../../../shared/model.js';
import { LeaseLostError } from '../delivery-errors.js';
import type { CreateWitness, DeliveryContext, StepStore } from '../destinations/destination.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { JobRecord, Outbox } from '../outbox/outbox.js';
import type { RecoveryGuard } from '../outbox/outbox-recovery.js';

/** One running attempt, as the engine tracks it. */
export interface Runner {
  id: string;
  destination: string;
  folder: string | null;
  leaseId: string;
  controller: AbortController;
  /** Set when a person or the engine stops the attempt: the state the job moves to. */
  interruptTo: Extract<JobState, 'paused' | 'cancelled' | 'queued'> | null;
  done: Promise<JobState | null>;
  openBodies: number;
}

export interface AttemptContextOptions {
  outbox: Outbox;
  clock: Clock;
  /** The outbox's progress witness and recovery mode, around every create. */
  recovery?: RecoveryGuard;
}

export interface AttemptContextInput {
  job: JobRecord;
  runner: Runner;
  log: Logger;
  leaseLost(): boolean;
  openBody(start?: number): Readable;
}

export function createAttemptContext(options: AttemptContextOptions, input: AttemptContextInput): DeliveryContext {
  const { job, runner } = input;
  return {
    job: { id: job.id, destination: job.destination, recording: job.recording, call: job.call },
    steps: leasedSteps(options.outbox, job, runner, input.leaseLost),
    witness: witnessOf(options.recovery, job),
    signal: runner.controller.signal,
    log: input.log,
    now: () => options.clock.now(),
    openBody: input.openBody,
  };
}

/**
 * The step store a destination writes through: every output is committed to the outbox under
 * the runner's lease before the next step starts, and nothing is written once the lease is lost.
 */
function leasedSteps(outbox: Outbox, job: JobRecord, runner: Runner, leaseLost: () => boolean): StepStore {
  let steps: Record<string, unknown> = { ...job.steps };
  let current: string | null = job.step;
  const holdLease = () => {
    if (leaseLost()) throw new LeaseLostError(`The lease on job ${job.id} was taken back`);
  };
  return {
    get: <T>(name: string) => steps[name] as T | undefined,
    commit(name, output) {
      holdLease();
      const next = { ...steps, [name]: output === undefined ? null : output };
      outbox.commitSteps(job.id, runner.leaseId, next, name, stepEventText(name, 'done'));
      steps = next;
      current = name;
    },
    clear(name) {
      holdLease();
      if (!(name in steps)) return;
      const next = { ...steps };
      delete next[name];
      outbox.commitSteps(job.id, runner.leaseId, next, current, stepEventText(name, 'again'));
      steps = next;
    },
  };
}

function witnessOf(guard: RecoveryGuard | undefined, job: JobRecord): CreateWitness | undefined {
  if (!guard) return undefined;
  const { destination } = job;
  // Read at each call: a person may have changed the callId in the review form.
  const callId = () => job.call.callId;
  return {
    recovering: () => guard.recovering(),
    wasSent: () => guard.wasSent(destination, callId()),
    recordSent: (ref) => guard.recordSent(destination, callId(), job.id, ref),
    sentRef: () => guard.refOf(destination, callId()),
    retract: () => guard.retract(destination, callId()),
    accounted: () => guard.accounted(destination, callId()),
  };
}
