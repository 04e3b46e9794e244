// Live calls (a destination with `openLiveCall`, comswise today): a call marked in-progress is
// created first and completed with its recording once the upload is done. When the recording
// first appears, `open` makes a waiting-file job the engine opens the call for; the finished file
// completes that job (`complete`). A recording found already finished goes the plain way, with
// the call created in-progress just before its upload (decide-state.ts, withLiveStatus).
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { FolderConfig } from '../../../shared/config.js';
import type { Destination } from '../destinations/destination.js';
import type { Logger } from '../logger.js';
import type { CallEnrichment } from '../metadata/call-enrichment.js';
import { describeAppearingRecording, type RecordingDescription } from '../metadata/describe-recording.js';
import type { ManifestCache } from '../metadata/sidecars.js';
import { provisionalSha256, type IntakePort } from '../outbox/intake-port.js';
import { decideState, inProgress } from './decide-state.js';
import { outsideLinkTarget } from './outside-link.js';
import type { StableFile } from './stability-gate.js';
import type { WatchedFolder } from './watched-folder.js';

export type LiveIntakeEvent =
  | { kind: 'live-opened'; path: string; jobId: string; created: boolean }
  | { kind: 'enqueued'; path: string; jobId: string; state: 'queued' | 'needs-review' | 'failed' }
  | { kind: 'known'; path: string; jobId: string | null };

export interface LiveIntakeOptions {
  port: IntakePort;
  getDestination(name: string): Destination | undefined;
  log: Logger;
  manifests: ManifestCache;
  enrichmentFor?(folder: FolderConfig): CallEnrichment | undefined;
  onHandled?(event: LiveIntakeEvent): void;
}

export interface LiveIntake {
  /** A recording appeared (still being written): opens its live job when the folder and destination can. */
  open(folder: WatchedFolder, file: string): void;
  /** Resolves once an opening of this path under way has ended (at once when none is). */
  opened(file: string): Promise<void>;
  /** The waiting-file job for this finished file, if one was opened. */
  find(folder: WatchedFolder, file: string): { id: string } | null;
  /** Gives the live job its finished, described recording. */
  complete(folder: WatchedFolder, file: StableFile, jobId: string, description: RecordingDescription): void;
  /** Stops opening new jobs and waits for those under way. */
  close(): Promise<void>;
}

export function createLiveIntake(options: LiveIntakeOptions): LiveIntake {
  const { port, getDestination, log, manifests } = options;
  // Live jobs being opened, by path: the finished file waits for its own opening to end.
  const opening = new Map<string, Promise<void>>();
  let closed = false;

  async function openJob(folder: WatchedFolder, file: string, destination: Destination): Promise<void> {
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

  return {
    open(folder, file) {
      if (closed || !folder.config.liveCalls || !port.openLiveJob || opening.has(file)) return;
      // The capability, not the platform's name, says whether a call can be opened early.
      const destination = getDestination(folder.config.destination);
      if (!destination?.openLiveCall) return;
      const work = openJob(folder, file, destination).finally(() => opening.delete(file));
      opening.set(file, work);
    },

    async opened(file) {
      await opening.get(file);
    },

    find(folder, file) {
      return port.completeLiveJob ? (port.findLiveJob?.(file, folder.config.destination) ?? null) : null;
    },

    complete(folder, file, jobId, finished) {
      const destination = getDestination(folder.config.destination);
      // The call was opened in progress: it stays so, and delivery PATCHes it to completed.
      const description = inProgress(finished);
      const decision = decideState(description, folder.config.destination, destination, folder.config.review);
      const result = port.completeLiveJob!(jobId, {
        recording: description.recording,
        call: description.call,
        ...decision,
      });
      switch (result.outcome) {
        case 'completed':
          folder.filesSeen += 1;
          log.info({ path: file.path, job: jobId, state: result.state }, 'live recording finished');
          options.onHandled?.({ kind: 'enqueued', path: file.path, jobId, state: result.state });
          return;
        case 'duplicate':
          folder.filesSeen += 1;
          log.info({ path: file.path, job: jobId, of: result.of }, 'live recording duplicates a job already taken');
          options.onHandled?.({ kind: 'known', path: file.path, jobId: result.of });
          return;
        case 'busy': {
          // Its call is being opened right now; the gate looks at the file again shortly.
          const retry = setTimeout(() => folder.watcher?.recheck(file.path), 500);
          retry.unref();
          return;
        }
        case 'gone':
          folder.filesSeen += 1;
          options.onHandled?.({ kind: 'known', path: file.path, jobId });
          return;
      }
    },

    async close() {
      closed = true;
      await Promise.all(opening.values());
    },
  };
}
