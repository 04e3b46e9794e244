// The watched folders' file operations, run in batches on a worker thread with synchronous calls.
// Each asynchronous fs call is a round trip through libuv's thread pool: the main thread wakes a
// pool thread and is woken back, 25–40 µs of its own time each on a virtual machine. A backlog's
// recording took seven of them (the stability gate's two stats, the symlink check, open, read,
// close, the stat after reading); a fifth of serve's samples were those wake-ups, and its main
// thread was the intake's limit. Here the main thread posts what is asked in one tick as one
// message, the worker answers the batch in one message, and the bytes come back transferred,
// not copied. A stalled disk or share stalls the worker, never the main thread (the UI, the
// deliveries), as a stalled call would hold a pool thread before.
//
// The worker's code is a plain script (eval), so it runs the same from the TypeScript sources
// (tests), the bundled CLI and the Electron build, with nothing but node:fs in it.
import { Worker } from 'node:worker_threads';
import type { FileStat } from './stability-gate.js';

export interface WorkerStat extends FileStat {
  ino: number;
  ctimeMs: number;
}

/** What reading a recording found: its bytes, a link the caller must look at, or a large file. */
export type SmallRead =
  | { kind: 'link' }
  | { kind: 'large' }
  /** `bytes` is null when the file held more than its stated size (it grew). */
  | { kind: 'file'; bytes: Buffer | null; after: WorkerStat };

export interface FileWorker {
  /** fs.stat (links followed). */
  stat(path: string): Promise<WorkerStat>;
  /**
   * Reads a file of up to `maxBytes` whole, stating it before it is closed. A symlink is not
   * opened unless `followLinks` (opened without following, so one swapped in is caught too).
   */
  readSmall(path: string, sizeBytes: number, options: { maxBytes: number; followLinks: boolean }): Promise<SmallRead>;
  close(): Promise<void>;
}

type Asked = { op: 'stat'; path: string } | { op: 'read'; path: string; size: number; max: number; follow: boolean };
type Request = Asked & { id: number };

interface RawStat {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  mode: number;
  file: boolean;
}

