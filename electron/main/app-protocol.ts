// Serves the built renderer from app://callrelay/ instead of file://, so the page has a real
// origin (no access to other local files), and every response carries the CSP.
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { RecordingSource } from '../core/api/recording-source.js';
import { CONTENT_SECURITY_POLICY } from '../../shared/content-security-policy.js';
import { APP_HOST, APP_SCHEME } from './trusted-url.js';

export { CONTENT_SECURITY_POLICY };

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Maps an app:// URL to a file inside `rootDir`, or null when it is not ours or would leave the
 * folder (../, encoded dots or slashes, NUL, absolute or drive paths).
 */
export function resolveAppFile(rootDir: string, requestUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  const segments = pathname.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..' || /^[A-Za-z]:$/.test(s))) return null;
  const root = path.resolve(rootDir);
  const file = path.resolve(root, ...(segments.length === 0 ? ['index.html'] : segments));
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  return file;
}

function respond(
  status: number,
  body: ConstructorParameters<typeof Response>[0],
  contentType = 'text/plain; charset=utf-8',
): Response {
  return new Response(body, {
    status,
    headers: {
      'content-type': contentType,
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-cache',
    },
  });
}

/** Where the page's player finds a job's recording: app://callrelay/recording/<job id>. */
export const RECORDING_PREFIX = '/recording/';

/**
 * app://callrelay/recording/<job id>: the job's own recording (recording-source.ts checks it is
 * still the job's bytes), with range requests for the player. Only a job id is taken: a query
 * string, an encoded separator or anything that is not an id is refused.
 */
async function serveRecording(source: Pick<RecordingSource, 'open'>, request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.search !== '') return respond(400, 'The recording address takes a job id only, no parameters.');
  const answer = await source.open(url.pathname.slice(RECORDING_PREFIX.length), {
    range: request.headers.get('range') ?? undefined,
    head: request.method === 'HEAD',
  });
  if (!answer.ok) {
    const response = respond(answer.status, answer.message);
    for (const [name, value] of Object.entries(answer.headers ?? {})) response.headers.set(name, value);
    return response;
  }
  const body = answer.body ? (Readable.toWeb(answer.body) as ReadableStream<Uint8Array>) : null;
  return new Response(body, { status: answer.status, headers: answer.headers });
}

/** The protocol handler itself, separate from Electron so it can be tested with plain Requests. */
export function createAppProtocolHandler(
  rootDir: string,
  recordings?: Pick<RecordingSource, 'open'>,
): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return respond(405, 'Method not allowed');
    if (recordings && new URL(request.url).pathname.startsWith(RECORDING_PREFIX)) {
      if (new URL(request.url).host !== APP_HOST) return respond(404, 'Not found');
      return serveRecording(recordings, request);
    }
    const file = resolveAppFile(rootDir, request.url);
    if (!file) return respond(404, 'Not found');
    try {
      const body = await fs.readFile(file);
      const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
      return respond(200, request.method === 'HEAD' ? null : body, type);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return respond(404, 'Not found');
      return respond(500, 'The app could not read its own files; reinstall CallRelay.');
    }
  };
}

export interface ProtocolPort {
  registerSchemesAsPrivileged(schemes: Array<{ scheme: string; privileges: Record<string, boolean> }>): void;
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
}

/** Must run before the app is ready. */
export function registerAppScheme(protocol: Pick<ProtocolPort, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      // stream: the <audio> element reads recordings from this scheme with range requests.
      privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true, stream: true },
    },
  ]);
}

export function setupAppProtocol(
  protocol: Pick<ProtocolPort, 'handle'>,
  rootDir: string,
  recordings?: Pick<RecordingSource, 'open'>,
): void {
  protocol.handle(APP_SCHEME, createAppProtocolHandler(rootDir, recordings));
}
