// Settings, one section per concern; each saves only its own part of the configuration.
import { Fragment, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { DestinationInput, SettingsView as Settings } from '../../../shared/contract.js';
import { useServices } from '../app-services.js';
import { ErrorState, LoadingState, Notice } from '../components/status-panel.js';
import { DestinationForm } from './destination-form.js';
import { FolderForm, type FolderDraft } from './folder-form.js';
import { TelemetrySection } from './telemetry-section.js';
import { NetworkSection } from './network-section.js';
import { AboutSection } from './about-section.js';
import { isLocked, LockedList, LockedNote, PolicyBanner } from './policy-lock.js';

/** Existing destinations as the update expects them: no auth, so stored secrets are kept. */
export function destinationsWithout(
  view: Settings,
  replace: string | null,
  input: DestinationInput | null,
): DestinationInput[] {
  const rest: DestinationInput[] = view.destinations
    .filter((d) => d.name !== replace)
    .map((d) => ({
      name: d.name,
      kind: d.kind,
      baseUrl: d.baseUrl,
      defaults: d.defaults,
      enabled: d.enabled,
      ...(d.concurrency ? { concurrency: d.concurrency } : {}),
    }));
  if (!input) return rest;
  const at = view.destinations.findIndex((d) => d.name === replace);
  if (at < 0) return [...rest, input];
  rest.splice(at, 0, input);
  return rest;
}

/**
 * A configured list the person edits one entry at a time: each row has Edit and Remove, and
 * below the list either the Add button or the one open form (new, or the entry being edited).
 */
function EditableList<T>({
  items,
  keyOf,
  summary,
  noun,
  removeLabel,
  onRemove,
  addLabel,
  addDisabled = false,
  form,
}: {
  items: T[];
  keyOf(item: T): string;
  summary(item: T): ReactNode;
  /** Names the entry in the Edit button's label: "Edit <noun> <key>". */
  noun: string;
  removeLabel(key: string): string;
  onRemove(item: T): void;
  addLabel: string;
  addDisabled?: boolean;
  /** The form for `existing` (null: a new entry); `close` ends editing. */
  form(existing: T | null, close: () => void): ReactNode;
}) {
  const [editing, setEditing] = useState<string | null | 'new'>(null);
  const current = editing && editing !== 'new' ? (items.find((item) => keyOf(item) === editing) ?? null) : null;
  const close = () => setEditing(null);

  return (
    <>
      <ul className="settings-list">
        {items.map((item) => {
          const key = keyOf(item);
          return (
            <li key={key}>
              <span>{summary(item)}</span>
              <span className="row-actions">
                <button type="button" onClick={() => setEditing(key)} aria-label={`Edit ${noun} ${key}`}>
                  Edit
                </button>
                <button type="button" aria-label={removeLabel(key)} onClick={() => onRemove(item)}>
                  Remove
                </button>
              </span>
            </li>
          );
        })}
      </ul>
      {editing === null ? (
        <button type="button" onClick={() => setEditing('new')} disabled={addDisabled}>
          {addLabel}
        </button>
      ) : (
        <Fragment key={editing}>{form(current, close)}</Fragment>
      )}
    </>
  );
}

function DestinationsSection({ view }: { view: Settings }) {
  const { settings } = useServices();
  const saving = useStore(settings, (s) => s.saving);

  if (isLocked(view, 'destinations')) {
    const items = view.destinations.map((d) => ({ key: d.name, label: d.name, detail: `${d.kind} ${d.baseUrl}` }));
    return <LockedList view={view} id="destinations-settings" title="Destinations" items={items} />;
  }
  return (
    <section className="panel" aria-labelledby="destinations-settings">
      <h2 id="destinations-settings">Destinations</h2>
      {view.destinations.length === 0 ? (
        <p className="muted">No destination yet: add the platform your recordings go to.</p>
      ) : null}
      <EditableList
        items={view.destinations}
        keyOf={(d) => d.name}
        summary={(d) => (
          <>
            <strong>{d.name}</strong> <small className="muted">{d.kind}</small>{' '}
            <span className="muted break">{d.baseUrl}</span>
            {!d.enabled ? <span className="badge state-paused">Disabled</span> : null}
            {d.awaitingSecrets ? (
              <span
                className="badge state-failed"
                title="Edit it and enter its secrets again; nothing is sent until then."
              >
                Enter the token again for the new address
              </span>
            ) : null}
          </>
        )}
        noun="destination"
        removeLabel={(name) => `Remove destination ${name}`}
        onRemove={(d) => {
          if (window.confirm(`Remove the destination ${d.name}? Jobs already queued for it will fail.`)) {
            void settings.getState().update({ destinations: destinationsWithout(view, d.name, null) }, 'Destinations');
          }
        }}
        addLabel="Add destination"
        form={(existing, close) => (
          <DestinationForm
            existing={existing}
            takenNames={view.destinations.map((d) => d.name)}
            saving={saving}
            onCancel={close}
            onTest={(input) => settings.getState().testConnection(input)}
            onSave={async (input, original) => {
              const ok = await settings
                .getState()
                .update({ destinations: destinationsWithout(view, original, input) }, `Destination ${input.name}`);
              if (ok) close();
              return ok;
            }}
          />
        )}
      />
    </section>
  );
}

function FoldersSection({ view }: { view: Settings }) {
  const { settings, mode } = useServices();
  const saving = useStore(settings, (s) => s.saving);

  function foldersWith(original: string | null, folder: FolderDraft | null) {
    const list: FolderDraft[] = view.folders.filter((f) => f.path !== original);
    if (!folder) return list;
    const at = view.folders.findIndex((f) => f.path === original);
    if (at < 0) list.push(folder);
    else {
      // Keep the settings this form does not show; drop a template or region the person cleared.
      const merged: FolderDraft = { ...view.folders[at]!, ...folder };
      if (!folder.template) delete merged.template;
      if (!folder.region) delete merged.region;
      list.splice(at, 0, merged);
    }
    return list;
  }

  if (isLocked(view, 'folders')) {
    const items = view.folders.map((f) => ({ key: f.path, label: f.path, detail: `to ${f.destination}` }));
    return <LockedList view={view} id="folders-settings" title="Watched folders" items={items} />;
  }
  return (
    <section className="panel" aria-labelledby="folders-settings">
      <h2 id="folders-settings">Watched folders</h2>
      {view.folders.length === 0 ? <p className="muted">No folder is watched yet.</p> : null}
      <EditableList
        items={view.folders}
        keyOf={(f) => f.path}
        summary={(f) => (
          <>
            <strong className="break">{f.path}</strong> <small className="muted">→ {f.destination}</small>{' '}
            <small className="muted">
              {f.template ?? 'no template'} · {f.timezone}
            </small>
          </>
        )}
        noun="folder"
        removeLabel={(path) => `Stop watching ${path}`}
        onRemove={(f) => void settings.getState().update({ folders: foldersWith(f.path, null) }, 'Folders')}
        addLabel="Add folder"
        addDisabled={view.destinations.length === 0}
        form={(existing, close) => (
          <FolderForm
            existing={existing}
            destinations={view.destinations.map((d) => d.name)}
            saving={saving}
            canPickFolder={mode === 'desktop'}
            onPickFolder={() => settings.getState().pickFolder()}
            onPreview={(fileName, folder) => settings.getState().preview({ fileName, folder })}
            onCancel={close}
            onSave={async (folder, original) => {
              const ok = await settings
                .getState()
                .update({ folders: foldersWith(original, folder) }, `Folder ${folder.path}`);
              if (ok) close();
              return ok;
            }}
          />
        )}
      />
    </section>
  );
}

/** The frame every single-purpose settings form shares: titled panel, its one error, its save button. */
function SettingsForm({
  id,
  title,
  error,
  saving,
  saveLabel,
  onSubmit,
  children,
}: {
  id: string;
  title: string;
  error: string | null;
  saving: boolean;
  saveLabel: string;
  onSubmit: (event: FormEvent) => void;
  children: ReactNode;
}) {
  return (
    <form className="panel" onSubmit={onSubmit} aria-labelledby={id} noValidate>
      <h2 id={id}>{title}</h2>
      {children}
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={saving}>
          {saveLabel}
        </button>
      </div>
    </form>
  );
}

/** A labelled whole-number input counted from 1; the form checks the value on save. */
function NumberField({
  id,
  label,
  max,
  value,
  onChange,
  locked,
}: {
  id: string;
  label: string;
  max?: number;
  value: string;
  onChange: (value: string) => void;
  /** The view, when a policy locks this field. */
  locked?: Settings | null;
}) {
  return (
    <div className="form-field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        min={1}
        max={max}
        value={value}
        disabled={Boolean(locked)}
        aria-describedby={locked ? `${id}-locked` : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {locked ? <LockedNote view={locked} id={`${id}-locked`} /> : null}
    </div>
  );
}

const dayNames = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

interface WindowDraft {
  from: string;
  to: string;
  days: number[];
  kbps: string;
}

function BandwidthSection({ view }: { view: Settings }) {
  const { settings } = useServices();
  const saving = useStore(settings, (s) => s.saving);
  const toKb = (b: number | null) => (b === null ? '' : String(Math.round(b / 1024)));
  const [limit, setLimit] = useState(toKb(view.bandwidth.defaultBytesPerSec));
  const [windows, setWindows] = useState<WindowDraft[]>(
    view.bandwidth.schedule.map((w) => ({ from: w.from, to: w.to, days: w.days ?? [], kbps: toKb(w.bytesPerSec) })),
  );
  const [error, setError] = useState<string | null>(null);

  function parseKb(value: string): number | null | 'bad' {
    if (!value.trim()) return null;
    const n = Number(value);
    return Number.isFinite(n) && n > 0 ? Math.round(n * 1024) : 'bad';
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const defaultBytesPerSec = parseKb(limit);
    if (defaultBytesPerSec === 'bad')
      return setError('The limit must be a positive number of KB/s, or empty for unlimited.');
    const schedule = [];
    for (const [i, w] of windows.entries()) {
      const bytes = parseKb(w.kbps);
      if (bytes === 'bad')
        return setError(`Window ${i + 1}: the limit must be a positive number of KB/s, or empty for unlimited.`);
      if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(w.from) || !/^([01]\d|2[0-3]):[0-5]\d$/.test(w.to)) {
        return setError(`Window ${i + 1}: give both times as HH:MM.`);
      }
      schedule.push({ from: w.from, to: w.to, bytesPerSec: bytes, ...(w.days.length ? { days: w.days } : {}) });
    }
    setError(null);
    await settings.getState().update({ bandwidth: { defaultBytesPerSec, schedule } }, 'Bandwidth');
  }

  function patch(i: number, change: Partial<WindowDraft>) {
    setWindows((all) => all.map((w, j) => (j === i ? { ...w, ...change } : w)));
  }

  return (
    <SettingsForm
      id="bandwidth-settings"
      title="Bandwidth"
      error={error}
      saving={saving}
      saveLabel="Save bandwidth"
      onSubmit={onSubmit}
    >
      {isLocked(view, 'bandwidth') ? <LockedNote view={view} /> : null}
      <fieldset className="plain-fieldset" disabled={isLocked(view, 'bandwidth')}>
        <div className="form-field">
          <label htmlFor="bandwidth-default">Limit outside the schedule (KB/s, empty = unlimited)</label>
          <input id="bandwidth-default" inputMode="numeric" value={limit} onChange={(e) => setLimit(e.target.value)} />
        </div>
        <fieldset>
          <legend>Schedule</legend>
          {windows.length === 0 ? <p className="muted">No window: the limit above applies all day.</p> : null}
          {windows.map((w, i) => (
            <div className="schedule-row" key={i}>
              <label>
                From <input type="time" value={w.from} onChange={(e) => patch(i, { from: e.target.value })} />
              </label>
              <label>
                to <input type="time" value={w.to} onChange={(e) => patch(i, { to: e.target.value })} />
              </label>
              <span role="group" aria-label={`Days of window ${i + 1} (none = every day)`} className="days">
                {dayNames.map((name, day) => (
                  <label key={name}>
                    <input
                      type="checkbox"
                      checked={w.days.includes(day)}
                      onChange={(e) =>
                        patch(i, { days: e.target.checked ? [...w.days, day].sort() : w.days.filter((d) => d !== day) })
                      }
                    />
                    {name}
                  </label>
                ))}
              </span>
              <label>
                KB/s{' '}
                <input
                  inputMode="numeric"
                  value={w.kbps}
                  placeholder="unlimited"
                  onChange={(e) => patch(i, { kbps: e.target.value })}
                />
              </label>
              <button
                type="button"
                onClick={() => setWindows((all) => all.filter((_, j) => j !== i))}
                aria-label={`Remove window ${i + 1}`}
              >
                Remove
              </button>
            </div>
          ))}
          <button
            type="button"
            onClick={() =>
              setWindows((all) => [...all, { from: '09:00', to: '18:00', days: [1, 2, 3, 4, 5], kbps: '512' }])
            }
          >
            Add window
          </button>
        </fieldset>
      </fieldset>
    </SettingsForm>
  );
}

function ConcurrencySection({ view }: { view: Settings }) {
  const { settings } = useServices();
  const saving = useStore(settings, (s) => s.saving);
  const [global, setGlobal] = useState(String(view.concurrency.global));
  const [perDestination, setPerDestination] = useState(String(view.concurrency.perDestination));
  const [error, setError] = useState<string | null>(null);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const g = Number(global);
    const p = Number(perDestination);
    if (!Number.isInteger(g) || g < 1 || g > 64) return setError('Transfers in total: a whole number from 1 to 64.');
    if (!Number.isInteger(p) || p < 1 || p > 32)
      return setError('Transfers per destination: a whole number from 1 to 32.');
    setError(null);
    await settings.getState().update({ concurrency: { global: g, perDestination: p } }, 'Concurrency');
  }

  return (
    <SettingsForm
      id="concurrency-settings"
      title="Concurrency"
      error={error}
      saving={saving}
      saveLabel="Save concurrency"
      onSubmit={onSubmit}
    >
      <div className="form-grid">
        <NumberField
          id="concurrency-global"
          label="Transfers at once, in total"
          max={64}
          value={global}
          onChange={setGlobal}
          locked={isLocked(view, 'concurrency.global') ? view : null}
        />
        <NumberField
          id="concurrency-per"
          label="Transfers at once, per destination"
          max={32}
          value={perDestination}
          onChange={setPerDestination}
          locked={isLocked(view, 'concurrency.perDestination') ? view : null}
        />
      </div>
    </SettingsForm>
  );
}

