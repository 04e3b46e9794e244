// Intake: watched folders and dropped files in, outbox jobs out. Each finished recording is
// described (hash, probe, metadata), checked against its destination, and enqueued exactly once:
// a fast path on (path, size, mtime) skips files already taken, and the content hash catches a
// recording that was renamed or copied into another watched folder. A recording that cannot be
// sent as it is still becomes a job (failed or needs-review, with the reason), never a silent
// skip, and its file is never touched before the platform confirmed it.
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { ChannelOutput } from '../../../shared/contract.js';
import { FolderConfig, type FolderConfig as FolderConfigType } from '../../../shared/config.js';
import type { FolderStatus } from '../../../shared/contract.js';
import type { FieldIssue, RecordingInfo } from '../../../shared/model.js';
import type { Destination } from '../destinations/destination.js';
import { isDiskFull, type DiskSpace } from '../health/disk-space.js';
import type { Clock, Logger } from '../logger.js';
import {
  describeAppearingRecording,
  describeRecording,
  type RecordingDescription,
} from '../metadata/describe-recording.js';
import type { CallEnrichment } from '../metadata/call-enrichment.js';
import { createManifestCache } from '../metadata/sidecars.js';
import { provisionalSha256, type EnqueueInput, type IntakePort } from '../outbox/intake-port.js';
import { applyAfterDelivery, type AfterDeliveryOutcome } from './after-delivery.js';
import { createFolderWatcher, type FolderWatcher, type FolderWatcherOptions } from './folder-watcher.js';
import { outsideLinkJob, outsideLinkTarget } from './outside-link.js';
import type { StableFile } from './stability-gate.js';

/** What afterDelivery needs of a delivered job (the engine's job detail fits). */
export interface DeliveredJob {
  id: string;
  destination: string;
  /** The watched folder's path as configured; found from the file's path when absent. */
  folder?: string | null;
  recording: Pick<RecordingInfo, 'path' | 'sizeBytes' | 'mtimeMs' | 'sha256'>;
}

