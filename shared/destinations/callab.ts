// callab (seed 001): what its config takes and what its create request accepts. How CallRelay
// talks to it: electron/core/destinations/callab/.
import { z } from 'zod';
import { E164 } from '../formats.js';
import { defineDestinationKind, secret } from './destination-kind.js';

export const CallabCreateCall = z
  .object({
    company_id: z.uuid({ message: 'must be a UUID' }),
    campaign_id: z.uuid({ message: 'must be a UUID' }).optional(),
    ai_agent_id: z.uuid({ message: 'must be a UUID' }).optional(),
    contact_id: z.uuid({ message: 'must be a UUID' }).optional(),
    call_provider: z.string().min(1).optional(),
    call_from: E164.optional(),
    call_to: E164.optional(),
    call_direction: z.enum(['inbound', 'outbound']).optional(),
    is_test: z.boolean().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    agent_dynamic_variables: z.record(z.string(), z.unknown()).optional(),
    notes: z.string().optional(),
    workspace_id: z.string().min(1).optional(),
  })
  .strict();

export const callabKind = defineDestinationKind({
  kind: 'callab',
  auth: z.object({ token: secret }).strict(),
  defaults: CallabCreateCall.partial(),
});