function NotificationsSection({ view }: { view: Settings }) {
  const { settings } = useServices();
  const saving = useStore(settings, (s) => s.saving);
  const [reviewWaiting, setReviewWaiting] = useState(view.notifications.reviewWaiting);
  const [after, setAfter] = useState(String(view.notifications.destinationFailingAfterMin));
  const [error, setError] = useState<string | null>(null);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const minutes = Number(after);
    if (!Number.isInteger(minutes) || minutes < 1) return setError('Minutes: a whole number of at least 1.');
    setError(null);
    await settings
      .getState()
      .update({ notifications: { reviewWaiting, destinationFailingAfterMin: minutes } }, 'Notifications');
  }

  return (
    <SettingsForm
      id="notifications-settings"
      title="Notifications"
      error={error}
      saving={saving}
      saveLabel="Save notifications"
      onSubmit={onSubmit}
    >
      <div className="form-field checkbox-field">
        <label>
          <input
            type="checkbox"
            checked={reviewWaiting}
            disabled={isLocked(view, 'notifications.reviewWaiting')}
            onChange={(e) => setReviewWaiting(e.target.checked)}
          />{' '}
          Tell me when a call waits for review
        </label>
        {isLocked(view, 'notifications.reviewWaiting') ? <LockedNote view={view} /> : null}
      </div>
      <NumberField
        id="notify-after"
        label="Tell me when a destination has been failing for (minutes)"
        value={after}
        onChange={setAfter}
        locked={isLocked(view, 'notifications.destinationFailingAfterMin') ? view : null}
      />
    </SettingsForm>
  );
}

