// Format checks the emulated platforms apply, written from the seed documents independently of
// the destinations' own schemas, so a mistake on one side shows up as a rejected request.
import { z } from 'zod';
import type { Exchange } from './exchange.js';

export const e164 = z.string().regex(/^\+[1-9]\d{7,14}$/, 'must be an E.164 phone number such as +15550000000');
export const isoUtc = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/,
    'must be an ISO 8601 UTC timestamp such as 2024-02-28T10:30:00Z',
  )
  .refine((v) => !Number.isNaN(Date.parse(v)), 'is not a real date');
export const uuid = z.uuid({ message: 'must be a UUID' });

export interface FieldProblem {
  field: string;
  message: string;
}

export function problemsOf(error: z.ZodError): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ field: key, message: 'is not a field of this endpoint' });
      continue;
    }
    const field = issue.path.map(String).join('.') || '(body)';
    const missing = issue.code === 'invalid_type' && issue.message.includes('undefined');
    out.push({ field, message: missing ? 'is required' : issue.message });
  }
  return out;
}

export function parseJsonBody(buffer: Buffer | null): { ok: true; value: unknown } | { ok: false; message: string } {
  if (buffer === null) return { ok: false, message: 'request body too large or cut short' };
  try {
    return { ok: true, value: JSON.parse(buffer.toString('utf8')) };
  } catch {
    return { ok: false, message: 'request body is not valid JSON' };
  }
}

/** Reads a JSON request body and records it for inspection; the message says why it could not be read. */
export async function readJsonBody(
  ex: Exchange,
): Promise<{ ok: true; value: unknown } | { ok: false; message: string }> {
  const parsed = parseJsonBody(await ex.readBody());
  if (parsed.ok) ex.entry.body = parsed.value;
  return parsed;
}

/**
 * Reads a JSON request body, records it, and checks it against the endpoint's schema. `unreadable`
 * is why there was no JSON; `problems` names each failed field as "field message".
 */
export async function readCheckedBody<T>(
  ex: Exchange,
  schema: z.ZodType<T>,
): Promise<{ data: T } | { unreadable: string } | { problems: string[] }> {
  const read = await readJsonBody(ex);
  if (!read.ok) return { unreadable: read.message };
  const body = schema.safeParse(read.value);
  if (!body.success) return { problems: problemsOf(body.error).map((p) => `${p.field} ${p.message}`) };
  return { data: body.data };
}

export function randomId(length: number, alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(Math.random() * alphabet.length)];
  return out;
}
