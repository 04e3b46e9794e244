// Files dropped on the window are queued for a destination the person picks. Only the desktop
// app can see a dropped file's path; a browser gets a clear message instead of a silent no-op.
import { useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import type { ChannelOutput } from '../../../shared/contract.js';
import { useServices } from '../app-services.js';
import { describeError } from '../stores/describe-error.js';

type Pending = { paths: string[]; names: string[] };

export function FileDrop() {
  const { client, settings, pathForFile } = useServices();
  const view = useStore(settings, (s) => s.view);
  const [dragging, setDragging] = useState(false);
  const [pending, setPending] = useState<Pending | null>(null);
  const [destination, setDestination] = useState('');
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const dialogRef = useRef<HTMLDialogElement>(null);
  const depth = useRef(0);

  useEffect(() => {
    function hasFiles(event: DragEvent) {
      return event.dataTransfer?.types.includes('Files') ?? false;
    }
    function onEnter(event: DragEvent) {
      if (!hasFiles(event)) return;
      depth.current++;
      setDragging(true);
    }
    function onLeave() {
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setDragging(false);
    }
    function onOver(event: DragEvent) {
      if (hasFiles(event)) event.preventDefault();
    }
    function onDrop(event: DragEvent) {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depth.current = 0;
      setDragging(false);
      const files = [...(event.dataTransfer?.files ?? [])];
      const paths = files.map((f) => pathForFile(f)).filter((p): p is string => !!p);
      if (paths.length === 0) {
        setMessage({
          text: 'Drag and drop needs the desktop app: a browser cannot tell CallRelay where a file is. Copy the files into a watched folder instead.',
          error: true,
        });
        return;
      }
      if (!settings.getState().view) void settings.getState().load();
      setPending({ paths, names: files.map((f) => f.name) });
      setMessage(null);
    }
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('dragover', onOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('drop', onDrop);
    };
  }, [pathForFile, settings]);

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    // Without showModal (old engines, jsdom) the dialog still opens, just not modal.
    if (pending && !dialog.open) {
      if (typeof dialog.showModal === 'function') dialog.showModal();
      else dialog.setAttribute('open', '');
    }
    if (!pending && dialog.open) {
      if (typeof dialog.close === 'function') dialog.close();
      else dialog.removeAttribute('open');
    }
  }, [pending]);

  const destinations = view?.destinations.map((d) => d.name) ?? [];
  const chosen = destination || destinations[0] || '';

  async function enqueue() {
    if (!pending || !chosen) return;
    setBusy(true);
    try {
      const reply: ChannelOutput<'files:enqueue'> = await client.call('files:enqueue', {
        paths: pending.paths,
        destination: chosen,
      });
      const parts = [`${reply.queued} queued`];
      if (reply.duplicates) parts.push(`${reply.duplicates} already sent or queued`);
      if (reply.errors.length)
        parts.push(
          `${reply.errors.length} not queued: ${reply.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
        );
      setMessage({ text: parts.join(', ') + '.', error: reply.errors.length > 0 });
      setPending(null);
    } catch (error) {
      setMessage({ text: describeError(error), error: true });
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      {dragging ? (
        <div className="drop-overlay" aria-hidden="true">
          Drop recordings to queue them
        </div>
      ) : null}
      {message ? (
        <div className={message.error ? 'toast notice-error' : 'toast'} role={message.error ? 'alert' : 'status'}>
          <span>{message.text}</span>
          <button type="button" className="link-button" onClick={() => setMessage(null)}>
            Dismiss
          </button>
        </div>
      ) : null}
      <dialog ref={dialogRef} aria-labelledby="drop-title" onClose={() => setPending(null)}>
        {pending ? (
          <form
            method="dialog"
            onSubmit={(e) => {
              e.preventDefault();
              void enqueue();
            }}
          >
            <h2 id="drop-title">
              Queue {pending.paths.length} file{pending.paths.length === 1 ? '' : 's'}
            </h2>
            <ul className="drop-list">
              {pending.names.slice(0, 8).map((n) => (
                <li key={n}>{n}</li>
              ))}
              {pending.names.length > 8 ? <li>and {pending.names.length - 8} more</li> : null}
            </ul>
            {destinations.length === 0 ? (
              <p className="field-error">No destination yet: add one in Settings first.</p>
            ) : (
              <div className="form-field">
                <label htmlFor="drop-destination">Send to</label>
                <select id="drop-destination" value={chosen} onChange={(e) => setDestination(e.target.value)}>
                  {destinations.map((d) => (
                    <option key={d} value={d}>
                      {d}
                    </option>
                  ))}
                </select>
              </div>
            )}
            <div className="form-actions">
              <button type="submit" className="primary" disabled={busy || !chosen}>
                {busy ? 'Queueing…' : 'Queue'}
              </button>
              <button type="button" onClick={() => setPending(null)}>
                Cancel
              </button>
            </div>
          </form>
        ) : null}
      </dialog>
    </>
  );
}
