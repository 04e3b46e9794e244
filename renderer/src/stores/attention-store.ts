// What needs a person right now, for the nav badges: jobs waiting for review, failing
// destinations, and whether the engine is paused.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ContractClient } from '../../../shared/contract-client.js';
import type { EventPayload, QueueChanged } from '../../../shared/contract.js';
import type { StateCounts } from '../../../shared/model.js';

export interface AttentionState {
  counts: StateCounts | null;
  paused: boolean;
  reviewWaiting: number;
  failingDestinations: string[];
  /** Destinations degraded or down, from what their requests actually do. */
  unhealthy: { name: string; health: 'degraded' | 'down'; since: string | null }[];
  connected: boolean | null;
  load(): Promise<void>;
  handleChanged(event: QueueChanged): void;
  handleAttention(event: EventPayload<'attention:changed'>): void;
}

export type AttentionStore = StoreApi<AttentionState>;

export function createAttentionStore(client: ContractClient): AttentionStore {
  return createStore<AttentionState>()((set) => ({
    counts: null,
    paused: false,
    reviewWaiting: 0,
    failingDestinations: [],
    unhealthy: [],
    connected: null,
    async load() {
      try {
        const stats = await client.call('queue:stats', {});
        set({
          counts: stats.counts,
          paused: stats.paused,
          reviewWaiting: stats.counts['needs-review'],
          connected: true,
        });
      } catch {
        set({ connected: false });
      }
    },
    handleChanged(event) {
      set({ counts: event.counts, reviewWaiting: event.counts['needs-review'], connected: true });
    },
    handleAttention(event) {
      set({
        reviewWaiting: event.reviewWaiting,
        failingDestinations: event.failingDestinations,
        unhealthy: event.unhealthy ?? [],
      });
    },
  }));
}
