// The queue table. Only the rows on screen exist in the DOM (a spacer row stands for the rest),
// so 100,000 jobs scroll like 100; rows not fetched yet show as placeholders until their page arrives.
// Rows are measured as drawn: the last error wraps in full instead of being cut to a few letters.
// Column headers sort the whole queue on the host; on a narrow window the less telling columns
// (call time, destination, attempts) step aside so State and the error stay in view.
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useRef, type KeyboardEvent, type Ref } from 'react';
import type { QueueSort } from '../../../shared/contract.js';
import { useStore } from 'zustand';
import type { JobSummary } from '../../../shared/model.js';
import { TransferProgress } from '../components/transfer-progress.js';
import { formatTime, pausedLabel, resendLabel, stateLabels } from '../format-values.js';
import { routeHref } from '../routing.js';
import type { QueueOrder, QueueState, QueueStore } from '../stores/queue-store.js';

const rowHeight = 44;
const columnCount = 8;

/**
 * A file name cut in the middle, not at its end: recorders name files with a long shared prefix
 * ("2026-11-20_queue-sales_ext-101_…"), and the part that tells two rows apart is at the end.
 * The head shrinks with an ellipsis; the tail (the last characters and the extension) always shows.
 */
export function FileName({ name }: { name: string }) {
  const tailLength = Math.min(name.length, 14);
  const head = name.slice(0, name.length - tailLength);
  const tail = name.slice(name.length - tailLength);
  // Both halves are inline, so the text (and what a screen reader reads) is the whole name.
  return (
    <span className="file-name">
      {head ? <span className="file-name-head">{head}</span> : null}
      <span className="file-name-tail">{tail}</span>
    </span>
  );
}

type SortColumn = Required<QueueSort>['column'];

/** Text columns read A→Z first; times and counts read the largest first. */
const firstDirection: Record<SortColumn, 'asc' | 'desc'> = {
  created: 'desc',
  callTime: 'desc',
  fileName: 'asc',
  customer: 'asc',
  agent: 'asc',
  destination: 'asc',
  state: 'asc',
  attempts: 'desc',
  lastError: 'asc',
};

function SortHeader({
  label,
  column,
  sort,
  onSort,
  className,
}: {
  label: string;
  column: SortColumn;
  sort: QueueOrder | null;
  onSort(sort: QueueOrder | null): void;
  className?: string;
}) {
  const active = sort?.column === column ? sort.direction : null;
  const next: QueueOrder = {
    column,
    direction: active ? (active === 'asc' ? 'desc' : 'asc') : firstDirection[column],
  };
  return (
    <th
      scope="col"
      className={className}
      aria-sort={active === 'asc' ? 'ascending' : active === 'desc' ? 'descending' : undefined}
    >
      <button type="button" className="sort-button" onClick={() => onSort(next)} data-sort-column={column}>
        {label}
        <span className="sort-mark" aria-hidden="true">
          {active === 'asc' ? '▲' : active === 'desc' ? '▼' : '↕'}
        </span>
      </button>
    </th>
  );
}

function ProgressCell({ job }: { job: JobSummary }) {
  if (job.progress && job.progress.bytesTotal > 0) return <TransferProgress job={job} />;
  const paused = pausedLabel(job.pausedBy, job.destination);
  if (paused) return <span>{job.pausedBy === 'all' ? 'all sending paused' : `${job.destination} paused`}</span>;
  if (job.state === 'duplicate' && job.duplicateOf) {
    return <a href={routeHref({ view: 'job', id: job.duplicateOf })}>the job that has it</a>;
  }
  if (job.state === 'retry-wait' && job.nextAttemptAt) {
    return <span>retry at {formatTime(job.nextAttemptAt)}</span>;
  }
  // The step a job is at matters only while it is on its way; a finished job keeps its last one.
  const onItsWay =
    job.state === 'running' || job.state === 'queued' || job.state === 'paused' || job.state === 'retry-wait';
  return <span>{onItsWay && job.step ? `at ${job.step}` : ''}</span>;
}

