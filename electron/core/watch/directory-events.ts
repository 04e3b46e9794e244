// chokidar over the directories of one watched folder: it reports directories only (files are
// found by listing them and by their directory's events, never by a watcher each), one level at
// a time. Each subdirectory is added when the one before it has been listed: given the whole tree
// at once chokidar reads every directory in parallel, and on 100,000 files that burst alone took
// over 400 MB.
import path from 'node:path';
import { watch } from 'chokidar';

export interface DirectoryEventsOptions {
  root: string;
  recursive: boolean;
  polling: boolean;
  pollIntervalMs: number;
  /** The folder's path filter (path-filter.ts): true when the path is never looked into. */
  ignored(p: string, isDirectory?: boolean): boolean;
  /** Lists a directory (hands its files to the gate); the start-up scan waits for each. */
  list(dir: string): Promise<unknown>;
  /** fs.watch: an event named this entry of a watched directory. */
  entryChanged(file: string): void;
  /** fs.watch: an event came from this directory (it is listed once more after a burst). */
  eventIn(dir: string): void;
  /** Polling: this directory's own stat changed (an entry was added, removed or renamed). */
  dirChanged(dir: string): void;
  dirRemoved(dir: string): void;
  error(err: NodeJS.ErrnoException): void;
}

export interface DirectoryEvents {
  /** Resolves once chokidar is ready and every subdirectory found so far has been listed. */
  ready: Promise<void>;
  close(): Promise<void>;
}

export function watchDirectories(options: DirectoryEventsOptions): DirectoryEvents {
  const { root } = options;
  let stopped = false;
  let readyNow: (() => void) | null = null;
  const w = watch(root, {
    persistent: true,
    ignoreInitial: false,
    followSymlinks: false,
    usePolling: options.polling,
    interval: options.pollIntervalMs,
    binaryInterval: options.pollIntervalMs,
    ignorePermissionErrors: true,
    awaitWriteFinish: false,
    depth: 0,
    ignored: (p, stats) =>
      (stats !== undefined && !stats.isDirectory()) || options.ignored(p, stats ? true : undefined),
  });
  const added = new Set<string>([root]);
  const pendingDirs: string[] = [];
  let pumping: Promise<void> | null = null;
  const pumpDirs = (): Promise<void> => {
    pumping ??= (async () => {
      while (pendingDirs.length > 0 && !stopped) {
        const dir = pendingDirs.shift() as string;
        w.add(dir);
        await options.list(dir);
      }
    })().finally(() => {
      pumping = null;
    });
    return pumping;
  };
  w.on('addDir', (d) => {
    const dir = path.resolve(d);
    if (dir === root) {
      void options.list(root);
      return;
    }
    if (!options.recursive || added.has(dir)) return;
    added.add(dir);
    pendingDirs.push(dir);
    void pumpDirs();
  });
  w.on('raw', (_event, evPath, details) => {
    const watched = (details as { watchedPath?: string } | undefined)?.watchedPath;
    if (watched !== undefined) {
      // fs.watch on a directory: the event names the entry that changed.
      if (evPath) options.entryChanged(path.resolve(watched, evPath));
      else void options.list(path.resolve(watched));
      options.eventIn(path.resolve(watched));
    } else if (evPath) {
      options.dirChanged(path.resolve(evPath));
    }
  });
  w.on('unlinkDir', (p) => {
    const dir = path.resolve(p);
    for (const d of added) if (d === dir || d.startsWith(dir + path.sep)) added.delete(d);
    options.dirRemoved(dir);
  });
  w.on('error', (err) => options.error(err as NodeJS.ErrnoException));

  const ready = (async () => {
    await new Promise<void>((resolve) => {
      readyNow = resolve;
      w.once('ready', () => resolve());
    });
    readyNow = null;
    while (pumping && !stopped) await pumping;
  })();

  return {
    ready,
    async close() {
      stopped = true;
      readyNow?.();
      await w.close().catch(() => {});
    },
  };
}
