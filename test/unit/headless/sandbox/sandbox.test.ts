// The sandbox as a platform would behave: auth as each seed says, strict bodies with platform-style
// errors, presigned storage rules, delayed results, faults and the inspection endpoint.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  sandboxCredentials,
  sandboxIds,
  startSandbox,
  type Sandbox,
} from '../../../../electron/headless/sandbox/sandbox.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ resultDelayMs: 150, presignTtlMs: 60_000 });
});
afterAll(async () => {
  await sandbox.close();
});

const comswiseAuth = { authorization: `Bearer ${sandboxCredentials.comswise.token}` };
async function call(
  method: string,
  path: string,
  init: { headers?: Record<string, string>; json?: unknown; body?: string } = {},
) {
  const res = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: { ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
    body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // storage answers XML
  }
  return { status: res.status, headers: res.headers, body: body as Record<string, unknown> & string };
}

describe('sandbox: comswise', () => {
  it('refuses missing or wrong bearer tokens with a detail', async () => {
    const none = await call('GET', '/comswise/v1/calls/?limit=1');
    expect(none.status).toBe(401);
    expect(none.body.detail).toMatch(/Authorization: Bearer/);
    const wrong = await call('GET', '/comswise/v1/calls/?limit=1', { headers: { authorization: 'Bearer x' } });
    expect(wrong.body.detail).toBe('Invalid API key');
  });

  it('validates create bodies per the seed table and answers 422 with FastAPI-style detail', async () => {
    const res = await call('POST', '/comswise/v1/calls/create', {
      headers: comswiseAuth,
      json: { callId: 'x', startTime: '2024-02-28 10:30', direction: 'sideways', extra: 1 },
    });
    expect(res.status).toBe(422);
    const fields = (res.body.detail as { loc: string[] }[]).map((d) => d.loc.join('.')).sort();
    expect(fields).toEqual(['body.direction', 'body.extra', 'body.startTime']);
    const conditional = await call('POST', '/comswise/v1/calls/create', {
      headers: comswiseAuth,
      json: { callId: 'x', startTime: '2024-02-28T10:30:00Z' },
    });
    expect((conditional.body.detail as { loc: string[] }[]).map((d) => d.loc[1]).sort()).toEqual([
      'from',
      'recordingUrl',
      'to',
    ]);
    const unknownKey = await call('POST', '/comswise/v1/calls/create', {
      headers: comswiseAuth,
      json: { callId: 'x', startTime: '2024-02-28T10:30:00Z', groupingId: 'g', recordingUrl: 'org/none.wav' },
    });
    expect(JSON.stringify(unknownKey.body.detail)).toContain('key not found in your R2 bucket');
  });

  it('presigned storage: refuses Authorization, wrong Content-Type, chunked bodies and expired URLs', async () => {
    const grant = await call('POST', '/comswise/v1/upload/request', {
      headers: comswiseAuth,
      json: { fileName: 'a.wav', contentType: 'audio/wav' },
    });
    const { uploadUrl } = grant.body as unknown as { uploadUrl: string; fileKey: string };
    expect(new URL(uploadUrl).searchParams.get('X-Amz-Expires')).toBe('60');
    const put = (headers: Record<string, string>) =>
      fetch(uploadUrl, { method: 'PUT', headers, body: Buffer.from('abc') }).then(async (r) => ({
        status: r.status,
        text: await r.text(),
      }));
    const withAuth = await put({ 'content-type': 'audio/wav', ...comswiseAuth });
    expect(withAuth.status).toBe(400);
    expect(withAuth.text).toContain('Only one auth mechanism allowed');
    expect((await put({ 'content-type': 'audio/mpeg' })).text).toContain('SignatureDoesNotMatch');
    sandbox.setFaults({ expireRate: 1 });
    try {
      const expired = await put({ 'content-type': 'audio/wav' });
      expect(expired.status).toBe(403);
      expect(expired.text).toContain('Request has expired');
    } finally {
      sandbox.setFaults({});
    }
    expect((await put({ 'content-type': 'audio/wav' })).status).toBe(200);
    // The log masks the signature in the path and never shows the bearer token.
    const logged = sandbox.requests().filter((r) => r.method === 'PUT');
    expect(logged.every((r) => r.path.includes('X-Amz-Signature=***'))).toBe(true);
    expect(JSON.stringify(sandbox.requests())).not.toContain(sandboxCredentials.comswise.token);
  });

  it('lists calls in cursor pages, with results only after the delay', async () => {
    const grant = await call('POST', '/comswise/v1/upload/request', {
      headers: comswiseAuth,
      json: { fileName: 'b.wav', contentType: 'audio/wav' },
    });
    const { uploadUrl, fileKey } = grant.body as unknown as { uploadUrl: string; fileKey: string };
    await fetch(uploadUrl, { method: 'PUT', headers: { 'content-type': 'audio/wav' }, body: Buffer.from('abc') });
    for (const id of ['p-1', 'p-2', 'p-3']) {
      const created = await call('POST', '/comswise/v1/calls/create', {
        headers: comswiseAuth,
        json: { callId: id, startTime: '2024-02-28T10:30:00Z', groupingId: 'T-1', recordingUrl: fileKey },
      });
      expect(created.status).toBe(200);
      expect(created.body.executiveSummary).toBeNull();
    }
    const first = await call('GET', '/comswise/v1/calls/?limit=2', { headers: comswiseAuth });
    expect((first.body.calls as { callId: string }[]).map((c) => c.callId)).toEqual(['p-3', 'p-2']);
    expect(first.body.hasMore).toBe(true);
    const second = await call('GET', `/comswise/v1/calls/?limit=2&cursor=${String(first.body.cursor)}`, {
      headers: comswiseAuth,
    });
    expect((second.body.calls as { callId: string }[])[0]!.callId).toBe('p-1');
    await new Promise((r) => setTimeout(r, 200));
    const later = await call('GET', '/comswise/v1/calls/?limit=1', { headers: comswiseAuth });
    const [newest] = later.body.calls as { executiveSummary: string; transcript: { transcriptUrl: string } }[];
    expect(newest!.executiveSummary).toContain('p-3');
    expect(newest!.transcript.transcriptUrl).toMatch(/^https:/);
    expect((await call('GET', '/comswise/v1/calls/?limit=500', { headers: comswiseAuth })).status).toBe(422);
  });
});

