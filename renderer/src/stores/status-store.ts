// The facts behind the top bar's status line (`status:get`): today's deliveries, the backlog's
// time left and each destination's health. Read at start, then at most every 2 s while the queue
// changes, and every 30 s anyway so "since" and "time left" do not go stale on a quiet queue.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ContractClient } from '../../../shared/contract-client.js';
import type { StatusSnapshot } from '../../../shared/contract.js';
import { createCoalescedRunner } from './coalesced-runner.js';

export interface StatusState {
  snapshot: StatusSnapshot | null;
  load(): Promise<void>;
  handleChanged(): void;
  dispose(): void;
}

export type StatusStore = StoreApi<StatusState>;

export function createStatusStore(
  client: ContractClient,
  options: { refreshIntervalMs?: number; pollMs?: number } = {},
): StatusStore {
  return createStore<StatusState>()((set, get) => {
    const refresher = createCoalescedRunner(() => get().load(), options.refreshIntervalMs ?? 2000);
    const poll = setInterval(() => refresher.request(), options.pollMs ?? 30_000);
    return {
      snapshot: null,
      async load() {
        try {
          set({ snapshot: await client.call('status:get', {}) });
        } catch {
          // The attention store reports an unreachable host; the last snapshot stays meanwhile.
        }
      },
      handleChanged() {
        refresher.request();
      },
      dispose() {
        clearInterval(poll);
        refresher.dispose();
      },
    };
  });
}