type Answer =
  | {
      id: number;
      value:
        | RawStat
        | { kind: 'link' | 'large' }
        | { kind: 'file'; bytes: ArrayBuffer | null; length: number; after: RawStat };
    }
  | { id: number; error: { code?: string; errno?: number; syscall?: string; message: string } };

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const NOFOLLOW = fs.constants.O_NOFOLLOW || 0;
const statOf = (s) => ({ size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs, ino: s.ino, mode: s.mode, file: s.isFile() });
function read(r) {
  if (!r.follow && fs.lstatSync(r.path).isSymbolicLink()) return { kind: 'link' };
  if (r.size > r.max) return { kind: 'large' };
  let fd;
  try {
    fd = fs.openSync(r.path, r.follow ? fs.constants.O_RDONLY : fs.constants.O_RDONLY | NOFOLLOW);
  } catch (e) {
    if (e.code === 'ELOOP') return { kind: 'link' };
    throw e;
  }
  try {
    // Its own memory, so it can be transferred; one byte more tells a file that grew.
    const buffer = Buffer.allocUnsafeSlow(r.size + 1);
    let filled = 0;
    while (filled < buffer.length) {
      const wanted = buffer.length - filled;
      const n = fs.readSync(fd, buffer, filled, wanted, filled);
      if (n === 0) break;
      filled += n;
      if (n < wanted && filled === r.size) break;
    }
    const after = statOf(fs.fstatSync(fd));
    return filled > r.size
      ? { kind: 'file', bytes: null, length: 0, after }
      : { kind: 'file', bytes: buffer.buffer, length: filled, after };
  } finally {
    fs.closeSync(fd);
  }
}
parentPort.on('message', (batch) => {
  const answers = [];
  const transfer = [];
  for (const r of batch) {
    try {
      const value = r.op === 'stat' ? statOf(fs.statSync(r.path)) : read(r);
      if (value.bytes) transfer.push(value.bytes);
      answers.push({ id: r.id, value });
    } catch (e) {
      answers.push({ id: r.id, error: { code: e.code, errno: e.errno, syscall: e.syscall, message: String(e.message) } });
    }
  }
  parentPort.postMessage(answers, transfer);
});
`;

function asStat(raw: RawStat): WorkerStat {
  return {
    size: raw.size,
    mtimeMs: raw.mtimeMs,
    ctimeMs: raw.ctimeMs,
    ino: raw.ino,
    mode: raw.mode,
    isFile: () => raw.file,
  };
}

function asError(error: { code?: string; errno?: number; syscall?: string; message: string }): NodeJS.ErrnoException {
  const e = new Error(error.message) as NodeJS.ErrnoException;
  if (error.code !== undefined) e.code = error.code;
  if (error.errno !== undefined) e.errno = error.errno;
  if (error.syscall !== undefined) e.syscall = error.syscall;
  return e;
}

export function createFileWorker(): FileWorker {
  let worker: Worker | null = null;
  let queue: Request[] = [];
  let inFlight = false;
  let closed = false;
  let nextId = 0;
  const waiting = new Map<number, { resolve(value: unknown): void; reject(error: unknown): void }>();

  /**
   * What a request fails with when the worker itself failed: EBUSY, a passing state to the gate
   * and the intake alike, so the file is looked at again later instead of being called unreadable.
   */
  function stopped(message: string, cause?: unknown): NodeJS.ErrnoException {
    const e = new Error(message, cause === undefined ? undefined : { cause }) as NodeJS.ErrnoException;
    e.code = 'EBUSY';
    return e;
  }

  function failAll(error: NodeJS.ErrnoException): void {
    worker = null;
    inFlight = false;
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
    queue = [];
  }

  function started(): Worker {
    if (worker) return worker;
    const w = new Worker(WORKER_SOURCE, { eval: true });
    w.on('message', (answers: Answer[]) => {
      inFlight = false;
      for (const answer of answers) {
        const entry = waiting.get(answer.id);
        if (!entry) continue;
        waiting.delete(answer.id);
        if ('error' in answer) entry.reject(asError(answer.error));
        else entry.resolve(answer.value);
      }
      send();
    });
    // A worker that died (out of memory, killed) fails what it held; the next request starts another.
    w.on('error', (error) => failAll(stopped(`the file reader failed (${error.message}); trying again`, error)));
    w.on('exit', (code) => {
      if (worker === w) failAll(stopped(`the file reader stopped (exit code ${code}); trying again`));
    });
    worker = w;
    return w;
  }

  function send(): void {
    if (inFlight || closed) return;
    if (queue.length === 0) {
      // Nothing asked: the worker does not keep the process alive.
      worker?.unref();
      return;
    }
    const w = started();
    w.ref();
    inFlight = true;
    const batch = queue;
    queue = [];
    w.postMessage(batch);
  }

  function ask<T>(request: Asked): Promise<T> {
    if (closed) return Promise.reject(stopped('the file reader is closed'));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      queue.push({ ...request, id });
      // Everything asked in this tick goes in one message.
      if (queue.length === 1) queueMicrotask(send);
    });
  }

  return {
    stat: async (path) => asStat(await ask<RawStat>({ op: 'stat', path })),
    async readSmall(path, sizeBytes, options) {
      const value = await ask<
        { kind: 'link' | 'large' } | { kind: 'file'; bytes: ArrayBuffer | null; length: number; after: RawStat }
      >({
        op: 'read',
        path,
        size: sizeBytes,
        max: options.maxBytes,
        follow: options.followLinks,
      });
      if (value.kind !== 'file') return { kind: value.kind };
      return {
        kind: 'file',
        bytes: value.bytes ? Buffer.from(value.bytes, 0, value.length) : null,
        after: asStat(value.after),
      };
    },
    async close() {
      closed = true;
      const w = worker;
      failAll(stopped('the file reader is closed'));
      await w?.terminate();
    },
  };
}