export function SettingsView() {
  const { settings } = useServices();
  const view = useStore(settings, (s) => s.view);
  const status = useStore(settings, (s) => s.status);
  const error = useStore(settings, (s) => s.error);
  const notice = useStore(settings, (s) => s.notice);

  useEffect(() => {
    void settings.getState().load();
  }, [settings]);

  if (status === 'loading' || (status === 'idle' && !view)) return <LoadingState label="Loading settings…" />;
  if (!view)
    return (
      <ErrorState message={error ?? 'Settings could not be loaded.'} onRetry={() => void settings.getState().load()} />
    );

  return (
    <section className="view settings-view" aria-labelledby="settings-title">
      <header className="view-header">
        <h1 id="settings-title">Settings</h1>
        <p className="view-summary">Saved to {view.source}</p>
      </header>
      <Notice message={notice} />
      <Notice message={error} tone="error" />
      <PolicyBanner view={view} />
      <DestinationsSection view={view} />
      <FoldersSection view={view} />
      {/* Keyed on the saved values so a save elsewhere (another window) resets these forms. */}
      <BandwidthSection key={JSON.stringify(view.bandwidth)} view={view} />
      <ConcurrencySection key={JSON.stringify(view.concurrency)} view={view} />
      <NotificationsSection key={JSON.stringify(view.notifications)} view={view} />
      <TelemetrySection key={JSON.stringify(view.telemetry ?? null)} view={view} />
      <NetworkSection />
      <AboutSection />
    </section>
  );
}
