// Names of the durable steps that more than one layer reads: a destination commits them, the
// outbox queries them (recovery, live calls), the engine and tests look for them. One spelling.

/** The committed answer of a platform's create request (see destinations/exactly-once.ts). */
export const CREATE_CALL_STEP = 'create-call';

/** Committed when a live job gives up opening its call early. */
export const LIVE_STOPPED_STEP = 'live-call-stopped';

/** A tus upload's URL and offset, committed once the server created it (see destinations/tus). */
export const TUS_UPLOAD_STEP = 'tus-upload';

export type StepName = typeof CREATE_CALL_STEP | typeof LIVE_STOPPED_STEP | typeof TUS_UPLOAD_STEP;

/** The marker committed before a create request leaves, for the step that records its answer. */
export function sentMarker(step: string): string {
  return `${step}:sent`;
}
