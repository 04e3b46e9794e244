// Add or edit a destination. Secrets are write-only: the form shows whether each is set (and its
// last characters), and sends a secret only when the person typed a new one.
import { useMemo, useState, type FormEvent } from 'react';
import type { ConnectionTest, DestinationInput, DestinationView } from '../../../../shared/contract.js';
export { authFieldsFor } from './destination-auth.js';
import { destinationKinds, type DestinationKind } from '../../../../shared/model.js';
import {
  authFieldsFor,
  defaultsSchemaFor,
  authLabels,
  maskedHint,
  optionFor,
  originOf,
  parseHeaders,
  testFailure,
} from './destination-auth.js';
import { DefaultsFields, draftOf, fieldsFromSchema, readDraft } from './defaults-fields.js';
import { useFieldErrors, type FieldErrors } from './field-errors.js';
import { StatusText, type FormSave } from './save-status.js';
import { asSentence as sentence, parseNumberField, settingSchemas } from './schema-limits.js';

export interface DestinationFormProps {
  /** The destination being edited, or null to add one. */
  existing: DestinationView | null;
  takenNames: string[];
  saving: boolean;
  /** The save's outcome: fields the host refused show by their field, the message by Save. */
  onSave(input: DestinationInput, originalName: string | null): Promise<FormSave>;
  onTest(input: { name?: string; draft: DestinationInput }): Promise<ConnectionTest>;
  onCancel(): void;
}

