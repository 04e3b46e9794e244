/*
 * tus (resumable upload protocol 1.0, creation extension). Auth: whatever headers the destination
 * configures (e.g. Authorization), sent on every request.
 * Steps, each committed before the next:
 *   tus-upload   POST {base} with Upload-Length and Upload-Metadata (filename, filetype, callId,
 *                sha256, call times and numbers, plus the destination defaults) → 201 Location.
 *   tus-offset   HEAD the upload for Upload-Offset, then PATCH from exactly there
 *                (Content-Type: application/offset+octet-stream), at most chunkSizeBytes per
 *                PATCH; the offset the server confirmed is committed after each PATCH.
 * After a crash the stored upload URL is HEADed and the transfer resumes at the server's offset,
 * never at ours: bytes the server did not keep are sent again, nothing else. An upload the server
 * no longer knows (404/410) is started again from zero.
 *
 * Exactly-once guarantee: the file is completed once, at one upload URL. tus creates no "call":
 * if the process dies between the creation POST and committing its Location, the next attempt
 * creates a new upload and the first stays behind empty and unfinished (servers expire those); a
 * finished upload is never created twice, because the URL is committed before any byte is sent.
 */
import type { Readable } from 'node:stream';
import type { FieldIssue } from '../../../../shared/model.js';
import { PermanentError, TransientError } from '../../delivery-errors.js';
import { createHttpClient, errorStatus, type HttpResponse } from '../../http/http-client.js';
import { probeBase } from '../connection-test.js';
import type { DeliveryContext, Destination } from '../destination.js';
import type { ConfigOf, DestinationDeps } from '../destination-deps.js';
import { isoNow, joinUrl } from '../platform-fields.js';
import { TUS_UPLOAD_STEP } from '../../step-names.js';
import type { ConnectionTest } from '../../../../shared/contract.js';

const TUS = { 'tus-resumable': '1.0.0' };

interface TusUpload {
  uploadUrl: string;
}

/** Cuts a stream after `limit` bytes (the last chunk sliced), closing the source. */
async function* firstBytes(stream: Readable, limit: number): AsyncGenerator<Uint8Array> {
  let left = limit;
  try {
    for await (const chunk of stream) {
      const buf = chunk as Buffer;
      if (buf.length >= left) {
        yield buf.subarray(0, left);
        return;
      }
      left -= buf.length;
      yield buf;
    }
  } finally {
    stream.destroy();
  }
}

function metadataValue(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return Buffer.from(text, 'utf8').toString('base64');
}

