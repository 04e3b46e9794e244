// The supervisor's dashboard: one `dashboard:get` snapshot, refreshed on host changes at most
// every few seconds and only while someone is looking at it.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ContractClient } from '../../../shared/contract-client.js';
import type { Dashboard } from '../../../shared/contract.js';
import { createCoalescedRunner } from './coalesced-runner.js';
import { describeError } from './describe-error.js';

export interface DashboardState {
  data: Dashboard | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  watchers: number;
  load(): Promise<void>;
  /** Returns a function that stops watching; refreshes happen only while watched. */
  watch(): () => void;
  handleChanged(): void;
  setEnginePaused(paused: boolean): Promise<void>;
  setDestinationPaused(name: string, paused: boolean): Promise<void>;
  dispose(): void;
}

export type DashboardStore = StoreApi<DashboardState>;

export function createDashboardStore(
  client: ContractClient,
  options: { refreshIntervalMs?: number } = {},
): DashboardStore {
  return createStore<DashboardState>()((set, get) => {
    const refresher = createCoalescedRunner(() => get().load(), options.refreshIntervalMs ?? 2000);
    return {
      data: null,
      status: 'idle',
      error: null,
      watchers: 0,
      async load() {
        if (!get().data) set({ status: 'loading' });
        try {
          const data = await client.call('dashboard:get', {});
          set({ data, status: 'ready', error: null });
        } catch (error) {
          set({ status: get().data ? 'ready' : 'error', error: describeError(error) });
        }
      },
      watch() {
        set({ watchers: get().watchers + 1 });
        void get().load();
        return () => set({ watchers: Math.max(0, get().watchers - 1) });
      },
      handleChanged() {
        if (get().watchers > 0) refresher.request();
      },
      async setEnginePaused(paused) {
        try {
          await client.call(paused ? 'engine:pause' : 'engine:resume', {});
        } catch (error) {
          set({ error: describeError(error) });
        }
        await get().load();
      },
      async setDestinationPaused(name, paused) {
        try {
          await client.call(paused ? 'destination:pause' : 'destination:resume', { name });
        } catch (error) {
          set({ error: describeError(error) });
        }
        await get().load();
      },
      dispose() {
        refresher.dispose();
      },
    };
  });
}
