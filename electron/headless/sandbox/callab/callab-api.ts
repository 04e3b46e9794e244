// Emulated callab (seed 001): POST /callab/v1/calls with a Bearer token, JSON body of the
// documented fields only; GET /callab/v1/calls lists calls (used by "test connection").
// Errors are `{status: "error", message}`.
import crypto from 'node:crypto';
import { z } from 'zod';
import type { Exchange } from '../exchange.js';
import { readCheckedBody, uuid } from '../platform-checks.js';
import { singleRoutePlatform } from '../sandbox-platform.js';

const CreateCall = z
  .object({
    company_id: uuid,
    campaign_id: uuid.optional(),
    ai_agent_id: uuid.optional(),
    contact_id: uuid.optional(),
    call_provider: z.string().optional(),
    call_from: z.string().optional(),
    call_to: z.string().optional(),
    call_direction: z.string().optional(),
    is_test: z.boolean().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    agent_dynamic_variables: z.record(z.string(), z.unknown()).optional(),
    notes: z.string().optional(),
    workspace_id: z.string().optional(),
  })
  .strict();

export function createCallabApi(options: { token: string }) {
  const calls: Record<string, unknown>[] = [];

  function fail(ex: Exchange, status: number, message: string) {
    ex.send(status, { status: 'error', message, data: null });
  }

  async function handle(ex: Exchange): Promise<void> {
    const { req } = ex;
    const path = ex.path.replace(/\/+$/, '');
    if (path !== '/v1/calls' || (req.method !== 'POST' && req.method !== 'GET')) {
      req.resume();
      return fail(ex, 404, `Not found: ${req.method} ${ex.path}`);
    }
    if (req.headers.authorization !== `Bearer ${options.token}`) {
      req.resume();
      return fail(ex, 401, 'Unauthorized: invalid or missing bearer token');
    }
    if (req.method === 'GET') {
      return ex.send(200, { status: 'success', message: 'ok', data: calls.slice(-20).reverse() });
    }
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      req.resume();
      return fail(ex, 415, 'Content-Type must be application/json');
    }
    const body = await readCheckedBody(ex, CreateCall);
    if ('unreadable' in body) return fail(ex, 400, body.unreadable);
    if ('problems' in body) return fail(ex, 422, body.problems.join('; '));
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const call = {
      id: crypto.randomUUID(),
      call_sid: `CA${crypto.randomBytes(16).toString('hex')}`,
      company_id: body.data.company_id,
      campaign_id: body.data.campaign_id ?? null,
      ai_agent_id: body.data.ai_agent_id ?? null,
      contact_id: body.data.contact_id ?? null,
      call_provider: body.data.call_provider ?? null,
      call_from: body.data.call_from ?? null,
      call_to: body.data.call_to ?? null,
      call_duration: null,
      call_status: 'registered',
      call_direction: body.data.call_direction ?? null,
      is_test: body.data.is_test ?? false,
      call_rating: null,
      call_feedback: null,
      record_url: null,
      transcript: null,
      transcript_object: {},
      transcript_language: null,
      cost: null,
      price_unit: null,
      latency: null,
      disconnect_reason: null,
      analysis_sentiment: null,
      agent_task_status: null,
      agent_task_feedback: null,
      metadata: body.data.metadata ?? {},
      agent_dynamic_variables: body.data.agent_dynamic_variables ?? {},
      agent_post_call_outcomes: {},
      notes: body.data.notes ?? null,
      created_at: now,
      updated_at: now,
      deleted_at: null,
      started_at: null,
      ended_at: null,
      retry_at: null,
      workspace_id: body.data.workspace_id ?? null,
    };
    calls.push(call);
    ex.send(200, { status: 'success', message: 'Call created', data: call });
  }

  return { handle, calls: () => calls.map((c) => ({ ...c })) };
}

/** What the emulation accepts, and a destination that works against it. */
const ids = { callabCompanyId: '3c90c3cc-0d44-4b50-8888-8dd25736052a' } as const;

export const callabPlatform = singleRoutePlatform({
  kind: 'callab',
  credentials: { token: 'sandbox-callab-token-91c2' },
  ids,
  defaults: { company_id: ids.callabCompanyId, call_provider: 'callrelay' },
  create: createCallabApi,
});
