// What a pause holds is shown as paused: a queued or retry-waiting job of a paused destination,
// or of a paused engine, reads "Paused" in the queue, and the counts say the same.
import type { JobSummary, StateCounts } from '../../../shared/model.js';

export interface PauseView {
  all: boolean;
  isDestinationPaused(name: string): boolean;
}

/** Which pause holds a job in this state for this destination, if any. */
export function pausedBy(state: string, destination: string, pauses: PauseView): JobSummary['pausedBy'] {
  if (state !== 'queued' && state !== 'retry-wait') return null;
  if (pauses.all) return 'all';
  return pauses.isDestinationPaused(destination) ? 'destination' : null;
}

/** The outbox's counts with held jobs moved to `paused`. */
export function heldCounts(
  counts: StateCounts,
  ready: Map<string, { queued: number; 'retry-wait': number }>,
  pauses: PauseView,
): StateCounts {
  const out = { ...counts };
  for (const [destination, n] of ready) {
    if (!pauses.all && !pauses.isDestinationPaused(destination)) continue;
    const queued = Math.min(n.queued, out.queued);
    const waiting = Math.min(n['retry-wait'], out['retry-wait']);
    out.queued -= queued;
    out['retry-wait'] -= waiting;
    out.paused += queued + waiting;
  }
  return out;
}
