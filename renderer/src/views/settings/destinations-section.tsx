// Settings › Destinations: the platforms recordings go to, edited one at a time.
import { useStore } from 'zustand';
import type { DestinationInput, SettingsView as Settings } from '../../../../shared/contract.js';
import { useServices } from '../../app-services.js';
import { DestinationForm } from './destination-form.js';
import { EditableList } from './editable-list.js';
import { isLocked, LockedList } from './policy-lock.js';
import { formSave, formSection, SaveStatus } from './save-status.js';

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

const SECTION = 'destinations-settings';

export function DestinationsSection({ view }: { view: Settings }) {
  const { settings } = useServices();
  const saving = useStore(settings, (s) => s.saving);

  if (isLocked(view, 'destinations')) {
    const items = view.destinations.map((d) => ({ key: d.name, label: d.name, detail: `${d.kind} ${d.baseUrl}` }));
    return <LockedList view={view} id={SECTION} title="Destinations" items={items} />;
  }
  return (
    <section className="panel" aria-labelledby={SECTION}>
      <h2 id={SECTION}>Destinations</h2>
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
            void settings
              .getState()
              .update({ destinations: destinationsWithout(view, d.name, null) }, 'Destinations', SECTION);
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
              const list = destinationsWithout(view, original, input);
              const result = await settings
                .getState()
                .update({ destinations: list }, `Destination ${input.name}`, formSection(SECTION));
              if (result.ok) close();
              const at = list.indexOf(input);
              return formSave(result, `destinations.${at}.`, {
                'auth.token': 'token',
                'auth.apiKey': 'apiKey',
                'auth.apiSecret': 'apiSecret',
                'auth.username': 'username',
                'auth.password': 'password',
                'auth.headers': 'headers',
              });
            }}
          />
        )}
      />
      <SaveStatus section={SECTION} />
    </section>
  );
}