interface JobRowProps {
  job: JobSummary;
  index: number;
  selected: boolean;
  onSelect(index: number, id: string, shift: boolean): void;
  measureRef: Ref<HTMLTableRowElement>;
}

// Memoized: while scrolling, only rows entering the screen render; the others are reused as is.
const JobRow = memo(function JobRow({ job, index, selected, onSelect, measureRef }: JobRowProps) {
  const parties = [job.from, job.to].filter(Boolean).join(' → ');
  return (
    <tr
      ref={measureRef}
      data-index={index}
      data-testid="job-row"
      data-job-id={job.id}
      aria-rowindex={index + 2}
      aria-selected={selected}
      className={selected ? 'selected' : undefined}
    >
      <td className="cell-select">
        <input
          type="checkbox"
          aria-label={`Select ${job.fileName}`}
          checked={selected}
          onChange={() => undefined}
          onClick={(e) => onSelect(index, job.id, e.shiftKey)}
        />
      </td>
      <td className="cell-file" title={job.path}>
        {/* Named in full: a browser may read the two halves of a cut name as two words. */}
        <a href={routeHref({ view: 'job', id: job.id })} aria-label={job.fileName}>
          <FileName name={job.fileName} />
        </a>
        {resendLabel(job.resendNo, job.resendOf) ? (
          <span className="resend-mark" data-testid="resend-mark">
            {' '}
            {resendLabel(job.resendNo, job.resendOf)}
          </span>
        ) : null}
      </td>
      <td className="cell-time">{formatTime(job.callTime)}</td>
      <td className="cell-parties" data-testid="job-parties">
        <span className="party-customer">{job.customerName || parties || '—'}</span>
        {job.agent || (job.customerName && parties) ? (
          <small className="muted block">
            {[job.agent ? `agent ${job.agent}` : null, job.customerName ? parties : null].filter(Boolean).join(' · ')}
          </small>
        ) : null}
      </td>
      <td className="cell-destination">{job.destination}</td>
      <td className="cell-state">
        <span data-testid="job-state" data-state={job.state} data-paused-by={job.pausedBy ?? undefined}>
          <span
            className={`badge state-${job.pausedBy ? 'paused' : job.state}`}
            title={pausedLabel(job.pausedBy, job.destination) ?? undefined}
          >
            {job.pausedBy ? stateLabels.paused : stateLabels[job.state]}
          </span>
        </span>
        <ProgressCell job={job} />
      </td>
      <td className="cell-number cell-attempts">{job.attempts}</td>
      <td className="cell-error" data-testid="job-error">
        {job.lastError ?? ''}
      </td>
    </tr>
  );
});

function loadedIds(pages: QueueState['pages']): string[] {
  return pages.flatMap((page) => page?.items.map((item) => item.id) ?? []);
}

export interface QueueTableProps {
  store: QueueStore;
}

const headers: { label: string; column: SortColumn; className: string }[] = [
  { label: 'File', column: 'fileName', className: 'cell-file' },
  { label: 'Call time', column: 'callTime', className: 'cell-time' },
  { label: 'Customer / agent', column: 'customer', className: 'cell-parties' },
  { label: 'Destination', column: 'destination', className: 'cell-destination' },
  { label: 'State', column: 'state', className: 'cell-state' },
  { label: 'Tries', column: 'attempts', className: 'cell-attempts' },
  { label: 'Last error', column: 'lastError', className: 'cell-error' },
];

