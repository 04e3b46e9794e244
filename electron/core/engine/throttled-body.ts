// The body a destination sends: the recording's bytes from an offset, in slices paced by the
// shared token bucket, counted for progress, and watched for stalls (no byte moving while the
// bucket is not the reason is a stall, whoever is stuck: disk, socket or server).
import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import type { FileIdentity } from '../../../shared/model.js';
import { RecordingChangedError } from '../delivery-errors.js';
import type { Clock } from '../clock.js';
import type { TokenBucket } from './token-bucket.js';

// 1 MiB reads: each read is a round trip through libuv's thread pool (a wake-up on each side),
// so a 1 GiB recording read in 256 KiB slices paid 4,096 of them (a context switch each showed
// as 13% of serve's CPU in the PUT; 3% at 1 MiB). Buffers come from a pool shared by every body (as rclone
// does), so a backlog of short files does not allocate six fresh ones per file: fresh buffers
// are external memory, and V8 answers each 64 MB of it with a full mark-compact.
const READ_BYTES = 1024 * 1024;
/**
 * Read buffers kept for reuse once a consumer allows it. A consumer that writes each chunk to a
 * socket and waits for 'drain' before taking the next holds at most one chunk, the stream itself
 * one more and one read is in flight: six leaves room to spare.
 */
const REUSED_BUFFERS = 6;
/** Buffers of finished bodies kept for the next ones: enough for a few bodies at once. */
const POOL_MAX = 12;
const pool: Buffer[] = [];

/**
 * Set on a body that can lend its read buffers instead of allocating one per read. Calling it is
 * the consumer's promise that it is done with every chunk by the time it has taken a few more
 * (it writes each to a socket and honours backpressure, as undici does) and never keeps one, as a
 * collector would. Allocating 1 GiB of fresh buffers per GiB sent costs more CPU in garbage
 * collection and page faults than the read and the socket write together.
 *
 * It returns `release`: the consumer calls it once nothing can read the chunks any more (the
 * server acknowledged the whole body), and the buffers go back to the shared pool when the body
 * closes. Never called (a failed request, a body cut short), they are left to the garbage
 * collector: a socket may still hold the last chunks, and a buffer is never reused under it.
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
  /**
   * The bytes must be the recording the job described: hashed as they stream (one pass, no extra
   * read; a resumed body hashes its prefix first) and checked before the last read goes out.
   */
  verify?: {
    sizeBytes: number;
    sha256: string;
    /**
     * Hash states at read boundaries, shared by the bodies of one attempt: a body opened where an
     * earlier one read to (the next tus chunk) continues that hash instead of reading the prefix again.
     */
    states?: Map<number, Hash>;
    /**
     * The file as the intake last saw it, after hashing it (shared/model.ts, FileIdentity): when
     * the open file is still that one (same inode, size, modification and change times), the
     * bytes are the ones hashed and are not hashed again; they are stated again before the last
     * read goes out. SHA-256 was 0.7 of serve's 1.9 CPU seconds per GiB, the difference to curl
     * on 2 cores. Any difference, or none given, and the bytes are hashed as they stream.
     */
    identity?: HashedFile;
  };
}

/** The file a job's hash was taken of, as the file system describes it. */
type HashedFile = FileIdentity & { sizeBytes: number; mtimeMs: number };

/** Same file, unchanged, as far as the file system can tell: any write moves the change time. */
function sameFile(s: fs.Stats, identity: HashedFile): boolean {
  return (
    s.ino === identity.ino &&
    s.size === identity.sizeBytes &&
    s.mtimeMs === identity.mtimeMs &&
    s.ctimeMs === identity.ctimeMs
  );
}

const KEPT_STATES = 4;

