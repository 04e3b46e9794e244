// The queue as the table sees it: keyset pages fetched on demand for the rows on screen, so a
// queue of 100,000 jobs costs a few requests, not one huge one. `queue:changed` marks the pages
// holding changed jobs stale and refetches only the visible ones, coalesced.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ContractClient } from '../../../shared/contract-client.js';
import type { QueueChanged, QueueListInput, QueueSort } from '../../../shared/contract.js';
import type { JobState, JobSummary, StateCounts } from '../../../shared/model.js';
import { createCoalescedRunner } from './coalesced-runner.js';
import { describeError } from './describe-error.js';

export const queuePageSize = 500;

export interface QueueFilters {
  states: JobState[];
  destination: string;
  folder: string;
  search: string;
  /** Local dates from date inputs, YYYY-MM-DD; empty for no bound. */
  since: string;
  until: string;
  /** A failure reason as "Failures by reason" lists it (file name left out); empty for any. */
  reason?: string;
}

export const emptyFilters: QueueFilters = {
  states: [],
  destination: '',
  folder: '',
  search: '',
  since: '',
  until: '',
  reason: '',
};

export interface QueuePage {
  items: JobSummary[];
  nextCursor: string | null;
  stale: boolean;
}

export type BulkAction = 'retry' | 'pause' | 'resume' | 'cancel' | 'move-to-front' | 'send-anyway';

export type QueueOrder = Required<QueueSort>;

export interface QueueState {
  filters: QueueFilters;
  /** The host sorts the whole queue by this; null is newest first. */
  sort: QueueOrder | null;
  pages: (QueuePage | undefined)[];
  total: number | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  counts: StateCounts | null;
  selected: ReadonlySet<string>;
  /** Result of the last bulk action, for the status line. */
  notice: string | null;
  setFilters(patch: Partial<QueueFilters>): void;
  setSort(sort: QueueOrder | null): void;
  /** Filters and order at once (from the address), loading only when something changed. */
  setView(filters: QueueFilters, sort: QueueOrder | null): void;
  load(): Promise<void>;
  /** The table tells the store which rows are on screen; missing or stale pages are fetched. */
  showRange(start: number, end: number): void;
  rowAt(index: number): JobSummary | undefined;
  toggle(id: string): void;
  setSelection(ids: string[]): void;
  clearSelection(): void;
  bulk(action: BulkAction, ids?: string[]): Promise<number>;
  handleChanged(event: QueueChanged): void;
  /** While no queue view is on screen, changes only mark pages stale; nothing is fetched. */
  setActive(active: boolean): void;
  dispose(): void;
}

export function localDateToIso(date: string, endOfDay: boolean): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
  const when = new Date(`${date}T${endOfDay ? '23:59:59.999' : '00:00:00.000'}`);
  return Number.isNaN(when.getTime()) ? undefined : when.toISOString();
}

export function filtersToInput(filters: QueueFilters, sort: QueueOrder | null = null): QueueListInput {
  const input: QueueListInput = {};
  if (sort) input.sort = sort;
  if (filters.states.length > 0) input.states = filters.states;
  if (filters.destination) input.destination = filters.destination;
  if (filters.folder) input.folder = filters.folder;
  const search = filters.search.trim();
  if (search) input.search = search.slice(0, 200);
  const since = localDateToIso(filters.since, false);
  const until = localDateToIso(filters.until, true);
  if (since) input.since = since;
  if (until) input.until = until;
  if (filters.reason) input.reason = filters.reason;
  return input;
}

export type QueueStore = StoreApi<QueueState>;

