import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventName } from '../../../../shared/contract.js';
import type { ContractDispatcher } from '../../../../shared/contract-host.js';
import { createSilentLogger } from '../../../../electron/core/logger.js';
import { HostStartError, startHttpHost, type HttpHost } from '../../../../electron/headless/serve/http-host.js';

const staticDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-static-'));
fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>CallRelay</title>');
fs.writeFileSync(path.join(os.tmpdir(), 'callrelay-secret.txt'), 'outside');

const calls: { channel: unknown; input: unknown }[] = [];
const dispatcher: ContractDispatcher = {
  dispatch: async (channel, input) => {
    calls.push({ channel, input });
    return { ok: true, value: { echoed: input } };
  },
  scrub: (payload) => payload,
};
const TOKEN = 's3cret-token';
// Every call needs the token and a JSON content type now (issue 10: secure by default).
const json = { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` };
const listeners = new Set<(payload: unknown) => void>();
const subscribe = (event: EventName, listener: (p: unknown) => void) => {
  if (event !== 'queue:changed') return () => {};
  listeners.add(listener);
  return () => listeners.delete(listener);
};

let host: HttpHost | null = null;
afterEach(async () => {
  await host?.close();
  host = null;
  calls.length = 0;
});

function start(options: Partial<Parameters<typeof startHttpHost>[0]> = {}) {
  return startHttpHost({
    dispatcher,
    subscribe,
    staticDir,
    host: '127.0.0.1',
    port: 0,
    token: TOKEN,
    logger: createSilentLogger(),
    ...options,
  });
}

describe('headless host', () => {
  it('refuses to listen without a token', async () => {
    await expect(start({ token: '', host: '0.0.0.0' })).rejects.toThrow(HostStartError);
    await expect(start({ token: '' })).rejects.toThrow(HostStartError);
  });

  it('passes contract calls to the dispatcher and answers with its envelope', async () => {
    host = await start();
    const res = await fetch(`${host.url}api/call/job:retry`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ ids: ['a'] }),
    });
    expect(await res.json()).toEqual({ ok: true, value: { echoed: { ids: ['a'] } } });
    expect(calls).toEqual([{ channel: 'job:retry', input: { ids: ['a'] } }]);
  });

  it('answers malformed JSON with a clear error and does not dispatch', async () => {
    host = await start();
    const res = await fetch(`${host.url}api/call/job:retry`, { method: 'POST', headers: json, body: '{ids:' });
    expect(res.status).toBe(400);
    expect(calls).toHaveLength(0);
  });

  // Changed by issue 10: the event stream no longer takes ?token= (a URL lands in logs); it takes
  // the bearer header or the session cookie the page gets in exchange for the token.
  it('refuses API requests without the token (401) and accepts the header, or the session cookie on the stream', async () => {
    host = await start();
    const type = { 'content-type': 'application/json' };
    const denied = await fetch(`${host.url}api/call/queue:stats`, { method: 'POST', headers: type, body: '{}' });
    expect(denied.status).toBe(401);
    const wrong = await fetch(`${host.url}api/call/queue:stats`, {
      method: 'POST',
      body: '{}',
      headers: { ...type, authorization: 'Bearer nope' },
    });
    expect(wrong.status).toBe(401);
    const ok = await fetch(`${host.url}api/call/queue:stats`, { method: 'POST', body: '{}', headers: json });
    expect(ok.status).toBe(200);
    const inQuery = await fetch(`${host.url}api/events?token=${TOKEN}`);
    expect(inQuery.status).toBe(403);
    const session = await fetch(`${host.url}api/session`, { method: 'POST', headers: json, body: '{}' });
    expect(session.status).toBe(204);
    const cookie = session.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const events = await fetch(`${host.url}api/events`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(events.status).toBe(200);
    await events.body?.cancel();
    expect(calls).toHaveLength(1);
  });

  it('puts extra routes (e.g. GET /metrics) behind the same guard', async () => {
    host = await start({
      extraRoutes: [
        {
          matches: (p) => p === '/metrics',
          access: () => ({ credentials: 'bearer', methods: ['GET'] }),
          handle: (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('up 1\n'),
        },
      ],
    });
    expect((await fetch(`${host.url}metrics`)).status).toBe(401);
    const foreign = await fetch(`${host.url}metrics`, {
      headers: { authorization: `Bearer ${TOKEN}`, origin: 'http://evil.example' },
    });
    expect(foreign.status).toBe(403);
    const ok = await fetch(`${host.url}metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(await ok.text()).toBe('up 1\n');
  });

  it('streams pushed events as server-sent events', async () => {
    host = await start();
    const res = await fetch(`${host.url}api/events`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const reader = res.body!.getReader();
    await reader.read(); // the retry preamble
    for (const l of listeners) l({ ids: ['j1'] });
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toBe('event: queue:changed\ndata: {"ids":["j1"]}\n\n');
    await reader.cancel();
  });

  it('serves the renderer with a strict CSP and never a file outside it', async () => {
    host = await start();
    const page = await fetch(host.url);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<title>CallRelay</title>');
    const escape = await fetch(`${host.url}..%2Fcallrelay-secret.txt`);
    expect(await escape.text()).not.toContain('outside');
  });
});

describe('headless host /metrics', () => {
  const scrape = async () => '# TYPE callrelay_up gauge\ncallrelay_up 1\n';

  it('serves the exposition behind the same token as the API', async () => {
    host = await start({
      token: 'metrics-secret-token',
      metrics: scrape,
    });
    expect((await fetch(`${host.url}metrics`)).status).toBe(401);
    expect((await fetch(`${host.url}metrics`, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    const res = await fetch(`${host.url}metrics`, { headers: { authorization: 'Bearer metrics-secret-token' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await res.text()).toContain('callrelay_up 1');
    const post = await fetch(`${host.url}metrics`, {
      method: 'POST',
      headers: { authorization: 'Bearer metrics-secret-token' },
    });
    expect(post.status).toBe(405);
  });

  it('leaves /metrics to the UI when the host has no metrics', async () => {
    host = await start();
    const res = await fetch(`${host.url}metrics`);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
  });
});
