// The queue: filters, bulk actions on the selection, and the virtualized table.
import { useCallback, useEffect } from 'react';
import { useStore } from 'zustand';
import { useServices } from '../app-services.js';
import { EmptyState, ErrorState, LoadingState, Notice } from '../components/status-panel.js';
import type { BulkAction, QueueFilters } from '../stores/queue-store.js';
import { QueueFiltersBar } from './queue-filters.js';
import { QueueTable } from './queue-table.js';

const bulkActions: { action: BulkAction; label: string }[] = [
  { action: 'retry', label: 'Retry' },
  { action: 'pause', label: 'Pause' },
  { action: 'resume', label: 'Resume' },
  { action: 'move-to-front', label: 'Move to front' },
  { action: 'cancel', label: 'Cancel' },
];

export function QueueView() {
  const { queue, settings, attention } = useServices();
  const filters = useStore(queue, (s) => s.filters);
  const status = useStore(queue, (s) => s.status);
  const error = useStore(queue, (s) => s.error);
  const total = useStore(queue, (s) => s.total);
  // queue:stats at start, then every queue:changed: the counts beside each state filter.
  const counts = useStore(attention, (s) => s.counts);
  const selected = useStore(queue, (s) => s.selected);
  const notice = useStore(queue, (s) => s.notice);
  const settingsView = useStore(settings, (s) => s.view);

  useEffect(() => {
    queue.getState().setActive(true);
    return () => queue.getState().setActive(false);
  }, [queue]);

  useEffect(() => {
    if (queue.getState().status === 'idle') void queue.getState().load();
    if (!settings.getState().view) void settings.getState().load();
  }, [queue, settings]);

  const onChange = useCallback((patch: Partial<QueueFilters>) => queue.getState().setFilters(patch), [queue]);
  const filtered =
    filters.states.length > 0 ||
    !!filters.destination ||
    !!filters.folder ||
    !!filters.search ||
    !!filters.since ||
    !!filters.until ||
    !!filters.reason;

  return (
    <section className="view queue-view" aria-labelledby="queue-title">
      <header className="view-header">
        <h1 id="queue-title">Queue</h1>
        <p className="view-summary" aria-live="polite">
          {total === null
            ? ''
            : `${total.toLocaleString()} job${total === 1 ? '' : 's'}${filtered ? (total === 1 ? ' matches' : ' match') + ' the filters' : ''}`}
        </p>
      </header>
      <QueueFiltersBar
        filters={filters}
        counts={counts}
        destinations={settingsView?.destinations.map((d) => d.name) ?? []}
        folders={settingsView?.folders.map((f) => f.path) ?? []}
        onChange={onChange}
      />
      {filters.reason ? (
        <p className="filter-reason" data-testid="reason-filter">
          Failed because: {filters.reason}{' '}
          <button type="button" className="link-button" onClick={() => onChange({ reason: '' })}>
            Show every reason
          </button>
        </p>
      ) : null}
      <div className="bulk-bar" role="toolbar" aria-label="Actions on selected jobs">
        <span>{selected.size > 0 ? `${selected.size.toLocaleString()} selected` : 'Select jobs to act on them'}</span>
        {bulkActions.map(({ action, label }) => (
          <button
            key={action}
            type="button"
            disabled={selected.size === 0}
            onClick={() => void queue.getState().bulk(action)}
          >
            {label}
          </button>
        ))}
        <button
          type="button"
          className="link-button"
          disabled={selected.size === 0}
          onClick={() => queue.getState().clearSelection()}
        >
          Clear selection
        </button>
      </div>
      <Notice message={notice} />
      {status === 'ready' && error ? <Notice message={error} tone="error" /> : null}
      {status === 'loading' || status === 'idle' ? <LoadingState label="Loading the queue…" /> : null}
      {status === 'error' ? (
        <ErrorState message={error ?? 'The queue could not be loaded.'} onRetry={() => void queue.getState().load()} />
      ) : null}
      {status === 'ready' && total === 0 ? (
        filtered ? (
          <EmptyState title="No job matches these filters.">
            <button
              type="button"
              onClick={() =>
                queue
                  .getState()
                  .setFilters({ states: [], destination: '', folder: '', search: '', since: '', until: '', reason: '' })
              }
            >
              Clear filters
            </button>
          </EmptyState>
        ) : (
          <EmptyState title="No recordings yet.">
            <p>Add a watched folder in Settings, or drop recording files onto this window to queue them.</p>
            <a className="button" href="#/settings">
              Open Settings
            </a>
          </EmptyState>
        )
      ) : null}
      {status === 'ready' && (total ?? 0) > 0 ? <QueueTable store={queue} /> : null}
    </section>
  );
}
