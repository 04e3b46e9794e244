// SHA-256 of a file, read in 1 MiB slices into buffers kept for the next file, the next slice
// read while the current one is hashed. A fresh buffer per read (what a ReadStream does) costs
// a 1 GiB recording 1 GiB of short-lived external memory, and V8 answers each 64 MB of it with a
// full mark-compact: measured through serve, ~20 of them per GiB hashed, and the peak RSS of the
// whole transfer.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

const CHUNK = 1024 * 1024;
/** Two per hash in progress; intake describes a few files at once. */
const KEPT = 8;
const free: Buffer[] = [];

const take = () => free.pop() ?? Buffer.allocUnsafeSlow(CHUNK);
const give = (buffer: Buffer) => {
  if (free.length < KEPT) free.push(buffer);
};

export async function sha256File(file: string, sizeHint?: number): Promise<string> {
  const hash = createHash('sha256');
  const handle = await open(file, 'r');
  let current = take();
  let next = take();
  try {
    let position = 0;
    let { bytesRead } = await handle.read(current, 0, CHUNK, position);
    while (bytesRead > 0) {
      position += bytesRead;
      // A short read of a regular file is its end (for the file as it is now): no read for 0 bytes.
      const ahead =
        bytesRead === CHUNK || (sizeHint !== undefined && position < sizeHint)
          ? handle.read(next, 0, CHUNK, position)
          : null;
      hash.update(current.subarray(0, bytesRead));
      bytesRead = ahead ? (await ahead).bytesRead : 0;
      [current, next] = [next, current];
    }
  } finally {
    await handle.close();
    give(current);
    give(next);
  }
  return hash.digest('hex');
}

/**
 * Files up to this size are read once, whole, and hashed and probed from that one buffer: for a
 * backlog of short recordings the cost is the number of file operations, not the bytes (opening
 * the file three times for the hash, the probe and the tags was most of the intake's time). The
 * buffer lives only while one recording is described, and the intake describes a few at a time.
 */
export const WHOLE_READ_MAX_BYTES = 1024 * 1024;

/** The file's bytes when it is small enough to hold (see above), else null. */
export async function readSmallFile(file: string, sizeBytes: number): Promise<Buffer | null> {
  if (sizeBytes > WHOLE_READ_MAX_BYTES) return null;
  const handle = await open(file, 'r');
  try {
    // One byte more than expected tells a file that grew since it was stated: it is hashed the
    // streamed way, and the intake's check after describing sees the change and waits anew.
    const buffer = Buffer.allocUnsafe(sizeBytes + 1);
    let filled = 0;
    while (filled < buffer.length) {
      const wanted = buffer.length - filled;
      const { bytesRead } = await handle.read(buffer, filled, wanted, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
      // A short read that ends exactly at the stated size is the end of the file: asking again
      // only to be told so was one file operation in ten of a backlog's intake.
      if (bytesRead < wanted && filled === sizeBytes) break;
    }
    return filled > sizeBytes ? null : buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

export function sha256Bytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
