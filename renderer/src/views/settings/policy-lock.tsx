// Settings a machine policy enforces: shown, never editable, marked "Set by your organisation"
// with the policy named, so an agent knows whom to ask rather than why a field ignores them.
import type { SettingsView as Settings } from '../../../../shared/contract.js';

/** Whether the policy locks `path` (`destinations`, `concurrency.global`…) or anything under it. */
export function isLocked(view: Settings, path: string): boolean {
  return (view.policy?.locked ?? []).some((p) => p === path || p.startsWith(`${path}.`));
}

export function LockedNote({ view, id }: { view: Settings; id?: string }) {
  return (
    <p className="locked-note muted" id={id} title={view.policy ? `From ${view.policy.source}` : undefined}>
      Set by your organisation
    </p>
  );
}

/** Names the policy in force, and says so plainly when it is broken (the last good one applies). */
export function PolicyBanner({ view }: { view: Settings }) {
  if (!view.policy) return null;
  const { source, locked, error } = view.policy;
  return (
    <div className={`notice ${error ? 'notice-error' : ''}`} role={error ? 'alert' : 'status'}>
      {locked.length > 0 ? (
        <p>
          Some settings are set by your organisation ({source}) and cannot be changed here. Ask your IT department to
          change them.
        </p>
      ) : null}
      {error ? <p className="break">{error} The last valid policy stays in effect.</p> : null}
    </div>
  );
}

/** A list section (destinations, folders) the policy enforces as a whole: read-only. */
export function LockedList({
  view,
  id,
  title,
  items,
}: {
  view: Settings;
  id: string;
  title: string;
  items: { key: string; label: string; detail: string }[];
}) {
  return (
    <section className="panel" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <LockedNote view={view} />
      <ul className="editable-list">
        {items.map((item) => (
          <li key={item.key}>
            <strong>{item.label}</strong> <span className="muted break">{item.detail}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