/** Checks bytes as they are read against the size and hash the job recorded. */
function createVerifier(expected: NonNullable<ThrottledBodyOptions['verify']>, start: number) {
  const known = start > 0 ? expected.states?.get(start) : undefined;
  const hash: Hash = known ? known.copy() : createHash('sha256');
  const remember = (at: number) => {
    const states = expected.states;
    if (!states) return;
    states.set(at, hash.copy());
    for (const key of states.keys()) if (states.size > KEPT_STATES) states.delete(key);
  };
  const changed = (message: string, sizeChanged: boolean) => new RecordingChangedError(message, sizeChanged);
  let trusted = false;
  return {
    /** True when the bytes before `start` still have to be hashed from the file. */
    get needsPrefix() {
      return start > 0 && !known && !trusted;
    },
    /** Whether the open file can be trusted to be the one hashed at intake (see `identity`). */
    identity: expected.identity,
    trust(opened: fs.Stats) {
      trusted = expected.identity !== undefined && sameFile(opened, expected.identity);
    },
    prefix: (chunk: Buffer) => hash.update(chunk),
    /** Called with each read at its offset; returns the error that must stop the body, if any. */
    read(chunk: Buffer, position: number, fd: number): RecordingChangedError | null {
      const end = position + chunk.length;
      if (chunk.length === 0) {
        return end === expected.sizeBytes
          ? null
          : changed(`it is now ${end} bytes, it was ${expected.sizeBytes} when it was queued`, true);
      }
      if (end > expected.sizeBytes) {
        return changed(`it grew past the ${expected.sizeBytes} bytes it had when it was queued`, true);
      }
      if (trusted) {
        if (end < expected.sizeBytes) return null;
        // The last read: the file must still be the one it was when it was opened.
        const after = fs.fstatSync(fd);
        if (sameFile(after, expected.identity!)) return null;
        return after.size !== expected.sizeBytes
          ? changed(`it is now ${after.size} bytes, it was ${expected.sizeBytes} when it was queued`, true)
          : changed('it was written to while it was being sent', false);
      }
      hash.update(chunk);
      if (end < expected.sizeBytes) {
        remember(end);
        return null;
      }
      // The last read: nothing more may follow, and the whole must be what was described.
      const now = fs.fstatSync(fd).size;
      if (now !== expected.sizeBytes) {
        return changed(`it is now ${now} bytes, it was ${expected.sizeBytes} when it was queued`, true);
      }
      const digest = hash.digest('hex');
      return digest === expected.sha256
        ? null
        : changed(
            `its content no longer matches (sha256 ${digest.slice(0, 12)}…, queued as ${expected.sha256.slice(0, 12)}…)`,
            false,
          );
    },
  };
}

/** Feeds bytes [0, end) of an open file to `update`, for a body resumed at `end`. */
function hashPrefix(fd: number, end: number, update: (chunk: Buffer) => void, done: (error: Error | null) => void) {
  const chunk = Buffer.allocUnsafe(READ_BYTES);
  let at = 0;
  const next = () => {
    if (at >= end) return done(null);
    fs.read(fd, chunk, 0, Math.min(chunk.length, end - at), at, (error, n) => {
      if (error) return done(error);
      if (n === 0)
        return done(new RecordingChangedError(`it is now ${at} bytes, shorter than the part already sent`, true));
      update(chunk.subarray(0, n));
      at += n;
      next();
    });
  };
  next();
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
  let released = false;
  let closed = false;
  const buffers: Buffer[] = [];
  let nextBuffer = 0;
  let lastMove = clock.now();
  let waitingForTokens = false;
  let finished = false;
  const verifier = options.verify ? createVerifier(options.verify, options.start) : null;

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
    if (!reuse) {
      // A collector keeps every chunk: no bigger than what is left of the file (a short file
      // read by one gets a buffer its size, not a whole slice).
      const left = options.verify ? options.verify.sizeBytes - position + 1 : READ_BYTES;
      return Buffer.allocUnsafe(Math.max(1, Math.min(READ_BYTES, left)));
    }
    if (buffers.length < REUSED_BUFFERS) {
      const fresh = pool.pop() ?? Buffer.allocUnsafe(READ_BYTES);
      buffers.push(fresh);
      return fresh;
    }
    return buffers[nextBuffer++ % REUSED_BUFFERS]!;
  }

  /** Once closed (no read in flight) and released by the consumer: the buffers serve the next body. */
  function returnBuffers() {
    if (!closed || !released) return;
    for (const b of buffers.splice(0)) if (pool.length < POOL_MAX) pool.push(b);
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
      const changed = verifier?.read(target.subarray(0, bytesRead), position, fd!);
      if (changed) {
        // Withheld: the platform never gets the last bytes, so no complete upload exists.
        body.destroy(changed);
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
        const prefixed = () => {
          if (!verifier?.needsPrefix) return callback();
          hashPrefix(
            opened,
            options.start,
            (chunk) => verifier.prefix(chunk),
            (failed) => callback(failed ?? undefined),
          );
        };
        if (!verifier?.identity) return prefixed();
        fs.fstat(opened, (statError, stats) => {
          if (!statError) verifier.trust(stats);
          prefixed();
        });
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
      if (fd === null) {
        closed = !readInFlight;
        returnBuffers();
        return callback(error);
      }
      const open = fd;
      fd = null;
      const close = () => {
        closed = true;
        returnBuffers();
        fs.close(open, () => callback(error));
      };
      // Closed only once no read is in flight, so the descriptor cannot be reused under it.
      if (readInFlight) closeAfterRead = close;
      else close();
    },
  });
  Object.defineProperty(body, REUSE_CHUNKS, {
    value: () => {
      reuse = true;
      return () => {
        released = true;
        returnBuffers();
      };
    },
  });
  // An abandoned body must never crash the process; whoever consumes it still sees the error.
  body.on('error', () => {});
  const onAbort = () => body.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  return body;
}
