// A file symlink in a watched folder may point anywhere the service can read: whoever can write
// into the folder could make CallRelay upload any audio file on the machine, or read and hash
// any other file. So a link whose target lies outside the folder is not opened (unless the
// folder sets followSymlinks: true); it becomes a failed job that names the target, and the
// target itself is never read. Links that stay inside the folder are ordinary files.
import crypto from 'node:crypto';
import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { EnqueueInput } from '../outbox/intake-port.js';

function inside(root: string, file: string): boolean {
  return file === root || file.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/** The real target when `file` is a symlink that leads outside `root`, else null. */
export async function outsideLinkTarget(root: string, file: string): Promise<string | null> {
  const link = await lstat(file);
  if (!link.isSymbolicLink()) return null;
  const [target, realRoot] = await Promise.all([realpath(file), realpath(root)]);
  return inside(realRoot, target) ? null : target;
}

export function outsideLinkReason(file: string, target: string): string {
  return (
    `${path.basename(file)} is a link to ${target}, which is outside the watched folder; CallRelay does not ` +
    'send files from outside it. Copy the recording into the folder, or set "followSymlinks": true on the folder ' +
    'if such links are intended.'
  );
}

/** The failed job for such a link: described from its name only, keyed by link and target. */
export function outsideLinkJob(options: {
  file: string;
  target: string;
  sizeBytes: number;
  mtimeMs: number;
  destination: string;
  folder: string;
}): EnqueueInput {
  const { file, target } = options;
  // Not a content hash (the target is never read): one job per link and target.
  const sha256 = crypto.createHash('sha256').update(`callrelay-outside-link:${file}\0${target}`).digest('hex');
  const reason = outsideLinkReason(file, target);
  return {
    recording: {
      path: file,
      fileName: path.basename(file),
      sizeBytes: options.sizeBytes,
      mtimeMs: options.mtimeMs,
      sha256,
      contentType: 'application/octet-stream',
      durationSec: null,
      channels: null,
      sampleRate: null,
      codec: null,
    },
    call: { callId: `cr-link-${sha256.slice(0, 27)}` },
    destination: options.destination,
    folder: options.folder,
    state: 'failed',
    reviewIssues: [{ field: 'recording', message: reason }],
    reason,
  };
}
