// What a destination form knows about each kind's secrets, read from the config schema: which
// fields it has, how a stored one is shown (masked), and how tus headers are written.
import { z } from 'zod';
import type { ConnectionTest, DestinationView } from '../../../../shared/contract.js';
import { DestinationConfig } from '../../../../shared/config.js';
import type { DestinationKind } from '../../../../shared/model.js';
import { kindSpec } from '../../../../shared/destinations/kinds.js';

export interface AuthField {
  key: string;
  /** tus takes any number of named headers instead of fixed keys. */
  headers: boolean;
}

export function optionFor(kind: DestinationKind) {
  return DestinationConfig.options.find((o) => o.shape.kind.value === kind) ?? DestinationConfig.options[0];
}

/**
 * The kind's schema for its platform defaults (its spec in shared/destinations/): an object names
 * the fields, a record (tus metadata) leaves them open.
 */
export function defaultsSchemaFor(kind: DestinationKind): z.ZodType {
  return kindSpec(kind)?.defaults ?? optionFor(kind).shape.defaults;
}

export function authFieldsFor(kind: DestinationKind): AuthField[] {
  let auth: z.ZodType = optionFor(kind).shape.auth;
  if (auth instanceof z.ZodDefault) auth = auth.unwrap() as z.ZodType;
  if (!(auth instanceof z.ZodObject)) return [];
  return Object.entries(auth.shape as Record<string, z.ZodType>).map(([key, schema]) => ({
    key,
    headers: schema instanceof z.ZodDefault || schema instanceof z.ZodRecord,
  }));
}

export const authLabels: Record<string, string> = {
  token: 'API token',
  apiKey: 'API key',
  apiSecret: 'API secret',
  username: 'User name',
  password: 'Password',
  headers: 'Headers (one per line, Name: value)',
};

export function maskedHint(view: DestinationView | null, key: string): string | null {
  const masked = view?.auth[key];
  if (!masked) return null;
  if ('set' in masked && typeof masked.set === 'boolean') {
    return masked.set ? `Set${masked.hint ? ` (ends …${masked.hint})` : ''}. Leave empty to keep it.` : 'Not set.';
  }
  const names = Object.keys(masked);
  return names.length ? `Set: ${names.join(', ')}. Leave empty to keep them.` : 'No header set.';
}

/** scheme://host:port of a URL, or null while it is not a URL yet. */
export function originOf(url: string): string | null {
  try {
    return new URL(url.trim()).origin;
  } catch {
    return null;
  }
}

/** A failed connection test's first words, by its status. */
export const testFailure: Record<Exclude<ConnectionTest['status'], 'ok'>, string> = {
  unreachable: 'Test failed (unreachable)',
  'bad-credentials': 'Test failed (the platform refused the credentials)',
  error: 'Test failed',
};

export function parseHeaders(text: string): Record<string, string> | string {
  const headers: Record<string, string> = {};
  for (const line of text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)) {
    const colon = line.indexOf(':');
    if (colon <= 0) return `"${line}" is not a header: write Name: value.`;
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}
