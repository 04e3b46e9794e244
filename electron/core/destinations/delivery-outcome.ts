// What a delivery reports once the platform has created the call: its id, and what the create
// answer already said about it as the first result a person sees. Each kind keeps its own record
// of the created call (committed as the "create-call" step, so its shape must stay readable by
// later attempts) and names here which of its fields mean what.
import type { DeliveryOutcome } from './destination.js';
import { isoNow } from './platform-fields.js';

export interface CreatedCallReport {
  remoteId: string;
  status: string | null;
  transcriptText: string | null;
  recordingUrl: string | null;
  /** The platform's own answer, when it gave one worth keeping. */
  raw?: Record<string, unknown> | null;
}

/** `pollResults` when the platform produces its results later (fetchResult polls for them). */
export function createdCallOutcome(
  call: CreatedCallReport,
  now: number,
  options: { pollResults: boolean } = { pollResults: false },
): DeliveryOutcome {
  return {
    remoteId: call.remoteId,
    result: {
      remoteId: call.remoteId,
      status: call.status,
      summary: null,
      transcriptUrl: null,
      transcriptText: call.transcriptText,
      recordingUrl: call.recordingUrl,
      ...(call.raw ? { raw: call.raw } : {}),
      fetchedAt: isoNow(now),
    },
    pollResults: options.pollResults,
  };
}
