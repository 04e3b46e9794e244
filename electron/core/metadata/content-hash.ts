// SHA-256 of a file, streamed so a 2 GB recording costs a 64 KB buffer, not 2 GB of memory.
// A small file is read with a buffer of its own size: a 64 KB buffer for every 1 KB file adds up
// to hundreds of megabytes of garbage when a backlog of thousands is hashed.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';

const chunk = 64 * 1024;

export async function sha256File(file: string, sizeHint?: number): Promise<string> {
  const hash = createHash('sha256');
  const highWaterMark = sizeHint !== undefined && sizeHint < chunk ? Math.max(1, sizeHint + 1) : chunk;
  await pipeline(createReadStream(file, { highWaterMark }), hash);
  return hash.digest('hex');
}