export function DestinationForm({ existing, takenNames, saving, onSave, onTest, onCancel }: DestinationFormProps) {
  const [name, setName] = useState(existing?.name ?? '');
  const [kind, setKind] = useState<DestinationKind>(existing?.kind ?? 'comswise');
  const [baseUrl, setBaseUrl] = useState(existing?.baseUrl ?? '');
  const [enabled, setEnabled] = useState(existing?.enabled ?? true);
  const [concurrency, setConcurrency] = useState(existing?.concurrency ? String(existing.concurrency) : '');
  const defaultsFields = useMemo(() => fieldsFromSchema(defaultsSchemaFor(kind)), [kind]);
  const [defaults, setDefaults] = useState(() => draftOf(existing?.defaults ?? {}, defaultsFields));
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState<FormSave | null>(null);
  const [test, setTest] = useState<ConnectionTest | 'running' | null>(null);
  const fields = useMemo(() => authFieldsFor(kind), [kind]);
  const sameKind = existing?.kind === kind ? existing : null;
  const prefix = `dest-${existing?.name ?? 'new'}`;
  // Secrets belong to the address they were entered for: the host drops them when the origin
  // changes, and the person must know that before saving.
  const newOrigin = originOf(baseUrl);
  const moved = sameKind !== null && newOrigin !== null && newOrigin !== originOf(sameKind.baseUrl);
  const secretsKept = sameKind !== null && !moved && !sameKind.awaitingSecrets;

  const errors: FieldErrors = {};
  const option = optionFor(kind);
  const nameCheck = option.shape.name.safeParse(name.trim());
  if (!nameCheck.success) errors.name = sentence(nameCheck.error.issues[0]?.message ?? 'this name is not valid');
  else if (name.trim() !== existing?.name && takenNames.includes(name.trim()))
    errors.name = 'Another destination has this name.';
  const urlCheck = option.shape.baseUrl.safeParse(baseUrl.trim());
  if (!urlCheck.success) {
    errors.baseUrl = sentence(`Write the platform's address: ${urlCheck.error.issues[0]?.message ?? 'a web address'}`);
  }
  const platformDefaults = readDraft(defaults, defaultsFields);
  Object.assign(errors, platformDefaults.errors);
  const parsedConcurrency = concurrency.trim()
    ? parseNumberField(settingSchemas.destinationConcurrency, concurrency)
    : null;
  if (parsedConcurrency && !parsedConcurrency.ok) errors.concurrency = parsedConcurrency.message;
  const auth: Record<string, string | Record<string, string>> = {};
  for (const field of fields) {
    const value = secrets[field.key]?.trim() ?? '';
    if (field.headers) {
      if (!value) continue;
      const headers = parseHeaders(value);
      if (typeof headers === 'string') errors[field.key] = headers;
      else auth[field.key] = headers;
      continue;
    }
    const masked = sameKind?.auth[field.key];
    const alreadySet = !!masked && 'set' in masked && masked.set === true;
    if (value) auth[field.key] = value;
    else if (!alreadySet && !moved && !sameKind?.awaitingSecrets)
      errors[field.key] = 'Required: write the value, or env:NAME to read it from the environment.';
  }
  const checks = useFieldErrors(prefix, errors, {
    name,
    baseUrl,
    concurrency,
    ...secrets,
    ...Object.fromEntries(defaultsFields.map((f) => [`defaults.${f.key}`, defaults.fields[f.key] ?? ''])),
    ...Object.fromEntries(defaults.extras.map((row, i) => [`defaults.extra.${i}`, row])),
  });
  const hadDefaults = Object.keys(existing?.defaults ?? {}).length > 0;

  /** The destination as typed, or null (and every message shown) while something is wrong. */
  function build(): DestinationInput | null {
    if (!checks.submit()) return null;
    const value = platformDefaults.value;
    return {
      name: name.trim(),
      kind,
      baseUrl: baseUrl.trim(),
      enabled,
      ...(parsedConcurrency?.ok ? { concurrency: parsedConcurrency.value } : {}),
      // Sent when there are some, or to clear the ones stored.
      ...(Object.keys(value).length || hadDefaults ? { defaults: value } : {}),
      ...(Object.keys(auth).length ? { auth } : {}),
    };
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setSaved(null);
    const input = build();
    if (!input) return;
    const result = await onSave(input, existing?.name ?? null);
    checks.setHostErrors(result.fields);
    setSaved(result);
    if (result.ok) setSecrets({});
  }

  async function runTest() {
    const draft = build();
    if (!draft) return;
    setTest('running');
    setTest(await onTest({ ...(existing ? { name: existing.name } : {}), draft }));
  }

  const { fieldProps, errorFor } = checks;

  return (
    <form
      className="panel settings-form"
      onSubmit={onSubmit}
      noValidate
      aria-label={existing ? `Edit ${existing.name}` : 'New destination'}
    >
      <h3>{existing ? `Edit ${existing.name}` : 'New destination'}</h3>
      {sameKind?.awaitingSecrets && !moved ? (
        <p className="notice notice-error" role="alert" data-testid="awaiting-secrets">
          Enter the {fields.map((f) => authLabels[f.key] ?? f.key).join(' and ')} again for the new address{' '}
          {sameKind.baseUrl}: the stored ones were dropped when the address changed, and nothing is sent until then.
        </p>
      ) : null}
      {moved ? (
        <p className="notice notice-error" role="alert" data-testid="secrets-will-drop">
          This is another address than {originOf(sameKind.baseUrl)}. Saving drops the stored{' '}
          {fields.map((f) => authLabels[f.key] ?? f.key).join(' and ')} (they were entered for the old address): enter
          them again below, or the destination waits and sends nothing until you do.
        </p>
      ) : null}
      <div className="form-grid">
        <div className="form-field">
          <label htmlFor={`${prefix}-name`}>Name</label>
          <input {...fieldProps('name')} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
          {errorFor('name')}
        </div>
        <div className="form-field">
          <label htmlFor={`${prefix}-kind`}>Platform</label>
          <select
            id={`${prefix}-kind`}
            value={kind}
            onChange={(e) => {
              const next = e.target.value as DestinationKind;
              // What was typed is kept: fields the new kind names move into them, the rest stay as other fields.
              setDefaults(
                draftOf(readDraft(defaults, defaultsFields).value, fieldsFromSchema(defaultsSchemaFor(next))),
              );
              setKind(next);
            }}
          >
            {destinationKinds.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </div>
        <div className="form-field wide">
          <label htmlFor={`${prefix}-baseUrl`}>Base URL</label>
          <input
            {...fieldProps('baseUrl')}
            type="url"
            value={baseUrl}
            placeholder="https://api.example.com/v1"
            onChange={(e) => setBaseUrl(e.target.value)}
          />
          {errorFor('baseUrl')}
        </div>
        {fields.map((field) => {
          const hint = secretsKept
            ? maskedHint(sameKind, field.key)
            : sameKind
              ? 'Enter it again for the new address.'
              : null;
          const hintId = `${prefix}-${field.key}-hint`;
          const props = fieldProps(field.key);
          const describedBy = [hint ? hintId : null, props['aria-describedby']].filter(Boolean).join(' ') || undefined;
          return (
            <div key={field.key} className={`form-field${field.headers ? ' wide' : ''}`}>
              <label htmlFor={props.id}>{authLabels[field.key] ?? field.key}</label>
              {field.headers ? (
                <textarea
                  {...props}
                  aria-describedby={describedBy}
                  rows={2}
                  value={secrets[field.key] ?? ''}
                  placeholder="Authorization: Bearer …"
                  onChange={(e) => setSecrets((s) => ({ ...s, [field.key]: e.target.value }))}
                />
              ) : (
                <input
                  {...props}
                  aria-describedby={describedBy}
                  type="password"
                  autoComplete="new-password"
                  value={secrets[field.key] ?? ''}
                  placeholder={hint?.startsWith('Set') ? '•••••••• (unchanged)' : ''}
                  onChange={(e) => setSecrets((s) => ({ ...s, [field.key]: e.target.value }))}
                />
              )}
              {hint ? (
                <small id={hintId} className="hint">
                  {hint}
                </small>
              ) : null}
              {errorFor(field.key)}
            </div>
          );
        })}
        <div className="form-field">
          <label htmlFor={`${prefix}-concurrency`}>Transfers at once</label>
          <input
            {...fieldProps('concurrency')}
            inputMode="numeric"
            value={concurrency}
            placeholder="default"
            onChange={(e) => setConcurrency(e.target.value)}
          />
          {errorFor('concurrency')}
        </div>
        <div className="form-field checkbox-field">
          <label>
            <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Enabled
          </label>
        </div>
        <DefaultsFields fields={defaultsFields} draft={defaults} onChange={setDefaults} checks={checks} />
      </div>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save destination'}
        </button>
        <button type="button" onClick={() => void runTest()} disabled={test === 'running'}>
          {test === 'running' ? 'Testing…' : 'Test connection'}
        </button>
        <button type="button" className="link-button" onClick={onCancel}>
          Cancel
        </button>
        <StatusText result={saved} />
      </div>
      {test && test !== 'running' ? (
        <p
          className={test.status === 'ok' ? 'notice' : 'notice notice-error'}
          role="status"
          data-testid="connection-test"
        >
          {test.status === 'ok' ? test.message : `${testFailure[test.status]}: ${test.message}`}
          {test.latencyMs !== null ? ` — ${Math.round(test.latencyMs)} ms` : ''}
        </p>
      ) : null}
    </form>
  );
}
