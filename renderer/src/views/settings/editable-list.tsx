// A configured list the person edits one entry at a time: each row has Edit and Remove, and
// below the list either the Add button or the one open form (new, or the entry being edited).
import { Fragment, useState, type ReactNode } from 'react';

export function EditableList<T>({
  items,
  keyOf,
  summary,
  noun,
  removeLabel,
  onRemove,
  addLabel,
  addDisabled = false,
  form,
}: {
  items: T[];
  keyOf(item: T): string;
  summary(item: T): ReactNode;
  /** Names the entry in the Edit button's label: "Edit <noun> <key>". */
  noun: string;
  removeLabel(key: string): string;
  onRemove(item: T): void;
  addLabel: string;
  addDisabled?: boolean;
  /** The form for `existing` (null: a new entry); `close` ends editing. */
  form(existing: T | null, close: () => void): ReactNode;
}) {
  const [editing, setEditing] = useState<string | null | 'new'>(null);
  const current = editing && editing !== 'new' ? (items.find((item) => keyOf(item) === editing) ?? null) : null;
  const close = () => setEditing(null);

  return (
    <>
      <ul className="settings-list">
        {items.map((item) => {
          const key = keyOf(item);
          return (
            <li key={key}>
              <span>{summary(item)}</span>
              <span className="row-actions">
                <button type="button" onClick={() => setEditing(key)} aria-label={`Edit ${noun} ${key}`}>
                  Edit
                </button>
                <button type="button" aria-label={removeLabel(key)} onClick={() => onRemove(item)}>
                  Remove
                </button>
              </span>
            </li>
          );
        })}
      </ul>
      {editing === null ? (
        <button type="button" onClick={() => setEditing('new')} disabled={addDisabled}>
          {addLabel}
        </button>
      ) : (
        <Fragment key={editing}>{form(current, close)}</Fragment>
      )}
    </>
  );
}
