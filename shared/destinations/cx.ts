// cx (seed 003): what its config takes and what its create request accepts. How CallRelay talks
// to it: electron/core/destinations/cx/.
import { z } from 'zod';
import { E164 } from '../formats.js';
import { defineDestinationKind, secret } from './destination-kind.js';

export const CxCreateCall = z
  .object({
    agentId: z.uuid({ message: 'must be a UUID (the agent’s id in cx)' }),
    channel: z.enum(['call', 'sms', 'whatsapp', 'webchat']),
    skillId: z.uuid({ message: 'must be a UUID (the skill’s id in cx)' }),
    customerName: z.string().min(1),
    customerPhone: E164,
  })
  .strict();

export const cxKind = defineDestinationKind({
  kind: 'cx',
  auth: z.object({ username: secret, password: secret }).strict(),
  defaults: CxCreateCall.partial(),
});
