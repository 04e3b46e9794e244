// How the last save of a section ended, shown beside that section's Save button (where the person
// is looking), not at the top of the page. The live region is always there, so a screen reader
// announces the message when it appears.
import { useStore } from 'zustand';
import { useServices } from '../../app-services.js';
import type { SaveIssue, SaveResult } from '../../stores/settings-store.js';
import type { FieldErrors } from './field-errors.js';
import { asSentence } from './schema-limits.js';

export function StatusText({ result }: { result: { ok: boolean; message: string } | null }) {
  return (
    <p className={`save-status${result && !result.ok ? ' field-error' : ''}`} role="status" aria-live="polite">
      {result?.message ?? ''}
    </p>
  );
}

/** Where a form inside `section` saves: the form shows its own failures, the section its successes. */
export const formSection = (section: string) => `${section}:form`;

/** The last save's message when it was made by `section` (or a success of the form inside it). */
export function SaveStatus({ section }: { section: string }) {
  const { settings } = useServices();
  const last = useStore(settings, (s) => s.lastSave);
  const mine = last?.section === section || (last?.section === formSection(section) && last.ok);
  return <StatusText result={mine ? last : null} />;
}

/** A save's answer as one form shows it: the refused fields by the form's keys, and one sentence. */
export interface FormSave {
  ok: boolean;
  message: string;
  fields: FieldErrors;
}

/**
 * Picks the issues under `at` (`folders.2.`) and names them by the form's field keys (`rename`
 * maps a sub-path such as `afterDelivery.moveTo` to its key); the message then points at them.
 */
export function formSave(result: SaveResult, at: string, rename: Record<string, string> = {}): FormSave {
  const fields: FieldErrors = {};
  const rest: SaveIssue[] = [];
  for (const issue of result.issues) {
    if (!issue.path.startsWith(at)) {
      rest.push(issue);
      continue;
    }
    const sub = issue.path.slice(at.length);
    const key = rename[sub] ?? Object.entries(rename).find(([from]) => sub.startsWith(`${from}.`))?.[1] ?? sub;
    fields[key] = fields[key] ? `${fields[key]} ${asSentence(issue.message)}` : asSentence(issue.message);
  }
  if (result.ok || rest.length > 0 || Object.keys(fields).length === 0) {
    return { ok: result.ok, message: result.message, fields };
  }
  const what = result.message.replace(/ not saved:[\s\S]*$/, '');
  const count = Object.keys(fields).length;
  return {
    ok: false,
    message: `${what} not saved: ${count === 1 ? 'one field needs' : `${count} fields need`} a change, marked above.`,
    fields,
  };
}
