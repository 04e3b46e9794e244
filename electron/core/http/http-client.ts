// The one HTTP layer every destination uses. It turns every way a request can go wrong into the
// delivery errors the engine acts on, and remembers for each failure whether the request could
// have reached the server: that is what exactly-once recovery needs to know ("was the create
// call possibly received?"), and only the transport can tell.
import { Readable } from 'node:stream';
import { request as undiciRequest, type Dispatcher } from 'undici';
import type { z } from 'zod';
import { DeliveryError, PermanentError, TransientError, errorFromStatus } from '../delivery-errors.js';
import type { NetworkRoute } from './network.js';
import {
  certificateProblem,
  CONNECT_CODES,
  describeCertificateProblem,
  describeProxyProblem,
  NetworkPathError,
  proxyProblem,
} from './network-errors.js';
import type { ProxyDecision } from './proxy-decision.js';
import { inspectCertificate } from './tls-probe.js';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

/** Strings and bytes are sent as they are; streams and async iterables are streamed, never buffered. */
export type HttpBody = string | Uint8Array | Readable | AsyncIterable<Uint8Array>;

export interface HttpRequest {
  method: HttpMethod;
  url: string | URL;
  headers?: Record<string, string>;
  body?: HttpBody;
  /** Serialised as JSON with `content-type: application/json`; exclusive with `body`. */
  json?: unknown;
  signal?: AbortSignal;
  /** Time allowed for the answer's headers after the last request byte was written. */
  headersTimeoutMs?: number;
  /** Time allowed between two chunks of the answer's body. */
  bodyTimeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  header(name: string): string | null;
}

/**
 * Where a failed request got to. `not-sent`: the server cannot have acted on it (connection
 * refused, or the body failed before its last byte was handed to the socket). `answered`: the
 * server replied with an error status. `unknown`: the whole request may have gone out and no
 * answer came back. Kernel socket buffers hold a few MB, so a cut near the end of a body reads as
 * `unknown`: the error is on the safe side, never the other way.
 */
export type RequestOutcome = 'not-sent' | 'answered' | 'unknown';

const outcomes = new WeakMap<object, RequestOutcome>();

/**
 * A body stream may offer to lend its read buffers (the engine's recording body does). Accepted
 * only for a stream handed to undici as it is: undici writes each chunk to the socket and waits
 * for 'drain' before taking another, so no chunk is held once a few more have been read.
 */
const REUSE_CHUNKS = Symbol.for('callrelay.body.reuse-chunks');

/** How far a request that threw got; `unknown` for errors this layer did not raise. */
export function requestOutcome(error: unknown): RequestOutcome {
  return (typeof error === 'object' && error !== null && outcomes.get(error)) || 'unknown';
}

/** The HTTP status behind an error raised for a non-2xx answer, or null. */
export function errorStatus(error: unknown): number | null {
  return (typeof error === 'object' && error !== null && statuses.get(error)) || null;
}
const statuses = new WeakMap<object, number>();

export interface HttpClient {
  /** Sends the request and returns whatever the server answered, any status. */
  send(req: HttpRequest): Promise<HttpResponse>;
  /** Like send, but a non-2xx answer throws the delivery error for its status. */
  expectOk(req: HttpRequest): Promise<HttpResponse>;
  /** expectOk, then parses the body as JSON with the schema. */
  json<S extends z.ZodType>(req: HttpRequest, schema: S): Promise<z.output<S>>;
}

export interface HttpClientOptions {
  /** A fixed dispatcher (tests, benches); wins over `route`. */
  dispatcher?: Dispatcher;
  /** The destination's way out: proxy decision and trusted roots per request URL. */
  route?: NetworkRoute;
  now?: () => number;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  /** Longest answer body read into memory; platform answers are small JSON documents. */
  maxResponseBytes?: number;
}

