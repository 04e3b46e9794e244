// The queue: filters, bulk actions on the selection, and the virtualized table.
import { useCallback, useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { useServices } from '../app-services.js';
import { EmptyState, ErrorState, LoadingState, Notice } from '../components/status-panel.js';
import { isQueueHash, parseQueueHash, queueHash } from '../queue-url.js';
import { filtersToInput, type BulkAction, type QueueFilters } from '../stores/queue-store.js';
import { hashWithoutToken } from '../transport/session-token.js';
import { QueueFiltersBar } from './queue-filters.js';
import { QueueTable } from './queue-table.js';

const bulkActions: { action: BulkAction; label: string }[] = [
  { action: 'retry', label: 'Retry' },
  { action: 'pause', label: 'Pause' },
  { action: 'resume', label: 'Resume' },
  { action: 'move-to-front', label: 'Move to front' },
  { action: 'cancel', label: 'Cancel' },
];

/** Hands a CSV text to the browser as a download (both hosts: no file path crosses the contract). */
function download(fileName: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function QueueView() {
  const { queue, settings, attention, client } = useServices();
  const filters = useStore(queue, (s) => s.filters);
  const sort = useStore(queue, (s) => s.sort);
  const [exporting, setExporting] = useState<string | null>(null);
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

  // The address holds the filters and the order: read it at start and on back / forward...
  useEffect(() => {
    const fromAddress = () => {
      if (!isQueueHash(window.location.hash)) return;
      const { filters: wanted, sort: order } = parseQueueHash(window.location.hash);
      queue.getState().setView(wanted, order);
    };
    fromAddress();
    window.addEventListener('hashchange', fromAddress);
    if (!settings.getState().view) void settings.getState().load();
    return () => window.removeEventListener('hashchange', fromAddress);
  }, [queue, settings]);

  // ...and write every change back, one history entry each, so Back undoes a filter.
  useEffect(() => {
    // The store, not this render's values: the address may have just been read into it.
    const state = queue.getState();
    const wanted = queueHash(state.filters, state.sort);
    const current = hashWithoutToken(window.location.hash) || '#/queue';
    if (isQueueHash(current) && current !== wanted) window.location.hash = wanted;
  }, [queue, filters, sort]);

  async function exportCsv() {
    setExporting('Preparing the CSV file…');
    try {
      const { states, destination, folder, search, since, until, reason, sort: order } = filtersToInput(filters, sort);
      const reply = await client.call('queue:export', {
        states,
        destination,
        folder,
        search,
        since,
        until,
        reason,
        sort: order,
      });
      download(reply.fileName, reply.csv);
      setExporting(
        `${reply.rows.toLocaleString()} job${reply.rows === 1 ? '' : 's'} exported to ${reply.fileName}` +
          (reply.truncated ? ' — only the first ones: narrow the filters to export the rest.' : '.'),
      );
    } catch (error) {
      setExporting(`The CSV file could not be made: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  const watched = settingsView?.folders.map((f) => f.path) ?? [];
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
        <div className="action-bar">
          <button type="button" onClick={() => void exportCsv()} disabled={!total}>
            Export CSV
          </button>
        </div>
      </header>
      <Notice message={exporting} />
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
            {watched.length > 0 ? (
              <>
                <p data-testid="watching-note">
                  Watching {watched.length === 1 ? 'one folder' : `${watched.length} folders`}: {watched.join(', ')}.
                  New recordings show here a few seconds after the recorder finishes writing them; you can also drop
                  recording files onto this window.
                </p>
                <a className="button" href="#/dashboard">
                  See the folders on the dashboard
                </a>
              </>
            ) : (
              <>
                <p>Add a watched folder in Settings, or drop recording files onto this window to queue them.</p>
                <a className="button" href="#/settings">
                  Open Settings
                </a>
              </>
            )}
          </EmptyState>
        )
      ) : null}
      {status === 'ready' && (total ?? 0) > 0 ? <QueueTable store={queue} /> : null}
    </section>
  );
}
