// The job states, without zod: `callrelay status` prints them and must start without loading a
// schema library (shared/model.ts builds its JobState schema from this list).
export const jobStates = [
  'waiting-file',
  'needs-review',
  'queued',
  'running',
  'retry-wait',
  'done',
  'failed',
  'paused',
  'cancelled',
  // Not sent because the same content was already taken for the destination (terminal).
  'duplicate',
] as const;
