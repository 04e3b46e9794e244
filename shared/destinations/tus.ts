// tus (resumable upload protocol 1.0): what its config takes. Its `defaults` become
// Upload-Metadata entries. How CallRelay talks to it: electron/core/destinations/tus/.
import { z } from 'zod';
import { defineDestinationKind, secret } from './destination-kind.js';

/** Upload-Metadata keys: the protocol separates pairs by commas and key from value by a space. */
export const TusMetadataKey = z
  .string()
  .regex(/^[A-Za-z0-9._~-]+$/, 'tus metadata keys may not contain spaces or commas');

export const tusKind = defineDestinationKind({
  kind: 'tus',
  auth: z
    .object({ headers: z.record(z.string(), secret).default({}) })
    .strict()
    .default({ headers: {} }),
  config: {
    /** Bytes per PATCH request; one request streams this many at most. */
    chunkSizeBytes: z
      .number()
      .int()
      .min(64 * 1024)
      .optional(),
  },
  defaults: z.record(TusMetadataKey, z.unknown()),
});
