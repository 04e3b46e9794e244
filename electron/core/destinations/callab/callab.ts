/*
 * callab (seed 001). Auth: `Authorization: Bearer <token>`.
 * One step: POST {base}/v1/calls with the documented JSON fields only. callab takes no audio, so
 * the recording's details (our callId, file name, SHA-256, size, duration, times) travel in
 * `metadata`. Platform-only ids (company_id, contact_id, workspace_id, call_provider, is_test)
 * come from the destination's defaults; company_id is required (a call belongs to a company).
 * The response's `data` gives id, call_status, record_url, transcript.
 *
 * Exactly-once guarantee: AT MOST ONCE, never silently twice. callab accepts no client id and
 * documents no way to look a call up, so a "create-call:sent" marker is committed before the
 * request. If the request provably never reached callab (connection refused, body cut short) or
 * callab answered with an error, the marker is cleared and the job retries. If the request went
 * out and its answer was lost, the next attempt cannot prove the call absent: the job fails with
 * "may have been created; check the platform and resend on purpose" instead of risking a second call.
 */
import { z } from 'zod';
import { CallabCreateCall } from '../../../../shared/destinations/callab.js';
import { createHttpClient } from '../../http/http-client.js';
import { listOneCheck, probeBase, runConnectionTest } from '../connection-test.js';
import type { DeliveryJob, Destination } from '../destination.js';
import type { ConfigOf, DestinationDeps } from '../destination-deps.js';
import { createdCallOutcome } from '../delivery-outcome.js';
import { createCallOnce } from '../exactly-once.js';
import { createBodyCheck, joinUrl, metadataWithRecording, overlay, type FieldMap } from '../platform-fields.js';
import { explainRefusal } from '../refused-credentials.js';

const fieldMap: FieldMap = {
  campaign_id: 'campaignId',
  ai_agent_id: 'agentId',
  call_from: 'from',
  call_to: 'to',
  call_direction: 'direction',
  notes: 'notes',
  metadata: 'extra',
};

const checkBody = createBodyCheck(CallabCreateCall, fieldMap, 'callab');

const CreateAnswer = z
  .object({
    status: z.string().nullish(),
    message: z.string().nullish(),
    data: z
      .object({
        id: z.string().min(1),
        call_status: z.string().nullish(),
        record_url: z.string().nullish(),
        transcript: z.string().nullish(),
        analysis_sentiment: z.string().nullish(),
      })
      .loose(),
  })
  .loose();

interface CreatedCall {
  remoteId: string;
  status: string | null;
  transcript: string | null;
  recordUrl: string | null;
  raw: Record<string, unknown>;
}

export function createCallabDestination(config: ConfigOf<'callab'>, deps: DestinationDeps): Destination {
  const http = createHttpClient({ dispatcher: deps.dispatcher, route: deps.route, now: () => deps.clock.now() });
  const auth = { authorization: `Bearer ${config.auth.token}` };
  const url = joinUrl(config.baseUrl, 'v1/calls');

  function body(job: Pick<DeliveryJob, 'recording' | 'call'>): Record<string, unknown> {
    const { call } = job;
    return overlay(config.defaults, {
      campaign_id: call.campaignId,
      ai_agent_id: call.agentId,
      call_from: call.from,
      call_to: call.to,
      call_direction: call.direction === 'unknown' ? undefined : call.direction,
      notes: call.notes,
      metadata: metadataWithRecording(config.defaults.metadata, job),
    });
  }

  return {
    name: config.name,
    kind: 'callab',
    fields: {
      required: ['callId'],
      optional: ['from', 'to', 'direction', 'agentId', 'campaignId', 'notes', 'startTime', 'endTime', 'extra'],
    },
    validate: (job) => checkBody.issues(body(job)),
    async deliver(ctx) {
      const request = checkBody.parse(body(ctx.job));
      const created = await createCallOnce<CreatedCall>(ctx, 'callab', {
        send: async () => {
          const answer = await explainRefusal('callab', 'create the call', () =>
            http.json({ method: 'POST', url, headers: auth, json: request, signal: ctx.signal }, CreateAnswer),
          );
          return {
            remoteId: answer.data.id,
            status: answer.data.call_status ?? null,
            transcript: answer.data.transcript ?? null,
            recordUrl: answer.data.record_url ?? null,
            raw: answer.data as Record<string, unknown>,
          };
        },
      });
      return createdCallOutcome(
        { ...created, transcriptText: created.transcript, recordingUrl: created.recordUrl },
        ctx.now(),
      );
    },
    testConnection(signal) {
      return runConnectionTest(http, listOneCheck(url, auth, signal), () => deps.clock.now(), 'callab');
    },
    probe: (signal) => probeBase(http, config.baseUrl, signal),
  };
}
