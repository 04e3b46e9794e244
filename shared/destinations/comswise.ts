// comswise (seed 000): what its config takes and what its create request accepts. How CallRelay
// talks to it: electron/core/destinations/comswise/.
import { z } from 'zod';
import { E164, IsoUtc } from '../formats.js';
import { defineDestinationKind, secret } from './destination-kind.js';

export const ComswiseCreateCall = z
  .object({
    callId: z.string().min(1),
    startTime: IsoUtc,
    endTime: IsoUtc.optional(),
    status: z.enum(['completed', 'in-progress']).optional(),
    recordingUrl: z.string().min(1).optional(),
    from: E164.optional(),
    to: E164.optional(),
    direction: z.enum(['inbound', 'outbound', 'unknown']).optional(),
    groupingId: z.string().min(1).optional(),
  })
  .strict();

export const comswiseKind = defineDestinationKind({
  kind: 'comswise',
  auth: z.object({ token: secret }).strict(),
  defaults: ComswiseCreateCall.partial(),
  capabilities: { liveCalls: true },
});
