// What happens to a recording once the platform confirmed it: left alone (the default), moved to
// an archive folder, or deleted. Only the file that was delivered is touched: a file that has
// since been replaced under the same name is left where it is, and an archive file is never
// overwritten (a numbered name is used instead).
import { constants } from 'node:fs';
import { copyFile, link, mkdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { AfterDelivery } from '../../../shared/config.js';
import type { RecordingInfo } from '../../../shared/model.js';
import { sha256File } from '../metadata/content-hash.js';
import { sidecarExtensions } from '../metadata/sidecars.js';

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
