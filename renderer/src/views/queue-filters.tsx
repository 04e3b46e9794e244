// Filters for the queue: state, destination, folder, call date and a free-text search. The search
// waits for a pause in typing so each keystroke does not cost a host round trip.
import { useEffect, useState } from 'react';
import { jobStates, type JobState, type StateCounts } from '../../../shared/model.js';
import { stateLabels } from '../format-values.js';
import { emptyFilters, type QueueFilters } from '../stores/queue-store.js';

export interface QueueFiltersProps {
  filters: QueueFilters;
  counts: StateCounts | null;
  destinations: string[];
  folders: string[];
  onChange(patch: Partial<QueueFilters>): void;
  searchDelayMs?: number;
}

/** One labelled drop-down filter; the empty value, listed first, means no filter. */
function SelectFilter({
  label,
  allLabel,
  value,
  choices,
  onChange,
}: {
  label: string;
  allLabel: string;
  value: string;
  choices: string[];
  onChange(value: string): void;
}) {
  return (
    <label className="field">
      <span>{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{allLabel}</option>
        {choices.map((choice) => (
          <option key={choice} value={choice}>
            {choice}
          </option>
        ))}
      </select>
    </label>
  );
}

export function QueueFiltersBar({
  filters,
  counts,
  destinations,
  folders,
  onChange,
  searchDelayMs = 300,
}: QueueFiltersProps) {
  const [search, setSearch] = useState(filters.search);
  const [appliedSearch, setAppliedSearch] = useState(filters.search);
  // Filters cleared elsewhere (the empty state's button) must clear the box too.
  if (filters.search !== appliedSearch) {
    setAppliedSearch(filters.search);
    setSearch(filters.search);
  }

  useEffect(() => {
    if (search === filters.search) return;
    const timer = setTimeout(() => onChange({ search }), searchDelayMs);
    return () => clearTimeout(timer);
  }, [search, filters.search, onChange, searchDelayMs]);

  function toggleState(state: JobState) {
    const states = filters.states.includes(state)
      ? filters.states.filter((s) => s !== state)
      : [...filters.states, state];
    onChange({ states });
  }

  const active =
    filters.states.length > 0 ||
    filters.destination ||
    filters.folder ||
    filters.search ||
    filters.since ||
    filters.until;

  return (
    <form className="filters" role="search" aria-label="Queue filters" onSubmit={(e) => e.preventDefault()}>
      <div className="filter-row">
        <label className="field grow">
          <span>Search</span>
          <input
            type="search"
            value={search}
            placeholder="File name, customer, phone number (any format) or call ID"
            onChange={(e) => setSearch(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') onChange({ search });
            }}
          />
        </label>
        <SelectFilter
          label="Destination"
          allLabel="All destinations"
          value={filters.destination}
          choices={destinations}
          onChange={(destination) => onChange({ destination })}
        />
        <SelectFilter
          label="Folder"
          allLabel="All folders"
          value={filters.folder}
          choices={folders}
          onChange={(folder) => onChange({ folder })}
        />
        <label className="field">
          <span>Call date from</span>
          <input type="date" value={filters.since} onChange={(e) => onChange({ since: e.target.value })} />
        </label>
        <label className="field">
          <span>to</span>
          <input type="date" value={filters.until} onChange={(e) => onChange({ until: e.target.value })} />
        </label>
        <button
          type="button"
          className="link-button"
          disabled={!active}
          onClick={() => {
            setSearch('');
            onChange(emptyFilters);
          }}
        >
          Clear filters
        </button>
      </div>
      <fieldset className="state-chips">
        <legend>State</legend>
        {jobStates.map((state) => (
          <label key={state} className={`chip state-${state}`}>
            <input type="checkbox" checked={filters.states.includes(state)} onChange={() => toggleState(state)} />
            {stateLabels[state]}
            {counts ? <span className="chip-count">{counts[state].toLocaleString()}</span> : null}
          </label>
        ))}
      </fieldset>
    </form>
  );
}
