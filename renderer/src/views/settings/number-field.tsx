// A labelled number input whose bounds come from the setting's schema; its message sits under it.
import type { z } from 'zod';
import type { SettingsView as Settings } from '../../../../shared/contract.js';
import type { FieldChecks } from './field-errors.js';
import { LockedNote } from './policy-lock.js';
import { numberLimits } from './schema-limits.js';

export function NumberField({
  name,
  label,
  schema,
  value,
  onChange,
  checks,
  locked,
}: {
  /** The field's key in `checks`; its id is `<prefix>-<name>`. */
  name: string;
  label: string;
  schema: z.ZodType;
  value: string;
  onChange: (value: string) => void;
  checks: FieldChecks;
  /** The view, when a policy locks this field. */
  locked?: Settings | null;
}) {
  const { min, max } = numberLimits(schema);
  const props = checks.fieldProps(name);
  const lockedId = `${props.id}-locked`;
  const describedBy = [props['aria-describedby'], locked ? lockedId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className="form-field">
      <label htmlFor={props.id}>{label}</label>
      <input
        {...props}
        aria-describedby={describedBy}
        type="number"
        min={min}
        max={max}
        value={value}
        disabled={Boolean(locked)}
        onChange={(e) => onChange(e.target.value)}
      />
      {checks.errorFor(name)}
      {locked ? <LockedNote view={locked} id={lockedId} /> : null}
    </div>
  );
}
