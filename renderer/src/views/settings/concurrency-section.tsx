// Settings › Concurrency: how many transfers run at once, in total and per destination.
import { useState, type FormEvent } from 'react';
import type { SettingsView as Settings } from '../../../../shared/contract.js';
import { useServices } from '../../app-services.js';
import { useFieldErrors, type FieldErrors } from './field-errors.js';
import { NumberField } from './number-field.js';
import { isLocked } from './policy-lock.js';
import { parseNumberField, settingSchemas } from './schema-limits.js';
import { SettingsForm } from './settings-form.js';

export function ConcurrencySection({ view }: { view: Settings }) {
  const { settings } = useServices();
  const [global, setGlobal] = useState(String(view.concurrency.global));
  const [perDestination, setPerDestination] = useState(String(view.concurrency.perDestination));
  const g = parseNumberField(settingSchemas.concurrencyGlobal, global, 'Transfers in total');
  const p = parseNumberField(settingSchemas.concurrencyPerDestination, perDestination, 'Transfers per destination');
  const errors: FieldErrors = {};
  if (!g.ok) errors.global = g.message;
  if (!p.ok) errors.perDestination = p.message;
  const checks = useFieldErrors('concurrency', errors, { global, perDestination });

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!checks.submit() || !g.ok || !p.ok) return;
    await settings
      .getState()
      .update({ concurrency: { global: g.value, perDestination: p.value } }, 'Concurrency', 'concurrency-settings');
  }

  return (
    <SettingsForm id="concurrency-settings" title="Concurrency" saveLabel="Save concurrency" onSubmit={onSubmit}>
      <div className="form-grid">
        <NumberField
          name="global"
          label="Transfers at once, in total"
          schema={settingSchemas.concurrencyGlobal}
          value={global}
          onChange={setGlobal}
          checks={checks}
          locked={isLocked(view, 'concurrency.global') ? view : null}
        />
        <NumberField
          name="perDestination"
          label="Transfers at once, per destination"
          schema={settingSchemas.concurrencyPerDestination}
          value={perDestination}
          onChange={setPerDestination}
          checks={checks}
          locked={isLocked(view, 'concurrency.perDestination') ? view : null}
        />
      </div>
    </SettingsForm>
  );
}
