// A real tus 1.0 server (@tus/server + @tus/file-store) behind the sandbox's auth check, so the
// tus destination is tested against the reference implementation rather than our own reading.
import fs from 'node:fs';
import path from 'node:path';
import { FileStore } from '@tus/file-store';
import { Server } from '@tus/server';
import type { Exchange } from './exchange.js';

export interface FinishedUpload extends Record<string, unknown> {
  id: string;
  size: number | undefined;
  metadata: Record<string, string | null> | undefined;
  file: string;
}

export function createTusEndpoint(options: { directory: string; path: string; headers: Record<string, string> }) {
  fs.mkdirSync(options.directory, { recursive: true });
  const finished: FinishedUpload[] = [];
  const server = new Server({
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
    await server.handle(req, res);
  }

  return { handle, uploads: () => finished.map((u) => ({ ...u })) };
}
