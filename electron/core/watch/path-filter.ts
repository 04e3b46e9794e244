// Which paths under a watched folder are recordings. Temporary and hidden names are never taken
// (recorders and copy tools write `*.part`, `*.tmp`, `~$x`, `.x` first and rename at the end),
// nor sidecars, nor the folder's own archive.
import path from 'node:path';
import picomatch from 'picomatch';
import { sidecarExtensions } from '../metadata/sidecars.js';

export interface PathFilterOptions {
  root: string;
  recursive: boolean;
  include: string[];
  exclude: string[];
  /** Absolute directories never looked into (e.g. the archive folder inside the watched one). */
  skipDirs?: string[];
}

export interface PathFilter {
  /** For chokidar: true for anything not worth looking at, directories included. */
  ignored(absPath: string, isDirectory?: boolean): boolean;
  /** True for a file that is a candidate recording. */
  accepts(absPath: string): boolean;
}

export function isTemporaryName(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith('.') || lower.startsWith('~') || lower.endsWith('.tmp') || lower.endsWith('.part');
}

export function createPathFilter(options: PathFilterOptions): PathFilter {
  const root = path.resolve(options.root);
  const includes = picomatch(options.include.length > 0 ? options.include : ['**/*'], { nocase: true, dot: false });
  const excludes = options.exclude.length > 0 ? picomatch(options.exclude, { nocase: true, dot: true }) : () => false;
  const skipDirs = (options.skipDirs ?? []).map((d) => path.resolve(d));

  function relative(absPath: string): string | null {
    const rel = path.relative(root, path.resolve(absPath));
    if (rel === '') return '';
    if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
    return rel.split(path.sep).join('/');
  }

  function ignored(absPath: string, isDirectory?: boolean): boolean {
    const rel = relative(absPath);
    if (rel === '') return false;
    if (rel === null) return true;
    const parts = rel.split('/');
    if (parts.some(isTemporaryName)) return true;
    if (!options.recursive && (parts.length > 1 || isDirectory === true)) return true;
    const abs = path.resolve(absPath);
    if (skipDirs.some((d) => abs === d || abs.startsWith(d + path.sep))) return true;
    if (excludes(rel) || (isDirectory !== false && excludes(rel + '/'))) return true;
    if (isDirectory === false) {
      const ext = path.extname(rel).toLowerCase();
      if (sidecarExtensions.includes(ext)) return true;
      if (!includes(rel)) return true;
    }
    return false;
  }

  return {
    ignored,
    accepts: (absPath) => ignored(absPath, false) === false && relative(absPath) !== '',
  };
}
