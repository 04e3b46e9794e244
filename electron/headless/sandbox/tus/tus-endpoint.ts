// A real tus 1.0 server (@tus/server + @tus/file-store) behind the sandbox's auth check, so the
// tus destination is tested against the reference implementation rather than our own reading.
import fs from 'node:fs';
import path from 'node:path';
import { FileStore } from '@tus/file-store';
import { Server } from '@tus/server';
import type { Exchange } from '../exchange.js';
import type { SandboxPlatform } from '../sandbox-platform.js';

export interface FinishedUpload extends Record<string, unknown> {
  id: string;
  size: number | undefined;
  metadata: Record<string, string | null> | undefined;
  file: string;
}

export function createTusEndpoint(options: { directory: string; path: string; headers: Record<string, string> }) {
  fs.mkdirSync(options.directory, { recursive: true });
  const finished: FinishedUpload[] = [];
  // Made at the first request: FileStore's constructor starts an unawaited mkdir, which throws
  // (uncaught) when a sandbox that never saw a tus request is closed and its folder removed first.
  let server: Server | undefined;
  const makeServer = () =>
    new Server({
      path: options.path,
      datastore: new FileStore({ directory: options.directory }),
      onUploadFinish: async (_req, upload) => {
        finished.push({
          id: upload.id,
          size: upload.size,
          metadata: upload.metadata,
          file: path.join(options.directory, upload.id),
        });
        return {};
      },
    });
  const required = Object.entries(options.headers).map(([name, value]) => [name.toLowerCase(), value] as const);

  async function handle(ex: Exchange): Promise<void> {
    const { req, res } = ex;
    // OPTIONS is the unauthenticated discovery request of the protocol; all others need the headers.
    if (req.method !== 'OPTIONS') {
      const missing = required.filter(([name, value]) => req.headers[name] !== value).map(([name]) => name);
      if (missing.length > 0) {
        req.resume();
        ex.sendRaw(401, `Unauthorized: missing or wrong ${missing.join(', ')}\n`, 'text/plain', {
          'tus-resumable': '1.0.0',
        });
        return;
      }
    }
    server ??= makeServer();
    await server.handle(req, res);
  }

  return { handle, uploads: () => finished.map((u) => ({ ...u })) };
}

/** The headers the tus endpoint requires on every request but OPTIONS. */
export const tusSandbox = { credentials: { headers: { authorization: 'Bearer sandbox-tus-token-2d6b' } } } as const;

export const tusPlatform = {
  kind: 'tus',
  credentials: tusSandbox.credentials,
  start(ctx) {
    const endpoint = createTusEndpoint({
      directory: path.join(ctx.dataDir, 'tus'),
      path: '/tus/files',
      headers: tusSandbox.credentials.headers,
    });
    return {
      routes: [{ prefix: '/tus/files', handle: endpoint.handle }],
      calls: endpoint.uploads,
      secretHeaders: Object.keys(tusSandbox.credentials.headers),
      answersOnRawResponse: true,
    };
  },
  destinationConfig: (origin) => ({
    name: 'tus',
    kind: 'tus',
    baseUrl: `${origin}/tus/files/`,
    auth: { headers: { ...tusSandbox.credentials.headers } },
    defaults: {},
    enabled: true,
  }),
} satisfies SandboxPlatform<'tus'>;
