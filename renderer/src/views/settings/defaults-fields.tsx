// A destination's platform defaults as form fields generated from the kind's zod schema: text,
// a list for an enum, a number, yes/no; anything nested is edited as JSON. Keys the schema does not
// name (an older config, a field the platform added) are kept as "Other fields" rows the person can
// edit or remove, never dropped on save. A kind whose schema is an open record has only such rows.
import { z } from 'zod';
import type { FieldChecks, FieldErrors } from './field-errors.js';
import { asSentence as sentence, unwrapSchema } from './schema-limits.js';

export interface DefaultsField {
  key: string;
  label: string;
  control: 'text' | 'number' | 'select' | 'boolean' | 'json';
  options: string[];
  hint: string | null;
  schema: z.ZodType;
}

/** `agent_id`, `skillId` → "Agent ID", "Skill ID": a platform's field name read aloud. */
export function labelOf(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_.-]+/)
    .filter(Boolean)
    .map((w) => (/^(id|url|uuid|sip|did)$/i.test(w) ? w.toUpperCase() : w.toLowerCase()));
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function hintOf(schema: z.ZodType): string | null {
  if (schema.description) return schema.description;
  if (schema instanceof z.ZodStringFormat && schema.format === 'uuid')
    return 'A UUID, e.g. 123e4567-e89b-12d3-a456-426614174000.';
  if (schema instanceof z.ZodStringFormat && schema.format === 'url') return 'An address such as https://…';
  return null;
}

/** One field per key of an object schema; none for a record (every key is then an "other field"). */
export function fieldsFromSchema(schema: z.ZodType | undefined): DefaultsField[] {
  if (!schema) return [];
  const object = unwrapSchema(schema);
  if (!(object instanceof z.ZodObject)) return [];
  return Object.entries(object.shape as Record<string, z.ZodType>).map(([key, raw]) => {
    const inner = unwrapSchema(raw);
    const base = {
      key,
      label: labelOf(key),
      options: [] as string[],
      hint: hintOf(raw) ?? hintOf(inner),
      schema: inner,
    };
    if (inner instanceof z.ZodEnum) return { ...base, control: 'select', options: inner.options.map(String) };
    if (inner instanceof z.ZodLiteral) return { ...base, control: 'select', options: [...inner.values].map(String) };
    if (inner instanceof z.ZodNumber) return { ...base, control: 'number' };
    if (inner instanceof z.ZodBoolean) return { ...base, control: 'boolean' };
    if (inner instanceof z.ZodString || inner instanceof z.ZodStringFormat) return { ...base, control: 'text' };
    return { ...base, control: 'json' };
  });
}

export interface ExtraRow {
  name: string;
  value: string;
  /** The stored value was not text (a number, a list, an object): it is edited and saved as JSON. */
  json: boolean;
}

export interface DefaultsDraft {
  fields: Record<string, string>;
  extras: ExtraRow[];
}

/** Whether a stored value can be edited in the field without changing its type. */
function fits(field: DefaultsField, value: unknown): boolean {
  if (field.control === 'json') return true;
  if (field.control === 'number') return typeof value === 'number';
  if (field.control === 'boolean') return typeof value === 'boolean';
  return typeof value === 'string';
}

/** The stored defaults split into the schema's fields and the other keys, as text to edit. */
export function draftOf(defaults: Record<string, unknown>, fields: DefaultsField[]): DefaultsDraft {
  const known = new Map(fields.map((f) => [f.key, f]));
  const draft: DefaultsDraft = { fields: {}, extras: [] };
  for (const [key, value] of Object.entries(defaults)) {
    const field = known.get(key);
    if (field && fits(field, value)) {
      draft.fields[key] = field.control === 'json' ? JSON.stringify(value) : String(value);
    } else {
      const json = typeof value !== 'string';
      draft.extras.push({ name: key, value: json ? JSON.stringify(value) : value, json });
    }
  }
  return draft;
}

/**
 * The draft back as the defaults object, and what is wrong with it by field key
 * (`defaults.<key>`, `defaults.extra.<row>`). An empty field is no default.
 */
export function readDraft(
  draft: DefaultsDraft,
  fields: DefaultsField[],
): { value: Record<string, unknown>; errors: FieldErrors } {
  const value: Record<string, unknown> = {};
  const errors: FieldErrors = {};
  for (const field of fields) {
    const text = (draft.fields[field.key] ?? '').trim();
    if (!text) continue;
    let candidate: unknown = text;
    if (field.control === 'number') candidate = Number(text);
    if (field.control === 'boolean') candidate = text === 'true';
    if (field.control === 'json') {
      try {
        candidate = JSON.parse(text);
      } catch {
        errors[`defaults.${field.key}`] = 'Write it as JSON, e.g. {"key": "value"} or ["a", "b"].';
        continue;
      }
    }
    const parsed = field.schema.safeParse(candidate);
    if (parsed.success) value[field.key] = parsed.data;
    else errors[`defaults.${field.key}`] = sentence(parsed.error.issues[0]?.message ?? 'This value is not valid.');
  }
  const seen = new Set(Object.keys(value));
  draft.extras.forEach((row, i) => {
    const name = row.name.trim();
    const key = `defaults.extra.${i}`;
    if (!name && !row.value.trim()) return;
    if (!name) return void (errors[key] = 'Give the field its name on the platform, or remove the row.');
    if (seen.has(name)) return void (errors[key] = `"${name}" is given twice; keep one.`);
    seen.add(name);
    if (!row.json) return void (value[name] = row.value);
    try {
      value[name] = JSON.parse(row.value);
    } catch {
      errors[key] = 'This value was not text: write it as JSON (a number, true/false, a list or an object).';
    }
  });
  return { value, errors };
}