export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const now = options.now ?? Date.now;
  const maxResponseBytes = options.maxResponseBytes ?? 8 * 1024 * 1024;

  async function send(req: HttpRequest): Promise<HttpResponse> {
    const headers: Record<string, string> = { ...req.headers };
    let body: HttpBody | undefined = req.body;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
        headers['content-type'] = 'application/json';
      }
    }
    // Every body goes through a generator that notes when its last byte was handed over, so a
    // failure can tell "never complete on the wire" from "sent, answer lost".
    let bodyDone = body === undefined;
    const source = body;
    // Streams go to undici as they are (no extra copy per chunk); their 'end' marks the last
    // byte handed over. Strings, bytes and iterables go through a generator that notes the same.
    let tracked: Readable | undefined;
    // Called once the server has acknowledged the whole of a lent body: its buffers are free.
    let release: (() => void) | null = null;
    if (source instanceof Readable) {
      source.once('end', () => {
        bodyDone = true;
      });
      const lend = (source as Readable & { [REUSE_CHUNKS]?: unknown })[REUSE_CHUNKS];
      if (typeof lend === 'function') {
        const given: unknown = (lend as () => unknown)();
        if (typeof given === 'function') release = given as () => void;
      }
      tracked = source;
    } else if (source !== undefined) {
      tracked = Readable.from(
        (async function* () {
          if (typeof source === 'string') yield Buffer.from(source);
          else if (source instanceof Uint8Array) yield source;
          else for await (const chunk of source) yield chunk as Uint8Array;
          bodyDone = true;
        })(),
        { objectMode: false, highWaterMark: 64 * 1024 },
      );
    }
    if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')) {
      if (typeof body === 'string') headers['content-length'] = String(Buffer.byteLength(body));
      else if (body instanceof Uint8Array) headers['content-length'] = String(body.byteLength);
    }

    let dispatcher = options.dispatcher;
    let decision: ProxyDecision | null = null;
    if (!dispatcher && options.route) {
      try {
        ({ dispatcher, decision } = await options.route.routeFor(new URL(req.url)));
      } catch (error) {
        tracked?.destroy();
        if (source instanceof Readable) source.destroy();
        throw routeError(error, req);
      }
    }

    let answer: Dispatcher.ResponseData;
    try {
      answer = await undiciRequest(req.url, {
        method: req.method,
        headers,
        body: tracked,
        signal: req.signal,
        dispatcher,
        headersTimeout: req.headersTimeoutMs ?? options.headersTimeoutMs ?? 60_000,
        bodyTimeout: req.bodyTimeoutMs ?? options.bodyTimeoutMs ?? 60_000,
      });
    } catch (error) {
      tracked?.destroy();
      if (source instanceof Readable) {
        const readFailure = source.errored;
        source.destroy();
        if (readFailure && !(readFailure instanceof DeliveryError) && !req.signal?.aborted) {
          throw unreadableBody(readFailure, req);
        }
      }
      throw (await explainNetwork(error, req, decision)) ?? classify(error, req, bodyDone);
    }
    let text: string;
    try {
      text = await readText(answer.body, maxResponseBytes);
    } catch (error) {
      throw classify(error, req, true);
    }
    // A 2xx to a body whose last byte was handed over: the server has read it all, so no socket
    // write can still be reading the lent buffers. On any other outcome they are not reused.
    if (release && bodyDone && answer.statusCode >= 200 && answer.statusCode < 300) release();
    const responseHeaders = answer.headers;
    return {
      status: answer.statusCode,
      headers: responseHeaders,
      text,
      header(name) {
        const value = responseHeaders[name.toLowerCase()];
        if (value === undefined) return null;
        return Array.isArray(value) ? value.join(', ') : value;
      },
    };
  }

  function classify(error: unknown, req: HttpRequest, bodyDone: boolean): Error {
    const where = `${req.method} ${describeUrl(req.url)}`;
    if (req.signal?.aborted) {
      const reason: unknown = req.signal.reason;
      return reason instanceof Error ? reason : new DeliveryError(`${where} was cancelled`, { cause: error });
    }
    // A stalled or failed source stream (openBody) already carries the right error.
    if (error instanceof DeliveryError) {
      outcomes.set(error, 'not-sent');
      return error;
    }
    const code = errorCode(error);
    const detail = error instanceof Error ? error.message : String(error);
    let result: TransientError;
    if (code && CONNECT_CODES.has(code)) {
      result = new TransientError(`${where}: cannot reach the server (${code}). Check the address and the network.`, {
        unreachable: true,
        cause: error,
      });
      outcomes.set(result, 'not-sent');
      return result;
    }
    if (code === 'UND_ERR_HEADERS_TIMEOUT') {
      result = new TransientError(`${where}: the server did not answer in time`, { cause: error });
    } else if (code === 'UND_ERR_BODY_TIMEOUT') {
      result = new TransientError(`${where}: the server stopped sending its answer`, { cause: error });
    } else {
      // A reset after connecting is not "unreachable": the server was there a moment ago.
      result = new TransientError(`${where}: connection failed (${code ?? detail})`, { cause: error });
    }
    outcomes.set(result, bodyDone ? 'unknown' : 'not-sent');
    return result;
  }

  /**
   * The way to the server failed before any request went out: a certificate we do not trust, a
   * proxy that is down or wants credentials. Said as what it is, with the fix, not "unreachable".
   */
  async function explainNetwork(
    error: unknown,
    req: HttpRequest,
    decision: ProxyDecision | null,
  ): Promise<NetworkPathError | null> {
    if (req.signal?.aborted || error instanceof DeliveryError) return null;
    const url = new URL(req.url);
    const code = errorCode(error);
    const detail = error instanceof Error ? error.message : String(error);
    let message: string | null = null;
    const proxy = proxyProblem(decision, code, detail);
    const tlsProblem = certificateProblem(code);
    if (proxy) {
      message = describeProxyProblem(decision!, url.host, proxy);
    } else if (tlsProblem) {
      const route = options.route;
      const inspection =
        route && url.protocol === 'https:' && tlsProblem !== 'handshake'
          ? await inspectCertificate(url, {
              proxy: decision?.kind === 'proxy' ? decision.proxy : null,
              proxyAuthorization: decision?.credentials
                ? `Basic ${Buffer.from(`${decision.credentials.username}:${decision.credentials.password}`).toString('base64')}`
                : undefined,
              ca: safeTrust(route),
            })
          : null;
      message = describeCertificateProblem(url.host, tlsProblem, code!, inspection);
    }
    if (!message) return null;
    const result = new NetworkPathError(message, { cause: error });
    outcomes.set(result, 'not-sent');
    return result;
  }

  function routeError(error: unknown, req: HttpRequest): Error {
    const result = new NetworkPathError(
      `${req.method} ${describeUrl(req.url)}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
    outcomes.set(result, 'not-sent');
    return result;
  }

  /** The body's own source failed (the file, not the network): say so, not "connection failed". */
  function unreadableBody(failure: Error, req: HttpRequest): Error {
    const code = errorCode(failure);
    const error =
      code === 'ENOENT'
        ? new PermanentError(`The recording file is gone (${failure.message}); it cannot be sent.`, { cause: failure })
        : new TransientError(
            `Could not read the recording while sending it to ${describeUrl(req.url)}: ${failure.message}`,
            {
              cause: failure,
            },
          );
    outcomes.set(error, 'not-sent');
    return error;
  }

  async function expectOk(req: HttpRequest): Promise<HttpResponse> {
    const res = await send(req);
    if (res.status >= 200 && res.status < 300) return res;
    const error = errorFromStatus(res.status, serverMessage(res.text), res.header('retry-after'), now());
    outcomes.set(error, 'answered');
    statuses.set(error, res.status);
    throw error;
  }

  async function json<S extends z.ZodType>(req: HttpRequest, schema: S): Promise<z.output<S>> {
    const res = await expectOk({ ...req, headers: { accept: 'application/json', ...req.headers } });
    return parseJson(res, schema, `${req.method} ${describeUrl(req.url)}`);
  }

  return { send, expectOk, json };
}

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

function safeTrust(route: NetworkRoute): string[] | undefined {
  try {
    return route.trust().ca;
  } catch {
    return undefined;
  }
}

function errorCode(error: unknown): string | null {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_SOCKET') return code;
    const next = (current as { cause?: unknown }).cause;
    if (next === undefined) return typeof code === 'string' ? code : null;
    current = next;
  }
  return null;
}

async function readText(stream: AsyncIterable<Uint8Array> & { dump?: () => Promise<void> }, max: number) {
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
