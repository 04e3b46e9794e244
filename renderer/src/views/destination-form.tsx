// Add or edit a destination. Secrets are write-only: the form shows whether each is set (and its
// last characters), and sends a secret only when the person typed a new one.
import { useMemo, useState, type FormEvent } from 'react';
import { z } from 'zod';
import type { ConnectionTest, DestinationInput, DestinationView } from '../../../shared/contract.js';
import { DestinationConfig } from '../../../shared/config.js';
import { destinationKinds, type DestinationKind } from '../../../shared/model.js';
import { createFieldErrors } from './field-errors.js';

interface AuthField {
  key: string;
  /** tus takes any number of named headers instead of fixed keys. */
  headers: boolean;
}

function optionFor(kind: DestinationKind) {
  return DestinationConfig.options.find((o) => o.shape.kind.value === kind) ?? DestinationConfig.options[0];
}

export function authFieldsFor(kind: DestinationKind): AuthField[] {
  let auth: z.ZodType = optionFor(kind).shape.auth;
  if (auth instanceof z.ZodDefault) auth = auth.unwrap() as z.ZodType;
  if (!(auth instanceof z.ZodObject)) return [];
  return Object.entries(auth.shape as Record<string, z.ZodType>).map(([key, schema]) => ({
    key,
    headers: schema instanceof z.ZodDefault || schema instanceof z.ZodRecord,
  }));
}

const authLabels: Record<string, string> = {
  token: 'API token',
  apiKey: 'API key',
  apiSecret: 'API secret',
  username: 'User name',
  password: 'Password',
  headers: 'Headers (one per line, Name: value)',
};

function maskedHint(view: DestinationView | null, key: string): string | null {
  const masked = view?.auth[key];
  if (!masked) return null;
  if ('set' in masked && typeof masked.set === 'boolean') {
    return masked.set ? `Set${masked.hint ? ` (ends …${masked.hint})` : ''}. Leave empty to keep it.` : 'Not set.';
  }
  const names = Object.keys(masked);
  return names.length ? `Set: ${names.join(', ')}. Leave empty to keep them.` : 'No header set.';
}

/** scheme://host:port of a URL, or null while it is not a URL yet. */
function originOf(url: string): string | null {
  try {
    return new URL(url.trim()).origin;
  } catch {
    return null;
  }
}

