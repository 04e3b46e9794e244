// The call metadata form, built from the destination's field list. It shows first what is
// missing, and only that: the host says what (review:check, the same check that held the job);
// what the destination's defaults or the folder fill is listed as filled, and every other field
// waits under "More fields". Each field is checked with the canonical model's own schema before
// anything is sent (phone numbers read with the folder's region); the host's issues show inline.
import { useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { ReviewCheck } from '../../../shared/contract.js';
import { readPhoneNumber } from '../../../shared/phone-number.js';
import {
  CallDraft,
  CallStatus,
  Direction,
  callFieldNames,
  type CallPatch,
  type FieldIssue,
  type JobDetail,
} from '../../../shared/model.js';
import { formatTime, viewerTimeZone } from '../format-values.js';
import type { CallSchema } from '../stores/job-store.js';

type EditableField = Exclude<keyof CallDraft, 'extra'>;

export const fieldLabels: Record<EditableField, string> = {
  callId: 'Call ID',
  groupingId: 'Grouping ID',
  from: 'From',
  to: 'To',
  direction: 'Direction',
  startTime: 'Start time',
  endTime: 'End time',
  status: 'Call status',
  agentId: 'Agent ID',
  userId: 'User ID',
  extensionId: 'Extension',
  customerName: 'Customer name',
  customerPhone: 'Customer phone',
  orderId: 'Order ID',
  campaignId: 'Campaign ID',
  skillId: 'Skill ID',
  channel: 'Channel',
  notes: 'Notes',
};

const phoneFields = new Set<string>(['from', 'to', 'customerPhone']);
const timeFields = new Set<string>(['startTime', 'endTime']);
const editable = callFieldNames.filter((f): f is EditableField => f !== 'extra');

function isEditable(field: string): field is EditableField {
  return (editable as string[]).includes(field);
}

/**
 * A phone number as typed ("312 555 0002", "(212) 555-0105", "+91 98450-12345") read with the
 * folder's region by the core's own rule (shared/phone-number.ts) into E.164.
 */
function normalise(field: string, value: string, region: string | null): string {
  const trimmed = value.trim();
  if (!phoneFields.has(field) || trimmed === '') return trimmed;
  const reading = readPhoneNumber(trimmed, region ?? undefined);
  return 'e164' in reading ? reading.e164 : trimmed.replace(/[\s().-]/g, '');
}

/**
 * Checks the format of every filled field with the canonical schema (phones with the folder's
 * region). Empty fields are left to the host: only it knows what the destination still needs.
 */
export function validateCallFields(
  values: Record<string, string>,
  region: string | null = null,
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const [field, raw] of Object.entries(values)) {
    if (!raw.trim() || !isEditable(field)) continue;
    if (phoneFields.has(field)) {
      const reading = readPhoneNumber(raw, region ?? undefined);
      if ('error' in reading) errors[field] = reading.error;
      else if ('extension' in reading) errors[field] = `"${raw.trim()}" looks like an extension, not a phone number`;
      continue;
    }
    const parsed = CallDraft.shape[field].safeParse(normalise(field, raw, region));
    if (!parsed.success) errors[field] = parsed.error.issues[0]?.message ?? 'Invalid value.';
  }
  return errors;
}

const fromWords: Record<ReviewCheck['filled'][number]['from'], (destination: string) => string> = {
  destination: (d) => `from ${d}'s defaults`,
  folder: () => "from the folder's defaults",
  recording: () => "from the recording's details",
  derived: () => 'from the call’s numbers',
};

/** "needs customer name, customer phone": what an inbox row lacks, in the form's own words. */
export function lacksLabel(missing: ReviewCheck['missing']): string | null {
  if (missing.length === 0) return null;
  const words = [
    ...new Set(
      missing.map((issue) => {
        if (isEditable(issue.field)) return fieldLabels[issue.field].toLowerCase();
        if (issue.field === 'recording') return 'a look at the recording';
        if (issue.field.startsWith('defaults.')) return `a destination setting (${issue.field.slice(9)})`;
        return issue.field;
      }),
    ),
  ];
  return `needs ${words.join(', ')}`;
}

