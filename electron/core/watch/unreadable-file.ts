// A file that cannot be stated or read for a reason waiting will not fix (a symlink loop, no
// permission) still becomes a row: one failed job that says why, keyed by its path so the same
// file is one job however often it is seen, never a silent skip.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { EnqueueInput } from '../outbox/intake-port.js';

/** The codes a wait (the quiet period, free space) may fix: the file is looked at again. */
export function isPassingReadError(error: NodeJS.ErrnoException): boolean {
  const code = error.code;
  return (
    !code ||
    code === 'EBUSY' ||
    code === 'EPERM' ||
    code === 'EACCES' ||
    code === 'ETXTBSY' ||
    code === 'EIO' ||
    code === 'EMFILE' ||
    code.startsWith('SQLITE_')
  );
}

export function unreadableReason(file: string, error: NodeJS.ErrnoException): string {
  const code = error.code ?? 'error';
  const why =
    code === 'ELOOP'
      ? 'it is a symbolic link that points to itself (a loop)'
      : code === 'EACCES' || code === 'EPERM'
        ? 'CallRelay has no permission to read it'
        : error.message;
  return `${path.basename(file)} cannot be read (${code}): ${why}; fix or remove it, then retry the job`;
}

export function unreadableFileJob(options: {
  file: string;
  error: NodeJS.ErrnoException;
  destination: string;
  folder: string;
}): EnqueueInput {
  const { file } = options;
  const reason = unreadableReason(file, options.error);
  return {
    recording: {
      path: file,
      fileName: path.basename(file),
      sizeBytes: 0,
      mtimeMs: 0,
      // One placeholder per path: the same unreadable file is one job, however often it is seen.
      sha256: createHash('sha256').update(`callrelay-unreadable:${file}`).digest('hex'),
      contentType: 'application/octet-stream',
      durationSec: null,
      channels: null,
      sampleRate: null,
      codec: null,
    },
    call: { callId: `cr-unreadable-${createHash('sha256').update(file).digest('hex').slice(0, 24)}` },
    destination: options.destination,
    folder: options.folder,
    state: 'failed',
    reviewIssues: [{ field: 'recording', message: reason }],
    reason,
  };
}
