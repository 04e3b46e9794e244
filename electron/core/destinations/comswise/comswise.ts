/*
 * comswise (seed 000). Auth: `Authorization: Bearer <token>` on API calls, never on the
 * presigned storage URL (the key would leak to storage, and storage refuses two auth schemes).
 *
 * Steps, each committed through ctx.steps before the next starts:
 *   upload-url     POST {base}/upload/request {fileName, contentType} → {uploadUrl, fileKey}, with
 *                  the URL's expiry (from X-Amz-Date/X-Amz-Expires, Expires, or expiresIn/expiresAt).
 *   upload         PUT the bytes to uploadUrl, same Content-Type, exact Content-Length, no
 *                  Authorization. A single PUT cannot resume: on 403 (expired or refused
 *                  signature) the URL is dropped and a fresh one requested.
 *   create-call    POST {base}/calls/create {callId, startTime, …, recordingUrl: fileKey}.
 *   complete-call  live calls only (call.status "in-progress"): the call is created first without
 *                  audio, and PATCH {base}/calls/{id} {status: completed, recordingUrl} finishes it.
 *                  openLiveCall runs create-call alone while the recording is still written.
 * Results: GET {base}/calls/?limit=&cursor= pages, matched by id; ready once executiveSummary
 * or transcript.transcriptUrl is there.
 *
 * Exactly-once guarantee: STRONG. comswise takes our callId. A "create-call:sent" marker is
 * committed before the request; an attempt that finds it without a result first pages through
 * GET calls/ looking for our callId and adopts that call; it creates only when the listing is
 * exhausted without a match. If the listing is too long to exhaust (more than maxLookupPages),
 * the job fails asking a person to check, rather than risk a second call. The PATCH is
 * idempotent (same status, same key) and simply repeats.
 */
import { z } from 'zod';
import { ComswiseCreateCall } from '../../../../shared/destinations/comswise.js';
import type { CallResult, FieldIssue } from '../../../../shared/model.js';
import { ReviewError, TransientError, PermanentError } from '../../delivery-errors.js';
import { createHttpClient, errorStatus } from '../../http/http-client.js';
import { listOneCheck, runConnectionTest, probeBase } from '../connection-test.js';
import type { DeliveryContext, DeliveryJob, DeliveryOutcome, Destination } from '../destination.js';
import type { ConfigOf, DestinationDeps } from '../destination-deps.js';
import { createdCallOutcome } from '../delivery-outcome.js';
import { createCallOnce } from '../exactly-once.js';
import { createBodyCheck, isoNow, joinUrl, overlay, type FieldMap } from '../platform-fields.js';
import { explainRefusal } from '../refused-credentials.js';

export type ComswiseCreateCall = z.infer<typeof ComswiseCreateCall>;

const fieldMap: FieldMap = {
  callId: 'callId',
  startTime: 'startTime',
  endTime: 'endTime',
  status: 'status',
  from: 'from',
  to: 'to',
  direction: 'direction',
  groupingId: 'groupingId',
  recordingUrl: 'recording',
};

// Conditional rules of the seed's table, checked apart from the schema so every missing field is
// named at once.
function conditionalRules(body: Record<string, unknown>, issues: FieldIssue[]): FieldIssue[] {
  if (!body.groupingId) {
    for (const side of ['from', 'to'] as const) {
      if (body[side] === undefined) {
        issues.push({
          field: side,
          message: 'required by comswise when there is no groupingId (E.164, e.g. +15550000000)',
        });
      }
    }
  }
  if (body.status === 'completed' && !body.recordingUrl) {
    issues.push({ field: 'recording', message: 'comswise needs the uploaded file key for a completed call' });
  }
  return issues;
}

const checkBody = createBodyCheck(ComswiseCreateCall, fieldMap, 'comswise', conditionalRules);

