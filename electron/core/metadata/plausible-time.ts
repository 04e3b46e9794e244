// A call time that cannot be right (a recorder clock reset to 1970, a sidecar dated 2099) would
// file the call where nobody looks for it. Such a time holds the call for review, naming where the
// time came from; a time a person typed in the review form is theirs to decide and is not checked.
import type { FieldSource } from './call-fields.js';

/** Calls before this are taken as a clock that was never set. */
export const EARLIEST_PLAUSIBLE_MS = Date.UTC(2000, 0, 1);
/** A recorder's clock may run ahead a little, not by days. */
export const FUTURE_SLACK_MS = 24 * 60 * 60 * 1000;

const sourceWords: Record<string, string> = {
  mtime: "the file's modification time",
  filename: 'the file name',
  sidecar: 'a sidecar file',
  'folder-default': "the folder's default",
  probe: 'the audio',
};

/** Why the start time is implausible, or null when it is fine. */
export function implausibleTime(
  startTime: string | undefined,
  source: FieldSource | undefined,
  now: number,
): string | null {
  if (!startTime || source === 'form') return null;
  const at = Date.parse(startTime);
  if (Number.isNaN(at)) return null;
  const from = sourceWords[source ?? ''] ?? (source ? String(source) : 'an unknown source');
  if (at < EARLIEST_PLAUSIBLE_MS) {
    return `the call time ${startTime} (from ${from}) is before 2000, so the recorder's clock was probably not set; correct the start time in the review form`;
  }
  if (at > now + FUTURE_SLACK_MS) {
    return `the call time ${startTime} (from ${from}) is more than a day in the future; check the recorder's clock and correct the start time in the review form`;
  }
  return null;
}
