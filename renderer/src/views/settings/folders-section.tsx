// Settings › Watched folders: where recordings appear, and how their names are read.
import { useStore } from 'zustand';
import type { SettingsView as Settings } from '../../../../shared/contract.js';
import { useServices } from '../../app-services.js';
import { EditableList } from './editable-list.js';
import { FolderForm, type FolderDraft } from './folder-form.js';
import { isLocked, LockedList } from './policy-lock.js';
import { formSave, formSection, SaveStatus } from './save-status.js';

const SECTION = 'folders-settings';

export function FoldersSection({ view }: { view: Settings }) {
  const { settings, mode } = useServices();
  const saving = useStore(settings, (s) => s.saving);

  function foldersWith(original: string | null, folder: FolderDraft | null) {
    const list: FolderDraft[] = view.folders.filter((f) => f.path !== original);
    if (!folder) return { list, at: -1 };
    let at = view.folders.findIndex((f) => f.path === original);
    if (at < 0) {
      list.push(folder);
      at = list.length - 1;
    } else {
      // Keep the settings this form does not show; drop a template or region the person cleared.
      const merged: FolderDraft = { ...view.folders[at]!, ...folder };
      if (!folder.template) delete merged.template;
      if (!folder.region) delete merged.region;
      list.splice(at, 0, merged);
    }
    return { list, at };
  }

  if (isLocked(view, 'folders')) {
    const items = view.folders.map((f) => ({ key: f.path, label: f.path, detail: `to ${f.destination}` }));
    return <LockedList view={view} id={SECTION} title="Watched folders" items={items} />;
  }
  return (
    <section className="panel" aria-labelledby={SECTION}>
      <h2 id={SECTION}>Watched folders</h2>
      {view.folders.length === 0 ? <p className="muted">No folder is watched yet.</p> : null}
      <EditableList
        items={view.folders}
        keyOf={(f) => f.path}
        summary={(f) => (
          <>
            <strong className="break">{f.path}</strong> <small className="muted">to {f.destination}</small>{' '}
            <small className="muted">
              {f.template ?? 'no template'} · {f.timezone}
            </small>
          </>
        )}
        noun="folder"
        removeLabel={(path) => `Stop watching ${path}`}
        onRemove={(f) =>
          void settings.getState().update({ folders: foldersWith(f.path, null).list }, 'Folders', SECTION)
        }
        addLabel="Add folder"
        addDisabled={view.destinations.length === 0}
        form={(existing, close) => (
          <FolderForm
            existing={existing}
            destinations={view.destinations.map((d) => d.name)}
            saving={saving}
            canPickFolder={mode === 'desktop'}
            onPickFolder={() => settings.getState().pickFolder()}
            onPreview={(fileName, folder) => settings.getState().preview({ fileName, folder })}
            onCancel={close}
            onSave={async (folder, original) => {
              const { list, at } = foldersWith(original, folder);
              const result = await settings
                .getState()
                .update({ folders: list }, `Folder ${folder.path}`, formSection(SECTION));
              if (result.ok) close();
              return formSave(result, `folders.${at}.`, { 'afterDelivery.moveTo': 'moveTo', afterDelivery: 'moveTo' });
            }}
          />
        )}
      />
      <SaveStatus section={SECTION} />
    </section>
  );
}