function parseHeaders(text: string): Record<string, string> | string {
  const headers: Record<string, string> = {};
  for (const line of text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)) {
    const colon = line.indexOf(':');
    if (colon <= 0) return `"${line}" is not a header: write Name: value.`;
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

export interface DestinationFormProps {
  /** The destination being edited, or null to add one. */
  existing: DestinationView | null;
  takenNames: string[];
  saving: boolean;
  onSave(input: DestinationInput, originalName: string | null): Promise<boolean>;
  onTest(input: { name?: string; draft: DestinationInput }): Promise<ConnectionTest>;
  onCancel(): void;
}

export function DestinationForm({ existing, takenNames, saving, onSave, onTest, onCancel }: DestinationFormProps) {
  const [name, setName] = useState(existing?.name ?? '');
  const [kind, setKind] = useState<DestinationKind>(existing?.kind ?? 'comswise');
  const [baseUrl, setBaseUrl] = useState(existing?.baseUrl ?? '');
  const [enabled, setEnabled] = useState(existing?.enabled ?? true);
  const [concurrency, setConcurrency] = useState(existing?.concurrency ? String(existing.concurrency) : '');
  const [defaults, setDefaults] = useState(
    existing && Object.keys(existing.defaults).length ? JSON.stringify(existing.defaults, null, 2) : '',
  );
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [test, setTest] = useState<ConnectionTest | 'running' | null>(null);
  const fields = useMemo(() => authFieldsFor(kind), [kind]);
  const sameKind = existing?.kind === kind ? existing : null;
  const prefix = `dest-${existing?.name ?? 'new'}`;
  // Secrets belong to the address they were entered for: the host drops them when the origin
  // changes, and the person must know that before saving.
  const newOrigin = originOf(baseUrl);
  const moved = sameKind !== null && newOrigin !== null && newOrigin !== originOf(sameKind.baseUrl);
  const secretsKept = sameKind !== null && !moved && !sameKind.awaitingSecrets;

  function build(): DestinationInput | null {
    const found: Record<string, string> = {};
    const option = optionFor(kind);
    const nameCheck = option.shape.name.safeParse(name.trim());
    if (!nameCheck.success) found.name = nameCheck.error.issues[0]?.message ?? 'Invalid name.';
    else if (name.trim() !== existing?.name && takenNames.includes(name.trim()))
      found.name = 'Another destination has this name.';
    const urlCheck = option.shape.baseUrl.safeParse(baseUrl.trim());
    if (!urlCheck.success) found.baseUrl = urlCheck.error.issues[0]?.message ?? 'Invalid URL.';
    let parsedDefaults: Record<string, unknown> | undefined;
    if (defaults.trim()) {
      try {
        const value: unknown = JSON.parse(defaults);
        if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
        parsedDefaults = value as Record<string, unknown>;
      } catch {
        found.defaults = 'Write a JSON object, e.g. {"agent_id": "agent-7"}.';
      }
    }
    let parsedConcurrency: number | undefined;
    if (concurrency.trim()) {
      parsedConcurrency = Number(concurrency);
      if (!Number.isInteger(parsedConcurrency) || parsedConcurrency < 1 || parsedConcurrency > 32)
        found.concurrency = 'A whole number from 1 to 32.';
    }
    const auth: Record<string, string | Record<string, string>> = {};
    for (const field of fields) {
      const value = secrets[field.key]?.trim() ?? '';
      if (field.headers) {
        if (!value) continue;
        const headers = parseHeaders(value);
        if (typeof headers === 'string') found[field.key] = headers;
        else auth[field.key] = headers;
        continue;
      }
      const masked = sameKind?.auth[field.key];
      const alreadySet = !!masked && 'set' in masked && masked.set === true;
      if (value) auth[field.key] = value;
      else if (!alreadySet && !moved && !sameKind?.awaitingSecrets)
        found[field.key] = 'Required: write the value, or env:NAME to read it from the environment.';
    }
    setErrors(found);
    if (Object.keys(found).length > 0) return null;
    return {
      name: name.trim(),
      kind,
      baseUrl: baseUrl.trim(),
      enabled,
      ...(parsedConcurrency ? { concurrency: parsedConcurrency } : {}),
      ...(parsedDefaults ? { defaults: parsedDefaults } : {}),
      ...(Object.keys(auth).length ? { auth } : {}),
    };
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const input = build();
    if (input && (await onSave(input, existing?.name ?? null))) setSecrets({});
  }

  async function runTest() {
    const draft = build();
    if (!draft) return;
    setTest('running');
    setTest(await onTest({ ...(existing ? { name: existing.name } : {}), draft }));
  }

  const { fieldProps, errorFor } = createFieldErrors(prefix, errors);

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
          <select id={`${prefix}-kind`} value={kind} onChange={(e) => setKind(e.target.value as DestinationKind)}>
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
        <div className="form-field wide">
          <label htmlFor={`${prefix}-defaults`}>Platform defaults (JSON, optional)</label>
          <textarea
            {...fieldProps('defaults')}
            rows={2}
            value={defaults}
            placeholder='{"agent_id": "agent-7"}'
            onChange={(e) => setDefaults(e.target.value)}
          />
          {errorFor('defaults')}
        </div>
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
      </div>
      {test && test !== 'running' ? (
        <p
          className={test.status === 'ok' ? 'notice' : 'notice notice-error'}
          role="status"
          data-testid="connection-test"
        >
          {test.status === 'ok' ? 'Connected' : `Test failed (${test.status})`}: {test.message}
          {test.latencyMs !== null ? ` — ${Math.round(test.latencyMs)} ms` : ''}
        </p>
      ) : null}
    </form>
  );
}
