// Intake: watched folders and dropped files in, outbox jobs out. Each finished recording is
// described (hash, probe, metadata), checked against its destination, and enqueued exactly once:
// a fast path on (path, size, mtime) skips files already taken, and the content hash catches a
// recording that was renamed or copied into another watched folder. A recording that cannot be
// sent as it is still becomes a job (failed or needs-review, with the reason), never a silent
// skip, and its file is never touched before the platform confirmed it.
//
// The parts: the work queue (work-queue.ts), group commit (group-commit.ts), the state decision
// (decide-state.ts), live calls (live-intake.ts), files read on request (dropped-files.ts) and
// the archive rule (after-delivery.ts). This file wires them to the folder watchers and handles
// one watched file, including what to do when it cannot be read.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { FolderConfig } from '../../../shared/config.js';
import type { FolderStatus } from '../../../shared/contract.js';
import type { Destination } from '../destinations/destination.js';
import { isDiskFull, type DiskSpace } from '../health/disk-space.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { CallEnrichment } from '../metadata/call-enrichment.js';
import { WHOLE_READ_MAX_BYTES } from '../metadata/content-hash.js';
import { describeRecording } from '../metadata/describe-recording.js';
import { createManifestCache } from '../metadata/sidecars.js';
import type { EnqueueInput, IntakePort } from '../outbox/intake-port.js';
import { afterDeliveryOf, type AfterDeliveryOutcome, type DeliveredJob } from './after-delivery.js';
import { decideState, withLiveStatus } from './decide-state.js';
import {
  createDroppedFiles,
  type EnqueuePathsResult,
  type Reexamination,
  type ReexamineTarget,
} from './dropped-files.js';
import { createFolderWatcher, type FolderWatcherOptions } from './folder-watcher.js';
import { createFileWorker } from './file-worker.js';
import { createGroupCommit } from './group-commit.js';
import { createLiveIntake } from './live-intake.js';
import { outsideLinkJob, outsideLinkTarget } from './outside-link.js';
import type { StableFile } from './stability-gate.js';
import { watchedFolder, type WatchedFolder } from './watched-folder.js';
import { isPassingReadError, unreadableFileJob } from './unreadable-file.js';
import { createWorkQueue } from './work-queue.js';

export { decideState } from './decide-state.js';
export type { DeliveredJob } from './after-delivery.js';
export type { EnqueuePathsResult, Reexamination, ReexamineTarget } from './dropped-files.js';

export interface IntakeOptions {
  folders: FolderConfig[];
  port: IntakePort;
  getDestination(name: string): Destination | undefined;
  logger: Logger;
  clock: Clock;
  /** Recordings described (hashed and probed) at once; default 8. */
  concurrency?: number;
  /** Passed to every folder watcher (tests shorten the health check, Windows lock checks). */
  watcher?: Pick<FolderWatcherOptions, 'healthCheckMs' | 'pollIntervalMs' | 'rescanMs' | 'platform' | 'exclusiveOpen'>;
  /** The folder's CDR and agent directory (metadata/call-enrichment.ts), when it has them. */
  enrichmentFor?(folder: FolderConfig): CallEnrichment | undefined;
  /** Called after each file was handled (enqueued, found to be known, or failed to read). */
  onHandled?(event: IntakeEvent): void;
  /** Where a full disk is reported and waited out (the outbox's folder). */
  diskSpace?: DiskSpace;
}

export type IntakeEvent =
  | { kind: 'live-opened'; path: string; jobId: string; created: boolean }
  /** Same content as job `of`: kept as its own duplicate row (`jobId`). */
  | { kind: 'duplicate'; path: string; jobId: string | null; of: string }
  | { kind: 'enqueued'; path: string; jobId: string; state: EnqueueInput['state'] }
  | { kind: 'known'; path: string; jobId: string | null }
  | { kind: 'error'; path: string; message: string };

export interface Intake {
  start(): Promise<void>;
  close(): Promise<void>;
  statuses(): FolderStatus[];
  /** Files a person dropped on the window (files:enqueue). */
  enqueuePaths(paths: string[], destination: string): Promise<EnqueuePathsResult>;
  /**
   * Archive or delete per the folder's rule. Call only after the platform confirmed delivery.
   * Resolves with what was done (or why nothing was); rejects when the move or delete failed.
   */
  afterDelivery(job: DeliveredJob): Promise<AfterDeliveryOutcome>;
  /** A queued job's file changed: describe the file as it is now as its own job; says what happened. */
  rereadChanged(job: Pick<DeliveredJob, 'recording' | 'destination'>): Promise<string>;
  /** Resolves when no recording is waiting to be described (files still in a gate do not count). */
  drained(): Promise<void>;
  /** Reads a job's recording again (a retry of a job failed because of its file). */
  reexamine(job: ReexamineTarget): Promise<Reexamination>;
}

interface WatchItem {
  folder: WatchedFolder;
  file: StableFile;
}