function initialValues(call: CallDraft, fields: EditableField[]): Record<string, string> {
  return Object.fromEntries(fields.map((f) => [f, call[f] === undefined ? '' : String(call[f])]));
}

export interface CallFormProps {
  job: JobDetail;
  schema: CallSchema | null;
  /** What the host says is missing and filled; null while unknown (then the host's issues decide). */
  check?: ReviewCheck | null;
  /** The folder's region, for national phone numbers. */
  region?: string | null;
  /** Issues the host reported: the job's review issues and the last save's issues. */
  hostIssues: FieldIssue[];
  /** The folder's time zone, shown next to times so a person can check them. */
  timeZone: string | null;
  saving: boolean;
  primaryLabel: string;
  /** Resolves with the host's issues (empty when saved cleanly) or null when the call failed. */
  onSave(patch: CallPatch, queue: boolean): Promise<FieldIssue[] | null>;
  secondary?: { label: string; queue: boolean };
  idPrefix?: string;
}

export function CallForm({
  job,
  schema,
  check = null,
  region = null,
  hostIssues,
  timeZone,
  saving,
  primaryLabel,
  onSave,
  secondary,
  idPrefix = 'call',
}: CallFormProps) {
  const fields = useMemo(() => {
    if (!schema) return editable;
    const listed = [...schema.required, ...schema.optional].filter(isEditable);
    // callId is always editable: it is the idempotency key a person may need to correct.
    return listed.includes('callId') ? listed : ['callId' as const, ...listed];
  }, [schema]);
  const [initial] = useState(() => initialValues(job.call, editable));
  const [values, setValues] = useState(initial);
  // What is missing is fixed when the form opens: fields do not jump away while a person types.
  const [missingFields] = useState(() => {
    const lacking = new Set([...(check?.missing ?? []), ...hostIssues].map((i) => i.field));
    return fields.filter((f) => lacking.has(f));
  });
  const filledBy = useMemo(() => new Map((check?.filled ?? []).map((f) => [f.field, f])), [check]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const formRef = useRef<HTMLFormElement>(null);

  const issuesByField = useMemo(() => {
    const map: Record<string, string> = {};
    for (const issue of hostIssues) map[issue.field] ??= issue.message;
    return map;
  }, [hostIssues]);
  const otherIssues = hostIssues.filter((i) => !isEditable(i.field) || !fields.includes(i.field));

  function focusFirstError(found: Record<string, string>) {
    const first = fields.find((f) => found[f]);
    const input = first ? formRef.current?.querySelector<HTMLElement>(`[name="${first}"]`) : null;
    // A field under "More fields" is shown before it takes the cursor.
    input?.closest('details')?.setAttribute('open', '');
    input?.focus();
  }

  async function submit(queue: boolean) {
    const shown = Object.fromEntries(fields.map((f) => [f, values[f] ?? '']));
    const found = validateCallFields(shown, region);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      focusFirstError(found);
      return;
    }
    const patch: Record<string, string> = {};
    for (const field of fields) {
      const value = normalise(field, values[field] ?? '', region);
      const before = job.call[field] === undefined ? '' : String(job.call[field]);
      if (value && value !== before) patch[field] = value;
    }
    const issues = await onSave(patch as CallPatch, queue);
    if (issues && issues.length > 0) {
      const fromHost = Object.fromEntries(issues.map((i) => [i.field, i.message]));
      focusFirstError(fromHost);
    }
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    void submit(true);
  }

  const zone = timeZone ?? viewerTimeZone();
  const otherFields = fields.filter((f) => !missingFields.includes(f));

  function renderField(field: EditableField): ReactNode {
    const id = `${idPrefix}-${field}`;
    const value = values[field] ?? '';
    // A host issue stands until the person changes the field; the save checks it again.
    const hostIssue = value.trim() !== '' && value !== initial[field] ? undefined : issuesByField[field];
    const error = errors[field] ?? hostIssue;
    const isRequired = missingFields.includes(field);
    const filled = filledBy.get(field);
    const hintId = `${id}-hint`;
    const errorId = `${id}-error`;
    let hint: ReactNode = null;
    if (phoneFields.has(field)) {
      const reading = value.trim() ? readPhoneNumber(value, region ?? undefined) : null;
      if (reading && 'e164' in reading && reading.e164 !== value.trim()) {
        hint = (
          <>
            Becomes <strong data-testid={`e164-${field}`}>{reading.e164}</strong>
          </>
        );
      } else {
        hint = region
          ? `A ${region} number as people write it (e.g. 312 555 0100), or + and the country code.`
          : 'International format: + country code and number, e.g. +15550000000.';
      }
    }
    if (timeFields.has(field)) {
      const shown = value && !Number.isNaN(new Date(value).getTime()) ? formatTime(value, zone) : null;
      hint = `UTC, e.g. 2024-02-28T10:30:00Z.${shown ? ` That is ${shown} in ${zone}.` : ` Folder time zone: ${zone}.`}`;
    }
    if (filled && !value) hint = `${filled.value}, ${fromWords[filled.from](job.destination)}; type to change it.`;
    const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined;
    const common = {
      id,
      name: field,
      value,
      'aria-invalid': error ? true : undefined,
      'aria-required': isRequired || undefined,
      'aria-describedby': describedBy,
      onChange: (e: { target: { value: string } }) => {
        setValues((v) => ({ ...v, [field]: e.target.value }));
        if (errors[field]) setErrors(({ [field]: _gone, ...rest }) => rest);
      },
    };
    let control;
    if (field === 'direction' || field === 'status') {
      const options = field === 'direction' ? Direction.options : CallStatus.options;
      control = (
        <select {...common}>
          <option value="">{filled ? `${filled.value} (filled)` : '—'}</option>
          {options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      );
    } else if (field === 'notes') {
      control = <textarea {...common} rows={3} />;
    } else {
      control = (
        <input
          {...common}
          type={phoneFields.has(field) ? 'tel' : 'text'}
          autoComplete="off"
          spellCheck={false}
          placeholder={filled && !value ? filled.value : undefined}
        />
      );
    }
    return (
      <div key={field} className={`form-field${field === 'notes' ? ' wide' : ''}${error ? ' has-error' : ''}`}>
        <label htmlFor={id}>
          {fieldLabels[field]}
          {isRequired ? <span className="required"> (required)</span> : null}
        </label>
        {control}
        {hint ? (
          <small id={hintId} className="hint">
            {hint}
          </small>
        ) : null}
        {error ? (
          <small id={errorId} className="field-error">
            {error}
          </small>
        ) : null}
      </div>
    );
  }

  return (
    <form ref={formRef} className="call-form" onSubmit={onSubmit} noValidate aria-label="Call details">
      {otherIssues.length > 0 ? (
        <ul className="issue-list" role="alert">
          {otherIssues.map((issue) => (
            <li key={`${issue.field}-${issue.message}`}>
              <strong>{issue.field}</strong>: {issue.message}
            </li>
          ))}
        </ul>
      ) : null}
      {missingFields.length > 0 ? (
        <div className="form-grid" data-testid="missing-fields">
          {missingFields.map(renderField)}
        </div>
      ) : (
        <p className="muted">Nothing is missing: check the details below, then save.</p>
      )}
      {filledBy.size > 0 ? (
        <div className="filled-fields" data-testid="filled-fields">
          <h3>Filled for you</h3>
          <dl className="facts">
            {[...filledBy.values()]
              .filter((f) => isEditable(f.field))
              .map((f) => (
                <div key={f.field} className="fact-row">
                  <dt>{fieldLabels[f.field as EditableField]}</dt>
                  <dd>
                    <span className="break">{f.value}</span>{' '}
                    <small className="muted">{fromWords[f.from](job.destination)}</small>
                  </dd>
                </div>
              ))}
          </dl>
        </div>
      ) : null}
      {otherFields.length > 0 ? (
        <details className="more-fields" open={missingFields.length === 0 || undefined}>
          <summary>More fields ({otherFields.length})</summary>
          <div className="form-grid">{otherFields.map(renderField)}</div>
        </details>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={saving}>
          {saving ? 'Saving…' : primaryLabel}
        </button>
        {secondary ? (
          <button type="button" disabled={saving} onClick={() => void submit(secondary.queue)}>
            {secondary.label}
          </button>
        ) : null}
      </div>
    </form>
  );
}
