// The body a destination sends: the recording's bytes from an offset, in slices paced by the
// shared token bucket, counted for progress, and watched for stalls (no byte moving while the
// bucket is not the reason is a stall, whoever is stuck: disk, socket or server).
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { Clock } from '../logger.js';
import type { TokenBucket } from './token-bucket.js';

const READ_BYTES = 1024 * 1024;

export interface ThrottledBodyOptions {
  path: string;
  start: number;
  bucket: TokenBucket;
  clock: Clock;
  signal: AbortSignal;
  stallTimeoutMs: number;
  onBytes(bytes: number): void;
  onStall(): void;
}

export function openThrottledBody(options: ThrottledBodyOptions): Readable {
  const { bucket, clock, signal, stallTimeoutMs } = options;
  // 1 MiB reads: with 64 KiB reads the per-chunk overhead (stream hops, bucket calls, progress)
  // cost several times curl's CPU per GiB and capped a single large upload well below its speed.
  const file = createReadStream(options.path, { start: options.start, highWaterMark: READ_BYTES });
  let lastMove = clock.now();
  let waitingForTokens = false;
  let finished = false;
  const watchdog = setInterval(
    () => {
      if (finished || waitingForTokens) return;
      if (clock.now() - lastMove >= stallTimeoutMs) {
        finished = true;
        clearInterval(watchdog);
        options.onStall();
      }
    },
    Math.max(50, Math.min(1000, Math.floor(stallTimeoutMs / 4))),
  );
  watchdog.unref();

  async function* slices() {
    try {
      for await (const chunk of file as AsyncIterable<Buffer>) {
        // Slices only matter while a rate applies (so transfers interleave fairly); unlimited, a
        // whole read goes out at once. Checked per read, so a schedule change applies mid-file.
        const slice = bucket.currentRate() === null ? chunk.length : bucket.sliceBytes;
        for (let offset = 0; offset < chunk.length; offset += slice) {
          const piece = chunk.subarray(offset, offset + slice);
          waitingForTokens = true;
          await bucket.take(piece.length, signal);
          waitingForTokens = false;
          lastMove = clock.now();
          options.onBytes(piece.length);
          yield piece;
          lastMove = clock.now();
        }
      }
    } finally {
      finished = true;
      clearInterval(watchdog);
      file.destroy();
    }
  }

  const body = Readable.from(slices(), { objectMode: false, highWaterMark: READ_BYTES });
  // An abandoned body must never crash the process; whoever consumes it still sees the error.
  body.on('error', () => {});
  const onAbort = () => body.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  body.once('close', () => {
    finished = true;
    clearInterval(watchdog);
    signal.removeEventListener('abort', onAbort);
    file.destroy();
  });
  return body;
}
