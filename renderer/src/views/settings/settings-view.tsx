// Settings, one section per concern (one file each, beside this one); each saves only its own part
// of the configuration and says how the save went beside its own Save button.
import { useEffect } from 'react';
import { useStore } from 'zustand';
import { useServices } from '../../app-services.js';
import { ErrorState, LoadingState, Notice } from '../../components/status-panel.js';
import { AboutSection } from './about-section.js';
import { BandwidthSection } from './bandwidth-section.js';
import { ConcurrencySection } from './concurrency-section.js';
import { DestinationsSection } from './destinations-section.js';
import { FoldersSection } from './folders-section.js';
import { NetworkSection } from './network-section.js';
import { NotificationsSection } from './notifications-section.js';
import { PolicyBanner } from './policy-lock.js';
import { TelemetrySection } from './telemetry-section.js';

export function SettingsView() {
  const { settings } = useServices();
  const view = useStore(settings, (s) => s.view);
  const status = useStore(settings, (s) => s.status);
  const error = useStore(settings, (s) => s.error);

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
      {/* Only a failed reload shows up here; a save's outcome shows beside its Save button. */}
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