export function createQueueStore(client: ContractClient, options: { refreshIntervalMs?: number } = {}): QueueStore {
  // Bumped whenever filters change so answers to an older query are ignored.
  let generation = 0;
  let visible: [number, number] = [0, 0];
  let walking = false;
  let walkAgain = false;
  let active = true;
  let missedChange = false;
  // A change that arrives while a page is loading may not be in its answer: refresh once after.
  let changedWhileLoading = false;

  const store = createStore<QueueState>()((set, get) => {
    async function fetchPage(index: number, gen: number): Promise<boolean> {
      const { pages, filters, sort } = get();
      let cursor: string | undefined;
      if (index > 0) {
        const previous = pages[index - 1];
        if (!previous || previous.nextCursor === null) return false;
        cursor = previous.nextCursor;
      }
      const reply = await client.call('queue:list', { ...filtersToInput(filters, sort), cursor, limit: queuePageSize });
      if (gen !== generation) return false;
      const next = get().pages.slice();
      const before = next[index];
      next[index] = { items: reply.items, nextCursor: reply.nextCursor, stale: false };
      // A page boundary that moved makes every later page's cursor chain suspect.
      if (before && before.nextCursor !== reply.nextCursor) {
        for (let i = index + 1; i < next.length; i++) {
          const page = next[i];
          if (page) next[i] = { ...page, stale: true };
        }
      }
      if (reply.nextCursor === null) next.length = index + 1;
      // A selected job that left the view (retried out of "Failed", filtered away) is no longer
      // selected: a bulk action must act only on rows a person can see.
      const selected = get().selected;
      let kept: ReadonlySet<string> = selected;
      if (selected.size > 0) {
        const shown = new Set(next.flatMap((page) => page?.items.map((item) => item.id) ?? []));
        const still = [...selected].filter((id) => shown.has(id));
        if (still.length !== selected.size) kept = new Set(still);
      }
      set({ pages: next, total: reply.total, status: 'ready', error: null, selected: kept });
      return true;
    }

    // Walks the cursor chain up to the last visible page; keyset paging cannot jump ahead.
    async function walk(refreshVisible: boolean) {
      if (walking) {
        walkAgain = true;
        return;
      }
      walking = true;
      const gen = generation;
      try {
        do {
          walkAgain = false;
          const first = Math.floor(visible[0] / queuePageSize);
          const last = Math.floor(visible[1] / queuePageSize);
          for (let index = 0; index <= last; index++) {
            if (gen !== generation) return;
            const page = get().pages[index];
            const onScreen = index >= first;
            // Cursors stay valid when rows change, so only pages on screen are worth refetching.
            const needed = !page || (onScreen && (page.stale || refreshVisible));
            if (!needed) {
              if (page && page.nextCursor === null) break;
              continue;
            }
            const ok = await fetchPage(index, gen);
            if (!ok) break;
            if (get().pages[index]?.nextCursor === null) break;
          }
          refreshVisible = false;
        } while (walkAgain && gen === generation);
      } catch (error) {
        if (gen === generation) set({ status: get().pages.length ? 'ready' : 'error', error: describeError(error) });
      } finally {
        // A walk from before a filter change must not release the newer walk's claim.
        if (gen === generation) walking = false;
      }
    }

    const refresher = createCoalescedRunner(() => walk(true), options.refreshIntervalMs ?? 300);

    return {
      filters: emptyFilters,
      sort: null,
      pages: [],
      total: null,
      status: 'idle',
      error: null,
      counts: null,
      selected: new Set(),
      notice: null,
      setFilters(patch) {
        set({ filters: { ...get().filters, ...patch } });
        void get().load();
      },
      setSort(sort) {
        set({ sort });
        void get().load();
      },
      setView(filters, sort) {
        const same =
          JSON.stringify({ ...emptyFilters, ...get().filters }) === JSON.stringify({ ...emptyFilters, ...filters }) &&
          JSON.stringify(get().sort) === JSON.stringify(sort);
        if (same && get().status !== 'idle') return;
        set({ filters, sort });
        void get().load();
      },
      async load() {
        generation++;
        walking = false;
        walkAgain = false;
        visible = [0, Math.max(visible[1] - visible[0], 50)];
        changedWhileLoading = false;
        set({ pages: [], total: null, status: 'loading', error: null, selected: new Set() });
        await walk(false);
        if (changedWhileLoading) {
          changedWhileLoading = false;
          refresher.request();
        }
      },
      showRange(start, end) {
        visible = [Math.max(0, start), Math.max(start, end)];
        const { pages, status } = get();
        if (status === 'idle' || status === 'loading') return;
        const first = Math.floor(visible[0] / queuePageSize);
        const last = Math.floor(visible[1] / queuePageSize);
        for (let index = first; index <= last; index++) {
          const page = pages[index];
          if (!page || page.stale) {
            void walk(false);
            return;
          }
        }
      },
      rowAt(index) {
        return get().pages[Math.floor(index / queuePageSize)]?.items[index % queuePageSize];
      },
      toggle(id) {
        const selected = new Set(get().selected);
        if (selected.has(id)) selected.delete(id);
        else selected.add(id);
        set({ selected });
      },
      setSelection(ids) {
        set({ selected: new Set(ids) });
      },
      clearSelection() {
        set({ selected: new Set() });
      },
      async bulk(action, ids) {
        const targets = ids ?? [...get().selected];
        if (targets.length === 0) return 0;
        let updated = 0;
        const refused: { id: string; reason: string }[] = [];
        try {
          // The contract caps one call at 10,000 ids.
          for (let i = 0; i < targets.length; i += 10_000) {
            const reply = await client.call(`job:${action}`, { ids: targets.slice(i, i + 10_000) });
            updated += reply.updated;
            if ('refused' in reply && reply.refused) refused.push(...reply.refused);
          }
          const reasons = [...new Set(refused.map((r) => r.reason))];
          set({
            notice: `${updated} of ${targets.length} job${targets.length === 1 ? '' : 's'} updated (${action.replace(/-/g, ' ')}).`,
            error:
              refused.length > 0
                ? `${refused.length} refused, nothing was sent for ${refused.length === 1 ? 'it' : 'them'}: ${reasons.slice(0, 3).join('; ')}`
                : null,
          });
        } catch (error) {
          set({ error: describeError(error) });
        }
        refresher.request();
        return updated;
      },
      handleChanged(event) {
        const previous = get().counts;
        set({ counts: event.counts });
        if (get().status !== 'ready') {
          if (get().status === 'loading') changedWhileLoading = true;
          return;
        }
        const first = Math.floor(visible[0] / queuePageSize);
        const last = Math.floor(visible[1] / queuePageSize);
        const totalChanged =
          !previous ||
          Object.values(previous).reduce((a, b) => a + b, 0) !== Object.values(event.counts).reduce((a, b) => a + b, 0);
        const ids = new Set(event.ids);
        let visibleTouched = event.reset || totalChanged;
        const pages = get().pages.map((page, index) => {
          if (!page) return page;
          // New jobs come first (newest first), shifting every page: all of them are stale then.
          const touched = event.reset || totalChanged || page.items.some((item) => ids.has(item.id));
          if (touched && index >= first && index <= last) visibleTouched = true;
          return touched ? { ...page, stale: true } : page;
        });
        set({ pages });
        if (!visibleTouched) return;
        if (active) refresher.request();
        else missedChange = true;
      },
      setActive(value) {
        active = value;
        if (active && missedChange) {
          missedChange = false;
          refresher.request();
        }
      },
      dispose() {
        generation++;
        refresher.dispose();
      },
    };
  });
  return store;
}
