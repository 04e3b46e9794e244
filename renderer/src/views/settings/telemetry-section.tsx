// Settings › Fleet monitoring: push this station's metrics to an OpenTelemetry collector (for a
// workstation no Prometheus can reach), and the station name the fleet dashboard shows.
import { useState, type FormEvent } from 'react';
import type { SettingsView as Settings } from '../../../../shared/contract.js';
import { useServices } from '../../app-services.js';
import { useFieldErrors, type FieldErrors } from './field-errors.js';
import { NumberField } from './number-field.js';
import { parseNumberField, settingSchemas } from './schema-limits.js';
import { SettingsForm } from './settings-form.js';

export function TelemetrySection({ view }: { view: Settings }) {
  const { settings } = useServices();
  const [otlp, setOtlp] = useState(view.telemetry?.otlp ?? '');
  const [station, setStation] = useState(view.telemetry?.station ?? '');
  const [interval, setIntervalSec] = useState(String(view.telemetry?.intervalSec ?? 30));
  const address = otlp.trim();
  const name = station.trim();
  const seconds = parseNumberField(settingSchemas.telemetryInterval, interval, 'Push every (seconds)');

  const errors: FieldErrors = {};
  if (address && !settingSchemas.telemetryOtlp.safeParse(address).success) {
    errors.otlp = 'Collector address: an http(s) address such as http://collector.site:4318.';
  }
  if (name && !settingSchemas.telemetryStation.safeParse(name).success) {
    errors.station = 'Station name: letters, digits, dot, dash or underscore (at most 63), e.g. desk-17.';
  }
  if (!seconds.ok) errors.interval = seconds.message;
  const checks = useFieldErrors('telemetry', errors, { otlp, station, interval });

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!checks.submit() || !seconds.ok) return;
    const telemetry =
      address || name
        ? { ...(address ? { otlp: address } : {}), ...(name ? { station: name } : {}), intervalSec: seconds.value }
        : null;
    await settings.getState().update({ telemetry }, 'Fleet monitoring', 'telemetry-settings');
  }

  return (
    <SettingsForm
      id="telemetry-settings"
      title="Fleet monitoring"
      saveLabel="Save fleet monitoring"
      onSubmit={onSubmit}
    >
      <p className="muted">
        {view.telemetry?.otlp
          ? `Metrics are pushed to ${view.telemetry.otlp} every ${view.telemetry.intervalSec} s.`
          : 'Metrics are not pushed anywhere. Leave the address empty to keep it that way.'}
      </p>
      <div className="form-field">
        <label htmlFor="telemetry-otlp">Collector address (OpenTelemetry, OTLP/HTTP)</label>
        <input
          {...checks.fieldProps('otlp')}
          type="url"
          placeholder="http://collector.site:4318"
          value={otlp}
          onChange={(e) => setOtlp(e.target.value)}
        />
        {checks.errorFor('otlp')}
      </div>
      <div className="form-field">
        <label htmlFor="telemetry-station">Station name on the dashboard</label>
        <input
          {...checks.fieldProps('station')}
          placeholder="this computer's name"
          value={station}
          onChange={(e) => setStation(e.target.value)}
        />
        {checks.errorFor('station')}
      </div>
      <NumberField
        name="interval"
        label="Push every (seconds)"
        schema={settingSchemas.telemetryInterval}
        value={interval}
        onChange={setIntervalSec}
        checks={checks}
      />
    </SettingsForm>
  );
}
