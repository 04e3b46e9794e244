/*
 * agent-calls (seed 002). Auth: `X-API-KEY` and `X-API-SECRET` headers.
 * One step: POST {base}/api/calls/create {agent_id (required), call_id, call_type
 * PHONE_CALL|WEB_CALL, direction INBOUND|OUTBOUND, metadata}. agent_id comes from the call's
 * agentId or the destination default `agent_id`; call_type from the default `call_type`
 * (PHONE_CALL when unset); direction "unknown" is left out (the enum has no such value). The
 * recording's details travel in `metadata`. The answer's `data.call` is the call.
 *
 * Exactly-once guarantee: STRONG, on the platform's key. We send our callId as `call_id`, which the
 * platform documents as the call's identifier. A "create-call:sent" marker is committed first; an
 * attempt that finds the marker without a result resends with the same call_id, and a 409
 * ("already exists") then means the earlier request did create it, so the call is adopted, not
 * created again. This holds as long as agent-calls keeps call_id unique, as an identifier must.
 */
import { z } from 'zod';
import { AgentCallsCreateCall } from '../../../../shared/destinations/agent-calls.js';
import { PermanentError } from '../../delivery-errors.js';
import { createHttpClient, errorStatus } from '../../http/http-client.js';
import { probeBase, refusedCreateCheck, runConnectionTest } from '../connection-test.js';
import type { DeliveryContext, DeliveryJob, Destination } from '../destination.js';
import type { ConfigOf, DestinationDeps } from '../destination-deps.js';
import { createdCallOutcome } from '../delivery-outcome.js';
import { createCallOnce } from '../exactly-once.js';
import { createBodyCheck, joinUrl, metadataWithRecording, overlay, type FieldMap } from '../platform-fields.js';
import { explainRefusal } from '../refused-credentials.js';

const fieldMap: FieldMap = {
  agent_id: 'agentId',
  call_id: 'callId',
  direction: 'direction',
  metadata: 'extra',
};

const checkBody = createBodyCheck(AgentCallsCreateCall, fieldMap, 'agent-calls');

const CallAnswer = z
  .object({
    call_id: z.string().min(1),
    call_status: z.string().nullish(),
    recording_url: z.string().nullish(),
    transcript: z.string().nullish(),
    call_analysis: z.unknown().optional(),
  })
  .loose();
const CreateAnswer = z
  .object({ message: z.string().nullish(), status: z.string().nullish(), data: z.object({ call: CallAnswer }).loose() })
  .loose();

interface CreatedCall {
  remoteId: string;
  status: string | null;
  transcript: string | null;
  recordingUrl: string | null;
  raw: Record<string, unknown> | null;
}

export function createAgentCallsDestination(config: ConfigOf<'agent-calls'>, deps: DestinationDeps): Destination {
  const http = createHttpClient({ dispatcher: deps.dispatcher, route: deps.route, now: () => deps.clock.now() });
  const headers = { 'x-api-key': config.auth.apiKey, 'x-api-secret': config.auth.apiSecret };
  const url = joinUrl(config.baseUrl, 'api/calls/create');

  function body(job: Pick<DeliveryJob, 'recording' | 'call'>): Record<string, unknown> {
    const { call } = job;
    return overlay(
      { call_type: 'PHONE_CALL', ...config.defaults },
      {
        agent_id: call.agentId,
        call_id: call.callId,
        direction: call.direction === 'inbound' ? 'INBOUND' : call.direction === 'outbound' ? 'OUTBOUND' : undefined,
        metadata: metadataWithRecording(config.defaults.metadata, job),
      },
    );
  }

  async function send(ctx: DeliveryContext, request: z.infer<typeof AgentCallsCreateCall>): Promise<CreatedCall> {
    const answer = await explainRefusal('agent-calls', 'create the call', () =>
      http.json({ method: 'POST', url, headers, json: request, signal: ctx.signal }, CreateAnswer),
    );
    const call = answer.data.call;
    return {
      remoteId: call.call_id,
      status: call.call_status ?? null,
      transcript: call.transcript ?? null,
      recordingUrl: call.recording_url ?? null,
      raw: call as Record<string, unknown>,
    };
  }

  return {
    name: config.name,
    kind: 'agent-calls',
    fields: { required: ['callId', 'agentId'], optional: ['direction', 'from', 'to', 'startTime', 'endTime', 'extra'] },
    validate: (job) => checkBody.issues(body(job)),
    async deliver(ctx) {
      const request = checkBody.parse(body(ctx.job));
      const created = await createCallOnce<CreatedCall>(ctx, 'agent-calls', {
        // The earlier request may have created it: resending the same call_id is safe, and a 409
        // proves it exists.
        recover: async () => {
          try {
            return await send(ctx, request);
          } catch (error) {
            if (errorStatus(error) === 409 && request.call_id) {
              ctx.log.info({ callId: request.call_id }, 'agent-calls already has this call_id; adopting it');
              return { remoteId: request.call_id, status: null, transcript: null, recordingUrl: null, raw: null };
            }
            throw error;
          }
        },
        send: async () => {
          try {
            return await send(ctx, request);
          } catch (error) {
            if (errorStatus(error) === 409) {
              throw new PermanentError(
                `${(error as Error).message}. agent-calls already holds a call with call_id ${request.call_id}; ` +
                  'if this recording is a different call, give it another callId in the review form.',
                { status: 409, cause: error },
              );
            }
            throw error;
          }
        },
      });
      return createdCallOutcome({ ...created, transcriptText: created.transcript }, ctx.now());
    },
    testConnection(signal) {
      // An empty body lacks the required agent_id, so nothing can be created; a 400 means the keys passed.
      const check = refusedCreateCheck(
        { method: 'POST', url, headers, json: {}, signal },
        'Connected to agent-calls; X-API-KEY and X-API-SECRET accepted.',
      );
      return runConnectionTest(http, check, () => deps.clock.now(), 'agent-calls');
    },
    probe: (signal) => probeBase(http, config.baseUrl, signal),
  };
}
