// The narrow slice of the outbox that the watcher uses to hand over recordings. Kept in its own
// file so intake depends on this contract only, never on the SQLite implementation.
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
}