describe('sandbox: the other platforms', () => {
  it('callab: Bearer auth, UUIDs and documented fields only', async () => {
    expect((await call('POST', '/callab/v1/calls', { json: {} })).body).toMatchObject({ status: 'error' });
    const auth = { authorization: `Bearer ${sandboxCredentials.callab.token}` };
    const bad = await call('POST', '/callab/v1/calls', { headers: auth, json: { company_id: 'nope', colour: 'red' } });
    expect(bad.status).toBe(422);
    expect(bad.body.message).toMatch(/company_id must be a UUID/);
    expect(bad.body.message).toMatch(/colour is not a field/);
    const ok = await call('POST', '/callab/v1/calls', {
      headers: auth,
      json: { company_id: sandboxIds.callabCompanyId },
    });
    expect(ok.status).toBe(200);
    expect((ok.body.data as { call_status: string }).call_status).toBe('registered');
  });

  it('agent-calls: both key headers, agent_id required, upper-case enums, unique call_id', async () => {
    const creds = sandboxCredentials['agent-calls'];
    const onlyKey = await call('POST', '/agent-calls/api/calls/create', {
      headers: { 'x-api-key': creds.apiKey },
      json: { agent_id: 'a' },
    });
    expect(onlyKey.status).toBe(401);
    const headers = { 'x-api-key': creds.apiKey, 'x-api-secret': creds.apiSecret };
    const lower = await call('POST', '/agent-calls/api/calls/create', {
      headers,
      json: { agent_id: 'a', direction: 'inbound' },
    });
    expect(lower.status).toBe(400);
    expect(lower.body.error).toBe('validation_error');
    const missing = await call('POST', '/agent-calls/api/calls/create', { headers, json: {} });
    expect(missing.body.message).toMatch(/agent_id is required/);
    const first = await call('POST', '/agent-calls/api/calls/create', {
      headers,
      json: { agent_id: 'a', call_id: 'u-1' },
    });
    expect(first.status).toBe(200);
    const again = await call('POST', '/agent-calls/api/calls/create', {
      headers,
      json: { agent_id: 'a', call_id: 'u-1' },
    });
    expect(again.status).toBe(409);
  });

  it('cx: Basic auth and all five fields required', async () => {
    const creds = sandboxCredentials.cx;
    const basic = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
    expect(
      (await call('POST', '/cx/api/v1/calls', { headers: { authorization: 'Basic eDp5' }, json: {} })).status,
    ).toBe(401);
    const res = await call('POST', '/cx/api/v1/calls', { headers: { authorization: basic }, json: { channel: 'fax' } });
    expect(res.status).toBe(400);
    const messages = (res.body.message as unknown as string[]).join('\n');
    for (const field of ['agentId', 'skillId', 'customerName', 'customerPhone', 'channel'])
      expect(messages).toContain(field);
  });

  it('agent-calls, cx, callab: unreadable JSON and invalid bodies answer in each platform’s error shape', async () => {
    const json = { 'content-type': 'application/json' };
    const agentCalls = sandboxCredentials['agent-calls'];
    const agentHeaders = { ...json, 'x-api-key': agentCalls.apiKey, 'x-api-secret': agentCalls.apiSecret };
    const agentBroken = await call('POST', '/agent-calls/api/calls/create', { headers: agentHeaders, body: '{' });
    expect(agentBroken.status).toBe(400);
    expect(agentBroken.body).toEqual({
      message: 'request body is not valid JSON',
      status: 'error',
      error: 'bad_request',
      data: null,
    });

    const cx = sandboxCredentials.cx;
    const cxHeaders = {
      ...json,
      authorization: `Basic ${Buffer.from(`${cx.username}:${cx.password}`).toString('base64')}`,
    };
    const cxBroken = await call('POST', '/cx/api/v1/calls', { headers: cxHeaders, body: '{' });
    expect(cxBroken.status).toBe(400);
    expect(cxBroken.body).toEqual({ statusCode: 400, error: 'Bad Request', message: 'request body is not valid JSON' });

    const callabHeaders = { ...json, authorization: `Bearer ${sandboxCredentials.callab.token}` };
    const callabBroken = await call('POST', '/callab/v1/calls', { headers: callabHeaders, body: '{' });
    expect(callabBroken.status).toBe(400);
    expect(callabBroken.body).toEqual({ status: 'error', message: 'request body is not valid JSON', data: null });
    const callabInvalid = await call('POST', '/callab/v1/calls', {
      headers: callabHeaders,
      json: { company_id: 'not-a-uuid', colour: 'red' },
    });
    expect(callabInvalid.status).toBe(422);
    expect(callabInvalid.body).toEqual({
      status: 'error',
      message: 'company_id must be a UUID; colour is not a field of this endpoint',
      data: null,
    });
    // A body that could be read is listed for inspection even when the platform refused it.
    const listed = sandbox.requests().filter((r) => r.kind === 'callab' && r.status === 422);
    expect(listed.at(-1)?.body).toEqual({ company_id: 'not-a-uuid', colour: 'red' });
  });

  it('add-calls: api_key as a form field; call or audio_url required', async () => {
    const form = (fields: Record<string, string>) => {
      const data = new FormData();
      for (const [k, v] of Object.entries(fields)) data.set(k, v);
      return fetch(`${sandbox.url}/add-calls/api/add-calls`, { method: 'POST', body: data }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as { success: boolean; error: string },
      }));
    };
    expect(await form({ customer_name: 'x' })).toEqual({
      status: 401,
      body: { success: false, error: 'api_key is required' },
    });
    const key = sandboxCredentials['add-calls'].apiKey;
    expect((await form({ api_key: key })).body.error).toMatch(/call \(file\) or audio_url is required/);
    const byUrl = await form({ api_key: key, audio_url: 'https://example.com/a.mp3', user_id: 'not-uuid' });
    expect(byUrl.body.error).toMatch(/user_id must be a UUID/);
    const json = await call('POST', '/add-calls/api/add-calls', { json: { api_key: key } });
    expect(json.status).toBe(415);
  });

  it('tus: refuses requests without the configured header, except OPTIONS discovery', async () => {
    const options = await fetch(`${sandbox.url}/tus/files/`, { method: 'OPTIONS' });
    expect(options.headers.get('tus-version')).toContain('1.0.0');
    const post = await fetch(`${sandbox.url}/tus/files/`, {
      method: 'POST',
      headers: { 'tus-resumable': '1.0.0', 'upload-length': '3' },
    });
    expect(post.status).toBe(401);
  });
});

