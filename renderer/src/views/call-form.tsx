// The call metadata form, built from the destination's field list. Each field is checked with the
// canonical model's own schema before anything is sent; the host's issues show inline too.
import { useMemo, useRef, useState, type FormEvent } from 'react';
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

/** Phone numbers are often pasted with spaces or dashes; E.164 has neither. */
function normalise(field: string, value: string): string {
  const trimmed = value.trim();
  return phoneFields.has(field) ? trimmed.replace(/[\s().-]/g, '') : trimmed;
}

/**
 * Checks the format of every filled field with the canonical schema. Empty required fields are
 * left to the host: a destination's defaults (e.g. a cx agentId) may supply them, and only the
 * host knows; its answer shows inline like these errors.
 */
export function validateCallFields(values: Record<string, string>): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const [field, raw] of Object.entries(values)) {
    const value = normalise(field, raw);
    if (!value || !isEditable(field)) continue;
    const parsed = CallDraft.shape[field].safeParse(value);
    if (!parsed.success) errors[field] = parsed.error.issues[0]?.message ?? 'Invalid value.';
  }
  return errors;
}

function initialValues(call: CallDraft, fields: EditableField[]): Record<string, string> {
  return Object.fromEntries(fields.map((f) => [f, call[f] === undefined ? '' : String(call[f])]));
}

export interface CallFormProps {
  job: JobDetail;
  schema: CallSchema | null;
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
  hostIssues,
  timeZone,
  saving,
  primaryLabel,
  onSave,
  secondary,
  idPrefix = 'call',
}: CallFormProps) {
  const required = useMemo(() => (schema ? schema.required.filter(isEditable) : []), [schema]);
  const fields = useMemo(() => {
    if (!schema) return editable;
    const listed = [...schema.required, ...schema.optional].filter(isEditable);
    // callId is always editable: it is the idempotency key a person may need to correct.
    return listed.includes('callId') ? listed : ['callId' as const, ...listed];
  }, [schema]);
  const [values, setValues] = useState(() => initialValues(job.call, editable));
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
    if (first) formRef.current?.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
  }

  async function submit(queue: boolean) {
    const shown = Object.fromEntries(fields.map((f) => [f, values[f] ?? '']));
    const found = validateCallFields(shown);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      focusFirstError(found);
      return;
    }
    const patch: Record<string, string> = {};
    for (const field of fields) {
      const value = normalise(field, values[field] ?? '');
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
      <div className="form-grid">
        {fields.map((field) => {
          const id = `${idPrefix}-${field}`;
          const error = errors[field] ?? issuesByField[field];
          const isRequired = required.includes(field);
          const value = values[field] ?? '';
          const hintId = `${id}-hint`;
          const errorId = `${id}-error`;
          let hint: string | null = null;
          if (phoneFields.has(field)) hint = 'International format: + country code and number, e.g. +15550000000.';
          if (timeFields.has(field)) {
            const shown = value && !Number.isNaN(new Date(value).getTime()) ? formatTime(value, zone) : null;
            hint = `UTC, e.g. 2024-02-28T10:30:00Z.${shown ? ` That is ${shown} in ${zone}.` : ` Folder time zone: ${zone}.`}`;
          }
          const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined;
          const common = {
            id,
            name: field,
            value,
            'aria-invalid': error ? true : undefined,
            'aria-required': isRequired || undefined,
            'aria-describedby': describedBy,
            onChange: (e: { target: { value: string } }) => setValues((v) => ({ ...v, [field]: e.target.value })),
          };
          let control;
          if (field === 'direction' || field === 'status') {
            const options = field === 'direction' ? Direction.options : CallStatus.options;
            control = (
              <select {...common}>
                <option value="">—</option>
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
              <input {...common} type={phoneFields.has(field) ? 'tel' : 'text'} autoComplete="off" spellCheck={false} />
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
        })}
      </div>
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
