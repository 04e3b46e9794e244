// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { emptyCounts } from '../../shared/model.js';
import { emptyFilters, type QueueFilters } from '../../renderer/src/stores/queue-store.js';
import { QueueFiltersBar } from '../../renderer/src/views/queue-filters.js';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

function setup(filters: QueueFilters = emptyFilters) {
  const onChange = vi.fn();
  const counts = { ...emptyCounts(), failed: 12, done: 3 };
  const view = render(
    <QueueFiltersBar
      filters={filters}
      counts={counts}
      destinations={['comswise', 'cx']}
      folders={['/rec']}
      onChange={onChange}
      searchDelayMs={200}
    />,
  );
  return { onChange, view, counts };
}

describe('queue filters', () => {
  it('toggles a state and shows its count', () => {
    const { onChange } = setup({ ...emptyFilters, states: ['done'] });
    const failed = screen.getByRole('checkbox', { name: /Failed/ });
    expect(failed.closest('label')?.textContent).toContain('12');
    fireEvent.click(failed);
    expect(onChange).toHaveBeenCalledWith({ states: ['done', 'failed'] });
    fireEvent.click(screen.getByRole('checkbox', { name: /Delivered/ }));
    expect(onChange).toHaveBeenLastCalledWith({ states: [] });
  });

  it('filters by destination, folder and dates', () => {
    const { onChange } = setup();
    fireEvent.change(screen.getByLabelText('Destination'), { target: { value: 'cx' } });
    expect(onChange).toHaveBeenLastCalledWith({ destination: 'cx' });
    fireEvent.change(screen.getByLabelText('Folder'), { target: { value: '/rec' } });
    expect(onChange).toHaveBeenLastCalledWith({ folder: '/rec' });
    fireEvent.change(screen.getByLabelText('Call date from'), { target: { value: '2026-11-01' } });
    expect(onChange).toHaveBeenLastCalledWith({ since: '2026-11-01' });
  });

  it('waits for a pause in typing before searching, and Enter searches at once', () => {
    vi.useFakeTimers();
    const { onChange } = setup();
    const box = screen.getByRole('searchbox', { name: 'Search' });
    fireEvent.change(box, { target: { value: '+1555' } });
    fireEvent.change(box, { target: { value: '+15551' } });
    expect(onChange).not.toHaveBeenCalled();
    vi.advanceTimersByTime(250);
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(onChange).toHaveBeenCalledWith({ search: '+15551' });
    fireEvent.change(box, { target: { value: 'call-7' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(onChange).toHaveBeenLastCalledWith({ search: 'call-7' });
  });

  it('clears every filter', () => {
    const { onChange } = setup({ ...emptyFilters, states: ['failed'], search: 'x' });
    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(onChange).toHaveBeenCalledWith(emptyFilters);
  });

  it('offers no clearing when nothing is filtered', () => {
    setup();
    expect(screen.getByRole('button', { name: 'Clear filters' })).toHaveProperty('disabled', true);
  });
});
