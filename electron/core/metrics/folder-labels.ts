// Short, stable folder labels for metrics: a folder's `name` from the config, else the last part
// of its path made label-safe (never the whole path: it can hold a person's name and is long).
import path from 'node:path';
import type { FolderConfig } from '../../../shared/config.js';

function labelSafe(text: string): string {
  const cleaned = text
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|-+$/g, '')
    .slice(0, 63);
  return cleaned || 'folder';
}

/** Label per folder path, in config order; a repeated label gets -2, -3… */
export function folderLabels(folders: readonly Pick<FolderConfig, 'path' | 'name'>[]): Map<string, string> {
  const used = new Set<string>();
  const labels = new Map<string, string>();
  for (const folder of folders) {
    const base = folder.name ?? labelSafe(path.basename(path.resolve(folder.path)));
    let label = base;
    for (let n = 2; used.has(label); n++) label = `${base}-${n}`;
    used.add(label);
    labels.set(folder.path, label);
  }
  return labels;
}
