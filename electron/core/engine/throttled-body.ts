// The body a destination sends: the recording's bytes from an offset, in slices paced by the
// shared token bucket, counted for progress, and watched for stalls (no byte moving while the
// bucket is not the reason is a stall, whoever is stuck: disk, socket or server).
import fs from 'node:fs';
import { Readable } from 'node:stream';
import type { Clock } from '../logger.js';
import type { TokenBucket } from './token-bucket.js';

// 256 KiB reads: per-read overhead is small in a plain Readable (64 KiB reads through an async
// generator cost several times curl's CPU per GiB), and fresh 1 MiB buffers, which files too
// short to reuse them still allocate, cost more in page faults and peak memory than they saved.
const READ_BYTES = 256 * 1024;
/**
 * Read buffers kept for reuse once a consumer allows it. A consumer that writes each chunk to a
 * socket and waits for 'drain' before taking the next holds at most one chunk, the stream itself
 * one more and one read is in flight: six leaves room to spare.
 */
const REUSED_BUFFERS = 6;

/**
 * Set on a body that can lend its read buffers instead of allocating one per read. Calling it is
 * the consumer's promise that it is done with every chunk by the time it has taken a few more
 * (it writes each to a socket and honours backpressure, as undici does) and never keeps one, as a
 * collector would. Allocating 1 GiB of fresh buffers per GiB sent costs more CPU in garbage
 * collection and page faults than the read and the socket write together.
 */
export const REUSE_CHUNKS = Symbol.for('callrelay.body.reuse-chunks');

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
  let fd: number | null = null;
  let position = options.start;
  // The read not yet handed out in full (only while a rate applies: it goes out in slices).
  let pending: Buffer | null = null;
  let reading = false;
  let readInFlight = false;
  let closeAfterRead: (() => void) | null = null;
  let reuse = false;
  const buffers: Buffer[] = [];
  let nextBuffer = 0;
  let lastMove = clock.now();
  let waitingForTokens = false;
  let finished = false;

  const watchdog = setInterval(
    () => {
      if (finished || waitingForTokens) return;
      if (clock.now() - lastMove >= stallTimeoutMs) {
        stop();
        options.onStall();
      }
    },
    Math.max(50, Math.min(1000, Math.floor(stallTimeoutMs / 4))),
  );
  watchdog.unref();

  function stop() {
    finished = true;
    clearInterval(watchdog);
  }

  function buffer(): Buffer {
    if (!reuse) return Buffer.allocUnsafe(READ_BYTES);
    if (buffers.length < REUSED_BUFFERS) {
      const fresh = Buffer.allocUnsafe(READ_BYTES);
      buffers.push(fresh);
      return fresh;
    }
    return buffers[nextBuffer++ % REUSED_BUFFERS]!;
  }

  // Hands out the pending read, a slice at a time under a rate limit, a whole read at once
  // without. The rate is checked per slice, so a schedule change applies mid-file.
  function deliver() {
    const chunk = pending!;
    const rate = bucket.currentRate();
    const piece = rate === null ? chunk : chunk.subarray(0, bucket.sliceBytes);
    pending = piece.length < chunk.length ? chunk.subarray(piece.length) : null;
    if (rate === null) {
      send(piece);
      return;
    }
    waitingForTokens = true;
    bucket.take(piece.length, signal).then(
      () => {
        waitingForTokens = false;
        if (!body.destroyed) send(piece);
      },
      (error: unknown) => {
        waitingForTokens = false;
        body.destroy(error instanceof Error ? error : new Error(String(error)));
      },
    );
  }

  function send(piece: Buffer) {
    lastMove = clock.now();
    options.onBytes(piece.length);
    reading = false;
    if (body.push(piece)) pull();
  }

  function pull() {
    if (reading || body.destroyed) return;
    reading = true;
    if (pending) {
      deliver();
      return;
    }
    const target = buffer();
    readInFlight = true;
    fs.read(fd!, target, 0, target.length, position, (error, bytesRead) => {
      readInFlight = false;
      if (closeAfterRead) return closeAfterRead();
      if (body.destroyed) return;
      if (error) {
        body.destroy(error);
        return;
      }
      if (bytesRead === 0) {
        stop();
        body.push(null);
        return;
      }
      position += bytesRead;
      pending = target.subarray(0, bytesRead);
      deliver();
    });
  }

  const body = new Readable({
    highWaterMark: READ_BYTES,
    construct(callback) {
      fs.open(options.path, 'r', (error, opened) => {
        if (error) return callback(error);
        fd = opened;
        callback();
      });
    },
    read() {
      // The consumer asking for more is movement too: a slow but steady reader is not a stall.
      lastMove = clock.now();
      pull();
    },
    destroy(error, callback) {
      stop();
      signal.removeEventListener('abort', onAbort);
      if (fd === null) return callback(error);
      const open = fd;
      fd = null;
      const close = () => fs.close(open, () => callback(error));
      // Closed only once no read is in flight, so the descriptor cannot be reused under it.
      if (readInFlight) closeAfterRead = close;
      else close();
    },
  });
  Object.defineProperty(body, REUSE_CHUNKS, {
    value: () => {
      reuse = true;
    },
  });
  // An abandoned body must never crash the process; whoever consumes it still sees the error.
  body.on('error', () => {});
  const onAbort = () => body.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  return body;
}
