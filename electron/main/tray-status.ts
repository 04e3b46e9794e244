// Which of the four tray states to show. Pure: the tray module feeds it what the core reports.
import type { DestinationHealth } from '../../shared/contract.js';
import type { StateCounts } from '../../shared/model.js';
import { summarizeStatus, type SummaryOptions } from '../../shared/status-summary.js';

export type TrayStatus = 'idle' | 'sending' | 'attention' | 'offline';

export interface TrayInputs {
  counts: Partial<StateCounts>;
  paused: boolean;
  destinations: ReadonlyArray<
    Pick<DestinationHealth, 'name' | 'online' | 'paused'> &
      Partial<Pick<DestinationHealth, 'health' | 'since' | 'offlineSince'>>
  >;
  reviewWaiting: number;
  failingDestinations: readonly string[];
  /** From status:get: delivered since midnight, and the backlog's time left at the recent rate. */
  deliveredToday?: number | null;
  etaSec?: number | null;
}

/** A person's action beats everything; then being cut off; then work in progress. */
export function trayStatus(inputs: TrayInputs): TrayStatus {
  // Failed jobs stay in the history, so they alone would keep the icon red for good; a person
  // is needed when reviews wait or a destination keeps failing.
  const review = Math.max(inputs.reviewWaiting, inputs.counts['needs-review'] ?? 0);
  if (review > 0 || inputs.failingDestinations.length > 0) return 'attention';
  const active = inputs.destinations.filter((d) => !d.paused);
  if (active.length > 0 && active.every((d) => !d.online)) return 'offline';
  // One destination down among working ones: a person should know, not just an icon saying "sending".
  if (active.some((d) => d.health === 'down')) return 'attention';
  const working = (inputs.counts.running ?? 0) + (inputs.counts.queued ?? 0) + (inputs.counts['retry-wait'] ?? 0);
  if (!inputs.paused && working > 0) return 'sending';
  return 'idle';
}

/**
 * The tooltip is the window's status line (shared/status-summary.ts), word for word: the tray
 * and the top bar cannot disagree about what is going on.
 */
export function trayTooltip(_status: TrayStatus, inputs: TrayInputs, options: SummaryOptions = {}): string {
  const summary = summarizeStatus(
    {
      counts: inputs.counts,
      paused: inputs.paused,
      destinations: inputs.destinations,
      reviewWaiting: Math.max(inputs.reviewWaiting, inputs.counts['needs-review'] ?? 0),
      failingDestinations: inputs.failingDestinations,
      deliveredToday: inputs.deliveredToday ?? null,
      etaSec: inputs.etaSec ?? null,
    },
    options,
  );
  return `CallRelay: ${summary.text || 'starting'}`;
}
