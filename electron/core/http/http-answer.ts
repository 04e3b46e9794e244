// Reading a platform's answer: its body (bounded), its JSON against a schema, the server's own
// words from an error body, and URLs as they may be logged (no presigned query string).
import type { z } from 'zod';
import { PermanentError } from '../delivery-errors.js';
import type { HttpResponse } from './http-client.js';

/** Parses a 2xx answer; an answer in another shape is a platform change a person must look at. */
export function parseJson<S extends z.ZodType>(res: HttpResponse, schema: S, where: string): z.output<S> {
  let value: unknown;
  try {
    value = res.text === '' ? null : JSON.parse(res.text);
  } catch {
    throw new PermanentError(
      `${where}: the server answered ${res.status} with a body that is not JSON: ${snippet(res.text)}`,
      {
        status: res.status,
      },
    );
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
    throw new PermanentError(`${where}: unexpected answer from the server (${issues}): ${snippet(res.text)}`, {
      status: res.status,
    });
  }
  return parsed.data;
}

/**
 * The server's own words from an error body: `detail` (FastAPI, also a list of {msg, loc}),
 * `message`, `error` (a string or {message}), else the raw text, shortened.
 */
export function serverMessage(text: string): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return snippet(text);
  }
  if (typeof value !== 'object' || value === null) return snippet(text);
  const record = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of ['detail', 'message', 'error'] as const) {
    const item = describeValue(record[key]);
    if (item && !parts.includes(item)) parts.push(item);
  }
  return parts.length > 0 ? parts.join(' — ') : snippet(text);
}

function describeValue(value: unknown): string | null {
  if (value == null) return null;
  if (typeof value === 'string') return value.trim() || null;
  if (Array.isArray(value)) {
    const items = value.map((v) => {
      if (typeof v === 'object' && v !== null) {
        const o = v as Record<string, unknown>;
        const loc = Array.isArray(o.loc) ? o.loc.join('.') : typeof o.path === 'string' ? o.path : null;
        const msg = typeof o.msg === 'string' ? o.msg : typeof o.message === 'string' ? o.message : JSON.stringify(o);
        return loc ? `${loc}: ${msg}` : msg;
      }
      return String(v);
    });
    return items.join('; ') || null;
  }
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.message === 'string') return o.message;
    return JSON.stringify(value).slice(0, 300);
  }
  return String(value);
}

function snippet(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  if (oneLine === '') return 'empty answer';
  return oneLine.length > 300 ? `${oneLine.slice(0, 300)}…` : oneLine;
}

/** The URL without its query string: presigned URLs carry signatures that must not be logged. */
export function describeUrl(url: string | URL): string {
  const u = typeof url === 'string' ? new URL(url) : url;
  return `${u.origin}${u.pathname}`;
}

/** The answer's body as text; past `max` bytes the rest is read and dropped. */
export async function readText(stream: AsyncIterable<Uint8Array> & { dump?: () => Promise<void> }, max: number) {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.byteLength;
    if (size > max) {
      // Keep what fits; the rest is drained so the connection can be reused.
      continue;
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}
