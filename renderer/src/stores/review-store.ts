// The review inbox: the `needs-review` jobs in order, one open at a time. A job leaves the inbox
// when its save queues it; "skip" moves on without saving.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ContractClient } from '../../../shared/contract-client.js';
import type { ReviewCheck } from '../../../shared/contract.js';
import type { JobSummary } from '../../../shared/model.js';
import { describeError } from './describe-error.js';

export interface ReviewState {
  items: JobSummary[];
  total: number;
  index: number;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  /** What each listed job lacks and what is filled for it, as the host checks it (by job id). */
  checks: Record<string, ReviewCheck>;
  load(): Promise<void>;
  /** Asks the host again what one job lacks (after a save that left it in review). */
  recheck(id: string): Promise<void>;
  current(): JobSummary | undefined;
  next(): void;
  previous(): void;
  /** The job was queued: drop it and stay at the same position (the next job). */
  resolve(id: string): void;
}

export type ReviewStore = StoreApi<ReviewState>;

export function createReviewStore(client: ContractClient): ReviewStore {
  return createStore<ReviewState>()((set, get) => ({
    items: [],
    total: 0,
    index: 0,
    status: 'idle',
    error: null,
    checks: {},
    async load() {
      if (get().items.length === 0) set({ status: 'loading' });
      try {
        const reply = await client.call('queue:list', { states: ['needs-review'], limit: 200 });
        const currentId = get().current()?.id;
        const keep = currentId ? reply.items.findIndex((item) => item.id === currentId) : -1;
        set({
          items: reply.items,
          total: reply.total,
          index: keep >= 0 ? keep : Math.min(get().index, Math.max(0, reply.items.length - 1)),
          status: 'ready',
          error: null,
        });
        if (reply.items.length > 0) {
          const checked = await client.call('review:check', { ids: reply.items.map((item) => item.id) });
          set({ checks: Object.fromEntries(checked.items.map((c) => [c.id, c])) });
        }
      } catch (error) {
        set({ status: get().items.length ? 'ready' : 'error', error: describeError(error) });
      }
    },
    async recheck(id) {
      try {
        const checked = await client.call('review:check', { ids: [id] });
        set({ checks: { ...get().checks, ...Object.fromEntries(checked.items.map((c) => [c.id, c])) } });
      } catch {
        // The row keeps its last answer; the form shows the save's own issues.
      }
    },
    current() {
      return get().items[get().index];
    },
    next() {
      set({ index: Math.min(get().index + 1, Math.max(0, get().items.length - 1)) });
    },
    previous() {
      set({ index: Math.max(0, get().index - 1) });
    },
    resolve(id) {
      // By id, not position: a reload may already have dropped it while the save was answered.
      const at = get().items.findIndex((item) => item.id === id);
      if (at < 0) return;
      const items = get().items.filter((item) => item.id !== id);
      const index = at < get().index ? get().index - 1 : get().index;
      set({ items, total: Math.max(0, get().total - 1), index: Math.min(index, Math.max(0, items.length - 1)) });
      if (items.length === 0) void get().load();
    },
  }));
}
