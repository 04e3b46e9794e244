// Emulated comswise (seed 000) under /comswise/v1, plus the presigned storage it hands out under
// /comswise/storage. Errors are FastAPI-style `{detail}`; storage errors are S3/R2-style XML.
import crypto from 'node:crypto';
import { z } from 'zod';
import type { Exchange } from '../exchange.js';
import type { FaultDice } from '../faults.js';
import { e164, isoUtc, problemsOf, randomId, readJsonBody } from '../platform-checks.js';
import type { SandboxPlatform } from '../sandbox-platform.js';

const UploadRequest = z
  .object({ fileName: z.string().min(1), contentType: z.string().regex(/^[\w.+-]+\/[\w.+-]+$/) })
  .strict();

const CreateCall = z
  .object({
    callId: z.string().min(1),
    startTime: isoUtc,
    endTime: isoUtc.optional(),
    status: z.enum(['completed', 'in-progress']).optional(),
    recordingUrl: z.string().min(1).optional(),
    from: e164.optional(),
    to: e164.optional(),
    direction: z.enum(['inbound', 'outbound', 'unknown']).optional(),
    groupingId: z.string().min(1).optional(),
  })
  .strict();

const UpdateCall = z
  .object({ recordingUrl: z.string().min(1).optional(), status: z.enum(['completed', 'in-progress']).optional() })
  .strict();

export interface StoredObject {
  fileKey: string;
  contentType: string;
  size: number;
  sha256: string;
}

export interface ComswiseCall {
  id: string;
  callId: string;
  groupingId: string | null;
  from: string | null;
  to: string | null;
  direction: string;
  status: string;
  startTime: string;
  endTime: string | null;
  recordingUrl: string | null;
  createdAt: number;
  completedAt: number | null;
}

interface Presign {
  fileKey: string;
  contentType: string;
  expiresAt: number;
}

