// Settings › Fleet monitoring: push this station's metrics to an OpenTelemetry collector (for a
// workstation no Prometheus can reach), and the station name the fleet dashboard shows.
import { useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import type { SettingsView as Settings } from '../../../shared/contract.js';
import { useServices } from '../app-services.js';

const stationPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export function TelemetrySection({ view }: { view: Settings }) {
  const { settings } = useServices();
  const saving = useStore(settings, (s) => s.saving);
  const [otlp, setOtlp] = useState(view.telemetry?.otlp ?? '');
  const [station, setStation] = useState(view.telemetry?.station ?? '');
  const [interval, setIntervalSec] = useState(String(view.telemetry?.intervalSec ?? 30));
  const [error, setError] = useState<string | null>(null);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const address = otlp.trim();
    const name = station.trim();
    const seconds = Number(interval);
    if (address && !/^https?:\/\/[^\s/]+/.test(address)) {
      return setError('Collector address: an http(s) address such as http://collector.site:4318.');
    }
    if (name && !stationPattern.test(name)) {
      return setError('Station name: letters, digits, dot, dash or underscore (at most 63), e.g. desk-17.');
    }
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > 3600) {
      return setError('Push every: a whole number of seconds from 1 to 3600.');
    }
    setError(null);
    const telemetry =
      address || name
        ? { ...(address ? { otlp: address } : {}), ...(name ? { station: name } : {}), intervalSec: seconds }
        : null;
    await settings.getState().update({ telemetry }, 'Fleet monitoring');
  }

  return (
    <form className="panel" onSubmit={onSubmit} aria-labelledby="telemetry-settings" noValidate>
      <h2 id="telemetry-settings">Fleet monitoring</h2>
      <p className="muted">
        {view.telemetry?.otlp
          ? `Metrics are pushed to ${view.telemetry.otlp} every ${view.telemetry.intervalSec} s.`
          : 'Metrics are not pushed anywhere. Leave the address empty to keep it that way.'}
      </p>
      <div className="form-field">
        <label htmlFor="telemetry-otlp">Collector address (OpenTelemetry, OTLP/HTTP)</label>
        <input
          id="telemetry-otlp"
          type="url"
          placeholder="http://collector.site:4318"
          value={otlp}
          onChange={(e) => setOtlp(e.target.value)}
        />
      </div>
      <div className="form-field">
        <label htmlFor="telemetry-station">Station name on the dashboard</label>
        <input
          id="telemetry-station"
          placeholder="this computer's name"
          value={station}
          onChange={(e) => setStation(e.target.value)}
        />
      </div>
      <div className="form-field">
        <label htmlFor="telemetry-interval">Push every (seconds)</label>
        <input
          id="telemetry-interval"
          type="number"
          min={1}
          max={3600}
          value={interval}
          onChange={(e) => setIntervalSec(e.target.value)}
        />
      </div>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={saving}>
          Save fleet monitoring
        </button>
      </div>
    </form>
  );
}
