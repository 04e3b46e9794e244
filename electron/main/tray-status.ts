// Which of the four tray states to show. Pure: the tray module feeds it what the core reports.
import type { DestinationHealth } from '../../shared/contract.js';
import type { StateCounts } from '../../shared/model.js';

export type TrayStatus = 'idle' | 'sending' | 'attention' | 'offline';

export interface TrayInputs {
  counts: Partial<StateCounts>;
  paused: boolean;
  destinations: ReadonlyArray<
    Pick<DestinationHealth, 'name' | 'online' | 'paused'> & Partial<Pick<DestinationHealth, 'health'>>
  >;
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
  // One destination down among working ones: a person should know, not just an icon saying "sending".
  if (active.some((d) => d.health === 'down')) return 'attention';
  const working = (inputs.counts.running ?? 0) + (inputs.counts.queued ?? 0) + (inputs.counts['retry-wait'] ?? 0);
  if (!inputs.paused && working > 0) return 'sending';
  return 'idle';
}

/** "comswise down", "cx degraded": destinations whose health is not online. */
function unhealthy(inputs: TrayInputs): string[] {
  return inputs.destinations
    .filter((d) => !d.paused && d.health !== undefined && d.health !== 'online')
    .map((d) => `${d.name} ${d.health}`);
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
      parts.push(...unhealthy(inputs).filter((p) => !inputs.failingDestinations.some((f) => p.startsWith(`${f} `))));
      return `${base}: needs attention (${parts.join('; ')})`;
    }
    case 'offline':
      return `${base}: offline, ${waiting} waiting`;
    case 'sending': {
      const health = unhealthy(inputs);
      return `${base}: sending, ${waiting} in the queue${health.length > 0 ? ` (${health.join('; ')})` : ''}`;
    }
    case 'idle':
      return `${base}: all delivered`;
  }
}
