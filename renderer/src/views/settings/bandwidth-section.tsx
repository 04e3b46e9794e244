// Settings › Bandwidth: a limit outside the schedule and time windows with their own limits.
import { useState, type FormEvent } from 'react';
import type { z } from 'zod';
import type { SettingsView as Settings } from '../../../../shared/contract.js';
import { useServices } from '../../app-services.js';
import { useFieldErrors, type FieldErrors } from './field-errors.js';
import { isLocked, LockedNote } from './policy-lock.js';
import { settingSchemas, unwrapSchema } from './schema-limits.js';
import { SettingsForm } from './settings-form.js';

const dayNames = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

interface WindowDraft {
  from: string;
  to: string;
  days: number[];
  kbps: string;
}

const KB_MESSAGE = 'Give a positive number of KB/s, or leave it empty for no limit.';

/** KB/s as typed → bytes per second as the config takes them; null is no limit. */
function parseKb(value: string, schema: z.ZodType = settingSchemas.bandwidthDefault): number | null | 'bad' {
  if (!value.trim()) return null;
  const n = Number(value);
  if (!Number.isFinite(n)) return 'bad';
  const parsed = unwrapSchema(schema).safeParse(Math.round(n * 1024));
  return parsed.success ? (parsed.data as number) : 'bad';
}

const validTime = (value: string) => settingSchemas.windowTime.safeParse(value).success;

export function BandwidthSection({ view }: { view: Settings }) {
  const { settings } = useServices();
  const toKb = (b: number | null) => (b === null ? '' : String(Math.round(b / 1024)));
  const [limit, setLimit] = useState(toKb(view.bandwidth.defaultBytesPerSec));
  const [windows, setWindows] = useState<WindowDraft[]>(
    view.bandwidth.schedule.map((w) => ({ from: w.from, to: w.to, days: w.days ?? [], kbps: toKb(w.bytesPerSec) })),
  );
  const locked = isLocked(view, 'bandwidth');

  const errors: FieldErrors = {};
  const values: Record<string, unknown> = { limit };
  if (parseKb(limit) === 'bad') errors.limit = KB_MESSAGE;
  windows.forEach((w, i) => {
    Object.assign(values, { [`w${i}-kbps`]: w.kbps, [`w${i}-from`]: w.from, [`w${i}-to`]: w.to });
    if (parseKb(w.kbps, settingSchemas.windowBytes) === 'bad') errors[`w${i}-kbps`] = KB_MESSAGE;
    if (!validTime(w.from)) errors[`w${i}-from`] = 'Give the start as HH:MM, e.g. 09:00.';
    if (!validTime(w.to)) errors[`w${i}-to`] = 'Give the end as HH:MM, e.g. 18:00.';
  });
  const checks = useFieldErrors('bandwidth', errors, values);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!checks.submit()) return;
    const defaultBytesPerSec = parseKb(limit) as number | null;
    const schedule = windows.map((w) => ({
      from: w.from,
      to: w.to,
      bytesPerSec: parseKb(w.kbps, settingSchemas.windowBytes) as number | null,
      ...(w.days.length ? { days: w.days } : {}),
    }));
    await settings
      .getState()
      .update({ bandwidth: { defaultBytesPerSec, schedule } }, 'Bandwidth', 'bandwidth-settings');
  }

  function patch(i: number, change: Partial<WindowDraft>) {
    setWindows((all) => all.map((w, j) => (j === i ? { ...w, ...change } : w)));
  }

  return (
    <SettingsForm id="bandwidth-settings" title="Bandwidth" saveLabel="Save bandwidth" onSubmit={onSubmit}>
      {locked ? <LockedNote view={view} /> : null}
      <fieldset className="plain-fieldset" disabled={locked}>
        <div className="form-field">
          <label htmlFor="bandwidth-limit">Limit outside the schedule (KB/s, empty = unlimited)</label>
          <input
            {...checks.fieldProps('limit')}
            inputMode="numeric"
            value={limit}
            onChange={(e) => setLimit(e.target.value)}
          />
          {checks.errorFor('limit')}
        </div>
        <fieldset>
          <legend>Schedule</legend>
          {windows.length === 0 ? <p className="muted">No window: the limit above applies all day.</p> : null}
          {windows.map((w, i) => (
            <div className="schedule-row" key={i}>
              <span className="schedule-field">
                <label>
                  From{' '}
                  <input
                    {...checks.fieldProps(`w${i}-from`)}
                    type="time"
                    value={w.from}
                    onChange={(e) => patch(i, { from: e.target.value })}
                  />
                </label>
                {checks.errorFor(`w${i}-from`)}
              </span>
              <span className="schedule-field">
                <label>
                  to{' '}
                  <input
                    {...checks.fieldProps(`w${i}-to`)}
                    type="time"
                    value={w.to}
                    onChange={(e) => patch(i, { to: e.target.value })}
                  />
                </label>
                {checks.errorFor(`w${i}-to`)}
              </span>
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
              <span className="schedule-field">
                <label>
                  KB/s{' '}
                  <input
                    {...checks.fieldProps(`w${i}-kbps`)}
                    inputMode="numeric"
                    value={w.kbps}
                    placeholder="unlimited"
                    onChange={(e) => patch(i, { kbps: e.target.value })}
                  />
                </label>
                {checks.errorFor(`w${i}-kbps`)}
              </span>
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