export function DefaultsFields({
  fields,
  draft,
  onChange,
  checks,
}: {
  fields: DefaultsField[];
  draft: DefaultsDraft;
  onChange(next: DefaultsDraft): void;
  checks: FieldChecks;
}) {
  const setField = (key: string, text: string) => onChange({ ...draft, fields: { ...draft.fields, [key]: text } });
  const setExtra = (i: number, change: Partial<ExtraRow>) =>
    onChange({ ...draft, extras: draft.extras.map((row, j) => (j === i ? { ...row, ...change } : row)) });

  return (
    <fieldset className="defaults-fields wide">
      <legend>Platform defaults</legend>
      <p className="muted">Sent with every call unless the call has its own value. Leave a field empty for none.</p>
      <div className="form-grid">
        {fields.map((field) => {
          const name = `defaults.${field.key}`;
          const props = checks.fieldProps(name);
          const hintId = `${props.id}-hint`;
          const describedBy =
            [field.hint ? hintId : null, props['aria-describedby']].filter(Boolean).join(' ') || undefined;
          const value = draft.fields[field.key] ?? '';
          return (
            <div key={field.key} className={`form-field${field.control === 'json' ? ' wide' : ''}`}>
              <label htmlFor={props.id}>{field.label}</label>
              {field.control === 'select' || field.control === 'boolean' ? (
                <select
                  {...props}
                  aria-describedby={describedBy}
                  value={value}
                  onChange={(e) => setField(field.key, e.target.value)}
                >
                  <option value="">(none)</option>
                  {(field.control === 'boolean' ? ['true', 'false'] : field.options).map((o) => (
                    <option key={o} value={o}>
                      {field.control === 'boolean' ? (o === 'true' ? 'Yes' : 'No') : o}
                    </option>
                  ))}
                </select>
              ) : field.control === 'json' ? (
                <textarea
                  {...props}
                  aria-describedby={describedBy}
                  rows={2}
                  value={value}
                  onChange={(e) => setField(field.key, e.target.value)}
                />
              ) : (
                <input
                  {...props}
                  aria-describedby={describedBy}
                  inputMode={field.control === 'number' ? 'decimal' : undefined}
                  value={value}
                  autoComplete="off"
                  spellCheck={false}
                  onChange={(e) => setField(field.key, e.target.value)}
                />
              )}
              {field.hint ? (
                <small id={hintId} className="hint">
                  {field.hint}
                </small>
              ) : null}
              {checks.errorFor(name)}
            </div>
          );
        })}
      </div>
      {draft.extras.length > 0 ? <p className="muted">{fields.length > 0 ? 'Other fields:' : 'Fields:'}</p> : null}
      {draft.extras.map((row, i) => {
        const key = `defaults.extra.${i}`;
        const props = checks.fieldProps(key);
        return (
          <div key={i} className="extra-default" role="group" aria-label={`Platform field ${i + 1}`}>
            <label>
              Name on the platform{' '}
              <input
                id={`${props.id}-name`}
                value={row.name}
                spellCheck={false}
                onChange={(e) => setExtra(i, { name: e.target.value })}
                aria-invalid={props['aria-invalid']}
                aria-describedby={props['aria-describedby']}
                onBlur={props.onBlur}
              />
            </label>
            <label>
              Value{row.json ? ' (JSON)' : ''}{' '}
              <input
                id={props.id}
                value={row.value}
                spellCheck={false}
                onChange={(e) => setExtra(i, { value: e.target.value })}
                aria-invalid={props['aria-invalid']}
                aria-describedby={props['aria-describedby']}
                onBlur={props.onBlur}
              />
            </label>
            <button
              type="button"
              aria-label={`Remove platform field ${row.name || i + 1}`}
              onClick={() => onChange({ ...draft, extras: draft.extras.filter((_, j) => j !== i) })}
            >
              Remove
            </button>
            {checks.errorFor(key)}
          </div>
        );
      })}
      <button
        type="button"
        onClick={() => onChange({ ...draft, extras: [...draft.extras, { name: '', value: '', json: false }] })}
      >
        Add a platform field
      </button>
    </fieldset>
  );
}
