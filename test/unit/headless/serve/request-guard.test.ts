import type http from 'node:http';
import { describe, expect, it } from 'vitest';
import { createSilentLogger } from '../../../../electron/core/logger.js';
import { createRequestGuard, parseHostHeader } from '../../../../electron/headless/serve/request-guard.js';

const TOKEN = 'a-long-enough-token-for-the-guard-000';

function request(headers: Record<string, string>, method = 'POST', url = '/api/call/queue:list') {
  const rawHeaders = Object.entries(headers).flat();
  return { method, url, headers, rawHeaders, socket: {} } as unknown as http.IncomingMessage;
}

const guard = (options: Partial<Parameters<typeof createRequestGuard>[0]> = {}) =>
  createRequestGuard({ token: TOKEN, boundHost: '127.0.0.1', port: 4170, logger: createSilentLogger(), ...options });

const call = { credentials: 'bearer', methods: ['POST'], jsonBody: true } as const;
const ok = { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` };

describe('request guard', () => {
  it('reads Host headers strictly', () => {
    expect(parseHostHeader('127.0.0.1:4170')).toBe('127.0.0.1');
    expect(parseHostHeader('LOCALHOST:4170')).toBe('localhost');
    expect(parseHostHeader('[::1]:4170')).toBe('[::1]');
    for (const bad of [undefined, '', 'a@b', 'a/b', '[::1', 'a b', 'x?y', '127.1'])
      expect(parseHostHeader(bad)).toBeNull();
  });

  it('answers to loopback names and the bound address, plus --allow-host names, nothing else', () => {
    const g = guard({ allowHosts: ['calls.example.com'] });
    for (const host of ['127.0.0.1:4170', 'localhost:4170', '[::1]:4170', 'calls.example.com']) {
      expect(g.authorize(request({ ...ok, host }), call), host).toEqual({ ok: true });
    }
    expect(g.authorize(request({ ...ok, host: 'other.example.com' }), call)).toMatchObject({ ok: false, rule: 'host' });
    // Behind a proxy that rewrites Host, the page's Origin is the allowed public name.
    expect(g.authorize(request({ ...ok, host: '127.0.0.1:4170', origin: 'https://calls.example.com' }), call)).toEqual({
      ok: true,
    });
  });

  it('on a wildcard bind, answers to the machine addresses', () => {
    const g = guard({ boundHost: '0.0.0.0', interfaceAddresses: () => ['10.1.2.3', 'fe80::1'] });
    expect(g.authorize(request({ ...ok, host: '10.1.2.3:4170' }), call)).toEqual({ ok: true });
    expect(g.authorize(request({ ...ok, host: '0.0.0.0:4170' }), call)).toEqual({ ok: true });
    expect(g.authorize(request({ ...ok, host: '[fe80::1]:4170' }), call)).toEqual({ ok: true });
    expect(g.authorize(request({ ...ok, host: '10.9.9.9:4170' }), call)).toMatchObject({ rule: 'host' });
  });

  it('lets a route opt out of the token but never out of Host and Origin (health, metrics)', () => {
    const g = guard();
    const open = { credentials: 'none', methods: ['GET'] } as const;
    expect(g.authorize(request({ host: '127.0.0.1:4170' }, 'GET', '/api/health'), open)).toEqual({ ok: true });
    expect(g.authorize(request({ host: 'evil.example' }, 'GET', '/api/health'), open)).toMatchObject({ rule: 'host' });
    const bearer = { credentials: 'bearer', methods: ['GET'] } as const;
    expect(g.authorize(request({ host: '127.0.0.1:4170' }, 'GET', '/metrics'), bearer)).toMatchObject({ status: 401 });
    expect(
      g.authorize(request({ host: '127.0.0.1:4170', authorization: `Bearer ${TOKEN}` }, 'GET', '/metrics'), bearer),
    ).toEqual({ ok: true });
  });

  it('names the port in the cookie (browsers share cookies across ports) and never puts the token in it', () => {
    const cookie = guard().sessionCookie();
    expect(cookie).toMatch(/^callrelay_session_4170=[\w-]+; HttpOnly; SameSite=Strict; Path=\/$/);
    expect(cookie).not.toContain(TOKEN);
  });
});
