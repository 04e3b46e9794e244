// The words a person reads for each job state, wherever they read it: the window and the CSV export.
import type { jobStates } from './job-states.js';

type JobState = (typeof jobStates)[number];

export const stateLabels: Record<JobState, string> = {
  'waiting-file': 'Waiting for file',
  'needs-review': 'Needs review',
  queued: 'Queued',
  running: 'Sending',
  'retry-wait': 'Will retry',
  done: 'Delivered',
  failed: 'Failed',
  paused: 'Paused',
  cancelled: 'Cancelled',
  duplicate: 'Same as',
};
