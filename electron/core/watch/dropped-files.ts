// Files read on request rather than found by a watcher: those a person dropped on the window
// (files:enqueue), a queued recording that changed and is read again as its own job, and a
// failed job's recording read again for a retry. Each is described and decided like a watched
// file, with the settings of the watched folder it lies in, if any.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { ChannelOutput } from '../../../shared/contract.js';
import { FolderConfig } from '../../../shared/config.js';
import type { RecordingInfo } from '../../../shared/model.js';
import type { Destination } from '../destinations/destination.js';
import type { CallEnrichment } from '../metadata/call-enrichment.js';
import { describeRecording } from '../metadata/describe-recording.js';
import type { ManifestCache } from '../metadata/sidecars.js';
import type { EnqueueInput, IntakePort } from '../outbox/intake-port.js';
import { decideState, withLiveStatus } from './decide-state.js';
import { folderFor, type WatchedFolder } from './watched-folder.js';
import { noDestinationNamed } from '../../../shared/no-destination.js';

export type EnqueuePathsResult = ChannelOutput<'files:enqueue'>;

export interface ReexamineTarget {
  destination: string;
  folder: string | null;
  recording: Pick<RecordingInfo, 'path'>;
  call: { callId: string };
}

export type Reexamination =
  | ({ ok: true } & Pick<EnqueueInput, 'recording' | 'call' | 'state' | 'reviewIssues' | 'reason'>)
  | { ok: false; reason: string };

export interface DroppedFilesOptions {
  folders: readonly WatchedFolder[];
  port: IntakePort;
  getDestination(name: string): Destination | undefined;
  manifests: ManifestCache;
  enrichmentFor?(folder: FolderConfig): CallEnrichment | undefined;
}

export interface DroppedFiles {
  /** Files a person dropped on the window (files:enqueue). */
  enqueuePaths(paths: string[], destination: string): Promise<EnqueuePathsResult>;
  /** A queued job's file changed: describe the file as it is now as its own job; says what happened. */
  rereadChanged(job: { destination: string; recording: Pick<RecordingInfo, 'path'> }): Promise<string>;
  /** Reads a job's recording again (a retry of a job failed because of its file). */
  reexamine(job: ReexamineTarget): Promise<Reexamination>;
}

type EnqueueOne =
  | { kind: 'queued'; id: string }
  | { kind: 'duplicate'; id: string | null }
  | { kind: 'error'; message: string; id?: string };

export function createDroppedFiles(options: DroppedFilesOptions): DroppedFiles {
  const { folders, port, getDestination, manifests } = options;

  /** The settings a file is read with: its watched folder's, else a folder's defaults. */
  function settingsFor(file: string, destination: string, watched: WatchedFolder | undefined): FolderConfig {
    return watched ? { ...watched.config, destination } : FolderConfig.parse({ path: path.dirname(file), destination });
  }

  /** One file a person (or the engine, for a recording that changed) asks to have described. */
  async function enqueueOne(raw: string, destinationName: string, destination: Destination): Promise<EnqueueOne> {
    const file = path.resolve(raw);
    try {
      const s = await stat(file);
      if (!s.isFile()) return { kind: 'error', message: 'this is a folder, not a recording; drop the files inside it' };
      const watched = folderFor(folders, file, destinationName) ?? folderFor(folders, file);
      const settings = settingsFor(file, destinationName, watched);
      const described = await describeRecording({
        path: file,
        settings,
        stat: { sizeBytes: s.size, mtimeMs: s.mtimeMs },
        manifests,
        enrichment: watched ? options.enrichmentFor?.(watched.config) : undefined,
      });
      const known = port.findBySha(described.recording.sha256, destinationName);
      if (known) return { kind: 'duplicate', id: known.id };
      const description = withLiveStatus(described, settings, destination);
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

  return {
    async enqueuePaths(paths, destinationName) {
      const result: EnqueuePathsResult = { queued: 0, duplicates: 0, errors: [] };
      const destination = getDestination(destinationName);
      if (!destination) {
        return {
          ...result,
          errors: paths.map((p) => ({
            path: p,
            message: noDestinationNamed(destinationName, '; choose one that exists in Settings'),
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

    async reexamine(job) {
      const file = path.resolve(job.recording.path);
      const watched =
        (job.folder ? folders.find((f) => f.config.path === job.folder) : undefined) ?? folderFor(folders, file);
      const settings = settingsFor(file, job.destination, watched);
      try {
        const s = await stat(file);
        const described = await describeRecording({
          path: file,
          settings,
          stat: { sizeBytes: s.size, mtimeMs: s.mtimeMs },
          manifests,
        });
        const destination = getDestination(job.destination);
        const description = withLiveStatus(described, settings, destination);
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
  };
}
