// SHA-256 of a file, streamed so a 2 GB recording costs a 64 KB buffer, not 2 GB of memory.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file, { highWaterMark: 64 * 1024 }), hash);
  return hash.digest('hex');
}
