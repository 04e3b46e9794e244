// The frame every single-purpose settings form shares: a titled panel, its fields, and its Save
// button with the save's outcome beside it.
import type { FormEvent, ReactNode } from 'react';
import { useStore } from 'zustand';
import { useServices } from '../../app-services.js';
import { SaveStatus } from './save-status.js';

export function SettingsForm({
  id,
  title,
  saveLabel,
  onSubmit,
  children,
}: {
  /** The heading's id; also the section whose saves the status beside the button shows. */
  id: string;
  title: string;
  saveLabel: string;
  onSubmit: (event: FormEvent) => void;
  children: ReactNode;
}) {
  const { settings } = useServices();
  const saving = useStore(settings, (s) => s.saving);
  return (
    <form className="panel" onSubmit={onSubmit} aria-labelledby={id} noValidate>
      <h2 id={id}>{title}</h2>
      {children}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={saving}>
          {saveLabel}
        </button>
        <SaveStatus section={id} />
      </div>
    </form>
  );
}
