// Disk full is a state, not a stall. Whoever hits SQLITE_FULL or ENOSPC (the outbox, the intake,
// an archive move) reports it here; the condition is shown as "the data folder's disk is full
// (N MB free)" until a write succeeds again, and waiters are woken as soon as space returns, so
// intake and delivery resume by themselves.
import fs from 'node:fs';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';

const FULL_CODES = new Set(['SQLITE_FULL', 'ENOSPC', 'EDQUOT']);

/** True for "no space left" from SQLite or the file system, however deep in the cause chain. */
export function isDiskFull(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if (typeof e.code === 'string' && FULL_CODES.has(e.code)) return true;
    if (e instanceof Error && /SQLITE_FULL|database or disk is full|ENOSPC/.test(e.message)) return true;
    e = e.cause as typeof e;
  }
  return false;
}

export interface DiskSpaceStatus {
  full: boolean;
  since: string | null;
  freeMb: number | null;
  message: string | null;
}

export interface DiskSpace {
  /** A write failed for lack of space (where: "the outbox", "intake", "an archive move"). */
  reportFull(where: string, error: unknown): void;
  /** A write succeeded: if the disk was full, it is not any more. */
  reportWritten(): void;
  status(): DiskSpaceStatus;
  /** Resolves once space was freed (checked on a timer while full); at once when not full. */
  whenSpace(): Promise<void>;
  close(): void;
}

export function createDiskSpace(options: {
  dir: string;
  clock: Clock;
  logger: Logger;
  /** How often free space is checked while the disk is full; default 2 s. */
  checkMs?: number;
  /** Below this much free space the disk still counts as full; default 1 MiB. */
  minFreeBytes?: number;
}): DiskSpace {
  const log = options.logger.child({ module: 'disk-space' });
  const minFree = options.minFreeBytes ?? 1024 * 1024;
  let fullSince: number | null = null;
  let timer: NodeJS.Timeout | null = null;
  let waiters: (() => void)[] = [];

  const freeBytes = (): number | null => {
    try {
      const s = fs.statfsSync(options.dir);
      return s.bavail * s.bsize;
    } catch {
      return null;
    }
  };

  function clear(why: string) {
    if (fullSince === null) return;
    fullSince = null;
    if (timer) clearInterval(timer);
    timer = null;
    log.warn({ freeMb: mb(freeBytes()) }, `the data folder's disk has space again (${why}); work resumes`);
    const woken = waiters;
    waiters = [];
    for (const w of woken) w();
  }

  const mb = (bytes: number | null) => (bytes === null ? null : Math.floor(bytes / (1024 * 1024)));

  return {
    reportFull(where, error) {
      if (fullSince !== null) return;
      fullSince = options.clock.now();
      log.error(
        { where, err: error instanceof Error ? error.message : String(error), freeMb: mb(freeBytes()) },
        `the data folder's disk is full; ${where} waits and tries again by itself`,
      );
      timer = setInterval(() => {
        const free = freeBytes();
        if (free !== null && free >= minFree) clear('free space found');
      }, options.checkMs ?? 2000);
      timer.unref();
    },
    reportWritten: () => clear('a write succeeded'),
    status() {
      if (fullSince === null) return { full: false, since: null, freeMb: null, message: null };
      const freeMb = mb(freeBytes());
      return {
        full: true,
        since: new Date(fullSince).toISOString(),
        freeMb,
        message:
          `the data folder's disk is full (${freeMb ?? '?'} MB free) on ${options.dir}; nothing is lost: new ` +
          'recordings and deliveries wait and continue by themselves once space is freed',
      };
    },
    whenSpace() {
      if (fullSince === null) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    close() {
      if (timer) clearInterval(timer);
      timer = null;
      const woken = waiters;
      waiters = [];
      for (const w of woken) w();
    },
  };
}
