// Emulated cx (seed 003): POST /cx/api/v1/calls with HTTP Basic auth; agentId, channel, skillId,
// customerName and customerPhone all required. Errors are `{statusCode, error, message}`.
import crypto from 'node:crypto';
import { z } from 'zod';
import type { Exchange } from '../exchange.js';
import { e164, readCheckedBody, uuid } from '../platform-checks.js';
import { singleRoutePlatform } from '../sandbox-platform.js';

const CreateCall = z
  .object({
    agentId: uuid,
    channel: z.enum(['call', 'sms', 'whatsapp', 'webchat']),
    skillId: uuid,
    customerName: z.string().min(1),
    customerPhone: e164,
  })
  .strict();

export function createCxApi(options: { username: string; password: string }) {
  const calls: Record<string, unknown>[] = [];
  const expected = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`;

  function fail(ex: Exchange, status: number, error: string, message: string | string[]) {
    ex.send(status, { statusCode: status, error, message });
  }

  async function handle(ex: Exchange): Promise<void> {
    const { req } = ex;
    if (!(req.method === 'POST' && ex.path.replace(/\/+$/, '') === '/api/v1/calls')) {
      req.resume();
      return fail(ex, 404, 'Not Found', `Cannot ${req.method} ${ex.path}`);
    }
    if (req.headers.authorization !== expected) {
      req.resume();
      return fail(ex, 401, 'Unauthorized', 'Invalid or missing Basic credentials');
    }
    const body = await readCheckedBody(ex, CreateCall);
    if ('unreadable' in body) return fail(ex, 400, 'Bad Request', body.unreadable);
    if ('problems' in body) return fail(ex, 400, 'Bad Request', body.problems);
    const call = {
      id: crypto.randomUUID(),
      status: 'in-progress',
      agentPhone: '+15550000001',
      customerPhone: body.data.customerPhone,
      agentId: body.data.agentId,
      customerId: crypto.randomUUID(),
      skillId: body.data.skillId,
      customerName: body.data.customerName,
      channel: body.data.channel,
      // As the seed's example answer does: cx transcribes the call and returns the text at once.
      transcription: `Agent: Hello, how can I help you?\nCustomer: Hi, this is ${body.data.customerName}, I am calling about my order.`,
      recordingUrl: '',
    };
    calls.push(call);
    const { channel: _channel, ...answer } = call;
    ex.send(200, answer);
  }

  return { handle, calls: () => calls.map((c) => ({ ...c })) };
}

/** What the emulation accepts, and a destination that works against it. */
const ids = {
  cxAgentId: '123e4567-e89b-12d3-a456-426614174000',
  cxSkillId: '123e4567-e89b-12d3-a456-426614174001',
} as const;

export const cxPlatform = singleRoutePlatform({
  kind: 'cx',
  credentials: { username: 'sandbox-cx-user', password: 'sandbox-cx-password-4e1f' },
  ids,
  defaults: { agentId: ids.cxAgentId, skillId: ids.cxSkillId, channel: 'call' },
  create: createCxApi,
});
