// The one policy for removing secrets from what leaves the core: which forms a secret takes in
// text (as is, URL-encoded, base64), which field names are secrets whatever they hold, and which
// values are long enough to scrub from replies. The redacting logger applies it to every log line;
// shared/contract-host.ts applies the reply scrubber to every reply and pushed event of both hosts.
import type { SecretScrubber } from '../../../shared/contract-host.js';

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
export function secretVariants(secrets: readonly string[]): string[] {
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

/** Deep copy of `value` with every variant (secretVariants) replaced; the input is never modified. */
export function redactVariants<T>(value: T, variants: readonly string[]): T {
  return redactValue(value, variants, 0, new WeakSet()) as T;
}

/** Deep copy of `value` with every known secret replaced; the input is never modified. */
export function redactSecrets<T>(value: T, secrets: readonly string[]): T {
  return redactValue(value, secretVariants(secrets), 0, new WeakSet()) as T;
}

/** Secrets shorter than this are left to masking rather than scrubbed from replies. */
export const MIN_SCRUBBED_LENGTH = 8;

/**
 * The scrubber the contract dispatcher applies to every reply and event. Replies are data the UI
 * shows: a very short value (a user name such as "ops") would mangle every file name that
 * contains it. Those are not secrets worth that; masking covers them.
 */
export function createSecretScrubber(getSecrets: () => readonly string[]): SecretScrubber {
  return <T>(value: T): T => {
    const secrets = getSecrets().filter((s) => s.length >= MIN_SCRUBBED_LENGTH);
    return secrets.length > 0 ? redactSecrets(value, secrets) : value;
  };
}
