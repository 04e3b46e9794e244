// Every API request of the headless host passes here before any handler runs. A loopback port
// is open to every web page the person visits (a "simple" cross-origin POST needs no preflight)
// and to every other user of the machine, so the host trusts a request only when all hold:
//   1. its Host names this host (defeats DNS rebinding: a foreign name pointed at 127.0.0.1);
//   2. a present Origin is the host's own (defeats cross-site requests, `Origin: null` included),
//      and a present Sec-Fetch-Site says same-origin (a same-site page on another port sends
//      cookies but, for a no-cors GET, no Origin);
//   3. calls are `POST` with `Content-Type: application/json` (a form or text/plain body is what a
//      page can send without a preflight);
//   4. it carries the token: `Authorization: Bearer <token>`, or for the event stream (EventSource
//      cannot set headers) the session cookie the page got in exchange for it. Never in the URL.
// No CORS header is ever sent, so no other origin can read an answer.
import crypto from 'node:crypto';
import type http from 'node:http';
import os from 'node:os';
import type { Logger } from '../../core/logger.js';

/** What a route accepts as proof of the token. */
export type Credentials = 'bearer' | 'bearer-or-cookie' | 'none';

export type GuardRule =
  | 'host'
  | 'origin'
  | 'fetch-site'
  | 'method'
  | 'content-type'
  | 'token-in-url'
  | 'token'
  | 'malformed';

export type GuardDecision = { ok: true } | { ok: false; status: 401 | 403 | 405; rule: GuardRule; message: string };

export interface AuthorizeOptions {
  credentials?: Credentials;
  /** Calls must be POST with a JSON body; other routes state their own methods. */
  methods?: readonly string[];
  jsonBody?: boolean;
}

export interface RequestGuard {
  authorize(req: http.IncomingMessage, options?: AuthorizeOptions): GuardDecision;
  /** Sends a refusal as JSON (403/401/405) and logs it once per rule and origin. */
  refuse(req: http.IncomingMessage, res: http.ServerResponse, decision: Exclude<GuardDecision, { ok: true }>): void;
  /** `Set-Cookie` value for a page that proved it holds the token. */
  sessionCookie(): string;
  /** Host names (lower case, IPv6 in brackets) accepted in the Host header. */
  allowedHosts(): string[];
}

export interface RequestGuardOptions {
  token: string;
  /** The address the server is bound to, e.g. 127.0.0.1, ::1 or 0.0.0.0. */
  boundHost: string;
  /** Its port: the cookie name carries it, because browsers share cookies across ports. */
  port: number;
  /** Extra names given with --allow-host (a reverse proxy's name, a DNS alias of this machine). */
  allowHosts?: readonly string[];
  logger: Logger;
  /** Interface addresses for a wildcard bind; injectable for tests. */
  interfaceAddresses?: () => string[];
}

const MAX_LOGGED_OFFENDERS = 1000;

/** Lower-case host name with IPv6 in brackets and no port, or null when it is not a host name. */
export function parseHostHeader(value: string | undefined): string | null {
  if (!value || value.length > 255) return null;
  try {
    const url = new URL(`http://${value}`);
    // `http://a@b/`, paths or queries mean the header was not a plain host[:port].
    if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) return null;
    if (url.host.toLowerCase() !== value.toLowerCase().replace(/:80$/, '')) return null;
    return url.hostname.toLowerCase();
  } catch {
    return null;
  }
}

function bracketed(address: string): string {
  return address.includes(':') && !address.startsWith('[') ? `[${address}]` : address;
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]' || host === '';
}

function systemAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flat()
    .filter((a): a is os.NetworkInterfaceInfo => !!a)
    .map((a) => a.address.replace(/%.*$/, ''));
}

function tokensEqual(expected: string, given: string): boolean {
  const a = crypto.createHash('sha256').update(expected).digest();
  const b = crypto.createHash('sha256').update(given).digest();
  return crypto.timingSafeEqual(a, b);
}

