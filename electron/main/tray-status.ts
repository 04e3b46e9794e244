// Which of the four tray states to show. Pure: the tray module feeds it what the core reports.
import type { DestinationHealth } from '../../shared/contract.js';
import type { StateCounts } from '../../shared/model.js';

export type TrayStatus = 'idle' | 'sending' | 'attention' | 'offline';

export interface TrayInputs {
  counts: Partial<StateCounts>;
  paused: boolean;
  destinations: ReadonlyArray<Pick<DestinationHealth, 'name' | 'online' | 'paused'>>;
  reviewWaiting: number;
  failingDestinations: readonly string[];
}

/** A person's action beats everything; then being cut off; then work in progress. */
export function trayStatus(inputs: TrayInputs): TrayStatus {
  // Failed jobs stay in the history, so they alone would keep the icon red for good; a person
  // is needed when reviews wait or a destination keeps failing.
  const review = Math.max(inputs.reviewWaiting, inputs.counts['needs-review'] ?? 0);
  if (review > 0 || inputs.failingDestinations.length > 0) return 'attention';
  const active = inputs.destinations.filter((d) => !d.paused);
  if (active.length > 0 && active.every((d) => !d.online)) return 'offline';
  const working = (inputs.counts.running ?? 0) + (inputs.counts.queued ?? 0) + (inputs.counts['retry-wait'] ?? 0);
  if (!inputs.paused && working > 0) return 'sending';
  return 'idle';
}

export function trayTooltip(status: TrayStatus, inputs: TrayInputs): string {
  const waiting = (inputs.counts.queued ?? 0) + (inputs.counts['retry-wait'] ?? 0) + (inputs.counts.running ?? 0);
  const base = inputs.paused ? 'CallRelay (paused)' : 'CallRelay';
  switch (status) {
    case 'attention': {
      const parts: string[] = [];
      const review = Math.max(inputs.reviewWaiting, inputs.counts['needs-review'] ?? 0);
      if (review > 0) parts.push(`${review} to review`);
      if (inputs.failingDestinations.length > 0) parts.push(`failing: ${inputs.failingDestinations.join(', ')}`);
      return `${base}: needs attention (${parts.join('; ')})`;
    }
    case 'offline':
      return `${base}: offline, ${waiting} waiting`;
    case 'sending':
      return `${base}: sending, ${waiting} in the queue`;
    case 'idle':
      return `${base}: all delivered`;
  }
}
