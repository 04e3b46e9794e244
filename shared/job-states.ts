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
] as const;