export interface IntakeOptions {
  folders: FolderConfigType[];
  port: IntakePort;
  getDestination(name: string): Destination | undefined;
  logger: Logger;
  clock: Clock;
  /** Recordings described (hashed and probed) at once; default 2. */
  concurrency?: number;
  /** Passed to every folder watcher (tests shorten the health check, Windows lock checks). */
  watcher?: Pick<FolderWatcherOptions, 'healthCheckMs' | 'pollIntervalMs' | 'rescanMs' | 'platform' | 'exclusiveOpen'>;
  /** The folder's CDR and agent directory (metadata/call-enrichment.ts), when it has them. */
  enrichmentFor?(folder: FolderConfigType): CallEnrichment | undefined;
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

export type EnqueuePathsResult = ChannelOutput<'files:enqueue'>;

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

export interface ReexamineTarget {
  destination: string;
  folder: string | null;
  recording: Pick<RecordingInfo, 'path'>;
  call: { callId: string };
}

export type Reexamination =
  | ({ ok: true } & Pick<EnqueueInput, 'recording' | 'call' | 'state' | 'reviewIssues' | 'reason'>)
  | { ok: false; reason: string };

interface FolderState {
  config: FolderConfigType;
  root: string;
  watcher: FolderWatcher | null;
  filesSeen: number;
  lastError: string | null;
}

const lockedCodes = new Set(['EBUSY', 'EPERM', 'EACCES', 'ETXTBSY']);

function within(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** Chooses the job's first state from what is known about the recording and its destination. */
export function decideState(
  description: RecordingDescription,
  destinationName: string,
  destination: Destination | undefined,
  holdForReview: boolean,
): Pick<EnqueueInput, 'state' | 'reviewIssues' | 'reason'> {
  const { problem, issues } = description;
  if (problem?.state === 'failed') {
    return {
      state: 'failed',
      reviewIssues: [{ field: 'recording', message: problem.reason }, ...issues],
      reason: problem.reason,
    };
  }
  let validation: FieldIssue[];
  if (!destination) {
    validation = [
      {
        field: 'destination',
        message: `no destination named "${destinationName}" is configured; add it in Settings or change the folder's destination`,
      },
    ];
  } else {
    try {
      validation = destination.validate({ recording: description.recording, call: description.call });
    } catch (error) {
      validation = [
        { field: 'call', message: `the destination could not check this call: ${(error as Error).message}` },
      ];
    }
  }
  const reviewIssues = [
    ...(problem ? [{ field: 'recording', message: problem.reason }] : []),
    ...validation,
    ...issues,
  ];
  if (problem) return { state: 'needs-review', reviewIssues, reason: problem.reason };
  if (validation.length > 0) {
    return {
      state: 'needs-review',
      reviewIssues,
      reason: `${destinationName} needs: ${validation.map((v) => `${v.field} (${v.message})`).join('; ')}`,
    };
  }
  if (holdForReview) return { state: 'needs-review', reviewIssues, reason: 'this folder holds every call for review' };
  const result: Pick<EnqueueInput, 'state' | 'reviewIssues' | 'reason'> = { state: 'queued', reviewIssues: [] };
  if (issues.length > 0) result.reason = `queued with notes: ${issues.map((i) => i.message).join('; ')}`;
  return result;
}

/**
 * comswise live calls: a call marked in-progress is created first and PATCHed to completed with
 * its recordingUrl once the upload is done (the destination's complete-call step). When the
 * recording first appears, openLive makes a waiting-file job the engine opens the call for; the
 * finished file completes that job. A recording found already finished goes the plain way, with
 * the call created in-progress just before its upload.
 */
function markLiveCall(
  description: RecordingDescription,
  folder: FolderConfigType,
  destination: Destination | undefined,
): void {
  if (!folder.liveCalls || destination?.kind !== 'comswise' || description.call.status !== undefined) return;
  description.call.status = 'in-progress';
  description.sources.status = 'derived';
}

export function createIntake(options: IntakeOptions): Intake {
  const { port, getDestination, logger, clock } = options;
  const log = logger.child({ module: 'intake' });
  const manifests = createManifestCache();
  // Describing is mostly waiting on the disk (hash, probe, sidecar lookups), so a burst of files
  // moved in at once is read several at a time; 2 left a 1,000-file burst seconds behind.
  const concurrency = options.concurrency ?? 8;
  const folders: FolderState[] = options.folders.map((config) => ({
    config,
    root: path.resolve(config.path),
    watcher: null,
    filesSeen: 0,
    lastError: null,
  }));
  const queue: { folder: FolderState; file: StableFile }[] = [];
  const inFlight = new Set<string>();
  // Live jobs being opened, by path: the finished file waits for its own opening to end.
  const opening = new Map<string, Promise<void>>();
  let active = 0;
  let closed = false;
  const diskFullTries = new Map<string, number>();
  // Recordings described in the same moment are enqueued together: one durable transaction per
  // batch instead of one fsync per file, which is what held a burst of 1,000 files back.
  let batch: { input: EnqueueInput; resolve(r: { id: string; created: boolean }): void; reject(e: unknown): void }[] =
    [];
  function flushBatch(): void {
    const items = batch;
    batch = [];
    if (items.length === 0) return;
    try {
      const results = port.enqueueMany!(items.map((i) => i.input));
      items.forEach((item, n) => item.resolve(results[n]!));
    } catch (error) {
      for (const item of items) item.reject(error);
    }
  }
  function enqueueSoon(input: EnqueueInput): Promise<{ id: string; created: boolean }> {
    if (!port.enqueueMany) return Promise.resolve(port.enqueue(input));
    return new Promise((resolve, reject) => {
      batch.push({ input, resolve, reject });
      if (batch.length === 1) setImmediate(flushBatch);
      else if (batch.length >= 200) flushBatch();
    });
  }
  let drainWaiters: (() => void)[] = [];

  function notifyDrained(): void {
    if (active === 0 && queue.length === 0) {
      const waiters = drainWaiters;
      drainWaiters = [];
      for (const w of waiters) w();
    }
  }

  function pump(): void {
    while (!closed && active < concurrency && queue.length > 0) {
      const item = queue.shift() as { folder: FolderState; file: StableFile };
      if (inFlight.has(item.file.path)) {
        // The same file is being handled; it is looked at again afterwards through the gate.
        item.folder.watcher?.recheck(item.file.path);
        continue;
      }
      active += 1;
      inFlight.add(item.file.path);
      void handleWatched(item.folder, item.file).finally(() => {
        active -= 1;
        inFlight.delete(item.file.path);
        pump();
        notifyDrained();
      });
    }
    notifyDrained();
  }

  function openLive(folder: FolderState, file: string): void {
    if (closed || !folder.config.liveCalls || !port.openLiveJob || opening.has(file)) return;
    const destination = getDestination(folder.config.destination);
    if (destination?.kind !== 'comswise' || !destination.openLiveCall) return;
    const work = openLiveJob(folder, file, destination).finally(() => opening.delete(file));
    opening.set(file, work);
  }

  async function openLiveJob(folder: FolderState, file: string, destination: Destination): Promise<void> {
    try {
      // A link out of the folder is never announced to a platform (it fails when final).
      if (!folder.config.followSymlinks && (await outsideLinkTarget(folder.root, file)) !== null) return;
      const s = await stat(file);
      // Already taken as it is (seen again at start-up, or after a rescan): nothing is live.
      if (closed || !s.isFile() || port.hasSeenFile(file, s.size, s.mtimeMs)) return;
      const described = await describeAppearingRecording({
        path: file,
        settings: folder.config,
        stat: { sizeBytes: s.size, mtimeMs: s.mtimeMs },
        manifests,
        enrichment: options.enrichmentFor?.(folder.config),
      });
      // A sidecar saying otherwise, or details not enough to open the call: the finished file
      // goes the plain way, where a person is asked what is missing.
      if (described.blocking.length > 0 || (described.call.status ?? 'in-progress') !== 'in-progress') return;
      const call = { ...described.call, status: 'in-progress' as const };
      const recording = {
        path: file,
        fileName: path.basename(file),
        sizeBytes: s.size,
        mtimeMs: s.mtimeMs,
        sha256: provisionalSha256(file),
        contentType: described.contentType,
        durationSec: null,
        channels: null,
        sampleRate: null,
        codec: null,
      };
      if (destination.validate({ recording, call }).length > 0) return;
      if (closed || !port.openLiveJob) return;
      const { id, created } = port.openLiveJob({
        path: file,
        fileName: recording.fileName,
        contentType: recording.contentType,
        call,
        destination: folder.config.destination,
        folder: folder.config.path,
      });
      if (created) log.info({ path: file, job: id }, 'recording appeared; its live call will be opened');
      options.onHandled?.({ kind: 'live-opened', path: file, jobId: id, created });
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      // Not fatal: the finished file is still taken the plain way.
      if (e.code === 'ENOENT') log.debug({ path: file }, 'recording vanished before its live call was opened');
      else
        log.warn(
          { path: file, err: e.message },
          'could not open the live call early; it is created when the file is final',
        );
    }
  }

  async function completeLive(
    folder: FolderState,
    file: StableFile,
    jobId: string,
    description: RecordingDescription,
  ): Promise<void> {
    const destination = getDestination(folder.config.destination);
    // The call was opened in progress: it stays so, and delivery PATCHes it to completed.
    description.call.status = 'in-progress';
    description.sources.status = 'derived';
    const decision = decideState(description, folder.config.destination, destination, folder.config.review);
    const result = port.completeLiveJob!(jobId, {
      recording: description.recording,
      call: description.call,
      ...decision,
    });
    folder.filesSeen += 1;
    switch (result.outcome) {
      case 'completed':
        log.info({ path: file.path, job: jobId, state: result.state }, 'live recording finished');
        options.onHandled?.({ kind: 'enqueued', path: file.path, jobId, state: result.state });
        return;
      case 'duplicate':
        log.info({ path: file.path, job: jobId, of: result.of }, 'live recording duplicates a job already taken');
        options.onHandled?.({ kind: 'known', path: file.path, jobId: result.of });
        return;
      case 'busy': {
        folder.filesSeen -= 1;
        // Its call is being opened right now; the gate looks at the file again shortly.
        const retry = setTimeout(() => folder.watcher?.recheck(file.path), 500);
        retry.unref();
        return;
      }
      case 'gone':
        options.onHandled?.({ kind: 'known', path: file.path, jobId });
        return;
    }
  }

  /** Same content as job `of`: a row of its own ("Same as …"), never a silent skip. */
  function recordDuplicate(input: EnqueueInput, of: string): void {
    const row = port.recordDuplicate?.(input, of) ?? null;
    log.info(
      { path: input.recording.path, job: row?.id, of },
      'same recording already taken (renamed or copied); kept as a duplicate row, not sent again',
    );
    options.onHandled?.({ kind: 'duplicate', path: input.recording.path, jobId: row?.id ?? null, of });
  }

  async function handleWatched(folder: FolderState, file: StableFile): Promise<void> {
    try {
      await opening.get(file.path);
      if (port.hasSeenFile(file.path, file.sizeBytes, file.mtimeMs)) {
        folder.filesSeen += 1;
        options.onHandled?.({ kind: 'known', path: file.path, jobId: null });
        return;
      }
      const target = folder.config.followSymlinks ? null : await outsideLinkTarget(folder.root, file.path);
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
      const description = await describeRecording({
        path: file.path,
        settings: folder.config,
        stat: { sizeBytes: file.sizeBytes, mtimeMs: file.mtimeMs },
        manifests,
        enrichment: options.enrichmentFor?.(folder.config),
      });
      // Written to again while it was read: its hash is of a half-state, so wait for it anew.
      const after = await stat(file.path);
      if (after.size !== file.sizeBytes || after.mtimeMs !== file.mtimeMs) {
        folder.watcher?.recheck(file.path);
        return;
      }
      const live = port.completeLiveJob ? port.findLiveJob?.(file.path, folder.config.destination) : null;
      if (live) {
        await completeLive(folder, file, live.id, description);
        return;
      }
      // Every empty file has the same hash: each is its own failed row, never "the same as" another.
      const existing =
        description.recording.sizeBytes > 0
          ? port.findBySha(description.recording.sha256, folder.config.destination)
          : null;
      folder.filesSeen += 1;
      const destination = getDestination(folder.config.destination);
      markLiveCall(description, folder.config, destination);
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
        return;
      }
      const { id, created } = await enqueueSoon(input);
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
      const retried =
        lockedCodes.has(e.code ?? '') ||
        e.code === 'EIO' ||
        e.code === 'EMFILE' ||
        !e.code ||
        e.code.startsWith('SQLITE_');
      if (!retried) {
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

  /**
   * A file that cannot be stated or read for a reason waiting will not fix (a symlink loop, no
   * permission): one failed job says so, with the reason; it is not retried on every pass.
   */
  function unreadableJob(folder: FolderState, file: string, error: NodeJS.ErrnoException): void {
    const code = error.code ?? 'error';
    const why =
      code === 'ELOOP'
        ? 'it is a symbolic link that points to itself (a loop)'
        : code === 'EACCES' || code === 'EPERM'
          ? 'CallRelay has no permission to read it'
          : error.message;
    const reason = `${path.basename(file)} cannot be read (${code}): ${why}; fix or remove it, then retry the job`;
    try {
      const { id, created } = port.enqueue({
        recording: {
          path: file,
          fileName: path.basename(file),
          sizeBytes: 0,
          mtimeMs: 0,
          // One placeholder per path: the same unreadable file is one job, however often it is seen.
          sha256: createHash('sha256').update(`callrelay-unreadable:${file}`).digest('hex'),
          contentType: 'application/octet-stream',
          durationSec: null,
          channels: null,
          sampleRate: null,
          codec: null,
        },
        call: { callId: `cr-unreadable-${createHash('sha256').update(file).digest('hex').slice(0, 24)}` },
        destination: folder.config.destination,
        folder: folder.config.path,
        state: 'failed',
        reviewIssues: [{ field: 'recording', message: reason }],
        reason,
      });
      if (created) log.warn({ path: file, job: id, code }, 'recording cannot be read; kept as a failed job');
      options.onHandled?.({ kind: 'error', path: file, message: reason });
    } catch (failure) {
      if (isDiskFull(failure)) options.diskSpace?.reportFull('intake', failure);
      log.warn({ path: file, err: (failure as Error).message }, 'could not record an unreadable recording');
    }
  }

  type EnqueueOne =
    | { kind: 'queued'; id: string }
    | { kind: 'duplicate'; id: string | null }
    | { kind: 'error'; message: string; id?: string };

  /** One file a person (or the engine, for a recording that changed) asks to have described. */
  async function enqueueOne(raw: string, destinationName: string, destination: Destination): Promise<EnqueueOne> {
    const file = path.resolve(raw);
    try {
      const s = await stat(file);
      if (!s.isFile()) return { kind: 'error', message: 'this is a folder, not a recording; drop the files inside it' };
      const watched = folderFor(file, destinationName) ?? folderFor(file);
      const settings = watched
        ? { ...watched.config, destination: destinationName }
        : FolderConfig.parse({ path: path.dirname(file), destination: destinationName });
      const description = await describeRecording({
        path: file,
        settings,
        stat: { sizeBytes: s.size, mtimeMs: s.mtimeMs },
        manifests,
        enrichment: watched ? options.enrichmentFor?.(watched.config) : undefined,
      });
      const known = port.findBySha(description.recording.sha256, destinationName);
      if (known) return { kind: 'duplicate', id: known.id };
      markLiveCall(description, settings, destination);
      const decision = decideState(description, destinationName, destination, settings.review);
      const { id, created } = port.enqueue({
        recording: description.recording,
        call: description.call,
        destination: destinationName,
        folder: watched ? watched.config.path : null,
        ...decision,
      });
      if (!created) return { kind: 'duplicate', id };
      if (decision.state === 'failed') {
        return { kind: 'error', id, message: `kept as a failed job: ${decision.reason ?? 'unreadable'}` };
      }
      return { kind: 'queued', id };
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      return {
        kind: 'error',
        message:
          e.code === 'ENOENT'
            ? 'no such file; it may have been moved or deleted'
            : `could not be read (${e.code ?? e.message}); check it is not open in another program`,
      };
    }
  }

  function folderFor(file: string, destination?: string): FolderState | undefined {
    let best: FolderState | undefined;
    for (const f of folders) {
      if (destination && f.config.destination !== destination) continue;
      if (within(f.root, file) && (!best || f.root.length > best.root.length)) best = f;
    }
    return best;
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
            ...options.watcher,
            onFile: (file) => {
              queue.push({ folder, file });
              pump();
            },
            onAppear: (file) => openLive(folder, file),
            onUnstatable: (file, err) => unreadableJob(folder, file, err),
          });
          await folder.watcher.start();
        }),
      );
    },

    async close() {
      closed = true;
      queue.length = 0;
      await Promise.all(folders.map((f) => f.watcher?.close()));
      await Promise.all(opening.values());
      if (active > 0) await new Promise<void>((resolve) => drainWaiters.push(resolve));
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

    async enqueuePaths(paths, destinationName) {
      const result: EnqueuePathsResult = { queued: 0, duplicates: 0, errors: [] };
      const destination = getDestination(destinationName);
      if (!destination) {
        return {
          ...result,
          errors: paths.map((p) => ({
            path: p,
            message: `no destination named "${destinationName}"; choose one that exists in Settings`,
          })),
        };
      }
      for (const raw of paths) {
        const one = await enqueueOne(raw, destinationName, destination);
        if (one.kind === 'duplicate') result.duplicates += 1;
        else if (one.kind === 'error') result.errors.push({ path: raw, message: one.message });
        else result.queued += 1;
      }
      return result;
    },

    async rereadChanged(job) {
      const destination = getDestination(job.destination);
      if (!destination) return `its destination "${job.destination}" is no longer configured, so it was not read again`;
      const one = await enqueueOne(job.recording.path, job.destination, destination);
      const name = path.basename(job.recording.path);
      if (one.kind === 'queued') return `re-read as a new job ${one.id} for ${name}`;
      if (one.kind === 'duplicate') return `its content now is already job ${one.id ?? '(known)'}`;
      return `reading it again: ${one.message}`;
    },

    async afterDelivery(job) {
      const file = path.resolve(job.recording.path);
      const folder = job.folder
        ? folders.find((f) => f.config.path === job.folder || f.root === path.resolve(job.folder as string))
        : job.folder === null
          ? undefined
          : folderFor(file, job.destination);
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
        // Thrown on so the engine keeps the hook pending and tries again at the next start.
        const message = `after delivery of ${path.basename(file)}: ${(error as Error).message}; the file was left in place`;
        folder.lastError = message;
        log.warn({ job: job.id, err: (error as Error).message }, 'after-delivery action failed');
        throw new Error(message, { cause: error });
      }
    },

    async reexamine(job) {
      const file = path.resolve(job.recording.path);
      const watched = (job.folder ? folders.find((f) => f.config.path === job.folder) : undefined) ?? folderFor(file);
      const settings = watched
        ? { ...watched.config, destination: job.destination }
        : FolderConfig.parse({ path: path.dirname(file), destination: job.destination });
      try {
        const s = await stat(file);
        const description = await describeRecording({
          path: file,
          settings,
          stat: { sizeBytes: s.size, mtimeMs: s.mtimeMs },
          manifests,
        });
        const destination = getDestination(job.destination);
        markLiveCall(description, settings, destination);
        return {
          ok: true,
          recording: description.recording,
          call: description.call,
          ...decideState(description, job.destination, destination, settings.review),
        };
      } catch (error) {
        const e = error as NodeJS.ErrnoException;
        return {
          ok: false,
          reason:
            e.code === 'ENOENT'
              ? `the recording ${file} is not there any more; put it back, then retry`
              : `the recording ${file} cannot be read (${e.code ?? e.message}); check it is not open in another program, then retry`,
        };
      }
    },

    drained() {
      if (active === 0 && queue.length === 0) return Promise.resolve();
      return new Promise<void>((resolve) => drainWaiters.push(resolve));
    },
  };
}