export function createIntake(options: IntakeOptions): Intake {
  const { port, getDestination, logger, clock } = options;
  const log = logger.child({ module: 'intake' });
  const manifests = createManifestCache();
  const folders = options.folders.map(watchedFolder);
  let closed = false;
  const diskFullTries = new Map<string, number>();
  // A batch is written once no other file is being read (declared below; read only later).
  const commits = createGroupCommit(port, { moreComing: () => work.inHand() > 0 });
  const files = createFileWorker();
  const live = createLiveIntake({
    port,
    getDestination,
    log,
    manifests,
    ...(options.enrichmentFor ? { enrichmentFor: options.enrichmentFor } : {}),
    ...(options.onHandled ? { onHandled: options.onHandled } : {}),
  });
  const dropped = createDroppedFiles({
    folders,
    port,
    getDestination,
    manifests,
    ...(options.enrichmentFor ? { enrichmentFor: options.enrichmentFor } : {}),
  });
  // Describing is mostly waiting on the disk (hash, probe, sidecar lookups), so a burst of files
  // moved in at once is read several at a time; 2 left a 1,000-file burst seconds behind.
  const work = createWorkQueue<WatchItem>({
    concurrency: options.concurrency ?? 8,
    keyOf: (item) => item.file.path,
    // Files decided and waiting for their batch's commit: bounded, so memory stays flat.
    maxHeld: 1000,
    run: (item, release) => handleWatched(item, release),
    // The same file is being handled; it is looked at again afterwards through the gate.
    onBusy: (item) => item.folder.watcher?.recheck(item.file.path),
  });

  /** Same content as job `of`: a row of its own ("Same as …"), never a silent skip. */
  function recordDuplicate(input: EnqueueInput, of: string): void {
    const row = port.recordDuplicate?.(input, of) ?? null;
    log.info(
      { path: input.recording.path, job: row?.id, of },
      'same recording already taken (renamed or copied); kept as a duplicate row, not sent again',
    );
    options.onHandled?.({ kind: 'duplicate', path: input.recording.path, jobId: row?.id ?? null, of });
  }

  async function handleWatched({ folder, file }: WatchItem, release: () => void): Promise<void> {
    try {
      await live.opened(file.path);
      if (port.hasSeenFile(file.path, file.sizeBytes, file.mtimeMs)) {
        folder.filesSeen += 1;
        options.onHandled?.({ kind: 'known', path: file.path, jobId: null });
        return;
      }
      const read = await files.readSmall(file.path, file.sizeBytes, {
        maxBytes: WHOLE_READ_MAX_BYTES,
        followLinks: folder.config.followSymlinks === true,
      });
      // The worker has already told a link apart (lstat, then a no-follow open): only a link is
      // looked at for where it leads. A file too large to hold is read the way it always was.
      const target = read.kind === 'link' ? await outsideLinkTarget(folder.root, file.path) : null;
      if (target !== null) {
        folder.filesSeen += 1;
        const input = outsideLinkJob({
          file: file.path,
          target,
          sizeBytes: file.sizeBytes,
          mtimeMs: file.mtimeMs,
          destination: folder.config.destination,
          folder: folder.config.path,
        });
        const { id, created } = port.enqueue(input);
        if (created) log.warn({ path: file.path, target, job: id }, 'link to a file outside the folder: not sent');
        options.onHandled?.(
          created
            ? { kind: 'enqueued', path: file.path, jobId: id, state: 'failed' }
            : { kind: 'known', path: file.path, jobId: id },
        );
        return;
      }
      const described = await describeRecording({
        path: file.path,
        settings: folder.config,
        stat: { sizeBytes: file.sizeBytes, mtimeMs: file.mtimeMs },
        manifests,
        enrichment: options.enrichmentFor?.(folder.config),
        ...(read.kind === 'file' && read.bytes ? { bytes: read.bytes } : {}),
      });
      // Written to again while it was read: its hash is of a half-state, so wait for it anew.
      // (A small file was stated before it was closed; its bytes are the ones described.)
      const after = read.kind === 'file' ? read.after : await stat(file.path);
      if (after.size !== file.sizeBytes || after.mtimeMs !== file.mtimeMs) {
        folder.watcher?.recheck(file.path);
        return;
      }
      // Not even its change time moved while it was read: the file as it was hashed, which the
      // upload sends without hashing again while it is still this file (engine/throttled-body.ts).
      if (after.ctimeMs === file.ctimeMs) described.recording.fileId = { ino: after.ino, ctimeMs: after.ctimeMs };
      const liveJob = live.find(folder, file.path);
      if (liveJob) {
        live.complete(folder, file, liveJob.id, described);
        return;
      }
      // Every empty file has the same hash: each is its own failed row, never "the same as" another.
      const existing =
        described.recording.sizeBytes > 0
          ? port.findBySha(described.recording.sha256, folder.config.destination)
          : null;
      const destination = getDestination(folder.config.destination);
      const description = withLiveStatus(described, folder.config, destination);
      const decision = decideState(description, folder.config.destination, destination, folder.config.review);
      const input: EnqueueInput = {
        recording: description.recording,
        call: description.call,
        destination: folder.config.destination,
        folder: folder.config.path,
        ...decision,
      };
      if (existing) {
        recordDuplicate(input, existing.id);
        folder.filesSeen += 1;
        return;
      }
      // Read and decided: the next file is read while this one waits for its batch to commit.
      release();
      const { id, created } = await commits.enqueue(input);
      // Counted once its batch committed, as the queue will show it (and not twice when a failed
      // commit is retried).
      folder.filesSeen += 1;
      diskFullTries.delete(file.path);
      options.diskSpace?.reportWritten();
      if (folder.lastError?.startsWith(path.basename(file.path))) folder.lastError = null;
      if (!created) {
        recordDuplicate(input, id);
        return;
      }
      log.info({ path: file.path, job: id, state: decision.state }, 'recording enqueued');
      options.onHandled?.({ kind: 'enqueued', path: file.path, jobId: id, state: decision.state });
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      if (e.code === 'ENOENT') {
        log.debug({ path: file.path }, 'recording vanished before it was read');
        return;
      }
      if (isDiskFull(error)) {
        // Nothing is skipped: the file is looked at again once space returns (or after a backoff).
        options.diskSpace?.reportFull('intake', error);
        const message = `${path.basename(file.path)} waits: the data folder's disk is full; it is taken as soon as space is freed`;
        folder.lastError = message;
        options.onHandled?.({ kind: 'error', path: file.path, message });
        const tries = (diskFullTries.get(file.path) ?? 0) + 1;
        diskFullTries.set(file.path, tries);
        const wait = new Promise<void>((resolve) => {
          const t = setTimeout(resolve, Math.min(60_000, 1000 * 2 ** Math.min(tries, 6)));
          t.unref();
          void options.diskSpace?.whenSpace().then(() => {
            clearTimeout(t);
            resolve();
          });
        });
        void wait.then(() => {
          if (!closed) folder.watcher?.recheck(file.path);
        });
        return;
      }
      if (!isPassingReadError(e)) {
        unreadableJob(folder, file.path, e);
        return;
      }
      const message = `${path.basename(file.path)} could not be read (${e.code ?? e.message}); retrying after the quiet period`;
      folder.lastError = message;
      log.warn({ path: file.path, err: e.message }, 'recording could not be handled; will retry');
      options.onHandled?.({ kind: 'error', path: file.path, message });
      // Locked files and passing faults are retried; the file stays where it is either way.
      const retry = setTimeout(() => folder.watcher?.recheck(file.path), Math.max(1000, folder.config.quietPeriodMs));
      retry.unref();
    }
  }

  /** A file that cannot be read for a reason waiting will not fix: one failed job says why. */
  function unreadableJob(folder: WatchedFolder, file: string, error: NodeJS.ErrnoException): void {
    const input = unreadableFileJob({
      file,
      error,
      destination: folder.config.destination,
      folder: folder.config.path,
    });
    try {
      const { id, created } = port.enqueue(input);
      if (created)
        log.warn({ path: file, job: id, code: error.code }, 'recording cannot be read; kept as a failed job');
      options.onHandled?.({ kind: 'error', path: file, message: input.reason ?? '' });
    } catch (failure) {
      if (isDiskFull(failure)) options.diskSpace?.reportFull('intake', failure);
      log.warn({ path: file, err: (failure as Error).message }, 'could not record an unreadable recording');
    }
  }

  return {
    async start() {
      await Promise.all(
        folders.map(async (folder) => {
          const rule = folder.config.afterDelivery;
          const archive = typeof rule === 'object' ? path.resolve(folder.root, rule.moveTo) : null;
          folder.watcher = createFolderWatcher({
            folder: folder.config,
            logger: log,
            clock,
            ...(archive ? { skipDirs: [archive] } : {}),
            statFile: files.stat,
            ...options.watcher,
            onFile: (file) => work.push({ folder, file }),
            onAppear: (file) => live.open(folder, file),
            onUnstatable: (file, err) => unreadableJob(folder, file, err),
          });
          await folder.watcher.start();
        }),
      );
    },

    async close() {
      closed = true;
      const working = work.close();
      commits.flush();
      const opening = live.close();
      await Promise.all(folders.map((f) => f.watcher?.close()));
      await opening;
      await working;
      await files.close();
    },

    statuses() {
      return folders.map((f) => {
        const s = f.watcher?.status();
        return {
          path: f.config.path,
          destination: f.config.destination,
          available: s?.available ?? false,
          error: s?.available === false ? s.error : (s?.error ?? f.lastError),
          filesSeen: f.filesSeen,
        };
      });
    },

    enqueuePaths: (paths, destination) => dropped.enqueuePaths(paths, destination),
    rereadChanged: (job) => dropped.rereadChanged(job),
    reexamine: (job) => dropped.reexamine(job),
    afterDelivery: (job) => afterDeliveryOf(job, { folders, port, log }),
    drained: () => work.drained(),
  };
}