export function QueueTable({ store }: QueueTableProps) {
  const total = useStore(store, (s) => s.total ?? 0);
  // Re-render when pages or selection change; rows are read through rowAt.
  useStore(store, (s) => s.pages);
  const selected = useStore(store, (s) => s.selected);
  const sort = useStore(store, (s) => s.sort);
  const scrollRef = useRef<HTMLDivElement>(null);
  const lastClicked = useRef<number | null>(null);

  // The virtualizer re-renders this component itself; nothing here relies on memoization.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 12,
    // A row's key is its job, so a measured height follows the job when rows shift.
    getItemKey: (index) => store.getState().rowAt(index)?.id ?? `pending-${index}`,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    store.getState().showRange(first, last);
  }, [store, first, last, total]);

  const rowAt = store.getState().rowAt;
  const pages = store.getState().pages;
  const loadedCount = pages.reduce((sum, page) => sum + (page?.items.length ?? 0), 0);
  const allSelected =
    loadedCount > 0 && selected.size >= loadedCount && loadedIds(pages).every((id) => selected.has(id));
  const padTop = items[0]?.start ?? 0;
  const padBottom = Math.max(0, virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0));

  const onSelect = useCallback(
    (index: number, id: string, shift: boolean) => {
      const state = store.getState();
      if (shift && lastClicked.current !== null) {
        const [a, b] = [Math.min(lastClicked.current, index), Math.max(lastClicked.current, index)];
        const ids = new Set(state.selected);
        for (let i = a; i <= b; i++) {
          const row = state.rowAt(i);
          if (row) ids.add(row.id);
        }
        state.setSelection([...ids]);
      } else {
        state.toggle(id);
      }
      lastClicked.current = index;
    },
    [store],
  );

  // Arrow keys move between rows (scrolling as needed); Tab still walks links and boxes.
  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const row = (event.target as HTMLElement).closest('tr[aria-rowindex]');
    if (!row) return;
    const index = Number(row.getAttribute('aria-rowindex')) - 2 + (event.key === 'ArrowDown' ? 1 : -1);
    if (index < 0 || index >= total) return;
    event.preventDefault();
    const column = (event.target as HTMLElement).closest('td')?.cellIndex ?? 1;
    virtualizer.scrollToIndex(index, { align: 'auto' });
    const focusRow = (tries: number) => {
      const target = scrollRef.current?.querySelector<HTMLTableRowElement>(`tr[aria-rowindex="${index + 2}"]`);
      const control =
        target?.cells[column]?.querySelector<HTMLElement>('a, input') ?? target?.querySelector<HTMLElement>('a, input');
      if (control) control.focus();
      else if (tries > 0) requestAnimationFrame(() => focusRow(tries - 1));
    };
    requestAnimationFrame(() => focusRow(10));
  }

  return (
    <div className="table-scroll" ref={scrollRef} onKeyDown={onKeyDown}>
      <table className="queue-table" aria-label="Jobs" aria-rowcount={total + 1}>
        <colgroup>
          <col className="col-select" />
          <col className="col-file" />
          <col className="col-time" />
          <col className="col-parties" />
          <col className="col-destination" />
          <col className="col-state" />
          <col className="col-attempts" />
          <col className="col-error" />
        </colgroup>
        <thead>
          <tr>
            <th scope="col" className="cell-select">
              <input
                type="checkbox"
                aria-label="Select all loaded jobs"
                checked={allSelected}
                onChange={() => {
                  const state = store.getState();
                  if (allSelected) state.clearSelection();
                  else state.setSelection(loadedIds(state.pages));
                }}
              />
            </th>
            {headers.map((h) => (
              <SortHeader
                key={h.column}
                label={h.label}
                column={h.column}
                className={h.className}
                sort={sort}
                onSort={(next) => store.getState().setSort(next)}
              />
            ))}
          </tr>
        </thead>
        <tbody>
          {padTop > 0 ? (
            <tr aria-hidden="true" className="spacer">
              <td colSpan={columnCount} style={{ height: padTop }} />
            </tr>
          ) : null}
          {items.map((item) => {
            const job = rowAt(item.index);
            if (!job) {
              return (
                <tr
                  key={`pending-${item.index}`}
                  className="row-pending"
                  style={{ height: rowHeight }}
                  aria-rowindex={item.index + 2}
                  data-index={item.index}
                  ref={virtualizer.measureElement}
                >
                  <td colSpan={columnCount}>
                    <span className="placeholder-bar" aria-label="Loading row" />
                  </td>
                </tr>
              );
            }
            return (
              <JobRow
                key={job.id}
                job={job}
                index={item.index}
                selected={selected.has(job.id)}
                onSelect={onSelect}
                measureRef={virtualizer.measureElement}
              />
            );
          })}
          {padBottom > 0 ? (
            <tr aria-hidden="true" className="spacer">
              <td colSpan={columnCount} style={{ height: padBottom }} />
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}
