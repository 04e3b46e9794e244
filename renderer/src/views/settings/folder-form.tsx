// Add or edit a watched folder, with a live preview of what the template reads from a sample
// file name (the host runs the real metadata pipeline on it via `metadata:preview`).
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import type { MetadataPreview } from '../../../../shared/contract.js';
import { FolderConfig, type AfterDelivery } from '../../../../shared/config.js';
import { SimpleTable } from '../../components/simple-table.js';
import { fieldLabels } from '../call-form.js';
import { useFieldErrors, type FieldErrors } from './field-errors.js';
import { sourceLabels, templatePresets } from './folder-presets.js';
import { StatusText, type FormSave } from './save-status.js';
import { asSentence as sentence } from './schema-limits.js';

export { templatePresets } from './folder-presets.js';

export type FolderDraft = Pick<FolderConfig, 'path' | 'destination' | 'timezone' | 'review' | 'afterDelivery'> & {
  template?: string;
  region?: string;
};

export interface FolderFormProps {
  existing: FolderConfig | null;
  destinations: string[];
  saving: boolean;
  canPickFolder: boolean;
  onPickFolder(): Promise<string | null>;
  onPreview(fileName: string, folder: Omit<FolderDraft, 'path'> & { path?: string }): Promise<MetadataPreview>;
  /** The save's outcome: fields the host refused show by their field, the message by Save. */
  onSave(folder: FolderDraft, originalPath: string | null): Promise<FormSave>;
  onCancel(): void;
  previewDelayMs?: number;
}

function timeZones(): string[] {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return ['UTC'];
  }
}

