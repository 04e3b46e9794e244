// How a delivery step fails. Destinations throw these; the engine's retry policy decides what
// happens next from the class alone, so the mapping from HTTP answers to outcomes lives here once.
import type { FieldIssue } from '../../shared/model.js';

export class DeliveryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Worth trying again later: network error, timeout, stall, 408, 423, 429, 5xx. */
export class TransientError extends DeliveryError {
  readonly retryAfterMs: number | null;
  /** True when the destination could not be reached at all (connection refused, DNS, reset before any answer). */
  readonly unreachable: boolean;
  constructor(message: string, options: { retryAfterMs?: number | null; unreachable?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.retryAfterMs = options.retryAfterMs ?? null;
    this.unreachable = options.unreachable ?? false;
  }
}

/** Trying again will not help; the message is the server's own, for a person to act on. */
export class PermanentError extends DeliveryError {
  readonly status: number | null;
  constructor(message: string, options: { status?: number | null; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.status = options.status ?? null;
  }
}

/** The call's metadata does not satisfy the destination: a person must fix the named fields. */
export class ReviewError extends DeliveryError {
  readonly issues: FieldIssue[];
  constructor(issues: FieldIssue[]) {
    super(issues.map((i) => `${i.field}: ${i.message}`).join('; '));
    this.issues = issues;
  }
}

/**
 * The file under a job is no longer the recording it described (other bytes, or another size).
 * Raised by the body before its last bytes go out, so the platform never sees a complete upload.
 */
export class RecordingChangedError extends DeliveryError {
  constructor(
    message: string,
    readonly sizeChanged: boolean,
  ) {
    super(message);
  }
}

/** The lease on the job was lost (expired and taken by another worker): stop without writing. */
export class LeaseLostError extends DeliveryError {}

const RETRYABLE_STATUS = new Set([408, 423, 429]);

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUS.has(status) || (status >= 500 && status <= 599);
}

/**
 * Retry-After is either delay-seconds or an HTTP-date (RFC 9110 §10.2.3). Returns milliseconds
 * from `now`, or null when absent or unreadable. A date in the past means "now" (0).
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
  if (value == null) return null;
  const trimmed = value.trim();
  if (trimmed === '') return null;
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now);
}

/** Maps a non-2xx answer to the error the engine acts on. `detail` is the server's own message. */
export function errorFromStatus(
  status: number,
  detail: string,
  retryAfter: string | null | undefined,
  now: number,
): TransientError | PermanentError {
  const message = `HTTP ${status}: ${detail || 'no message from the server'}`;
  if (isRetryableStatus(status)) {
    return new TransientError(message, { retryAfterMs: parseRetryAfter(retryAfter, now) });
  }
  return new PermanentError(message, { status });
}
