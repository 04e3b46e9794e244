// Value formats the call model and the platforms' request schemas share. Apart from model.ts so
// the destination kinds (shared/destinations/) can use them while model.ts lists those kinds.
import { z } from 'zod';

export const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'expected a lowercase hex SHA-256');

/** ISO 8601 timestamp in UTC with a `Z` suffix, e.g. 2024-02-28T10:30:00Z. */
export const IsoUtc = z.iso.datetime({
  offset: false,
  message: 'expected an ISO 8601 UTC time such as 2024-02-28T10:30:00Z',
});

/** E.164: a plus sign and 8 to 15 digits, e.g. +15550000000. */
export const E164 = z.string().regex(/^\+[1-9]\d{7,14}$/, 'expected an E.164 phone number such as +15550000000');
