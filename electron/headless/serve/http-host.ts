// The headless host of the contract: the same dispatcher the Electron shell binds to IPC, here
// over HTTP (`POST /api/call/<channel>`) and server-sent events (`GET /api/events`), plus the
// built renderer as static files. Binds loopback by default; every API request goes through the
// request guard (Host, Origin, content type, token) before any handler runs.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { eventNames, type EventName } from '../../../shared/contract.js';
import type { ContractDispatcher } from '../../../shared/contract-host.js';
import { CONTENT_SECURITY_POLICY } from '../../../shared/content-security-policy.js';
import type { Logger } from '../../core/logger.js';
import { createRequestGuard, type AuthorizeOptions, type RequestGuard } from './request-guard.js';

export { CONTENT_SECURITY_POLICY };
import { serveMetrics, type Scrape } from './metrics-route.js';
import { serveRecording } from './recording-route.js';
import type { RecordingSource } from '../../core/api/recording-source.js';

export interface HttpHostOptions {
  dispatcher: ContractDispatcher;
  subscribe(event: EventName, listener: (payload: unknown) => void): () => void;
  staticDir: string | null;
  host: string;
  port: number;
  /** Always required: a loopback port is open to every web page and every local user. */
  token: string;
  /** Extra names the Host header may carry (--allow-host). */
  allowHosts?: readonly string[];
  /** More routes behind the same guard (checked before the catch-all 404 of /api/). */
  extraRoutes?: readonly Route[];
  logger: Logger;
  /** Serves GET /metrics (Prometheus text) behind the same token as the API. */
  metrics?: Scrape;
  /** Serves GET /api/recording/<job id>: the job's own recording, with range requests. */
  recordings?: Pick<RecordingSource, 'open'>;
}

/** A non-static route: the guard checks `access` before `handle` runs. */
export interface Route {
  matches(pathname: string): boolean;
  access(req: http.IncomingMessage): AuthorizeOptions;
  handle(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): void;
}

export interface HttpHost {
  url: string;
  /** The URL that opens the UI signed in: the token travels in the fragment, never to a server. */
  signInUrl: string;
  guard: RequestGuard;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith('127.');
}

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

/** A bind that failed, in one line naming the cause and the fix. */
export function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  if (error.code === 'EADDRINUSE') {
    return new HostStartError(
      `port ${port} on ${host} is already in use (another CallRelay, or another program); stop that one, or start with another --port`,
    );
  }
  if (error.code === 'EACCES') {
    return new HostStartError(
      `this user may not listen on port ${port} (EACCES); choose a port above 1023 with --port`,
    );
  }
  if (error.code === 'EADDRNOTAVAIL') {
    return new HostStartError(`${host} is not an address of this computer (EADDRNOTAVAIL); check --host`);
  }
  return error;
}

class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw new BodyError(413, 'The request body is larger than 1 MiB.');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyError(413, 'The request body is larger than 1 MiB.');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** JSON.parse that refuses `__proto__` keys: no body may reach a merge that could pollute prototypes. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return {};
  return JSON.parse(text, (key, value: unknown) => {
    if (key === '__proto__') throw new BodyError(400, 'The body may not contain a "__proto__" key.');
    return value;
  });
}

