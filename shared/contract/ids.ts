// Ids and small shapes every part of the contract uses.
import { z } from 'zod';

export const JobId = z.string().min(1).max(100);
export const JobIds = z.array(JobId).min(1).max(10_000);
export const Empty = z.object({}).strict().default({});
export const Updated = z.object({ updated: z.number().int().nonnegative() });
