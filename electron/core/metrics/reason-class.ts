// Why an attempt failed, as one of a few fixed classes: a metric label must have a small, known
// set of values (a server's message or a file name as a label would make a series per failure).
import { PermanentError, ReviewError, TransientError } from '../delivery-errors.js';
import { errorStatus } from '../http/http-client.js';

export const reasonClasses = [
  'unreachable',
  'timeout',
  'stalled',
  'connection',
  'rate-limited',
  'server-error',
  'credentials',
  'rejected',
  'metadata',
  'file',
  'unexpected',
] as const;
export type ReasonClass = (typeof reasonClasses)[number];

/** The HTTP status behind an error, looking through its causes (a destination may wrap it). */
function statusOf(error: unknown): number | null {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const status = errorStatus(current) ?? (current instanceof PermanentError ? current.status : null);
    if (status) return status;
    // errorFromStatus names the status first in its message: "HTTP 503: …".
    const written = current instanceof Error ? /\bHTTP (\d{3}):/.exec(current.message) : null;
    if (written) return Number(written[1]);
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

function causeCode(error: unknown): string | null {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

/** The recording itself could not be read (gone, no permission): no network involved. */
const FILE_CODES = new Set(['ENOENT', 'EACCES', 'EPERM', 'EISDIR', 'EIO']);

export function reasonClassOf(error: unknown): ReasonClass {
  if (error instanceof ReviewError) return 'metadata';
  const code = causeCode(error);
  if (code && FILE_CODES.has(code)) return 'file';
  const status = statusOf(error);
  if (status === 401 || status === 403) return 'credentials';
  if (error instanceof TransientError) {
    if (error.unreachable) return 'unreachable';
    if (status === 429 || status === 423) return 'rate-limited';
    if (status === 408) return 'timeout';
    if (status !== null) return 'server-error';
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return 'timeout';
    // The engine's own stall error (no byte moved for the stall timeout) carries no cause.
    if (/^No bytes moved/.test(error.message)) return 'stalled';
    return 'connection';
  }
  if (error instanceof PermanentError) return 'rejected';
  return 'unexpected';
}
