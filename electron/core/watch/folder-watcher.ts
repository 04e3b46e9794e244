// One watched folder. chokidar watches the directory tree (recursion, new and removed
// subfolders, polling for network shares); files are not given a watcher each, which would cost
// several KB apiece (100,000 recordings would take most of a gigabyte). Instead every directory
// chokidar reports is listed, its directory events name the files that changed, and the stability
// gate decides when each file is finished. A health check notices the folder vanishing (share
// unmounted, USB pulled) and coming back, restarting chokidar then, since its watches die with the
// folder. Files present at start-up are found by the same listing and pass through the same gate.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FolderConfig } from '../../../shared/config.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { watchDirectories, type DirectoryEvents } from './directory-events.js';
import { createPathFilter } from './path-filter.js';
import { createStabilityGate, type StabilityGateOptions, type StableFile } from './stability-gate.js';

export type WatchedFolderSettings = Pick<
  FolderConfig,
  'path' | 'recursive' | 'include' | 'exclude' | 'quietPeriodMs' | 'polling' | 'rescanMs'
>;

export interface FolderWatcherStatus {
  available: boolean;
  /** Why the folder is unavailable, or the last error the watcher shrugged off. */
  error: string | null;
  /** Files waiting in the stability gate. */
  pending: number;
  /** Files the rescan found that no change event had reported (each logged at warn level). */
  missedByEvents: number;
}

export interface FolderWatcherOptions {
  folder: WatchedFolderSettings;
  onFile(file: StableFile): void;
  /** A file entered the stability gate (before it is finished); see StabilityGateOptions.onFirstSeen. */
  onAppear?(path: string): void;
  onStatus?(status: FolderWatcherStatus): void;
  /** A file that cannot be stated (symlink loop, no permission); reported once until it changes. */
  onUnstatable?(path: string, error: NodeJS.ErrnoException): void;
  logger: Logger;
  clock: Clock;
  /** Directories inside the folder never looked into (its archive). */
  skipDirs?: string[];
  /** How often the folder's existence is checked; default 2000 ms. */
  healthCheckMs?: number;
  /** Polling interval in polling mode; default 1000 ms. */
  pollIntervalMs?: number;
  /**
   * How often the whole tree is listed again to catch what change events missed (an overflowed
   * event queue, a share that drops notifications, a subfolder created and filled at once);
   * default the folder's `rescanMs`, else 60 s; 0 turns it off. Files already released are
   * skipped without a stat, so a pass costs one directory listing per folder.
   */
  rescanMs?: number;
  platform?: NodeJS.Platform;
  exclusiveOpen?: StabilityGateOptions['exclusiveOpen'];
  /** How the gate states its candidates (the intake's file worker); fs.stat when omitted. */
  statFile?: StabilityGateOptions['statFile'];
}

export interface FolderWatcher {
  /** Resolves once the initial scan is done, or at once when the folder is not there yet. */
  start(): Promise<void>;
  close(): Promise<void>;
  status(): FolderWatcherStatus;
  /** Looks at a file again after the quiet period (e.g. it was locked when read). */
  recheck(path: string): void;
}