describe('sandbox: faults and inspection over HTTP', () => {
  it('PUT /__sandbox/faults sets faults; 429 carries Retry-After; GET /__sandbox/requests lists what came in', async () => {
    const set = await fetch(`${sandbox.url}/__sandbox/faults`, {
      method: 'PUT',
      body: JSON.stringify({ rateLimitRate: 1, retryAfterSec: 7, kinds: ['cx'] }),
    });
    expect(set.status).toBe(200);
    try {
      const limited = await call('POST', '/cx/api/v1/calls', { json: {} });
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('7');
      // Faults apply only to the kinds named.
      expect((await call('GET', '/comswise/v1/calls/?limit=1', { headers: comswiseAuth })).status).toBe(200);
    } finally {
      await fetch(`${sandbox.url}/__sandbox/faults`, { method: 'PUT', body: '{}' });
    }
    const bad = await fetch(`${sandbox.url}/__sandbox/faults`, {
      method: 'PUT',
      body: JSON.stringify({ resetRate: 2 }),
    });
    expect(bad.status).toBe(400);
    const listed = (await (await fetch(`${sandbox.url}/__sandbox/requests`)).json()) as {
      requests: { kind: string; fault: string | null; status: number | null; headers: Record<string, string> }[];
      calls: Record<string, unknown[]>;
    };
    const faulted = listed.requests.filter((r) => r.fault === 'rate-limit');
    expect(faulted.length).toBeGreaterThan(0);
    expect(faulted.every((r) => r.kind === 'cx' && r.status === 429)).toBe(true);
    expect(Object.keys(listed.calls).sort()).toEqual(['add-calls', 'agent-calls', 'callab', 'comswise', 'cx', 'tus']);
  });

  it('resets the connection in the middle of a body', async () => {
    sandbox.setFaults({ resetRate: 1, kinds: ['callab'] });
    try {
      const error = await fetch(`${sandbox.url}/callab/v1/calls`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ pad: 'x'.repeat(500_000) }),
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
    } finally {
      sandbox.setFaults({});
    }
  });
});

describe('sandbox: its own address', () => {
  it('says what it is and where the app is, instead of "no route GET /" (issue 14)', async () => {
    const { status, body } = await call('GET', '/');
    expect(status).toBe(200);
    expect(String(body.open)).toContain('CallRelay is running');
    const kinds = (body.platforms as unknown as { kind: string }[]).map((p) => p.kind);
    expect(kinds).toEqual(expect.arrayContaining(['comswise', 'cx', 'tus']));
  });
});