const UploadAnswer = z
  .object({
    uploadUrl: z.url(),
    fileKey: z.string().min(1),
    expiresIn: z.number().positive().optional(),
    expiresAt: z.string().optional(),
  })
  .loose();

/** The seed shows no create response; accept the id where platforms usually put it. */
const CreateAnswer = z
  .object({
    id: z.string().optional(),
    _id: z.string().optional(),
    status: z.string().optional(),
    data: z.object({ id: z.string().optional(), status: z.string().optional() }).loose().optional(),
    call: z.object({ id: z.string().optional(), status: z.string().optional() }).loose().optional(),
  })
  .loose();

const ListedCall = z
  .object({
    id: z.string(),
    callId: z.string().nullish(),
    status: z.string().nullish(),
    executiveSummary: z.string().nullish(),
    transcript: z.object({ transcriptUrl: z.string().nullish() }).loose().nullish(),
  })
  .loose();
type ListedCall = z.infer<typeof ListedCall>;

const CallsPage = z.object({
  calls: z.array(ListedCall),
  cursor: z.string().nullish(),
  hasMore: z.boolean(),
});

interface UploadTarget {
  uploadUrl: string;
  fileKey: string;
  contentType: string;
  /** Epoch ms, or null when the platform did not say. */
  expiresAt: number | null;
}

interface CreatedCall {
  remoteId: string;
  status: string | null;
}

/** A URL this close to expiry is not worth starting a PUT with. */
const EXPIRY_MARGIN_MS = 60_000;
const PAGE_LIMIT = 100;

