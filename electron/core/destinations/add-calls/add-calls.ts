/*
 * add-calls (seed 004). Auth: the `api_key` form field (sent first, so the server can refuse
 * before reading the file).
 * One step: POST {base}/api/add-calls, multipart/form-data: api_key, customer_name, user_id,
 * extension_id, order_id (from the call's customerName, userId, extensionId, orderId, over the
 * destination defaults by those platform names), then the `call` file part. The multipart body is
 * assembled around the throttled file stream with an exact Content-Length: nothing is buffered.
 * Before any byte goes out: size ≤ 500 MB (taken as 500 MiB, the usual server setting) and format
 * MP3/WAV/M4A/WebM/MP4 by extension; Content-Type from the audio probe when it fits the
 * extension, else from the extension. 201 {success, call_id, audio_url, duration_seconds, …}.
 *
 * Exactly-once guarantee: AT MOST ONCE, never silently twice. add-calls takes no client id and has
 * no lookup. A "create-call:sent" marker is committed before the request. An upload cut before its
 * last byte cannot have created a call (the server never saw a complete form), and an error answer
 * means it was refused, so both clear the marker and retry. Only when the whole body went out and
 * the answer was lost does the next attempt fail with "may have been created; check the platform
 * and resend on purpose".
 */
import crypto from 'node:crypto';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { AddCallsFields } from '../../../../shared/destinations/add-calls.js';
import { PermanentError } from '../../delivery-errors.js';
import { createHttpClient } from '../../http/http-client.js';
import { probeBase, refusedCreateCheck, runConnectionTest } from '../connection-test.js';
import type { DeliveryJob, Destination } from '../destination.js';
import type { ConfigOf, DestinationDeps } from '../destination-deps.js';
import { createdCallOutcome } from '../delivery-outcome.js';
import { createCallOnce } from '../exactly-once.js';
import { createBodyCheck, joinUrl, overlay, type FieldMap } from '../platform-fields.js';
import { explainRefusal } from '../refused-credentials.js';

export const ADD_CALLS_MAX_BYTES = 500 * 1024 * 1024;

/** Accepted formats: extension → content types that fit it (the first is used when the probe's does not). */
export const ADD_CALLS_FORMATS: Record<string, string[]> = {
  '.mp3': ['audio/mpeg', 'audio/mp3'],
  '.wav': ['audio/wav', 'audio/x-wav', 'audio/wave', 'audio/vnd.wave'],
  '.m4a': ['audio/mp4', 'audio/x-m4a', 'audio/m4a', 'audio/aac'],
  '.webm': ['audio/webm', 'video/webm'],
  '.mp4': ['video/mp4', 'audio/mp4'],
};

const fieldMap: FieldMap = {
  customer_name: 'customerName',
  user_id: 'userId',
  extension_id: 'extensionId',
  order_id: 'orderId',
};

const checkFields = createBodyCheck(AddCallsFields, fieldMap, 'add-calls');

const CreateAnswer = z
  .object({
    success: z.literal(true),
    call_id: z.string().min(1),
    message: z.string().nullish(),
    audio_url: z.string().nullish(),
    duration_seconds: z.number().nullish(),
    processing_time_ms: z.number().nullish(),
  })
  .loose();

interface CreatedCall {
  remoteId: string;
  audioUrl: string | null;
  raw: Record<string, unknown>;
}

/** Why the file cannot go to add-calls at all, or null when it can; with the Content-Type to send. */
export function checkAddCallsFile(recording: DeliveryJob['recording']): {
  problem: string | null;
  contentType: string;
} {
  const ext = path.extname(recording.fileName).toLowerCase();
  const types = ADD_CALLS_FORMATS[ext];
  if (!types) {
    return {
      problem: `add-calls accepts MP3, WAV, M4A, WebM and MP4 files; ${recording.fileName} is not one of them. Convert it, or send it to another destination.`,
      contentType: recording.contentType,
    };
  }
  const contentType = types.includes(recording.contentType.toLowerCase()) ? recording.contentType : types[0]!;
  if (recording.sizeBytes > ADD_CALLS_MAX_BYTES) {
    const mb = (recording.sizeBytes / (1024 * 1024)).toFixed(0);
    return {
      problem: `${recording.fileName} is ${mb} MB; add-calls accepts at most 500 MB per file. Split or compress it, or send it to another destination.`,
      contentType,
    };
  }
  if (recording.sizeBytes === 0)
    return { problem: `${recording.fileName} is empty; there is nothing to send.`, contentType };
  return { problem: null, contentType };
}

