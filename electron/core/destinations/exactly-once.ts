// Creating a call is the one step that must never happen twice. The rule: commit a "sent" marker
// before the request leaves, the result right after it returns. A later attempt that finds the
// marker without a result does not know whether the platform acted, so it must prove the call
// absent (look it up, or lean on the platform's own idempotency key) before sending again, or
// stop and tell a person. The transport tells us when a failed request cannot have been acted on
// (refused, body cut short, or an error status), and only then is the marker cleared.
//
// A second witness outside the outbox (CreateWitness) covers the outbox itself losing the marker:
// when it says a create left that the steps do not show, or the outbox was found behind it, the
// create takes the recover path first, and a kind that has none goes to review.
import { PermanentError, ReviewError } from '../delivery-errors.js';
import { requestOutcome } from '../http/http-client.js';
import { CREATE_CALL_STEP, sentMarker } from '../step-names.js';
import type { CreateWitness, DeliveryContext, StepStore } from './destination.js';

export interface CreateOnceOptions<T> {
  steps: StepStore;
  /** Step name; the marker is `${step}:sent`. */
  step: string;
  now: () => number;
  send: () => Promise<T>;
  /**
   * Runs when a previous attempt sent the request and never recorded the answer. Returns the
   * existing result, or null when the call is proven absent (then `send` runs). Throw when
   * neither can be shown. Without it, the job fails with `ambiguous`.
   */
  recover?: () => Promise<T | null>;
  /** Names the platform in the message a person reads when the outcome cannot be known. */
  platform: string;
  witness?: CreateWitness;
}

export interface SentMarker {
  sentAt: number;
}

export async function createOnce<T>(options: CreateOnceOptions<T>): Promise<T> {
  const { steps, step } = options;
  const marker = sentMarker(step);
  const { witness } = options;
  const done = steps.get<T>(step);
  if (done !== undefined) {
    witness?.accounted();
    return done;
  }
  let markedSent = steps.get<SentMarker>(marker) !== undefined;
  if (!markedSent && witness?.wasSent()) {
    // The outbox lost the marker its witness saw: put it back, so every later attempt knows too.
    steps.commit(marker, { sentAt: options.now(), restoredFromWitness: true });
    witness.accounted();
    markedSent = true;
    if (!options.recover) throw lostAnswer(options.platform);
  }
  if (!markedSent && witness?.recovering() && options.recover) {
    // Recovery mode looks up first. The recover path may itself send (agent-calls resends our
    // call_id), so it is marked and witnessed like a send.
    steps.commit(marker, { sentAt: options.now() } satisfies SentMarker);
    witness.recordSent();
    markedSent = true;
  }
  if (markedSent) {
    if (!options.recover) throw ambiguous(options.platform);
    const found = await options.recover();
    if (found !== null) {
      steps.commit(step, found);
      witness?.accounted();
      return found;
    }
  }
  steps.commit(marker, { sentAt: options.now() } satisfies SentMarker);
  try {
    witness?.recordSent();
  } catch (error) {
    // Nothing left (a full disk refused the witness line): the marker must not claim otherwise.
    try {
      steps.clear(marker);
    } catch {
      // the marker stays; a later attempt then looks up first, which is safe
    }
    throw error;
  }
  let result: T;
  try {
    result = await options.send();
  } catch (error) {
    const outcome = requestOutcome(error);
    if (outcome === 'not-sent' || outcome === 'answered') {
      steps.clear(marker);
      witness?.retract();
    }
    throw error;
  }
  steps.commit(step, result);
  witness?.accounted();
  return result;
}

/** A delivery's one create request: `createOnce` under the step name CREATE_CALL_STEP. */
export function createCallOnce<T>(
  ctx: Pick<DeliveryContext, 'steps' | 'now' | 'witness'>,
  platform: string,
  calls: Pick<CreateOnceOptions<T>, 'send' | 'recover'>,
): Promise<T> {
  return createOnce<T>({
    steps: ctx.steps,
    step: CREATE_CALL_STEP,
    now: ctx.now,
    platform,
    witness: ctx.witness,
    ...calls,
  });
}

/** An at-most-once platform, a create the outbox forgot but its witness saw leave: a person decides. */
export function lostAnswer(platform: string): ReviewError {
  return new ReviewError([
    {
      field: 'callId',
      message:
        `the outbox lost its record of this call, and its progress witness shows the create request was already ` +
        `sent to ${platform}, which offers no way to look calls up. Check ${platform}: if the call is there, cancel ` +
        'this job; if it is not, resend the recording on purpose.',
    },
  ]);
}

export function ambiguous(platform: string): PermanentError {
  return new PermanentError(
    `The create request to ${platform} was sent but its answer was lost, and ${platform} offers no way to ` +
      'look the call up, so the call may have been created. Check the platform; if the call is not there, ' +
      'resend this recording on purpose.',
  );
}
