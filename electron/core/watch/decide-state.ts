// The first state of a described recording's job, decided from what is known about the file and
// its destination alone: pure functions, no I/O, so every branch of the rule is tested directly.
import type { FolderConfig } from '../../../shared/config.js';
import type { FieldIssue } from '../../../shared/model.js';
import type { Destination } from '../destinations/destination.js';
import type { RecordingDescription } from '../metadata/describe-recording.js';
import type { EnqueueInput } from '../outbox/intake-port.js';
import { noDestinationNamed } from '../../../shared/no-destination.js';

export type StateDecision = Pick<EnqueueInput, 'state' | 'reviewIssues' | 'reason'>;

/** Chooses the job's first state from what is known about the recording and its destination. */
export function decideState(
  description: RecordingDescription,
  destinationName: string,
  destination: Destination | undefined,
  holdForReview: boolean,
): StateDecision {
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
        message: noDestinationNamed(
          destinationName,
          " is configured; add it in Settings or change the folder's destination",
        ),
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
  const result: StateDecision = { state: 'queued', reviewIssues: [] };
  if (issues.length > 0) result.reason = `queued with notes: ${issues.map((i) => i.message).join('; ')}`;
  return result;
}

/**
 * Live calls: a call marked in-progress is created first and completed with its recording once
 * the upload is done (the destination's complete-call step). A destination that can open a live
 * call (`openLiveCall`) gets a finished recording of a live-calls folder marked in-progress too,
 * so it goes the same way, with the call created just before its upload; metadata that names a
 * status wins. Returns the description unchanged, or a copy with the status set.
 */
export function withLiveStatus(
  description: RecordingDescription,
  folder: Pick<FolderConfig, 'liveCalls'>,
  destination: Destination | undefined,
): RecordingDescription {
  if (!folder.liveCalls || !destination?.openLiveCall || description.call.status !== undefined) return description;
  return inProgress(description);
}

/** The description of a call opened in progress: it stays so until delivery completes it. */
export function inProgress(description: RecordingDescription): RecordingDescription {
  return {
    ...description,
    call: { ...description.call, status: 'in-progress' },
    sources: { ...description.sources, status: 'derived' },
  };
}
