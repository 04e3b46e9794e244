// One watched folder: chokidar reports names, the stability gate decides when each file is
// finished, and a health check notices the folder vanishing (share unmounted, USB pulled) and
// coming back, restarting chokidar then, since its watches die with the folder. Files present
// at start-up arrive as chokidar's initial "add" events and pass through the same gate.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { FolderConfig } from '../../../shared/config.js';
import type { Clock, Logger } from '../logger.js';
import { createPathFilter } from './path-filter.js';
import { createStabilityGate, type StabilityGateOptions, type StableFile } from './stability-gate.js';

export type WatchedFolderSettings = Pick<
  FolderConfig,
  'path' | 'recursive' | 'include' | 'exclude' | 'quietPeriodMs' | 'polling'
>;

export interface FolderWatcherStatus {
  available: boolean;
  /** Why the folder is unavailable, or the last error the watcher shrugged off. */
  error: string | null;
  /** Files waiting in the stability gate. */
  pending: number;
}

export interface FolderWatcherOptions {
  folder: WatchedFolderSettings;
  onFile(file: StableFile): void;
  onStatus?(status: FolderWatcherStatus): void;
  logger: Logger;
  clock: Clock;
  /** Directories inside the folder never looked into (its archive). */
  skipDirs?: string[];
  /** How often the folder's existence is checked; default 2000 ms. */
  healthCheckMs?: number;
  /** Polling interval in polling mode; default 1000 ms. */
  pollIntervalMs?: number;
  platform?: NodeJS.Platform;
  exclusiveOpen?: StabilityGateOptions['exclusiveOpen'];
}

export interface FolderWatcher {
  /** Resolves once the initial scan is done, or at once when the folder is not there yet. */
  start(): Promise<void>;
  close(): Promise<void>;
  status(): FolderWatcherStatus;
  /** Looks at a file again after the quiet period (e.g. it was locked when read). */
  recheck(path: string): void;
}

const shrugged = new Set(['EBUSY', 'EPERM', 'EACCES', 'ETXTBSY', 'EMFILE', 'ENFILE']);

export function createFolderWatcher(options: FolderWatcherOptions): FolderWatcher {
  const { folder, logger, clock } = options;
  const root = path.resolve(folder.path);
  const log = logger.child({ folder: root });
  const filter = createPathFilter({
    root,
    recursive: folder.recursive,
    include: folder.include,
    exclude: folder.exclude,
    skipDirs: options.skipDirs ?? [],
  });
  const gate = createStabilityGate({
    quietPeriodMs: folder.quietPeriodMs,
    clock,
    logger: log,
    onStable: (file) => {
      if (filter.accepts(file.path)) options.onFile(file);
    },
    ...(options.platform ? { platform: options.platform } : {}),
    ...(options.exclusiveOpen ? { exclusiveOpen: options.exclusiveOpen } : {}),
  });
  const healthCheckMs = options.healthCheckMs ?? 2000;
  let chokidar: FSWatcher | null = null;
  let rootIdentity: string | null = null;
  let available = false;
  let error: string | null = null;
  let healthTimer: NodeJS.Timeout | null = null;
  let checking = false;
  let closed = false;
  let pendingReady: (() => void) | null = null;

  const status = (): FolderWatcherStatus => ({ available, error, pending: gate.pending() });
  const report = () => options.onStatus?.(status());

  function onEvent(file: string): void {
    if (filter.accepts(file)) gate.observe(path.resolve(file));
  }

  async function startChokidar(): Promise<void> {
    const w = watch(root, {
      persistent: true,
      ignoreInitial: false,
      followSymlinks: false,
      usePolling: folder.polling,
      interval: options.pollIntervalMs ?? 1000,
      binaryInterval: options.pollIntervalMs ?? 1000,
      ignorePermissionErrors: true,
      awaitWriteFinish: false,
      ...(folder.recursive ? {} : { depth: 0 }),
      ignored: (p, stats) => filter.ignored(p, stats ? stats.isDirectory() : undefined),
    });
    chokidar = w;
    w.on('add', onEvent);
    w.on('change', onEvent);
    w.on('unlink', (p) => gate.forget(path.resolve(p)));
    w.on('unlinkDir', (p) => {
      gate.forgetUnder(path.resolve(p));
      if (path.resolve(p) === root) void checkHealth();
    });
    w.on('error', (err) => {
      const e = err as NodeJS.ErrnoException;
      // A locked or unreadable entry must not stop the whole folder: note it and go on.
      error = `${e.code ?? 'error'}: ${e.message}`;
      if (shrugged.has(e.code ?? '')) log.warn({ err: e.message, code: e.code }, 'watcher error ignored');
      else log.warn({ err: e.message, code: e.code }, 'watcher error');
      void checkHealth();
    });
    await new Promise<void>((resolve) => {
      pendingReady = resolve;
      w.once('ready', () => resolve());
    });
    pendingReady = null;
  }

  async function stopChokidar(): Promise<void> {
    const w = chokidar;
    chokidar = null;
    pendingReady?.();
    if (w) await w.close().catch(() => {});
  }

  async function checkHealth(): Promise<void> {
    if (checking || closed) return;
    checking = true;
    try {
      let identity: string | null = null;
      let problem: string | null = null;
      try {
        const s = await stat(root);
        if (s.isDirectory()) identity = `${s.dev}:${s.ino}`;
        else problem = `${root} is not a folder; point the watch folder at a directory`;
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        problem = `${root} is not reachable (${e.code ?? e.message}); CallRelay keeps checking and resumes by itself when it is back`;
      }
      if (closed) return;
      if (identity && (!available || identity !== rootIdentity)) {
        await stopChokidar();
        rootIdentity = identity;
        available = true;
        error = null;
        log.info('watching folder');
        report();
        await startChokidar();
        report();
      } else if (!identity && (available || error !== problem)) {
        if (available) log.warn({ problem }, 'folder unavailable');
        available = false;
        rootIdentity = null;
        error = problem;
        await stopChokidar();
        gate.forgetUnder(root);
        report();
      }
    } finally {
      checking = false;
    }
  }

  function scheduleHealth(): void {
    if (closed) return;
    healthTimer = setTimeout(() => {
      void checkHealth().finally(scheduleHealth);
    }, healthCheckMs);
  }

  return {
    async start() {
      await checkHealth();
      scheduleHealth();
    },
    async close() {
      closed = true;
      if (healthTimer) clearTimeout(healthTimer);
      gate.close();
      await stopChokidar();
    },
    status,
    recheck(p) {
      gate.observe(path.resolve(p));
    },
  };
}
