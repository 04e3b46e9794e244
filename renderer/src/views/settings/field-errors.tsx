// Inline field errors shared by the settings forms. A message appears next to its field, never
// before the person typed: once they changed a field and left it, or pressed Save. From then on it
// follows what they type, so it goes away as soon as the value is right. The input points at its
// message (aria-describedby) so screen readers read it with the field.
import { useState } from 'react';

export type FieldErrors = Record<string, string>;

/** Ids and ARIA for the control of `key`, and its error message, both under `prefix`. */
export function createFieldErrors(prefix: string, errors: FieldErrors) {
  return {
    fieldProps(key: string) {
      return {
        id: `${prefix}-${key}`,
        'aria-invalid': errors[key] ? true : undefined,
        'aria-describedby': errors[key] ? `${prefix}-${key}-error` : undefined,
      };
    },
    errorFor(key: string) {
      return errors[key] ? (
        <small id={`${prefix}-${key}-error`} className="field-error">
          {errors[key]}
        </small>
      ) : null;
    },
  };
}

/**
 * `errors` is what is wrong with the values now (computed on every render from the draft);
 * `values` the draft's fields by the same keys, so the hook can tell which ones the person
 * changed. The host's answer to a save (`setHostErrors`) shows by its field until that field
 * changes.
 */
export function useFieldErrors(prefix: string, errors: FieldErrors, values: Record<string, unknown>) {
  const [initial] = useState(values);
  const typed = (key: string) => JSON.stringify(values[key]) !== JSON.stringify(initial[key]);
  /** Fields the person changed and then left. */
  const [left, setLeft] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [host, setHost] = useState<{ errors: FieldErrors; values: Record<string, unknown> }>({
    errors: {},
    values: {},
  });

  const shown: FieldErrors = {};
  for (const [key, message] of Object.entries(errors)) {
    if (submitted || left.has(key)) shown[key] = message;
  }
  for (const [key, message] of Object.entries(host.errors)) {
    const unchanged = JSON.stringify(values[key]) === JSON.stringify(host.values[key]);
    if (!shown[key] && unchanged) shown[key] = message;
  }
  const base = createFieldErrors(prefix, shown);

  return {
    shown,
    errorFor: base.errorFor,
    fieldProps(key: string) {
      return {
        ...base.fieldProps(key),
        onBlur: () => {
          if (typed(key)) setLeft((s) => (s.has(key) ? s : new Set([...s, key])));
        },
      };
    },
    /** Call when Save (or Test) is pressed: every message shows from then on. True when none. */
    submit(): boolean {
      setSubmitted(true);
      return Object.keys(errors).length === 0;
    },
    /** What the host refused, by this form's field keys (shown until the field changes). */
    setHostErrors(found: FieldErrors) {
      setHost({ errors: found, values });
    },
  };
}

export type FieldChecks = ReturnType<typeof useFieldErrors>;