function formField(boundary: string, name: string, value: string): string {
  return `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
}

function fileHeader(boundary: string, fileName: string, contentType: string): string {
  // An ASCII fallback name plus the RFC 5987 form, so non-ASCII names survive.
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(fileName);
  const star = encoded === fileName ? '' : `; filename*=UTF-8''${encoded}`;
  return (
    `--${boundary}\r\nContent-Disposition: form-data; name="call"; filename="${ascii}"${star}\r\n` +
    `Content-Type: ${contentType}\r\n\r\n`
  );
}

/** The whole form as a stream around the file's bytes, and its exact length. */
export function multipartBody(
  fields: [string, string][],
  file: { fileName: string; contentType: string; size: number; open: () => Readable },
): { contentType: string; length: number; body: AsyncIterable<Uint8Array> } {
  const boundary = `----callrelay${crypto.randomBytes(12).toString('hex')}`;
  const head = Buffer.from(
    fields.map(([name, value]) => formField(boundary, name, value)).join('') +
      fileHeader(boundary, file.fileName, file.contentType),
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  async function* body() {
    yield head;
    const stream = file.open();
    try {
      for await (const chunk of stream) yield chunk as Uint8Array;
    } finally {
      stream.destroy();
    }
    yield tail;
  }
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    length: head.length + file.size + tail.length,
    body: body(),
  };
}

export function createAddCallsDestination(config: ConfigOf<'add-calls'>, deps: DestinationDeps): Destination {
  const http = createHttpClient({ dispatcher: deps.dispatcher, route: deps.route, now: () => deps.clock.now() });
  const url = joinUrl(config.baseUrl, 'api/add-calls');

  function fields(job: Pick<DeliveryJob, 'call'>): Record<string, unknown> {
    const { call } = job;
    return overlay(config.defaults, {
      customer_name: call.customerName,
      user_id: call.userId,
      extension_id: call.extensionId,
      order_id: call.orderId,
    });
  }

  return {
    name: config.name,
    kind: 'add-calls',
    fields: { required: ['callId'], optional: ['customerName', 'userId', 'extensionId', 'orderId'] },
    validate: (job) => checkFields.issues(fields(job)),
    async deliver(ctx) {
      const formFields = checkFields.parse(fields(ctx.job));
      const { recording } = ctx.job;
      const file = checkAddCallsFile(recording);
      if (file.problem) throw new PermanentError(file.problem);
      const created = await createCallOnce<CreatedCall>(ctx, 'add-calls', {
        send: async () => {
          const form = multipartBody(
            [
              ['api_key', config.auth.apiKey],
              ...Object.entries(formFields).filter((e): e is [string, string] => typeof e[1] === 'string'),
            ],
            {
              fileName: recording.fileName,
              contentType: file.contentType,
              size: recording.sizeBytes,
              open: () => ctx.openBody(0),
            },
          );
          const answer = await explainRefusal('add-calls', 'upload the call', () =>
            http.json(
              {
                method: 'POST',
                url,
                headers: { 'content-type': form.contentType, 'content-length': String(form.length) },
                body: form.body,
                signal: ctx.signal,
              },
              CreateAnswer,
            ),
          );
          return {
            remoteId: answer.call_id,
            audioUrl: answer.audio_url ?? null,
            raw: answer as Record<string, unknown>,
          };
        },
      });
      return createdCallOutcome(
        { ...created, status: 'queued for processing', transcriptText: null, recordingUrl: created.audioUrl },
        ctx.now(),
      );
    },
    testConnection(signal) {
      // A form with the key and neither `call` nor `audio_url` cannot create anything; a 400 means
      // the key was accepted.
      const form = `--callrelay-test\r\nContent-Disposition: form-data; name="api_key"\r\n\r\n${config.auth.apiKey}\r\n--callrelay-test--\r\n`;
      const check = refusedCreateCheck(
        {
          method: 'POST',
          url,
          headers: { 'content-type': 'multipart/form-data; boundary=callrelay-test' },
          body: form,
          signal,
        },
        'Connected to add-calls; api_key accepted.',
      );
      return runConnectionTest(http, check, () => deps.clock.now(), 'add-calls');
    },
    probe: (signal) => probeBase(http, config.baseUrl, signal),
  };
}
