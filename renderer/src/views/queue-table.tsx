// The queue table. Only the rows on screen exist in the DOM (a spacer row stands for the rest),
// so 100,000 jobs scroll like 100; rows not fetched yet show as placeholders until their page arrives.
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useRef, type KeyboardEvent } from 'react';
import { useStore } from 'zustand';
import type { JobSummary } from '../../../shared/model.js';
import { formatDuration, formatRate, formatTime, pausedLabel, resendLabel, stateLabels } from '../format-values.js';
import { routeHref } from '../routing.js';
import type { QueueState, QueueStore } from '../stores/queue-store.js';

const rowHeight = 40;

function ProgressCell({ job }: { job: JobSummary }) {
  if (job.progress && job.progress.bytesTotal > 0) {
    const percent = Math.min(100, Math.round((job.progress.bytesSent / job.progress.bytesTotal) * 100));
    return (
      <div className="progress-cell">
        <progress max={100} value={percent} aria-label={`${job.fileName} sent ${percent}%`} />
        <span>
          {percent}% · {formatRate(job.progress.bytesPerSec)}
          {job.progress.etaSec !== null ? ` · ${formatDuration(job.progress.etaSec)} left` : ''}
        </span>
      </div>
    );
  }
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
}

// Memoized: while scrolling, only rows entering the screen render; the others are reused as is.
const JobRow = memo(function JobRow({ job, index, selected, onSelect }: JobRowProps) {
  return (
    <tr
      data-testid="job-row"
      data-job-id={job.id}
      aria-rowindex={index + 2}
      aria-selected={selected}
      className={selected ? 'selected' : undefined}
      style={{ height: rowHeight }}
    >
      <td>
        <input
          type="checkbox"
          aria-label={`Select ${job.fileName}`}
          checked={selected}
          onChange={() => undefined}
          onClick={(e) => onSelect(index, job.id, e.shiftKey)}
        />
      </td>
      <td className="cell-file" title={job.path}>
        <a href={routeHref({ view: 'job', id: job.id })}>{job.fileName}</a>
        {resendLabel(job.resendNo, job.resendOf) ? (
          <span className="resend-mark" data-testid="resend-mark">
            {' '}
            {resendLabel(job.resendNo, job.resendOf)}
          </span>
        ) : null}
      </td>
      <td>{formatTime(job.callTime)}</td>
      <td className="cell-parties">
        {job.from ?? '—'} → {job.to ?? '—'}
      </td>
      <td>{job.destination}</td>
      <td data-testid="job-state" data-state={job.state} data-paused-by={job.pausedBy ?? undefined}>
        <span
          className={`badge state-${job.pausedBy ? 'paused' : job.state}`}
          title={pausedLabel(job.pausedBy, job.destination) ?? undefined}
        >
          {job.pausedBy ? stateLabels.paused : stateLabels[job.state]}
        </span>
      </td>
      <td>
        <ProgressCell job={job} />
      </td>
      <td className="cell-number">{job.attempts}</td>
      <td className="cell-error" title={job.lastError ?? undefined}>
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

export function QueueTable({ store }: QueueTableProps) {
  const total = useStore(store, (s) => s.total ?? 0);
  // Re-render when pages or selection change; rows are read through rowAt.
  useStore(store, (s) => s.pages);
  const selected = useStore(store, (s) => s.selected);
  const scrollRef = useRef<HTMLDivElement>(null);
  const lastClicked = useRef<number | null>(null);

  // The virtualizer re-renders this component itself; nothing here relies on memoization.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 12,
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
          <col className="col-progress" />
          <col className="col-attempts" />
          <col className="col-error" />
        </colgroup>
        <thead>
          <tr>
            <th scope="col">
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
            <th scope="col">File</th>
            <th scope="col">Call time</th>
            <th scope="col">From → To</th>
            <th scope="col">Destination</th>
            <th scope="col">State</th>
            <th scope="col">Progress</th>
            <th scope="col">Attempts</th>
            <th scope="col">Last error</th>
          </tr>
        </thead>
        <tbody>
          {padTop > 0 ? (
            <tr aria-hidden="true" className="spacer">
              <td colSpan={9} style={{ height: padTop }} />
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
                >
                  <td colSpan={9}>
                    <span className="placeholder-bar" aria-label="Loading row" />
                  </td>
                </tr>
              );
            }
            return (
              <JobRow key={job.id} job={job} index={item.index} selected={selected.has(job.id)} onSelect={onSelect} />
            );
          })}
          {padBottom > 0 ? (
            <tr aria-hidden="true" className="spacer">
              <td colSpan={9} style={{ height: padBottom }} />
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}
