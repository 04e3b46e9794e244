// The headless host of the contract: the same dispatcher the Electron shell binds to IPC, here
// over HTTP (`POST /api/call/<channel>`) and server-sent events (`GET /api/events`), plus the
// built renderer as static files. Binds loopback by default; any other address needs a token.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { eventNames, type EventName } from '../../../shared/contract.js';
import type { ContractDispatcher } from '../../../shared/contract-host.js';
import type { Logger } from '../../core/logger.js';
import { serveMetrics, type Scrape } from './metrics-route.js';

export interface HttpHostOptions {
  dispatcher: ContractDispatcher;
  subscribe(event: EventName, listener: (payload: unknown) => void): () => void;
  staticDir: string | null;
  host: string;
  port: number;
  token: string | null;
  logger: Logger;
  /** Serves GET /metrics (Prometheus text) behind the same token as the API. */
  metrics?: Scrape;
}

export interface HttpHost {
  url: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith('127.');
}

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

export class HostStartError extends Error {}

function tokenMatches(expected: string, given: string | null): boolean {
  if (given === null) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

function requestToken(req: http.IncomingMessage, url: URL): string | null {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
  // EventSource cannot set headers, so the event stream may carry the token in the query.
  return url.searchParams.get('token');
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('request body larger than 1 MiB');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function serveStatic(staticDir: string, pathname: string, res: http.ServerResponse): void {
  const root = path.resolve(staticDir);
  let relative: string;
  try {
    relative = decodeURIComponent(pathname);
  } catch {
    res.writeHead(400).end('bad path');
    return;
  }
  let file = path.resolve(root, `.${relative}`);
  // Path guard: never serve anything outside the renderer build.
  if (file !== root && !file.startsWith(root + path.sep)) {
    res.writeHead(403).end('forbidden');
    return;
  }
  if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) file = path.join(root, 'index.html');
  if (!fs.existsSync(file)) {
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('The user interface is not built. Run `npm run build:renderer` (npm run demo does it for you).');
    return;
  }
  res.writeHead(200, {
    'content-type': MIME[path.extname(file)] ?? 'application/octet-stream',
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': file.endsWith('index.html') ? 'no-cache' : 'public, max-age=3600',
  });
  fs.createReadStream(file).pipe(res);
}

/** Throws unless the bind is loopback or guarded by a token; call it before starting anything. */
export function assertBindAllowed(host: string, token: string | null): void {
  if (!isLoopback(host) && !token) {
    throw new HostStartError(
      `Refusing to listen on ${host} without a token: anyone on the network could steer the queue. ` +
        'Pass --token <secret> (or set CALLRELAY_TOKEN), or bind 127.0.0.1.',
    );
  }
}

export async function startHttpHost(options: HttpHostOptions): Promise<HttpHost> {
  const { dispatcher, logger, token } = options;
  assertBindAllowed(options.host, token);
  const streams = new Set<http.ServerResponse>();

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://host');
    const isApi = url.pathname.startsWith('/api/');
    const isMetrics = url.pathname === '/metrics' && !!options.metrics;
    if ((isApi || isMetrics) && token && !tokenMatches(token, requestToken(req, url))) {
      sendJson(res, 401, { ok: false, error: { code: 'bad-input', message: 'A valid token is required.' } });
      return;
    }
    if (isMetrics) {
      serveMetrics(options.metrics!, req, res, logger);
      return;
    }
    if (url.pathname.startsWith('/api/call/') && req.method === 'POST') {
      const channel = url.pathname.slice('/api/call/'.length);
      readBody(req)
        .then(async (text) => {
          let input: unknown = {};
          if (text.trim() !== '') {
            try {
              input = JSON.parse(text);
            } catch {
              sendJson(res, 400, { ok: false, error: { code: 'bad-input', message: 'The body is not valid JSON.' } });
              return;
            }
          }
          sendJson(res, 200, await dispatcher.dispatch(channel, input));
        })
        .catch((error: Error) =>
          sendJson(res, 413, { ok: false, error: { code: 'bad-input', message: error.message } }),
        );
      return;
    }
    if (url.pathname === '/api/events' && req.method === 'GET') {
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      res.write('retry: 2000\n\n');
      streams.add(res);
      const unsubscribers = eventNames.map((event) =>
        options.subscribe(event, (payload) => res.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`)),
      );
      // A comment every 15 s keeps proxies from closing an idle stream.
      const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
      req.on('close', () => {
        clearInterval(keepAlive);
        unsubscribers.forEach((off) => off());
        streams.delete(res);
      });
      return;
    }
    if (url.pathname === '/api/health') {
      sendJson(res, 200, { ok: true });
      return;
    }
    if (isApi) {
      sendJson(res, 404, { ok: false, error: { code: 'not-found', message: `No API route ${url.pathname}.` } });
      return;
    }
    if ((req.method === 'GET' || req.method === 'HEAD') && options.staticDir) {
      serveStatic(options.staticDir, url.pathname, res);
      return;
    }
    res.writeHead(404).end();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${shownHost}:${address.port}/`;
  logger.info({ url }, 'headless host listening');

  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        for (const stream of streams) stream.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
