// agent-calls (seed 002): what its config takes and what its create request accepts. How
// CallRelay talks to it: electron/core/destinations/agent-calls/.
import { z } from 'zod';
import { defineDestinationKind, secret } from './destination-kind.js';

export const AgentCallsCreateCall = z
  .object({
    agent_id: z.string().min(1),
    call_id: z.string().min(1).optional(),
    call_type: z.enum(['PHONE_CALL', 'WEB_CALL']).optional(),
    direction: z.enum(['INBOUND', 'OUTBOUND']).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export const agentCallsKind = defineDestinationKind({
  kind: 'agent-calls',
  auth: z.object({ apiKey: secret, apiSecret: secret }).strict(),
  defaults: AgentCallsCreateCall.partial(),
});
