// The narrow slice of the outbox that the watcher uses to hand over recordings. Kept in its own
// file so intake depends on this contract only, never on the SQLite implementation.
import { createHash } from 'node:crypto';
import type { CallDraft, FieldIssue, JobState, RecordingInfo } from '../../../shared/model.js';

export interface EnqueueInput {
  recording: RecordingInfo;
  call: CallDraft;
  destination: string;
  folder: string | null;
  state: 'queued' | 'needs-review' | 'failed';
  reviewIssues: FieldIssue[];
  /** Why the job starts in this state (e.g. the failure reason), recorded in its timeline. */
  reason?: string;
}

/**
 * A live call's job exists before its recording is finished, so it has no content hash yet. It
 * holds a provisional one instead: the sha256 of "callrelay-live:" and the file's absolute path.
 * That keeps the sha256 column NOT NULL and its unique (content, destination) rule working: the
 * same path appearing again (a restart, a rescan) finds the same job, and no real recording can
 * collide with it. The real hash replaces it when the file is final.
 */
export function provisionalSha256(path: string): string {
  return createHash('sha256').update(`callrelay-live:${path}`).digest('hex');
}

/** A recording that just appeared in a live-calls folder: the call to open, nothing read from the audio. */
export interface LiveJobInput {
  path: string;
  fileName: string;
  contentType: string;
  call: CallDraft;
  destination: string;
  folder: string | null;
}

/** What the finished file adds to its live job (decideState's answer included). */
export type LiveCompletion = Pick<EnqueueInput, 'recording' | 'call' | 'state' | 'reviewIssues' | 'reason'>;

export type LiveCompletionResult =
  | { outcome: 'completed'; state: EnqueueInput['state'] }
  /** The same content was already taken for this destination: the live job failed, naming it. */
  | { outcome: 'duplicate'; of: string }
  /** Its live create is running under a lease right now: look again shortly. */
  | { outcome: 'busy' }
  /** It left waiting-file meanwhile (cancelled by a person): nothing to complete. */
  | { outcome: 'gone' };

export interface IntakePort {
  /** True when a job already exists for this exact path, size and mtime (skip hashing it again). */
  hasSeenFile(path: string, sizeBytes: number, mtimeMs: number): boolean;
  /** The job that already holds this content for this destination, if any (resends excluded). */
  findBySha(sha256: string, destination: string): { id: string; state: JobState } | null;
  /**
   * Creates a job unless the same content is already enqueued for the same destination; then
   * returns the existing job's id with `created: false`.
   */
  enqueue(input: EnqueueInput): { id: string; created: boolean };
  /** Many at once in one transaction (one fsync): a burst of files is enqueued in batches. */
  enqueueMany?(inputs: EnqueueInput[]): { id: string; created: boolean }[];
  /**
   * Keeps a recording whose content job `of` already has as a `duplicate` row naming it, so every
   * file seen is a row. Optional: a port without it only logs the duplicate.
   */
  recordDuplicate?(input: EnqueueInput, of: string): { id: string };
  /**
   * Live calls: creates the `waiting-file` job of a recording that just appeared, or finds the
   * one that exists for this path and destination (after a restart). Optional: a port without it
   * takes live recordings only once they are finished.
   */
  openLiveJob?(input: LiveJobInput): { id: string; created: boolean };
  /** The `waiting-file` job of this path and destination, if any. */
  findLiveJob?(path: string, destination: string): { id: string } | null;
  /** Gives a live job its finished recording and moves it on, in one transaction. */
  completeLiveJob?(id: string, completion: LiveCompletion): LiveCompletionResult;
}
