// Emulated agent-calls (seed 002): POST /agent-calls/api/calls/create with X-API-KEY and
// X-API-SECRET. A call_id already in use is refused with 409, which is what lets a client that
// lost an answer resend with the same call_id safely. Errors are `{message, status, error}`.
import crypto from 'node:crypto';
import { z } from 'zod';
import type { Exchange } from '../exchange.js';
import { readCheckedBody } from '../platform-checks.js';
import { singleRoutePlatform } from '../sandbox-platform.js';

const CreateCall = z
  .object({
    agent_id: z.string().min(1),
    call_id: z.string().min(1).optional(),
    call_type: z.enum(['PHONE_CALL', 'WEB_CALL']).optional(),
    direction: z.enum(['INBOUND', 'OUTBOUND']).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export function createAgentCallsApi(options: { apiKey: string; apiSecret: string }) {
  const calls: Record<string, unknown>[] = [];

  function fail(ex: Exchange, status: number, message: string, error: string) {
    ex.send(status, { message, status: 'error', error, data: null });
  }

  async function handle(ex: Exchange): Promise<void> {
    const { req } = ex;
    if (!(req.method === 'POST' && ex.path.replace(/\/+$/, '') === '/api/calls/create')) {
      req.resume();
      return fail(ex, 404, `Not found: ${req.method} ${ex.path}`, 'not_found');
    }
    if (req.headers['x-api-key'] !== options.apiKey || req.headers['x-api-secret'] !== options.apiSecret) {
      req.resume();
      return fail(ex, 401, 'Invalid or missing X-API-KEY / X-API-SECRET', 'unauthorized');
    }
    const body = await readCheckedBody(ex, CreateCall);
    if ('unreadable' in body) return fail(ex, 400, body.unreadable, 'bad_request');
    if ('problems' in body) return fail(ex, 400, body.problems.join('; '), 'validation_error');
    const callId = body.data.call_id ?? `call_${crypto.randomUUID()}`;
    if (calls.some((c) => c.call_id === callId)) {
      return fail(ex, 409, `A call with call_id ${callId} already exists`, 'conflict');
    }
    const call = {
      call_id: callId,
      agent_id: body.data.agent_id,
      organization_id: 'sandbox-org',
      call_status: 'registered',
      call_type: (body.data.call_type ?? 'PHONE_CALL').toLowerCase(),
      direction: body.data.direction ? body.data.direction.toLowerCase() : null,
      start_timestamp: null,
      end_timestamp: null,
      call_duration: null,
      disconnection_reason: null,
      recording_url: null,
      public_log_url: null,
      opt_out_sensitive_data_storage: false,
      metadata: body.data.metadata ?? {},
      events: [{ timestamp: Date.now(), event: 'Call created via API', session_time: 0, data: {} }],
      transcript: null,
      transcript_object: [],
      transcript_with_tool_calls: [],
      latency: null,
      call_analysis: null,
      call_cost: null,
      telephony_identifier: null,
    };
    calls.push(call);
    ex.send(200, {
      message: 'Call created successfully',
      status: 'success',
      error: null,
      data: { organization_id: 'sandbox-org', call },
    });
  }

  return { handle, calls: () => calls.map((c) => ({ ...c })) };
}

/** What the emulation accepts, and a destination that works against it. */
const ids = { agentId: 'agent-123' } as const;

export const agentCallsPlatform = singleRoutePlatform({
  kind: 'agent-calls',
  credentials: { apiKey: 'sandbox-agent-key-55d0', apiSecret: 'sandbox-agent-secret-0b8e' },
  ids,
  defaults: { agent_id: ids.agentId, call_type: 'PHONE_CALL' },
  create: createAgentCallsApi,
});
