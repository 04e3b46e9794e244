// One request to an emulated platform, as its route handler sees it, and the record the
// inspection endpoint lists for it (secrets masked).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DestinationKind } from '../../../shared/model.js';

/** A kind of shared/destinations/kinds.ts, or one a test adds. */
export type PlatformKind = DestinationKind | (string & {});

export interface SandboxRequest {
  seq: number;
  at: string;
  kind: PlatformKind;
  method: string;
  /** Path and query as received, signatures masked. */
  path: string;
  headers: Record<string, string>;
  /** JSON body, or multipart fields (file parts as {fileName, contentType, size, sha256}), or null. */
  body: unknown;
  /** Declared Content-Length, or null for chunked/none. */
  contentLength: number | null;
  /** Body bytes the route read (JSON, multipart, storage PUT), or bytes on the wire for tus. */
  bodyBytes: number;
  status: number | null;
  /** The injected fault, when one hit this request. */
  fault: string | null;
  /** Milliseconds from the request's arrival to its answer's last byte (server-side timing for benches). */
  durationMs: number | null;
}

export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  kind: PlatformKind;
  /** Path below the platform's prefix, e.g. "/calls/create". */
  path: string;
  query: URLSearchParams;
  entry: SandboxRequest;
  now(): number;
  /** Public URL of the sandbox, e.g. http://127.0.0.1:4180 */
  origin: string;
  /** Work done; the answer may still be lost to an injected fault. */
  send(status: number, body: unknown, headers?: Record<string, string>): void;
  sendRaw(status: number, text: string, contentType: string, headers?: Record<string, string>): void;
  /** Whole body for JSON APIs (capped); null when it was too large or the connection broke. */
  readBody(limit?: number): Promise<Buffer | null>;
}

const SECRET_HEADERS = new Set(['authorization', 'x-api-key', 'x-api-secret', 'cookie', 'proxy-authorization']);

export function mask(value: string): string {
  const space = value.indexOf(' ');
  const scheme = space > 0 && space < 12 ? value.slice(0, space + 1) : '';
  const secret = value.slice(scheme.length);
  return `${scheme}***${secret.length > 8 ? secret.slice(-4) : ''}`;
}

export function maskHeaders(headers: IncomingMessage['headers'], extraSecret: Set<string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    out[name] = SECRET_HEADERS.has(name) || extraSecret.has(name) ? mask(text) : text;
  }
  return out;
}

export function maskQuery(pathWithQuery: string): string {
  return pathWithQuery.replace(/(X-Amz-Signature|X-Amz-Credential|Signature)=[^&]*/g, '$1=***');
}
