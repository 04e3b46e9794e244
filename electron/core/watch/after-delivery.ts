// What happens to a recording once the platform confirmed it: left alone (the default), moved to
// an archive folder, or deleted. Only the file that was delivered is touched: a file that has
// since been replaced under the same name is left where it is, a file watched for several
// destinations stays until every one of them has it, and an archive file is never overwritten (a
// numbered name is used instead).
import { constants } from 'node:fs';
import { copyFile, link, mkdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { AfterDelivery } from '../../../shared/config.js';
import type { RecordingInfo } from '../../../shared/model.js';
import type { Logger } from '../logger.js';
import { sha256File } from '../metadata/content-hash.js';
import { sidecarExtensions } from '../metadata/sidecars.js';
import type { IntakePort } from '../outbox/intake-port.js';
import { folderFor, within, type WatchedFolder } from './watched-folder.js';

export type AfterDeliveryOutcome =
  | { action: 'left' }
  | { action: 'deleted' }
  | { action: 'moved'; to: string }
  | { action: 'skipped'; reason: string };

/** True when the file at the recording's path is still the delivered content. */
async function stillSameFile(recording: Pick<RecordingInfo, 'path' | 'sizeBytes' | 'mtimeMs' | 'sha256'>) {
  const s = await stat(recording.path);
  if (!s.isFile() || s.size !== recording.sizeBytes) return false;
  if (s.mtimeMs === recording.mtimeMs) return true;
  return (await sha256File(recording.path)) === recording.sha256;
}

async function moveNoOverwrite(from: string, toDir: string, name: string): Promise<string> {
  await mkdir(toDir, { recursive: true });
  const ext = path.extname(name);
  const stem = ext ? name.slice(0, -ext.length) : name;
  for (let n = 0; n < 1000; n += 1) {
    const target = path.join(toDir, n === 0 ? name : `${stem} (${n})${ext}`);
    try {
      // link fails with EEXIST instead of replacing, which rename would do silently.
      await link(from, target);
      await unlink(from);
      return target;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EMLINK') {
        throw error;
      }
    }
    // Another volume, or a file system without hard links: copy exclusively, then remove.
    try {
      await copyFile(from, target, constants.COPYFILE_EXCL);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw error;
    }
    await unlink(from);
    return target;
  }
  throw new Error(`the archive ${toDir} already holds 1000 files named like ${name}; empty it`);
}

/** Sidecars travel with their recording so the archive stays complete. */
async function moveSidecars(recordingPath: string, archiveDir: string): Promise<void> {
  const dir = path.dirname(recordingPath);
  const base = path.basename(recordingPath);
  const stem = base.slice(0, base.length - path.extname(base).length);
  for (const ext of sidecarExtensions.filter((e) => e !== '.csv')) {
    for (const name of new Set([stem + ext, base + ext])) {
      const file = path.join(dir, name);
      const exists = await stat(file).then(
        () => true,
        () => false,
      );
      if (exists) await moveNoOverwrite(file, archiveDir, name);
    }
  }
}

export async function applyAfterDelivery(
  rule: AfterDelivery,
  folderRoot: string,
  recording: Pick<RecordingInfo, 'path' | 'sizeBytes' | 'mtimeMs' | 'sha256'>,
): Promise<AfterDeliveryOutcome> {
  if (rule === 'leave') return { action: 'left' };
  try {
    if (!(await stillSameFile(recording))) {
      return { action: 'skipped', reason: 'the file was changed or replaced after delivery; it was left in place' };
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { action: 'skipped', reason: 'the file is no longer there' };
    }
    throw error;
  }
  if (rule === 'delete') {
    await unlink(recording.path);
    return { action: 'deleted' };
  }
  const archiveRoot = path.resolve(folderRoot, rule.moveTo);
  const rel = path.relative(folderRoot, path.dirname(recording.path));
  const targetDir = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? path.join(archiveRoot, rel) : archiveRoot;
  const to = await moveNoOverwrite(recording.path, targetDir, path.basename(recording.path));
  await moveSidecars(recording.path, targetDir);
  return { action: 'moved', to };
}

/** What afterDelivery needs of a delivered job (the engine's job detail fits). */
export interface DeliveredJob {
  id: string;
  destination: string;
  /** The watched folder's path as configured; found from the file's path when absent. */
  folder?: string | null;
  recording: Pick<RecordingInfo, 'path' | 'sizeBytes' | 'mtimeMs' | 'sha256'>;
}

export interface AfterDeliveryDeps {
  folders: readonly WatchedFolder[];
  port: Pick<IntakePort, 'findBySha'>;
  log: Logger;
}

/**
 * Applies the rule of the folder a delivered job came from. Call only after the platform
 * confirmed delivery. Resolves with what was done (or why nothing was); rejects when the move or
 * delete failed, so the engine keeps the hook pending and tries again at the next start.
 */
export async function afterDeliveryOf(job: DeliveredJob, deps: AfterDeliveryDeps): Promise<AfterDeliveryOutcome> {
  const { folders, port, log } = deps;
  const file = path.resolve(job.recording.path);
  const folder = job.folder
    ? folders.find((f) => f.config.path === job.folder || f.root === path.resolve(job.folder as string))
    : job.folder === null
      ? undefined
      : folderFor(folders, file, job.destination);
  if (!folder || folder.config.afterDelivery === 'leave') return { action: 'left' };
  // The same file may be watched for other destinations too: it stays until all have it.
  for (const other of folders) {
    if (other.config.destination === job.destination || !within(other.root, file)) continue;
    const theirs = port.findBySha(job.recording.sha256, other.config.destination);
    if (theirs?.state !== 'done') {
      return { action: 'skipped', reason: `still to be delivered to ${other.config.destination}` };
    }
  }
  try {
    const outcome = await applyAfterDelivery(folder.config.afterDelivery, folder.root, {
      ...job.recording,
      path: file,
    });
    log.info({ job: job.id, path: file, ...outcome }, 'after delivery');
    return outcome;
  } catch (error) {
    const message = `after delivery of ${path.basename(file)}: ${(error as Error).message}; the file was left in place`;
    folder.lastError = message;
    log.warn({ job: job.id, err: (error as Error).message }, 'after-delivery action failed');
    throw new Error(message, { cause: error });
  }
}