function headerValue(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function cookieValue(req: http.IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

export function createRequestGuard(options: RequestGuardOptions): RequestGuard {
  const { token, logger } = options;
  const extra = (options.allowHosts ?? []).map((h) => parseHostHeader(h) ?? h.toLowerCase());
  const hostNames = new Set(['localhost', '127.0.0.1', '[::1]', ...extra]);
  if (isWildcard(options.boundHost)) {
    // The printed URL names the wildcard itself (http://0.0.0.0:4170/); no DNS name can be it.
    hostNames.add(options.boundHost.includes(':') ? '[::]' : '0.0.0.0');
    for (const address of (options.interfaceAddresses ?? systemAddresses)()) hostNames.add(bracketed(address));
  } else {
    hostNames.add(bracketed(options.boundHost.toLowerCase()));
  }
  // The cookie proves the token without being it: a leaked cookie does not give the bearer token.
  const cookieName = `callrelay_session_${options.port}`;
  const session = crypto.createHmac('sha256', token).update('callrelay browser session v1').digest('base64url');
  const logged = new Set<string>();

  const deny = (status: 401 | 403 | 405, rule: GuardRule, message: string): GuardDecision => ({
    ok: false,
    status,
    rule,
    message,
  });

  function authorize(req: http.IncomingMessage, opts: AuthorizeOptions = {}): GuardDecision {
    const credentials = opts.credentials ?? 'bearer';
    const rawHost = headerValue(req, 'host');
    // Node keeps the first of several Host headers; a proxy behind us might use another one.
    const hostCount = req.rawHeaders.filter((h, i) => i % 2 === 0 && h.toLowerCase() === 'host').length;
    const host = hostCount === 1 ? parseHostHeader(rawHost) : null;
    if (host === null) return deny(403, 'malformed', 'The Host header is missing or not a host name.');
    if (!hostNames.has(host)) {
      return deny(
        403,
        'host',
        `This CallRelay does not answer to the name "${host}". Open it by its own address, or start it with --allow-host ${host}.`,
      );
    }
    const origin = headerValue(req, 'origin');
    if (origin !== undefined) {
      let ok = false;
      try {
        const o = new URL(origin);
        ok =
          (o.protocol === 'http:' || o.protocol === 'https:') &&
          (o.host.toLowerCase() === rawHost?.toLowerCase() || extra.includes(o.hostname.toLowerCase()));
      } catch {
        ok = false; // "null" and anything unparsable
      }
      if (!ok)
        return deny(
          403,
          'origin',
          `Requests from ${origin.slice(0, 100)} are not allowed: only CallRelay's own page may call it.`,
        );
    }
    const site = headerValue(req, 'sec-fetch-site');
    if (site !== undefined && site !== 'same-origin' && site !== 'none') {
      return deny(403, 'fetch-site', `A ${site} page may not use CallRelay's API.`);
    }
    const methods = opts.methods ?? ['POST'];
    if (!methods.includes(req.method ?? '')) {
      return deny(405, 'method', `Use ${methods.join(' or ')} for ${(req.url ?? '').split('?')[0]}.`);
    }
    if (opts.jsonBody) {
      const type = (headerValue(req, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== 'application/json') {
        return deny(403, 'content-type', 'Calls must be sent with Content-Type: application/json.');
      }
    }
    const query = (req.url ?? '').split('?')[1] ?? '';
    if (/(?:^|&)(?:token|access_token)=/i.test(query)) {
      return deny(
        403,
        'token-in-url',
        'Never put the token in a URL (URLs end up in logs and browser history); send Authorization: Bearer <token>.',
      );
    }
    if (credentials === 'none') return { ok: true };
    const authorization = headerValue(req, 'authorization');
    if (authorization !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      if (match?.[1] && tokensEqual(token, match[1])) return { ok: true };
      return deny(401, 'token', 'The token is wrong. `callrelay token` prints the right one.');
    }
    if (credentials === 'bearer-or-cookie') {
      const cookie = cookieValue(req, cookieName);
      if (cookie !== null && tokensEqual(session, cookie)) return { ok: true };
    }
    return deny(
      401,
      'token',
      'A token is required: open the sign-in address `callrelay serve` printed, or send Authorization: Bearer <token> (`callrelay token` prints it).',
    );
  }

  return {
    authorize,
    refuse(req, res, decision) {
      const who = headerValue(req, 'origin') ?? headerValue(req, 'host') ?? req.socket.remoteAddress ?? '?';
      const key = `${decision.rule} ${who}`.slice(0, 300);
      if (!logged.has(key) && logged.size < MAX_LOGGED_OFFENDERS) {
        logged.add(key);
        logger.warn(
          {
            rule: decision.rule,
            origin: headerValue(req, 'origin')?.slice(0, 200) ?? null,
            host: headerValue(req, 'host')?.slice(0, 200) ?? null,
            path: (req.url ?? '').split('?')[0]?.slice(0, 200),
          },
          'refused an API request',
        );
      }
      const headers: Record<string, string> = {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
      };
      if (decision.status === 401) headers['www-authenticate'] = 'Bearer realm="CallRelay"';
      res.writeHead(decision.status, headers);
      res.end(
        JSON.stringify({ ok: false, error: { code: 'bad-input', rule: decision.rule, message: decision.message } }),
      );
    },
    sessionCookie: () => `${cookieName}=${session}; HttpOnly; SameSite=Strict; Path=/`,
    allowedHosts: () => [...hostNames],
  };
}
