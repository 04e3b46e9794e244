// Decides when a file is finished. Recorders append for minutes, copy tools grow a file in
// bursts, and chokidar's events arrive late or not at all on network shares; so the gate polls
// each candidate itself and releases it only when size and mtime have stayed the same for the
// folder's quiet period and, on Windows, nobody holds it open for writing.
import { open, stat } from 'node:fs/promises';
import { sep } from 'node:path';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';

export interface StableFile {
  path: string;
  sizeBytes: number;
  mtimeMs: number;
  /** The change time as the gate last saw it, when the file system gave one. */
  ctimeMs?: number;
}

export interface FileStat {
  size: number;
  mtimeMs: number;
  ctimeMs?: number;
  mode: number;
  isFile(): boolean;
}

export interface StabilityGateOptions {
  quietPeriodMs: number;
  clock: Clock;
  logger: Logger;
  onStable(file: StableFile): void;
  /**
   * A file became a candidate (not one already waiting): it appeared, or changed after it was
   * released. Called before it is stable, so live calls can start while it is written.
   */
  onFirstSeen?(path: string): void;
  /** A candidate turned out to be gone (deleted or renamed away). */
  onGone?(path: string): void;
  /**
   * A candidate cannot be stated for a reason waiting will not fix (a symlink loop, no
   * permission): it leaves the gate, reported once, instead of being tried on every tick.
   */
  onUnstatable?(path: string, error: NodeJS.ErrnoException): void;
  platform?: NodeJS.Platform;
  /** True when the file can be opened for writing, i.e. its writer has let go (Windows). */
  exclusiveOpen?: (path: string) => Promise<boolean>;
  statFile?: (path: string) => Promise<FileStat>;
  /** How often candidates are looked at; default a tenth of the quiet period, 20–250 ms. */
  tickMs?: number;
  /** Stats in flight at once. */
  concurrency?: number;
}

export interface StabilityGate {
  /** A file appeared or changed: (re)start watching it. */
  observe(path: string): void;
  forget(path: string): void;
  /** True while the file is a candidate (waiting to hold still). */
  has(path: string): boolean;
  /** Drops every candidate under a directory (it vanished). */
  forgetUnder(dir: string): void;
  pending(): number;
  close(): void;
}

interface Candidate {
  size: number | null;
  mtimeMs: number;
  since: number;
  dirty: boolean;
}

const lockedCodes = new Set(['EBUSY', 'EPERM', 'EACCES', 'ETXTBSY']);
/** A stat failing with these is a passing state (a writer holds the file); others are not. */
const busyCodes = new Set(['EBUSY', 'EPERM', 'ETXTBSY', 'EMFILE', 'ENFILE', 'EAGAIN']);

/** Opening for writing fails while another process holds the file with write access denied to others. */
export async function canOpenForWriting(path: string): Promise<boolean> {
  try {
    const handle = await open(path, 'r+');
    await handle.close();
    return true;
  } catch (error) {
    if (lockedCodes.has((error as NodeJS.ErrnoException).code ?? '')) return false;
    throw error;
  }
}

export function createStabilityGate(options: StabilityGateOptions): StabilityGate {
  const { quietPeriodMs, clock, logger, onStable } = options;
  const platform = options.platform ?? process.platform;
  const exclusiveOpen = options.exclusiveOpen ?? canOpenForWriting;
  const statFile = options.statFile ?? ((p: string) => stat(p));
  const tickMs = options.tickMs ?? Math.min(250, Math.max(20, Math.round(quietPeriodMs / 10)));
  const concurrency = options.concurrency ?? 32;
  const candidates = new Map<string, Candidate>();
  let timer: NodeJS.Timeout | null = null;
  let running = false;
  let closed = false;

  function schedule(): void {
    if (closed || timer || running || candidates.size === 0) return;
    timer = setTimeout(() => {
      timer = null;
      void round();
    }, tickMs);
  }

  async function check(path: string, c: Candidate): Promise<void> {
    let s: FileStat;
    try {
      s = await statFile(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        candidates.delete(path);
        options.onGone?.(path);
      } else if (!busyCodes.has(code)) {
        candidates.delete(path);
        if (options.onUnstatable) options.onUnstatable(path, error as NodeJS.ErrnoException);
        else logger.warn({ path, err: (error as Error).message }, 'cannot stat a recording');
      }
      return;
    }
    if (candidates.get(path) !== c) return;
    if (!s.isFile()) {
      candidates.delete(path);
      return;
    }
    const now = clock.now();
    if (c.size === null || c.dirty || s.size !== c.size || s.mtimeMs !== c.mtimeMs) {
      if (c.size === null || s.size !== c.size || s.mtimeMs !== c.mtimeMs) c.since = now;
      c.size = s.size;
      c.mtimeMs = s.mtimeMs;
      c.dirty = false;
      return;
    }
    if (now - c.since < quietPeriodMs) return;
    // A read-only file cannot be opened for writing, and nobody can be writing it either.
    const writable = (s.mode & 0o200) !== 0;
    if (platform === 'win32' && writable) {
      let free: boolean;
      try {
        free = await exclusiveOpen(path);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? '';
        if (code === 'ENOENT') candidates.delete(path);
        return;
      }
      if (!free || candidates.get(path) !== c) return;
    }
    candidates.delete(path);
    onStable({
      path,
      sizeBytes: s.size,
      mtimeMs: s.mtimeMs,
      ...(s.ctimeMs === undefined ? {} : { ctimeMs: s.ctimeMs }),
    });
  }

  async function round(): Promise<void> {
    if (closed) return;
    running = true;
    try {
      const now = clock.now();
      const due: [string, Candidate][] = [];
      for (const entry of candidates) {
        const c = entry[1];
        if (c.size === null || c.dirty || now - c.since >= quietPeriodMs) due.push(entry);
      }
      let next = 0;
      const worker = async () => {
        while (!closed && next < due.length) {
          const [path, c] = due[next++] as [string, Candidate];
          await check(path, c);
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, due.length) }, worker));
    } catch (error) {
      logger.error({ err: (error as Error).message }, 'stability gate round failed');
    } finally {
      running = false;
      schedule();
    }
  }

  return {
    observe(path) {
      if (closed) return;
      const c = candidates.get(path);
      if (c) c.dirty = true;
      else {
        candidates.set(path, { size: null, mtimeMs: 0, since: clock.now(), dirty: true });
        options.onFirstSeen?.(path);
      }
      schedule();
    },
    forget(path) {
      candidates.delete(path);
    },
    has: (path) => candidates.has(path),
    forgetUnder(dir) {
      const prefix = dir.endsWith(sep) ? dir : dir + sep;
      for (const path of candidates.keys()) if (path === dir || path.startsWith(prefix)) candidates.delete(path);
    },
    pending: () => candidates.size,
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      candidates.clear();
    },
  };
}
