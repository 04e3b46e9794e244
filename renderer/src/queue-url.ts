// The queue's filters and order live in the address (`#/queue?state=failed&q=rao&sort=callTime.asc`),
// so a reload, the back button, a bookmark or a link from the dashboard shows the same rows.
import { queueSortColumns, type QueueSort } from '../../shared/contract.js';
import { jobStates, type JobState } from '../../shared/model.js';
import { emptyFilters, type QueueFilters } from './stores/queue-store.js';
import { hashWithoutToken } from './transport/session-token.js';

export interface QueueLocation {
  filters: QueueFilters;
  sort: Required<QueueSort> | null;
}

const keys = {
  destination: 'dest',
  folder: 'folder',
  search: 'q',
  since: 'from',
  until: 'to',
  reason: 'reason',
} as const;

/** The query part of a `#/queue?...` hash; null for any other route (no route at all is the queue). */
function queryOf(hash: string): URLSearchParams | null {
  const route = hashWithoutToken(hash).replace(/^#\/?/, '');
  if (route === '') return new URLSearchParams();
  if (!/^queue(\?|$)/.test(route)) return null;
  return new URLSearchParams(route.slice('queue'.length + 1));
}

export function isQueueHash(hash: string): boolean {
  return queryOf(hash) !== null;
}

export function parseQueueHash(hash: string): QueueLocation {
  const params = queryOf(hash) ?? new URLSearchParams();
  const filters: QueueFilters = { ...emptyFilters };
  const states = (params.get('state') ?? '').split(',').filter(Boolean);
  filters.states = states.filter((s): s is JobState => (jobStates as readonly string[]).includes(s));
  for (const [field, key] of Object.entries(keys) as [keyof typeof keys, string][]) {
    filters[field] = (params.get(key) ?? '').slice(0, field === 'reason' ? 2000 : 200);
  }
  const [column, direction] = (params.get('sort') ?? '').split('.');
  const sort =
    column && (queueSortColumns as readonly string[]).includes(column)
      ? {
          column: column as Required<QueueSort>['column'],
          direction: direction === 'asc' ? ('asc' as const) : ('desc' as const),
        }
      : null;
  return { filters, sort };
}

export function queueHash(filters: Partial<QueueFilters>, sort: QueueSort | null = null): string {
  const params = new URLSearchParams();
  if (filters.states && filters.states.length > 0) params.set('state', filters.states.join(','));
  for (const [field, key] of Object.entries(keys) as [keyof typeof keys, string][]) {
    const value = filters[field];
    if (value) params.set(key, value);
  }
  if (sort) params.set('sort', `${sort.column}.${sort.direction ?? 'desc'}`);
  const query = params.toString();
  return `#/queue${query ? `?${query}` : ''}`;
}