export function createComswiseDestination(
  config: ConfigOf<'comswise'>,
  deps: DestinationDeps,
  options: { maxLookupPages?: number; maxFreshUrls?: number } = {},
): Destination {
  const http = createHttpClient({ dispatcher: deps.dispatcher, route: deps.route, now: () => deps.clock.now() });
  const base = config.baseUrl;
  const auth = { authorization: `Bearer ${config.auth.token}` };
  const maxLookupPages = options.maxLookupPages ?? 50;
  const maxFreshUrls = options.maxFreshUrls ?? 3;

  function createBody(job: Pick<DeliveryJob, 'call'>, recordingUrl: string | undefined, live: boolean) {
    const { call } = job;
    return overlay(config.defaults, {
      callId: call.callId,
      groupingId: call.groupingId,
      from: call.from,
      to: call.to,
      direction: call.direction,
      startTime: call.startTime,
      endTime: call.endTime,
      status: live ? 'in-progress' : 'completed',
      recordingUrl,
    });
  }

  function validate(job: Pick<DeliveryJob, 'recording' | 'call'>): FieldIssue[] {
    const live = job.call.status === 'in-progress';
    // The file key exists only after the upload; a placeholder stands in for the check.
    return checkBody.issues(createBody(job, live ? undefined : 'pending-upload', live));
  }

  async function uploadTarget(ctx: DeliveryContext): Promise<UploadTarget> {
    const saved = ctx.steps.get<UploadTarget>('upload-url');
    if (saved && (saved.expiresAt === null || saved.expiresAt - ctx.now() > EXPIRY_MARGIN_MS)) return saved;
    const { recording } = ctx.job;
    const answer = await explainRefusal('comswise', 'request an upload URL', () =>
      http.json(
        {
          method: 'POST',
          url: joinUrl(base, 'upload/request'),
          headers: auth,
          json: { fileName: recording.fileName, contentType: recording.contentType },
          signal: ctx.signal,
        },
        UploadAnswer,
      ),
    );
    const target: UploadTarget = {
      uploadUrl: answer.uploadUrl,
      fileKey: answer.fileKey,
      contentType: recording.contentType,
      expiresAt: presignedExpiry(answer, ctx.now()),
    };
    ctx.steps.commit('upload-url', target);
    return target;
  }

  async function upload(ctx: DeliveryContext): Promise<string> {
    const done = ctx.steps.get<{ fileKey: string }>('upload');
    if (done) return done.fileKey;
    const size = ctx.job.recording.sizeBytes;
    for (let fresh = 0; ; fresh++) {
      const target = await uploadTarget(ctx);
      const body = ctx.openBody(0);
      try {
        // Deliberately only these two headers: a presigned URL carries its own authorisation.
        await http.expectOk({
          method: 'PUT',
          url: target.uploadUrl,
          headers: { 'content-type': target.contentType, 'content-length': String(size) },
          body,
          signal: ctx.signal,
        });
      } catch (error) {
        if (errorStatus(error) === 403) {
          ctx.steps.clear('upload-url');
          if (fresh + 1 < maxFreshUrls) {
            ctx.log.info(
              { fresh: fresh + 1 },
              'storage refused the upload URL (expired?); asking comswise for a fresh one',
            );
            continue;
          }
          throw new TransientError(
            `Storage refused ${maxFreshUrls} fresh upload URLs in a row (${(error as Error).message}); ` +
              "will try again later. If it persists, check this computer's clock.",
            { cause: error },
          );
        }
        throw error;
      } finally {
        body.destroy();
      }
      ctx.steps.commit('upload', { fileKey: target.fileKey, sizeBytes: size });
      return target.fileKey;
    }
  }

  async function listPage(cursor: string | null, signal: AbortSignal, limit = PAGE_LIMIT) {
    const url = new URL(joinUrl(base, 'calls/'));
    url.searchParams.set('limit', String(limit));
    if (cursor) url.searchParams.set('cursor', cursor);
    return explainRefusal('comswise', 'list calls', () =>
      http.json({ method: 'GET', url: url.toString(), headers: auth, signal }, CallsPage),
    );
  }

  /** Pages through GET calls/ until `match` hits; `complete` is false when the pages ran out first. */
  async function findCall(
    match: (call: ListedCall) => boolean,
    signal: AbortSignal,
  ): Promise<{ found: ListedCall | null; complete: boolean }> {
    let cursor: string | null = null;
    for (let page = 0; page < maxLookupPages; page++) {
      const answer = await listPage(cursor, signal);
      const found = answer.calls.find(match);
      if (found) return { found, complete: true };
      if (!answer.hasMore || !answer.cursor) return { found: null, complete: true };
      cursor = answer.cursor;
    }
    return { found: null, complete: false };
  }

  async function createCall(ctx: DeliveryContext, fileKey: string | undefined, live: boolean): Promise<CreatedCall> {
    const request = checkBody.parse(createBody(ctx.job, fileKey, live));
    const callId = request.callId;
    const lookup = async (): Promise<CreatedCall | null> => {
      const { found, complete } = await findCall((c) => c.callId === callId, ctx.signal);
      if (found) return { remoteId: found.id, status: found.status ?? null };
      if (!complete) {
        throw new PermanentError(
          `A create request for callId ${callId} was sent earlier and its answer was lost; comswise lists more ` +
            `than ${maxLookupPages * PAGE_LIMIT} calls, too many to prove it absent. Check comswise for callId ` +
            `${callId}; if it is missing, resend this recording on purpose.`,
        );
      }
      return null;
    };
    return createCallOnce<CreatedCall>(ctx, 'comswise', {
      recover: lookup,
      send: async () => {
        const answer = await explainRefusal('comswise', 'create the call', () =>
          http.json(
            { method: 'POST', url: joinUrl(base, 'calls/create'), headers: auth, json: request, signal: ctx.signal },
            CreateAnswer,
          ),
        );
        const remoteId = answer.id ?? answer._id ?? answer.data?.id ?? answer.call?.id;
        if (remoteId) return { remoteId, status: answer.status ?? answer.data?.status ?? answer.call?.status ?? null };
        // Created, but the answer named no id: find it by our callId rather than guess.
        const found = await lookup();
        if (found) return found;
        throw new TransientError(`comswise accepted callId ${callId} but it is not listed yet; will look again`);
      },
    });
  }

  async function completeCall(ctx: DeliveryContext, remoteId: string, fileKey: string): Promise<void> {
    if (ctx.steps.get('complete-call') !== undefined) return;
    await explainRefusal('comswise', 'complete the call', () =>
      http.expectOk({
        method: 'PATCH',
        url: joinUrl(base, `calls/${encodeURIComponent(remoteId)}`),
        headers: auth,
        json: { status: 'completed', recordingUrl: fileKey },
        signal: ctx.signal,
      }),
    );
    ctx.steps.commit('complete-call', { status: 'completed', recordingUrl: fileKey });
  }

  function toResult(call: ListedCall, now: number): CallResult {
    return {
      remoteId: call.id,
      status: call.status ?? null,
      summary: call.executiveSummary ?? null,
      transcriptUrl: call.transcript?.transcriptUrl ?? null,
      transcriptText: null,
      recordingUrl: null,
      raw: call as Record<string, unknown>,
      fetchedAt: isoNow(now),
    };
  }

  return {
    name: config.name,
    kind: 'comswise',
    fields: {
      required: ['callId', 'startTime'],
      optional: ['from', 'to', 'groupingId', 'direction', 'endTime', 'status'],
    },
    validate,
    async deliver(ctx): Promise<DeliveryOutcome> {
      const issues = validate(ctx.job);
      if (issues.length > 0) throw new ReviewError(issues);
      const live = ctx.job.call.status === 'in-progress';
      let created: CreatedCall;
      if (live) {
        created = await createCall(ctx, undefined, true);
        const fileKey = await upload(ctx);
        await completeCall(ctx, created.remoteId, fileKey);
        created = { ...created, status: 'completed' };
      } else {
        const fileKey = await upload(ctx);
        created = await createCall(ctx, fileKey, false);
      }
      const recordingUrl = ctx.steps.get<{ fileKey: string }>('upload')?.fileKey ?? null;
      return createdCallOutcome({ ...created, transcriptText: null, recordingUrl }, ctx.now(), { pollResults: true });
    },
    async openLiveCall(ctx) {
      const issues = validate(ctx.job);
      if (issues.length > 0) throw new ReviewError(issues);
      // The same exactly-once step deliver runs for a live call: deliver then finds it committed.
      await createCall(ctx, undefined, true);
    },
    async fetchResult(remoteId, { signal }) {
      const { found } = await findCall((c) => c.id === remoteId, signal);
      if (!found) return null;
      if (!found.executiveSummary && !found.transcript?.transcriptUrl) return null;
      return toResult(found, deps.clock.now());
    },
    testConnection(signal) {
      const check = listOneCheck(joinUrl(base, 'calls/'), auth, signal);
      return runConnectionTest(http, check, () => deps.clock.now(), 'comswise');
    },
    probe: (signal) => probeBase(http, base, signal),
  };
}

/** When a presigned URL stops working: the answer's own fields, else the URL's signing parameters. */
export function presignedExpiry(
  answer: { uploadUrl: string; expiresIn?: number; expiresAt?: string },
  now: number,
): number | null {
  if (answer.expiresAt) {
    const at = Date.parse(answer.expiresAt);
    if (!Number.isNaN(at)) return at;
  }
  if (answer.expiresIn) return now + answer.expiresIn * 1000;
  const url = new URL(answer.uploadUrl);
  const date = url.searchParams.get('X-Amz-Date');
  const seconds = url.searchParams.get('X-Amz-Expires');
  const stamp = date?.match(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/);
  if (stamp && seconds && /^\d+$/.test(seconds)) {
    const [, y, mo, d, h, mi, s] = stamp.map(Number) as number[];
    return Date.UTC(y!, mo! - 1, d, h, mi, s) + Number(seconds) * 1000;
  }
  const expires = url.searchParams.get('Expires');
  if (expires && /^\d+$/.test(expires)) return Number(expires) * 1000;
  return null;
}
