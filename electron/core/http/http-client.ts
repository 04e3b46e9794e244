// The one HTTP layer every destination uses: sends a request (bodies streamed, never buffered),
// reads the answer, and turns every failure into the delivery error the engine acts on, marked
// with how far the request got (request-failures.ts).
import { Readable } from 'node:stream';
import { request as undiciRequest, type Dispatcher } from 'undici';
import type { z } from 'zod';
import { DeliveryError, errorFromStatus } from '../delivery-errors.js';
import { describeUrl, parseJson, readText, serverMessage } from './http-answer.js';
import type { NetworkRoute } from './network.js';
import type { ProxyDecision } from './proxy-decision.js';
import { classify, explainNetwork, markAnswered, routeError, unreadableBody } from './request-failures.js';

export { describeUrl, parseJson, serverMessage } from './http-answer.js';
export { errorStatus, requestOutcome, type RequestOutcome } from './request-failures.js';

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
 * A body stream may offer to lend its read buffers (the engine's recording body does). Accepted
 * only for a stream handed to undici as it is: undici writes each chunk to the socket and waits
 * for 'drain' before taking another, so no chunk is held once a few more have been read.
 */
const REUSE_CHUNKS = Symbol.for('callrelay.body.reuse-chunks');

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
      throw (await explainNetwork(error, req, decision, options.route)) ?? classify(error, req, bodyDone);
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

  async function expectOk(req: HttpRequest): Promise<HttpResponse> {
    const res = await send(req);
    if (res.status >= 200 && res.status < 300) return res;
    const error = errorFromStatus(res.status, serverMessage(res.text), res.header('retry-after'), now());
    markAnswered(error, res.status);
    throw error;
  }

  async function json<S extends z.ZodType>(req: HttpRequest, schema: S): Promise<z.output<S>> {
    const res = await expectOk({ ...req, headers: { accept: 'application/json', ...req.headers } });
    return parseJson(res, schema, `${req.method} ${describeUrl(req.url)}`);
  }

  return { send, expectOk, json };
}