const UNSTATABLE = 'unstatable';
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
  // Files the gate released, with the size and mtime they had, so a directory listing after an
  // event does not send every unchanged file through the gate again.
  const released = new Map<string, string>();

  const gate = createStabilityGate({
    quietPeriodMs: folder.quietPeriodMs,
    clock,
    logger: log,
    onStable: (file) => {
      if (!filter.accepts(file.path)) return;
      released.set(file.path, `${file.sizeBytes}:${file.mtimeMs}`);
      options.onFile(file);
    },
    onGone: (file) => released.delete(file),
    onUnstatable: (file, err) => {
      // Kept out of the gate until a listing can stat it again (the file was fixed or replaced).
      if (released.get(file) === UNSTATABLE) return;
      released.set(file, UNSTATABLE);
      log.warn({ path: file, code: err.code }, 'cannot stat a recording; reported once, not retried');
      options.onUnstatable?.(file, err);
    },
    ...(options.onAppear ? { onFirstSeen: options.onAppear } : {}),
    ...(options.platform ? { platform: options.platform } : {}),
    ...(options.exclusiveOpen ? { exclusiveOpen: options.exclusiveOpen } : {}),
    ...(options.statFile ? { statFile: options.statFile } : {}),
  });
  const healthCheckMs = options.healthCheckMs ?? 2000;
  let chokidar: DirectoryEvents | null = null;
  let rootIdentity: string | null = null;
  let available = false;
  let error: string | null = null;
  // Directories that could not be listed, with why: looked at again at each health check, and
  // the folder's error clears once all of them read again.
  const listErrors = new Map<string, string>();
  let healthTimer: NodeJS.Timeout | null = null;
  let rescanTimer: NodeJS.Timeout | null = null;
  let checking = false;
  let closed = false;

  let missedByEvents = 0;
  const status = (): FolderWatcherStatus => ({
    available,
    error: error ?? listErrors.values().next().value ?? null,
    pending: gate.pending(),
    missedByEvents,
  });
  const report = () => options.onStatus?.(status());

  function observe(file: string): void {
    if (filter.accepts(file)) gate.observe(file);
  }

  /** Lists `dir`, hands new or changed files to the gate, and returns its subdirectories. */
  async function listDirectory(
    dir: string,
    options: { trustReleased?: boolean; rescan?: boolean } = {},
  ): Promise<{ subdirectories: string[]; handed: number }> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code !== 'ENOENT' && e.code !== 'ENOTDIR') {
        const why =
          e.code === 'EACCES' || e.code === 'EPERM'
            ? `${dir} cannot be read (${e.code}: no permission); give CallRelay read access to it`
            : `${dir} cannot be listed (${e.code ?? e.message})`;
        if (listErrors.get(dir) !== why) {
          log.warn({ dir, err: e.message }, 'cannot list a directory; it is listed again at each health check');
          listErrors.set(dir, why);
          report();
        }
      }
      return { subdirectories: [], handed: 0 };
    }
    if (listErrors.delete(dir)) {
      log.info({ dir }, 'directory reads again');
      report();
    }
    const subdirectories: string[] = [];
    let handed = 0;
    for (const entry of entries) {
      if (closed) break;
      if (entry.isDirectory()) {
        const sub = path.join(dir, entry.name);
        if (!filter.ignored(sub, true)) subdirectories.push(sub);
        continue;
      }
      if (!entry.isFile() && !entry.isSymbolicLink()) continue;
      const file = path.join(dir, entry.name);
      if (!filter.accepts(file)) continue;
      const known = released.get(file);
      if (known !== undefined) {
        // A rescan trusts what was released: a change to such a file comes with an event.
        if (options.trustReleased && known !== UNSTATABLE) continue;
        // Only a file that changed since it was released is looked at again.
        try {
          const s = await stat(file);
          if (`${s.size}:${s.mtimeMs}` === known) continue;
          if (known === UNSTATABLE) released.delete(file);
        } catch {
          continue;
        }
      }
      if (!gate.has(file)) {
        handed += 1;
        // Only the safety net found it: an event was lost. Said loudly, so a regression shows.
        if (options.rescan) {
          missedByEvents += 1;
          log.warn({ path: file }, 'the rescan found a file that no change event reported');
        }
      }
      gate.observe(file);
    }
    return { subdirectories, handed };
  }

  // Polling compares a directory's stat between polls, and a directory's mtime moves in coarse
  // ticks: a file renamed in just after a listing, within the same tick as the change that
  // triggered it, leaves the stat as it was and raises no further poll event. So a listing that
  // found new files is repeated one interval later, until a listing finds nothing new.
  const settling = new Set<string>();
  const fullPassDue = new Set<string>();
  function listUntilSettled(dir: string): void {
    if (closed) return;
    if (settling.has(dir)) {
      fullPassDue.add(dir);
      return;
    }
    settling.add(dir);
    // The first pass also looks at released files (a poll event is the only news of a change to
    // one); the passes after it only look for names not seen yet.
    const pass = async (first: boolean) => {
      const full = first || fullPassDue.delete(dir);
      const { handed } = await listDirectory(dir, { trustReleased: !full });
      if ((handed === 0 && !full) || closed) {
        settling.delete(dir);
        return;
      }
      setTimeout(() => void pass(false), options.pollIntervalMs ?? 1000).unref();
    };
    void pass(true);
  }

  // With OS events each names its entry, but events are dropped when the kernel queue overflows
  // or while chokidar swaps a watch; after a burst of events the directory itself is listed once
  // more (cheaply: released files are trusted), so a lost event costs a moment, not a rescan.
  const burstTimers = new Map<string, NodeJS.Timeout>();
  function listAfterBurst(dir: string): void {
    if (burstTimers.has(dir) || closed) return;
    const delay = Math.min(500, Math.max(50, Math.round(folder.quietPeriodMs / 4)));
    const timer = setTimeout(() => {
      burstTimers.delete(dir);
      void listDirectory(dir, { trustReleased: true });
    }, delay);
    timer.unref();
    burstTimers.set(dir, timer);
  }

  // Walks the tree one directory at a time (never a burst of parallel reads), so a missed event
  // costs at most one rescan interval, never a recording.
  let rescanning = false;
  async function rescan(): Promise<void> {
    if (rescanning || closed || !available) return;
    rescanning = true;
    try {
      const dirs = [root];
      while (dirs.length > 0 && !closed) {
        const { subdirectories } = await listDirectory(dirs.pop() as string, { trustReleased: true, rescan: true });
        if (folder.recursive) dirs.push(...subdirectories);
      }
    } finally {
      rescanning = false;
    }
  }

  async function startChokidar(): Promise<void> {
    const events = watchDirectories({
      root,
      recursive: folder.recursive,
      polling: folder.polling,
      pollIntervalMs: options.pollIntervalMs ?? 1000,
      ignored: (p, isDirectory) => filter.ignored(p, isDirectory),
      list: (dir) => listDirectory(dir),
      entryChanged: observe,
      eventIn: listAfterBurst,
      // Polling: the directory's own mtime changed (an entry was added, removed or renamed).
      dirChanged: listUntilSettled,
      dirRemoved: (dir) => {
        gate.forgetUnder(dir);
        if (dir === root) void checkHealth();
      },
      error: (e) => {
        // A locked or unreadable entry must not stop the whole folder: note it and go on.
        error = e.code && !e.message.startsWith(e.code) ? `${e.code}: ${e.message}` : e.message;
        if (shrugged.has(e.code ?? '')) log.warn({ err: e.message, code: e.code }, 'watcher error ignored');
        else log.warn({ err: e.message, code: e.code }, 'watcher error');
        void checkHealth();
      },
    });
    chokidar = events;
    await events.ready;
  }

  async function stopChokidar(): Promise<void> {
    const events = chokidar;
    chokidar = null;
    await events?.close();
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
      if (identity && available && identity === rootIdentity) {
        // The folder is there: a directory that could not be listed is tried again, and an old
        // watcher error is dropped once the folder itself lists.
        const rootWasUnlisted = listErrors.has(root);
        for (const dir of [...listErrors.keys()]) await listDirectory(dir);
        if (rootWasUnlisted && !listErrors.has(root) && !closed) {
          // The folder reads again: its watches were never set up, so they start now.
          await stopChokidar();
          await startChokidar();
        }
        if (error !== null && !listErrors.has(root)) {
          try {
            await readdir(root);
            error = null;
            report();
          } catch {
            // still failing: listDirectory reports it on its next pass
          }
        }
      }
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
      const rescanMs = options.rescanMs ?? folder.rescanMs ?? 60_000;
      if (rescanMs > 0) {
        rescanTimer = setInterval(() => void rescan(), rescanMs);
        rescanTimer.unref();
      }
    },
    async close() {
      closed = true;
      if (healthTimer) clearTimeout(healthTimer);
      if (rescanTimer) clearInterval(rescanTimer);
      for (const t of burstTimers.values()) clearTimeout(t);
      burstTimers.clear();
      gate.close();
      await stopChokidar();
    },
    status,
    recheck(p) {
      gate.observe(path.resolve(p));
    },
  };
}
