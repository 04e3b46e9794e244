// A watched folder as the intake keeps it, and which folder a file belongs to.
import path from 'node:path';
import type { FolderConfig } from '../../../shared/config.js';
import type { FolderWatcher } from './folder-watcher.js';

export interface WatchedFolder {
  config: FolderConfig;
  /** `config.path`, resolved. */
  root: string;
  watcher: FolderWatcher | null;
  filesSeen: number;
  lastError: string | null;
}

export function watchedFolder(config: FolderConfig): WatchedFolder {
  return { config, root: path.resolve(config.path), watcher: null, filesSeen: 0, lastError: null };
}

/** True when `file` lies inside `root` (not `root` itself). */
export function within(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** The innermost watched folder holding `file` (for `destination`, when given). */
export function folderFor(
  folders: readonly WatchedFolder[],
  file: string,
  destination?: string,
): WatchedFolder | undefined {
  let best: WatchedFolder | undefined;
  for (const f of folders) {
    if (destination && f.config.destination !== destination) continue;
    if (within(f.root, file) && (!best || f.root.length > best.root.length)) best = f;
  }
  return best;
}
