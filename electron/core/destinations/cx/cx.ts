/*
 * cx (seed 003). Auth: HTTP Basic (username:password, base64).
 * One step: POST {base}/api/v1/calls {agentId, channel, skillId, customerName, customerPhone},
 * all five required. agentId/skillId come from the call or the destination defaults (UUIDs),
 * channel from the call or the default (call|sms|whatsapp|webchat; "call" when unset), and
 * customerPhone from the call's customerPhone, else the remote party (from on inbound, to on
 * outbound). cx takes neither audio nor metadata; the answer gives id, status, transcription,
 * recordingUrl.
 *
 * Exactly-once guarantee: AT MOST ONCE, never silently twice. cx accepts no client id and
 * documents no lookup, so a "create-call:sent" marker is committed before the request; it is
 * cleared only when the request provably did not reach cx or cx answered with an error. A lost
 * answer fails the job with "may have been created; check the platform and resend on purpose".
 */
import { z } from 'zod';
import { CxCreateCall } from '../../../../shared/destinations/cx.js';
import { createHttpClient } from '../../http/http-client.js';
import { probeBase, refusedCreateCheck, runConnectionTest } from '../connection-test.js';
import type { DeliveryJob, Destination } from '../destination.js';
import type { ConfigOf, DestinationDeps } from '../destination-deps.js';
import { createdCallOutcome } from '../delivery-outcome.js';
import { createCallOnce } from '../exactly-once.js';
import { createBodyCheck, customerNumber, filledFields, joinUrl, overlay, type FieldMap } from '../platform-fields.js';
import { explainRefusal } from '../refused-credentials.js';

const fieldMap: FieldMap = {
  agentId: 'agentId',
  channel: 'channel',
  skillId: 'skillId',
  customerName: 'customerName',
  customerPhone: 'customerPhone',
};

const checkBody = createBodyCheck(CxCreateCall, fieldMap, 'cx', (b, issues) =>
  issues.map((issue) =>
    issue.field === 'customerPhone' && b.customerPhone === undefined
      ? { ...issue, message: `${issue.message}; give customerPhone, or from/to with a direction` }
      : issue,
  ),
);

const CreateAnswer = z
  .object({
    id: z.string().min(1),
    status: z.string().nullish(),
    transcription: z.string().nullish(),
    recordingUrl: z.string().nullish(),
  })
  .loose();

interface CreatedCall {
  remoteId: string;
  status: string | null;
  transcription: string | null;
  recordingUrl: string | null;
  raw: Record<string, unknown>;
}

export function createCxDestination(config: ConfigOf<'cx'>, deps: DestinationDeps): Destination {
  const http = createHttpClient({ dispatcher: deps.dispatcher, route: deps.route, now: () => deps.clock.now() });
  const basic = Buffer.from(`${config.auth.username}:${config.auth.password}`).toString('base64');
  const headers = { authorization: `Basic ${basic}` };
  const url = joinUrl(config.baseUrl, 'api/v1/calls');

  const defaults = { channel: 'call', ...config.defaults };

  function body(job: Pick<DeliveryJob, 'call'>): Record<string, unknown> {
    const { call } = job;
    return overlay(defaults, {
      agentId: call.agentId,
      channel: call.channel,
      skillId: call.skillId,
      customerName: call.customerName,
      customerPhone: customerNumber(call),
    });
  }

  return {
    name: config.name,
    kind: 'cx',
    fields: {
      required: ['callId', 'agentId', 'channel', 'skillId', 'customerName', 'customerPhone'],
      optional: ['from', 'to', 'direction'],
    },
    validate: (job) => checkBody.issues(body(job)),
    filled: (job) => filledFields(defaults, body(job), fieldMap, job.call),
    async deliver(ctx) {
      const request = checkBody.parse(body(ctx.job));
      const created = await createCallOnce<CreatedCall>(ctx, 'cx', {
        send: async () => {
          const answer = await explainRefusal('cx', 'create the call', () =>
            http.json({ method: 'POST', url, headers, json: request, signal: ctx.signal }, CreateAnswer),
          );
          return {
            remoteId: answer.id,
            status: answer.status ?? null,
            transcription: answer.transcription || null,
            recordingUrl: answer.recordingUrl || null,
            raw: answer as Record<string, unknown>,
          };
        },
      });
      return createdCallOutcome({ ...created, transcriptText: created.transcription }, ctx.now());
    },
    testConnection(signal) {
      // Every field is required, so an empty body cannot create anything; a 400 means the login passed.
      const check = refusedCreateCheck(
        { method: 'POST', url, headers, json: {}, signal },
        'Connected to cx; username and password accepted.',
      );
      return runConnectionTest(http, check, () => deps.clock.now(), 'cx');
    },
    probe: (signal) => probeBase(http, config.baseUrl, signal),
  };
}