export function createTusDestination(config: ConfigOf<'tus'>, deps: DestinationDeps): Destination {
  const http = createHttpClient({ dispatcher: deps.dispatcher, route: deps.route, now: () => deps.clock.now() });
  const auth = config.auth.headers;
  const chunkSize = config.chunkSizeBytes ?? Number.POSITIVE_INFINITY;

  function validate(): FieldIssue[] {
    const issues: FieldIssue[] = [];
    for (const key of Object.keys(config.defaults)) {
      if (!/^[A-Za-z0-9._~-]+$/.test(key)) {
        issues.push({ field: `defaults.${key}`, message: 'tus metadata keys may not contain spaces or commas' });
      }
    }
    return issues;
  }

  function uploadMetadata(ctx: DeliveryContext): string {
    const { recording, call } = ctx.job;
    const entries: Record<string, unknown> = {
      ...config.defaults,
      filename: recording.fileName,
      filetype: recording.contentType,
      callId: call.callId,
      sha256: recording.sha256,
      startTime: call.startTime,
      endTime: call.endTime,
      from: call.from,
      to: call.to,
      direction: call.direction,
    };
    return Object.entries(entries)
      .map(([key, value]) => [key, metadataValue(value)] as const)
      .filter((e): e is [string, string] => e[1] !== null)
      .map(([key, value]) => `${key} ${value}`)
      .join(',');
  }

  async function create(ctx: DeliveryContext): Promise<TusUpload> {
    const res = await http.expectOk({
      method: 'POST',
      url: config.baseUrl,
      headers: {
        ...auth,
        ...TUS,
        'upload-length': String(ctx.job.recording.sizeBytes),
        'upload-metadata': uploadMetadata(ctx),
      },
      signal: ctx.signal,
    });
    const location = res.header('location');
    if (res.status !== 201 || !location) {
      throw new PermanentError(
        `The tus server answered ${res.status} without a Location header to the creation request; is ${config.baseUrl} a tus 1.0 endpoint with the creation extension?`,
      );
    }
    const upload = { uploadUrl: new URL(location, config.baseUrl).toString() };
    // The witness keeps the URL outside the outbox: an outbox that loses this step later still
    // finds the upload (and finishes it, or sees it finished) instead of sending the file twice.
    ctx.witness?.recordSent(upload.uploadUrl);
    ctx.steps.commit(TUS_UPLOAD_STEP, upload);
    ctx.witness?.accounted();
    return upload;
  }

  /** An upload the witness saw made for this call, when the outbox has lost it. */
  function witnessedUpload(ctx: DeliveryContext): TusUpload | undefined {
    const url = ctx.witness?.sentRef();
    if (!url) return undefined;
    ctx.log.warn(
      { uploadUrl: url },
      'the outbox lost this upload; its witness knows it, so it is resumed, not made again',
    );
    const upload = { uploadUrl: url };
    ctx.steps.commit(TUS_UPLOAD_STEP, upload);
    ctx.witness?.accounted();
    return upload;
  }

  async function serverOffset(ctx: DeliveryContext, upload: TusUpload): Promise<number | null> {
    let res: HttpResponse;
    try {
      res = await http.expectOk({
        method: 'HEAD',
        url: upload.uploadUrl,
        headers: { ...auth, ...TUS },
        signal: ctx.signal,
      });
    } catch (error) {
      const status = errorStatus(error);
      if (status === 404 || status === 410) return null;
      throw error;
    }
    const offset = Number(res.header('upload-offset'));
    if (!Number.isSafeInteger(offset) || offset < 0) {
      throw new TransientError(`The tus server gave no usable Upload-Offset for ${upload.uploadUrl}`);
    }
    return offset;
  }

  async function upload(ctx: DeliveryContext): Promise<TusUpload> {
    const size = ctx.job.recording.sizeBytes;
    let current = ctx.steps.get<TusUpload>(TUS_UPLOAD_STEP) ?? witnessedUpload(ctx) ?? (await create(ctx));
    let conflicts = 0;
    // The offset the last PATCH answer confirmed; null means ask the server (HEAD).
    let confirmed: number | null = null;
    for (let round = 0; ; round++) {
      let offset = confirmed ?? (await serverOffset(ctx, current));
      confirmed = null;
      if (offset === null) {
        if (round > 0 && ctx.steps.get('tus-offset') === undefined) {
          throw new TransientError('The tus server forgot an upload it had just created; will try again later');
        }
        ctx.log.info({ uploadUrl: current.uploadUrl }, 'the tus server no longer knows the upload; starting a new one');
        ctx.steps.clear(TUS_UPLOAD_STEP);
        ctx.steps.clear('tus-offset');
        current = await create(ctx);
        offset = 0;
      }
      if (offset > size) {
        throw new PermanentError(
          `The tus server reports ${offset} bytes for a ${size}-byte file; the upload is not ours.`,
        );
      }
      if (offset === size) return current;
      const length = Math.min(size - offset, chunkSize);
      const source = ctx.openBody(offset);
      let res: HttpResponse;
      try {
        res = await http.expectOk({
          method: 'PATCH',
          url: current.uploadUrl,
          headers: {
            ...auth,
            ...TUS,
            'upload-offset': String(offset),
            'content-type': 'application/offset+octet-stream',
            'content-length': String(length),
          },
          // The whole rest of the file needs no cutting: the stream goes as it is.
          body: offset + length === size ? source : firstBytes(source, length),
          signal: ctx.signal,
        });
      } catch (error) {
        const status = errorStatus(error);
        // 409: our offset was stale; 404/410: the upload is gone. The HEAD at the top sorts both out.
        if ((status === 409 || status === 404 || status === 410) && ++conflicts <= 5) continue;
        throw error;
      } finally {
        source.destroy();
      }
      conflicts = 0;
      const answered = Number(res.header('upload-offset'));
      if (Number.isSafeInteger(answered) && answered > offset) {
        ctx.steps.commit('tus-offset', { offset: answered });
        confirmed = answered;
      }
    }
  }

  return {
    name: config.name,
    kind: 'tus',
    fields: { required: ['callId'], optional: ['startTime', 'endTime', 'from', 'to', 'direction'] },
    validate,
    async deliver(ctx) {
      const done = ctx.steps.get<TusUpload>('tus-done');
      const finished = done ?? (await upload(ctx));
      if (!done) ctx.steps.commit('tus-done', finished);
      return {
        remoteId: finished.uploadUrl,
        result: {
          remoteId: finished.uploadUrl,
          status: 'uploaded',
          summary: null,
          transcriptUrl: null,
          transcriptText: null,
          recordingUrl: finished.uploadUrl,
          fetchedAt: isoNow(ctx.now()),
        },
        pollResults: false,
      };
    },
    async testConnection(signal): Promise<ConnectionTest> {
      const started = deps.clock.now();
      try {
        const options = await http.send({ method: 'OPTIONS', url: config.baseUrl, headers: { ...auth }, signal });
        const versions = options.header('tus-version');
        if (!versions) {
          return {
            status: 'error',
            message: `${config.baseUrl} answered ${options.status} without Tus-Version: it does not look like a tus endpoint.`,
            latencyMs: deps.clock.now() - started,
          };
        }
        // A HEAD on an upload that cannot exist needs the credentials but creates nothing: 404 means they passed.
        const head = await http.send({
          method: 'HEAD',
          url: joinUrl(config.baseUrl, 'callrelay-connection-check'),
          headers: { ...auth, ...TUS },
          signal,
        });
        const latencyMs = deps.clock.now() - started;
        if (head.status === 401 || head.status === 403) {
          return {
            status: 'bad-credentials',
            message: `The tus server refused the configured headers (HTTP ${head.status}). Check them in this destination's settings.`,
            latencyMs,
          };
        }
        return {
          status: 'ok',
          message: `Connected to a tus server (versions ${versions}); headers accepted.`,
          latencyMs,
        };
      } catch (error) {
        return {
          status: 'unreachable',
          message: `Cannot reach the tus server at ${config.baseUrl}: ${(error as Error).message}`,
          latencyMs: null,
        };
      }
    },
    probe: (signal) => probeBase(http, config.baseUrl, signal),
  };
}