/** Maps a URL path to a file of the renderer build, or null for anything that could leave it. */
export function resolveStaticFile(staticDir: string, pathname: string): string | null {
  let relative: string;
  try {
    relative = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (relative.includes('\0') || relative.includes('\\')) return null;
  const segments = relative.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..' || /^[A-Za-z]:/.test(s))) return null;
  const root = path.resolve(staticDir);
  const file = path.resolve(root, ...segments);
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  return file;
}

function serveStatic(staticDir: string, pathname: string, res: http.ServerResponse): void {
  const root = path.resolve(staticDir);
  let file = resolveStaticFile(staticDir, pathname);
  if (file === null) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found');
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
    'x-frame-options': 'DENY',
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
  if (!token) throw new HostStartError('The headless host needs a token; callrelay serve makes one at first start.');
  assertBindAllowed(options.host, token);
  const streams = new Set<http.ServerResponse>();
  // The guard needs the real port (port 0 picks one), so it is made once the server listens.
  let guard: RequestGuard | null = null;

  function handleCall(req: http.IncomingMessage, res: http.ServerResponse, channel: string): void {
    readBody(req)
      .then(async (text) => {
        let input: unknown;
        try {
          input = parseJsonBody(text);
        } catch (error) {
          const message = error instanceof BodyError ? error.message : 'The body is not valid JSON.';
          sendJson(res, 400, { ok: false, error: { code: 'bad-input', message } });
          return;
        }
        // The dispatcher scrubs known secrets from every reply, for this host and IPC alike.
        sendJson(res, 200, await dispatcher.dispatch(channel, input));
      })
      .catch((error: unknown) => {
        const status = error instanceof BodyError ? error.status : 400;
        sendJson(
          res,
          status,
          { ok: false, error: { code: 'bad-input', message: (error as Error).message } },
          { connection: 'close' },
        );
        req.resume();
      });
  }

  function handleEvents(req: http.IncomingMessage, res: http.ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      connection: 'keep-alive',
    });
    res.write('retry: 2000\n\n');
    streams.add(res);
    const unsubscribers = eventNames.map((event) =>
      options.subscribe(event, (payload) =>
        res.write(`event: ${event}\ndata: ${JSON.stringify(dispatcher.scrub(payload))}\n\n`),
      ),
    );
    // A comment every 15 s keeps proxies from closing an idle stream.
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    req.on('close', () => {
      clearInterval(keepAlive);
      unsubscribers.forEach((off) => off());
      streams.delete(res);
    });
  }

  /**
   * Every non-static route, with what its requests must show. A new route (e.g. `GET /metrics`)
   * is one entry here: it cannot be reached without passing the guard.
   */
  const routes: Route[] = [
    {
      matches: (p) => p.startsWith('/api/call/'),
      access: () => ({ credentials: 'bearer', methods: ['POST'], jsonBody: true }),
      handle: (req, res, p) => handleCall(req, res, p.slice('/api/call/'.length)),
    },
    {
      matches: (p) => p === '/api/events',
      access: () => ({ credentials: 'bearer-or-cookie', methods: ['GET'] }),
      handle: handleEvents,
    },
    {
      matches: (p) => p === '/api/session',
      access: () => ({ credentials: 'bearer', methods: ['POST'], jsonBody: true }),
      handle: (req, res) => {
        req.resume();
        // The page proved it holds the token; the cookie lets its EventSource (no headers) in.
        res.writeHead(204, { 'set-cookie': guard!.sessionCookie(), 'cache-control': 'no-store' }).end();
      },
    },
    {
      matches: (p) => p === '/api/health',
      access: () => ({ credentials: 'none', methods: ['GET', 'HEAD'] }),
      handle: (_req, res) => sendJson(res, 200, { ok: true }),
    },
    {
      // Prometheus sends the token from its credentials_file and no Origin; a scrape from another
      // machine names this host in Host, so that name must be an --allow-host.
      matches: (p) => p === '/metrics' && options.metrics !== undefined,
      access: () => ({ credentials: 'bearer', methods: ['GET', 'HEAD'] }),
      handle: (req, res) => serveMetrics(options.metrics!, req, res, logger),
    },
    {
      // An <audio> element cannot send a header: the session cookie (HttpOnly, SameSite=Strict)
      // the page got for its event stream lets it in, as it does /api/events.
      matches: (p) => p.startsWith('/api/recording/') && options.recordings !== undefined,
      access: () => ({ credentials: 'bearer-or-cookie', methods: ['GET', 'HEAD'] }),
      handle: (req, res, p) => serveRecording(options.recordings!, req, res, p.slice('/api/recording/'.length)),
    },
    ...(options.extraRoutes ?? []),
    {
      // Anything else under /api/ is checked like a call before it learns the route is unknown.
      matches: (p) => p.startsWith('/api/'),
      access: (req) => ({ credentials: 'bearer', methods: [req.method ?? 'GET'] }),
      handle: (_req, res, p) =>
        sendJson(res, 404, { ok: false, error: { code: 'not-found', message: `No API route ${p}.` } }),
    },
  ];

  const server = http.createServer((req, res) => {
    if (!guard) {
      res.writeHead(503).end();
      return;
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://host');
    } catch {
      res.writeHead(400).end();
      return;
    }
    const pathname = url.pathname;
    const route = routes.find((r) => r.matches(pathname));
    if (!route) {
      if ((req.method === 'GET' || req.method === 'HEAD') && options.staticDir) {
        serveStatic(options.staticDir, pathname, res);
      } else {
        res.writeHead(404).end();
      }
      return;
    }
    // Every route but the static UI is checked here, before its handler runs.
    const decision = guard.authorize(req, route.access(req));
    if (!decision.ok) {
      guard.refuse(req, res, decision);
      req.resume();
      return;
    }
    route.handle(req, res, pathname);
  });
  // A malformed request line or header never reaches the handler; answer it and carry on.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, options.host, options.port)));
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${shownHost}:${address.port}/`;
  guard = createRequestGuard({
    token,
    boundHost: options.host,
    port: address.port,
    allowHosts: options.allowHosts ?? [],
    logger,
  });
  logger.info({ url }, 'headless host listening');

  return {
    url,
    signInUrl: `${url}#token=${encodeURIComponent(token)}`,
    guard,
    close: () =>
      new Promise<void>((resolve) => {
        for (const stream of streams) stream.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
