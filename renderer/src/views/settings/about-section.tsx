// Settings → About: the version running here and whether an update waits (and why it waits).
import { useEffect, useState } from 'react';
import type { AppAbout } from '../../../../shared/contract.js';
import { useServices } from '../../app-services.js';

export function AboutSection() {
  const { client } = useServices();
  const [about, setAbout] = useState<AppAbout | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    client
      .call('app:about', {})
      .then((value) => live && setAbout(value))
      .catch((e: unknown) => live && setError((e as Error).message));
    return () => {
      live = false;
    };
  }, [client]);

  const update = about?.update;
  return (
    <section className="panel" aria-labelledby="about-settings">
      <h2 id="about-settings">About</h2>
      {error ? <p className="field-error">Version unknown: {error}</p> : null}
      {about ? (
        <dl className="about-list">
          <dt>Version</dt>
          <dd data-testid="about-version">CallRelay {about.version}</dd>
          <dt>Updates</dt>
          <dd data-testid="about-update">
            {!update
              ? 'Updated by whoever installed it (this host does not update itself).'
              : update.waiting
                ? `Version ${update.waiting} waits to be installed.`
                : update.mode === 'off'
                  ? 'Off.'
                  : `On${update.channel ? `, channel ${update.channel}` : ''}: up to date.`}
            {update?.note ? <small className="muted"> {update.note}</small> : null}
          </dd>
        </dl>
      ) : null}
    </section>
  );
}