export function FolderForm(props: FolderFormProps) {
  const {
    existing,
    destinations,
    saving,
    canPickFolder,
    onPickFolder,
    onPreview,
    onSave,
    onCancel,
    previewDelayMs = 400,
  } = props;
  const presetValues = templatePresets.map((p) => p.value);
  // An existing folder without a template keeps having none unless the person picks one.
  const initialTemplate = existing ? (existing.template ?? 'none') : 'freepbx';
  const [path, setPath] = useState(existing?.path ?? '');
  const [destination, setDestination] = useState(existing?.destination ?? destinations[0] ?? '');
  const known = initialTemplate === 'none' || presetValues.includes(initialTemplate);
  const [preset, setPreset] = useState(known ? initialTemplate : 'custom');
  const [customTemplate, setCustomTemplate] = useState(known ? '' : initialTemplate);
  const [timezone, setTimezone] = useState(existing?.timezone ?? 'UTC');
  const [region, setRegion] = useState(existing?.region ?? '');
  const [review, setReview] = useState(existing?.review ?? false);
  const initialAfter = existing?.afterDelivery ?? 'leave';
  const [after, setAfter] = useState<'leave' | 'delete' | 'move'>(
    typeof initialAfter === 'string' ? initialAfter : 'move',
  );
  const [moveTo, setMoveTo] = useState(typeof initialAfter === 'object' ? initialAfter.moveTo : '');
  const [sample, setSample] = useState(templatePresets.find((p) => p.value === preset)?.sample ?? 'recording.wav');
  const [preview, setPreview] = useState<MetadataPreview | null>(null);
  const [saved, setSaved] = useState<FormSave | null>(null);
  const [pickMessage, setPickMessage] = useState<string | null>(null);
  const template = preset === 'custom' ? customTemplate.trim() : preset === 'none' ? '' : preset;
  const prefix = `folder-${existing ? 'edit' : 'new'}`;

  const afterDelivery: AfterDelivery = after === 'move' ? { moveTo: moveTo.trim() } : after;
  const draft: FolderDraft = {
    path: path.trim(),
    destination,
    timezone: timezone.trim() || 'UTC',
    review,
    afterDelivery,
    ...(template ? { template } : {}),
    ...(region.trim() ? { region: region.trim().toUpperCase() } : {}),
  };
  // The preview needs no path: a draft without one is still read (an empty path is not sent).
  const draftKey = JSON.stringify([sample, draft.destination, draft.template, draft.timezone, draft.region]);

  useEffect(() => {
    if (!sample.trim() || !destination) return;
    let current = true;
    const timer = setTimeout(() => {
      const { path: folderPath, ...rest } = draft;
      void onPreview(sample.trim(), folderPath ? draft : rest).then((result) => {
        if (current) setPreview(result);
      });
    }, previewDelayMs);
    return () => {
      current = false;
      clearTimeout(timer);
    };
    // draftKey stands for the fields the preview depends on.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [draftKey, previewDelayMs]);

  const zones = useMemo(() => timeZones(), []);
  const errors: FieldErrors = {};
  const shape = FolderConfig.shape;
  const checks: [string, { success: boolean; error?: { issues: { message: string }[] } }][] = [
    ['path', shape.path.safeParse(draft.path)],
    ['region', shape.region.safeParse(draft.region)],
  ];
  for (const [field, result] of checks) {
    if (!result.success) errors[field] = sentence(result.error?.issues[0]?.message ?? 'this value is not valid');
  }
  if (!destination) errors.destination = 'Choose a destination; add one above first if the list is empty.';
  if (!zones.includes(draft.timezone) && draft.timezone !== 'UTC')
    errors.timezone = 'Choose a time zone from the list, such as Asia/Kolkata.';
  if (after === 'move' && !moveTo.trim()) errors.moveTo = 'Give the folder to move delivered recordings to.';
  if (preset === 'custom' && !customTemplate.trim()) errors.template = 'Write a template, or pick a preset.';
  const field = useFieldErrors(prefix, errors, {
    path,
    destination,
    template: customTemplate,
    timezone,
    region,
    moveTo,
  });

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setSaved(null);
    if (!field.submit()) return;
    const result = await onSave(draft, existing?.path ?? null);
    field.setHostErrors(result.fields);
    setSaved(result);
  }

  const { fieldProps, errorFor } = field;

  return (
    <form
      className="panel settings-form"
      onSubmit={onSubmit}
      noValidate
      aria-label={existing ? `Edit folder ${existing.path}` : 'New folder'}
    >
      <h3>{existing ? `Edit ${existing.path}` : 'New watched folder'}</h3>
      <div className="form-grid">
        <div className="form-field wide">
          <label htmlFor={`${prefix}-path`}>Folder path</label>
          <div className="input-with-button">
            <input
              {...fieldProps('path')}
              value={path}
              placeholder="/srv/recordings"
              onChange={(e) => setPath(e.target.value)}
            />
            <button
              type="button"
              onClick={() =>
                void onPickFolder().then((picked) => {
                  if (picked) setPath(picked);
                  else
                    setPickMessage(
                      canPickFolder ? null : 'Browsing needs the desktop app; type the path on the host instead.',
                    );
                })
              }
            >
              Browse…
            </button>
          </div>
          {pickMessage ? <small className="hint">{pickMessage}</small> : null}
          {errorFor('path')}
        </div>
        <div className="form-field">
          <label htmlFor={`${prefix}-destination`}>Destination</label>
          <select {...fieldProps('destination')} value={destination} onChange={(e) => setDestination(e.target.value)}>
            {destinations.length === 0 ? <option value="">No destination yet</option> : null}
            {destinations.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
          {errorFor('destination')}
        </div>
        <div className="form-field">
          <label htmlFor={`${prefix}-template`}>File name template</label>
          <select
            id={`${prefix}-template`}
            value={preset}
            onChange={(e) => {
              setPreset(e.target.value);
              const found = templatePresets.find((p) => p.value === e.target.value);
              if (found) setSample(found.sample);
            }}
          >
            {templatePresets.map((p) => (
              <option key={p.value} value={p.value}>
                {p.label}
              </option>
            ))}
            <option value="custom">Custom template…</option>
            <option value="none">{"None (call time from the file's date)"}</option>
          </select>
        </div>
        {preset === 'custom' ? (
          <div className="form-field wide">
            <label htmlFor={`${prefix}-custom`}>Custom template</label>
            <input
              {...fieldProps('template')}
              id={`${prefix}-custom`}
              value={customTemplate}
              placeholder="{direction}-{to}-{from}-{date:YYYYMMDD}-{time:HHmmss}"
              onChange={(e) => setCustomTemplate(e.target.value)}
            />
            {errorFor('template')}
          </div>
        ) : null}
        <div className="form-field">
          <label htmlFor={`${prefix}-timezone`}>Recorder time zone</label>
          <input
            {...fieldProps('timezone')}
            list={`${prefix}-zones`}
            value={timezone}
            onChange={(e) => setTimezone(e.target.value)}
          />
          <datalist id={`${prefix}-zones`}>
            {zones.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
          {errorFor('timezone')}
        </div>
        <div className="form-field">
          <label htmlFor={`${prefix}-region`}>Phone region</label>
          <input
            {...fieldProps('region')}
            value={region}
            placeholder="US"
            onChange={(e) => setRegion(e.target.value.toUpperCase())}
          />
          {errorFor('region')}
        </div>
        <div className="form-field">
          <label htmlFor={`${prefix}-after`}>After delivery</label>
          <select id={`${prefix}-after`} value={after} onChange={(e) => setAfter(e.target.value as typeof after)}>
            <option value="leave">Leave the file</option>
            <option value="move">Move it to a folder</option>
            <option value="delete">Delete it</option>
          </select>
        </div>
        {after === 'move' ? (
          <div className="form-field">
            <label htmlFor={`${prefix}-moveTo`}>Move to</label>
            <input {...fieldProps('moveTo')} value={moveTo} onChange={(e) => setMoveTo(e.target.value)} />
            {errorFor('moveTo')}
          </div>
        ) : null}
        <div className="form-field checkbox-field">
          <label>
            <input type="checkbox" checked={review} onChange={(e) => setReview(e.target.checked)} /> Review every call
            before sending
          </label>
        </div>
      </div>
      <fieldset className="preview">
        <legend>Preview</legend>
        <div className="form-field wide">
          <label htmlFor={`${prefix}-sample`}>Sample file name</label>
          <input
            id={`${prefix}-sample`}
            value={sample}
            onChange={(e) => setSample(e.target.value)}
            spellCheck={false}
          />
        </div>
        <div aria-live="polite" data-testid="template-preview">
          {!preview ? (
            <p className="muted">{destination ? 'Reading the sample…' : 'Choose a destination to see a preview.'}</p>
          ) : preview.error ? (
            <p className="field-error">{preview.error}</p>
          ) : (
            <>
              <SimpleTable columns={['Field', 'Value', 'From']}>
                {Object.entries(preview.fields).map(([field, value]) => (
                  <tr key={field}>
                    <td>
                      {/* The label for people; the name is what a template's {placeholder} uses. */}
                      {fieldLabels[field as keyof typeof fieldLabels] ?? field} <small className="muted">{field}</small>
                    </td>
                    <td className="break">{typeof value === 'string' ? value : JSON.stringify(value)}</td>
                    <td>{sourceLabels[preview.sources[field] ?? ''] ?? preview.sources[field] ?? ''}</td>
                  </tr>
                ))}
              </SimpleTable>
              {preview.missing.length > 0 ? (
                <ul className="issue-list">
                  {preview.missing.map((m) => (
                    <li key={m.field}>
                      <strong>{fieldLabels[m.field as keyof typeof fieldLabels] ?? m.field}</strong>: {m.message}
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="muted">Nothing required is missing: such files are sent without review.</p>
              )}
            </>
          )}
        </div>
      </fieldset>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save folder'}
        </button>
        <button type="button" className="link-button" onClick={onCancel}>
          Cancel
        </button>
        <StatusText result={saved} />
      </div>
    </form>
  );
}
