// About the app, and what a job in review lacks.
import { z } from 'zod';
import { FieldIssue } from '../model.js';
import { JobId } from './ids.js';

export const AppAbout = z.object({
  version: z.string(),
  /** Where it runs: the desktop app or `callrelay serve`. */
  host: z.enum(['desktop', 'headless']),
  update: z
    .object({
      /** off: updates are turned off by policy or not configured. */
      mode: z.enum(['off', 'auto']),
      channel: z.string().nullable(),
      /** A downloaded version waiting to be installed (when nothing is being sent), else null. */
      waiting: z.string().nullable(),
      /** Why it waits, or why no update was taken, in a sentence. */
      note: z.string().nullable(),
    })
    .nullable(),
});
export type AppAbout = z.infer<typeof AppAbout>;

/** Where a value the review form did not ask for comes from. */
export const FilledFrom = z.enum(['destination', 'folder', 'recording', 'derived']);
/**
 * What a job in review lacks, by the rule the core itself applies to hold it (the destination's
 * own check of the call as it would be sent), and what is already filled and by whom.
 */
export const ReviewCheck = z.object({
  id: JobId,
  missing: z.array(FieldIssue),
  filled: z.array(z.object({ field: z.string(), value: z.string(), from: FilledFrom })),
});
export type ReviewCheck = z.infer<typeof ReviewCheck>;