export function createComswiseApi(options: {
  token: string;
  presignTtlMs: number;
  resultDelayMs: number;
  dice: FaultDice;
}) {
  const presigns = new Map<string, Presign>();
  const objects = new Map<string, StoredObject>();
  const calls: ComswiseCall[] = [];

  function detail(ex: Exchange, status: number, message: string | { loc: string[]; msg: string; type: string }[]) {
    ex.send(status, { detail: message });
  }

  function validationFailed(ex: Exchange, error: z.ZodError) {
    detail(
      ex,
      422,
      problemsOf(error).map((p) => ({ loc: ['body', ...p.field.split('.')], msg: p.message, type: 'value_error' })),
    );
  }

  function view(call: ComswiseCall, now: number) {
    const ready =
      call.status === 'completed' && call.completedAt !== null && now - call.completedAt >= options.resultDelayMs;
    return {
      id: call.id,
      callId: call.callId,
      groupingId: call.groupingId,
      from: call.from,
      to: call.to,
      direction: call.direction,
      status: call.status,
      startTime: call.startTime,
      endTime: call.endTime,
      recordingUrl: call.recordingUrl,
      executiveSummary: ready ? `Sandbox summary of call ${call.callId}: the customer asked about an order.` : null,
      transcript: ready ? { transcriptUrl: `https://transcripts.sandbox.invalid/${call.id}.txt` } : null,
      createdAt: new Date(call.createdAt).toISOString(),
    };
  }

  async function readJson(ex: Exchange): Promise<unknown | undefined> {
    const read = await readJsonBody(ex);
    if (read.ok) return read.value;
    detail(ex, 400, read.message);
    return undefined;
  }

  async function api(ex: Exchange): Promise<void> {
    const authz = ex.req.headers.authorization;
    if (authz !== `Bearer ${options.token}`) {
      await ex.readBody();
      detail(ex, 401, authz ? 'Invalid API key' : 'Missing Authorization header: send Authorization: Bearer <API key>');
      return;
    }
    const { method } = ex.req;
    const path = ex.path.replace(/\/+$/, '') || '/';

    if (method === 'POST' && path === '/upload/request') {
      const body = await readJson(ex);
      if (body === undefined) return;
      const parsed = UploadRequest.safeParse(body);
      if (!parsed.success) return validationFailed(ex, parsed.error);
      const ext = (parsed.data.fileName.match(/\.[A-Za-z0-9]{1,5}$/)?.[0] ?? '').toLowerCase();
      const fileKey = `org_sandbox/uploads/${crypto.randomUUID()}${ext}`;
      const signature = crypto.randomBytes(32).toString('hex');
      const issued = ex.now();
      presigns.set(signature, {
        fileKey,
        contentType: parsed.data.contentType,
        expiresAt: issued + options.presignTtlMs,
      });
      const url = new URL(`${ex.origin}/comswise/storage/${fileKey}`);
      url.searchParams.set('X-Amz-Algorithm', 'AWS4-HMAC-SHA256');
      url.searchParams.set('X-Amz-Date', amzDate(issued));
      url.searchParams.set('X-Amz-Expires', String(Math.max(1, Math.ceil(options.presignTtlMs / 1000))));
      url.searchParams.set('X-Amz-SignedHeaders', 'content-type;host');
      url.searchParams.set('X-Amz-Signature', signature);
      ex.send(200, { uploadUrl: url.toString(), fileKey });
      return;
    }

    if (method === 'POST' && path === '/calls/create') {
      const body = await readJson(ex);
      if (body === undefined) return;
      const parsed = CreateCall.safeParse(body);
      if (!parsed.success) return validationFailed(ex, parsed.error);
      const c = parsed.data;
      const status = c.status ?? 'completed';
      const problems: { loc: string[]; msg: string; type: string }[] = [];
      if (!c.groupingId) {
        if (!c.from)
          problems.push({ loc: ['body', 'from'], msg: 'required when groupingId is missing', type: 'missing' });
        if (!c.to) problems.push({ loc: ['body', 'to'], msg: 'required when groupingId is missing', type: 'missing' });
      }
      if (status === 'completed' && !c.recordingUrl) {
        problems.push({ loc: ['body', 'recordingUrl'], msg: 'required when status is completed', type: 'missing' });
      }
      if (c.recordingUrl && !objects.has(c.recordingUrl)) {
        problems.push({ loc: ['body', 'recordingUrl'], msg: 'key not found in your R2 bucket', type: 'value_error' });
      }
      if (problems.length > 0) return detail(ex, 422, problems);
      // Like many platforms, a repeated callId is not refused: a second call appears. That is what
      // lets the crash tests see a duplicate if the client ever sends one.
      const now = ex.now();
      const call: ComswiseCall = {
        id: randomId(32),
        callId: c.callId,
        groupingId: c.groupingId ?? null,
        from: c.from ?? null,
        to: c.to ?? null,
        direction: c.direction ?? 'unknown',
        status,
        startTime: c.startTime,
        endTime: c.endTime ?? null,
        recordingUrl: c.recordingUrl ?? null,
        createdAt: now,
        completedAt: status === 'completed' ? now : null,
      };
      calls.push(call);
      ex.send(200, view(call, now));
      return;
    }

    const patch = method === 'PATCH' ? path.match(/^\/calls\/([^/]+)$/) : null;
    if (patch) {
      const body = await readJson(ex);
      if (body === undefined) return;
      const call = calls.find((c) => c.id === decodeURIComponent(patch[1]!));
      if (!call) return detail(ex, 404, 'Call not found');
      const parsed = UpdateCall.safeParse(body);
      if (!parsed.success) return validationFailed(ex, parsed.error);
      const recordingUrl = parsed.data.recordingUrl ?? call.recordingUrl;
      if (parsed.data.status === 'completed' && !recordingUrl) {
        return detail(ex, 422, [
          { loc: ['body', 'recordingUrl'], msg: 'required when updating status to completed', type: 'missing' },
        ]);
      }
      if (parsed.data.recordingUrl && !objects.has(parsed.data.recordingUrl)) {
        return detail(ex, 422, [
          { loc: ['body', 'recordingUrl'], msg: 'key not found in your R2 bucket', type: 'value_error' },
        ]);
      }
      call.recordingUrl = recordingUrl;
      if (parsed.data.status && parsed.data.status !== call.status) {
        call.status = parsed.data.status;
        call.completedAt = call.status === 'completed' ? ex.now() : null;
      }
      ex.send(200, view(call, ex.now()));
      return;
    }

    if (method === 'GET' && path === '/calls') {
      const limitText = ex.query.get('limit') ?? '20';
      const limit = /^\d+$/.test(limitText) ? Number(limitText) : NaN;
      if (!(limit >= 1 && limit <= 100)) {
        return detail(ex, 422, [
          { loc: ['query', 'limit'], msg: 'must be an integer from 1 to 100', type: 'value_error' },
        ]);
      }
      const cursor = ex.query.get('cursor');
      let offset = 0;
      if (cursor) {
        const decoded = Number(Buffer.from(cursor, 'base64url').toString('utf8'));
        if (!Number.isInteger(decoded) || decoded < 0) return detail(ex, 400, 'Invalid cursor');
        offset = decoded;
      }
      const newestFirst = [...calls].reverse();
      const page = newestFirst.slice(offset, offset + limit);
      const hasMore = offset + limit < newestFirst.length;
      const now = ex.now();
      ex.send(200, {
        calls: page.map((c) => view(c, now)),
        cursor: hasMore ? Buffer.from(String(offset + limit)).toString('base64url') : null,
        hasMore,
      });
      return;
    }

    await ex.readBody();
    detail(ex, 404, `No route ${method} ${ex.path}`);
  }

  function s3Error(ex: Exchange, status: number, code: string, message: string) {
    ex.sendRaw(
      status,
      `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
      'application/xml',
    );
  }

  async function storage(ex: Exchange): Promise<void> {
    const { req } = ex;
    const drain = () => req.resume();
    if (req.method !== 'PUT') {
      drain();
      return s3Error(ex, 405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
    }
    if (req.headers.authorization) {
      drain();
      return s3Error(
        ex,
        400,
        'InvalidArgument',
        'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
      );
    }
    const signature = ex.query.get('X-Amz-Signature') ?? '';
    const presign = presigns.get(signature);
    const fileKey = decodeURIComponent(ex.path.replace(/^\//, ''));
    if (!presign || presign.fileKey !== fileKey) {
      drain();
      return s3Error(
        ex,
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided.',
      );
    }
    if (ex.now() > presign.expiresAt || options.dice.rollExpired('comswise')) {
      if (ex.now() <= presign.expiresAt) ex.entry.fault = 'expired-url';
      drain();
      return s3Error(ex, 403, 'AccessDenied', 'Request has expired');
    }
    if ((req.headers['content-type'] ?? '') !== presign.contentType) {
      drain();
      return s3Error(ex, 403, 'SignatureDoesNotMatch', 'Content-Type differs from the one the URL was signed for.');
    }
    const declared = req.headers['content-length'];
    if (declared === undefined) {
      drain();
      return s3Error(ex, 411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.');
    }
    const hash = crypto.createHash('sha256');
    let size = 0;
    try {
      for await (const chunk of req) {
        hash.update(chunk as Buffer);
        size += (chunk as Buffer).length;
        ex.entry.bodyBytes = size;
      }
    } catch {
      return; // the client went away mid-body; nothing is stored
    }
    if (size !== Number(declared)) {
      return s3Error(
        ex,
        400,
        'IncompleteBody',
        'You did not provide the number of bytes specified by the Content-Length HTTP header.',
      );
    }
    const sha256 = hash.digest('hex');
    objects.set(fileKey, { fileKey, contentType: presign.contentType, size, sha256 });
    ex.entry.body = { fileKey, size, sha256 };
    ex.sendRaw(200, '', 'text/plain', { etag: `"${sha256.slice(0, 32)}"` });
  }

  return {
    api,
    storage,
    calls: () => calls.map((c) => ({ ...c })),
    objects: () => [...objects.values()],
  };
}

function amzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

/** Credentials the emulated comswise accepts. */
export const comswiseSandbox = { credentials: { token: 'sandbox-comswise-token-7f3a' } } as const;

export const comswisePlatform = {
  kind: 'comswise',
  credentials: comswiseSandbox.credentials,
  start(ctx) {
    const api = createComswiseApi({
      token: comswiseSandbox.credentials.token,
      presignTtlMs: ctx.presignTtlMs,
      resultDelayMs: ctx.resultDelayMs,
      dice: ctx.dice,
    });
    return {
      routes: [
        { prefix: '/comswise/v1', handle: api.api },
        { prefix: '/comswise/storage', handle: api.storage },
      ],
      calls: () => api.calls() as unknown as Record<string, unknown>[],
    };
  },
  destinationConfig: (origin) => ({
    name: 'comswise',
    kind: 'comswise',
    baseUrl: `${origin}/comswise/v1`,
    auth: { ...comswiseSandbox.credentials },
    defaults: {},
    enabled: true,
  }),
} satisfies SandboxPlatform<'comswise'>;
