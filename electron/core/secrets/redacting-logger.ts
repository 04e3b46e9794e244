// A logger wrapper that removes every known secret value from messages and logged objects, so a
// request dump, an error from a platform or a config echo can never write a key to disk.
// Known values are asked for on every call because settings change while the app runs.
import type { Logger } from '../logger.js';

export const REDACTED = '[redacted]';

/** Field names whose values are secrets whatever they contain. */
const SECRET_KEYS = new Set([
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'x-api-secret',
  'api_key',
  'apikey',
  'apisecret',
  'token',
  'password',
  'secret',
  'cookie',
  'set-cookie',
]);

const MAX_DEPTH = 8;

/** Every form in which a secret could appear in text: as is, URL-encoded, base64. */
function variants(secrets: readonly string[]): string[] {
  const out = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    out.add(secret);
    out.add(encodeURIComponent(secret));
    if (secret.length >= 6) out.add(Buffer.from(secret, 'utf8').toString('base64').replace(/=+$/, ''));
  }
  // Longest first, so a secret that contains another is removed whole.
  return [...out].filter(Boolean).sort((a, b) => b.length - a.length);
}

export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

function redactValue(value: unknown, secrets: readonly string[], depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactText(value, secrets);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  seen.add(value);
  if (value instanceof Error) {
    const out: Record<string, unknown> = {
      type: value.name,
      message: redactText(value.message, secrets),
      stack: value.stack ? redactText(value.stack, secrets) : undefined,
    };
    for (const [k, v] of Object.entries(value)) out[k] = redactEntry(k, v, secrets, depth + 1, seen);
    if (value.cause !== undefined) out.cause = redactValue(value.cause, secrets, depth + 1, seen);
    return out;
  }
  if (Array.isArray(value)) return value.map((item) => redactValue(item, secrets, depth + 1, seen));
  if (ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  if (value instanceof Date) return value;
  if (value instanceof Map) {
    return Object.fromEntries(
      [...value.entries()].map(([k, v]) => [String(k), redactEntry(String(k), v, secrets, depth + 1, seen)]),
    );
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactEntry(k, v, secrets, depth + 1, seen);
  return out;
}

function redactEntry(key: string, value: unknown, secrets: readonly string[], depth: number, seen: WeakSet<object>) {
  if (SECRET_KEYS.has(key.toLowerCase()) && (typeof value === 'string' || typeof value === 'number')) return REDACTED;
  return redactValue(value, secrets, depth, seen);
}

/** Deep copy of `value` with every known secret replaced; the input is never modified. */
export function redactSecrets<T>(value: T, secrets: readonly string[]): T {
  return redactValue(value, variants(secrets), 0, new WeakSet()) as T;
}

export function createRedactingLogger(logger: Logger, getSecrets: () => readonly string[]): Logger {
  let lastInput: readonly string[] | null = null;
  let lastVariants: string[] = [];
  // getSecrets usually returns the same few values; recompute the variants only when they change.
  const current = (): string[] => {
    const secrets = getSecrets();
    if (lastInput === null || secrets.length !== lastInput.length || secrets.some((s, i) => s !== lastInput![i])) {
      lastInput = [...secrets];
      lastVariants = variants(secrets);
    }
    return lastVariants;
  };
  const level =
    (name: 'debug' | 'info' | 'warn' | 'error') =>
    (obj: object | string, msg?: string): void => {
      const secrets = current();
      const cleanObj = redactValue(obj, secrets, 0, new WeakSet()) as object | string;
      if (msg === undefined) logger[name](cleanObj);
      else logger[name](cleanObj, redactText(msg, secrets));
    };
  return {
    debug: level('debug'),
    info: level('info'),
    warn: level('warn'),
    error: level('error'),
    child(bindings) {
      const clean = redactValue(bindings, current(), 0, new WeakSet()) as Record<string, unknown>;
      return createRedactingLogger(logger.child(clean), getSecrets);
    },
  };
}

/** Secrets shorter than this are left to masking rather than scrubbed from replies. */
export const MIN_SCRUBBED_LENGTH = 8;

/**
 * The scrubber the contract dispatcher applies to every reply and event. Replies are data the UI
 * shows: a very short value (a user name such as "ops") would mangle every file name that
 * contains it. Those are not secrets worth that; masking covers them.
 */
export function createSecretScrubber(getSecrets: () => readonly string[]): <T>(value: T) => T {
  return <T>(value: T): T => {
    const secrets = getSecrets().filter((s) => s.length >= MIN_SCRUBBED_LENGTH);
    return secrets.length > 0 ? redactSecrets(value, secrets) : value;
  };
}
