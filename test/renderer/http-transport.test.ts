// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import { ContractError, createContractClient } from '../../shared/contract-client.js';
import { createHttpTransport } from '../../renderer/src/transport/http-transport.js';
import { isDesktopBridge, pickTransport } from '../../renderer/src/transport/pick-transport.js';
import { hashWithoutToken, readTokenFromLocation } from '../../renderer/src/transport/session-token.js';

type FetchCall = { url: string; init: RequestInit };

function fakeFetch(reply: () => Response | Promise<Response>) {
  const calls: FetchCall[] = [];
  const fn = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return reply();
  }) as unknown as typeof fetch;
  return { fn, calls };
}

class FakeEventSource extends EventTarget {
  static last: FakeEventSource | null = null;
  closed = false;
  constructor(readonly url: string) {
    super();
    FakeEventSource.last = this;
  }
  push(name: string, data: string) {
    this.dispatchEvent(new MessageEvent(name, { data }));
  }
  close() {
    this.closed = true;
  }
}

describe('http transport', () => {
  it('posts the input to a relative URL with the bearer token and returns the envelope', async () => {
    const { fn, calls } = fakeFetch(() => new Response(JSON.stringify({ ok: true, value: { updated: 1 } })));
    const transport = createHttpTransport({ token: 's3cret', fetch: fn });
    const client = createContractClient(transport);
    await expect(client.call('job:retry', { ids: ['a'] })).resolves.toEqual({ updated: 1 });
    expect(calls[0]?.url).toBe('./api/call/job:retry');
    expect(calls[0]?.init.method).toBe('POST');
    expect((calls[0]?.init.headers as Record<string, string>).authorization).toBe('Bearer s3cret');
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual({ ids: ['a'] });
  });

  it('sends no authorization header without a token', async () => {
    const { fn, calls } = fakeFetch(() => new Response(JSON.stringify({ ok: true, value: { updated: 0 } })));
    await createContractClient(createHttpTransport({ fetch: fn })).call('job:retry', { ids: ['a'] });
    expect((calls[0]?.init.headers as Record<string, string>).authorization).toBeUndefined();
  });

  it('turns a network failure into an error a person can act on', async () => {
    const { fn } = fakeFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    const client = createContractClient(createHttpTransport({ fetch: fn }));
    const error = await client.call('queue:stats', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractError);
    expect((error as ContractError).code).toBe('unavailable');
    expect((error as ContractError).message).toMatch(/Cannot reach the CallRelay host/);
  });

  it('explains a missing token on 401', async () => {
    const { fn } = fakeFetch(() => new Response('no', { status: 401 }));
    const error = await createContractClient(createHttpTransport({ fetch: fn }))
      .call('queue:stats', {})
      .catch((e: unknown) => e as ContractError);
    expect((error as ContractError).message).toMatch(/#token=/);
  });

  it('passes host error envelopes through with their code', async () => {
    const { fn } = fakeFetch(
      () =>
        new Response(JSON.stringify({ ok: false, error: { code: 'not-found', message: 'No job x.' } }), {
          status: 404,
        }),
    );
    const error = await createContractClient(createHttpTransport({ fetch: fn }))
      .call('job:get', { id: 'x' })
      .catch((e: unknown) => e as ContractError);
    expect((error as ContractError).code).toBe('not-found');
  });

  // Changed by issue 10: the token never goes into the stream's URL; the page trades it for the
  // host's HttpOnly session cookie first (POST api/session with the bearer header).
  it('signs in for a session cookie, then opens one EventSource without the token and delivers named events', async () => {
    FakeEventSource.last = null;
    const { fn, calls } = fakeFetch(() => new Response(null, { status: 204 }));
    const transport = createHttpTransport({
      token: 'a b',
      fetch: fn,
      createEventSource: (url) => new FakeEventSource(url) as unknown as EventSource,
    });
    const seen: unknown[] = [];
    const other: unknown[] = [];
    const stop = transport.subscribe('queue:changed', (p) => seen.push(p));
    transport.subscribe('settings:changed', (p) => other.push(p));
    await vi.waitFor(() => expect(FakeEventSource.last).not.toBeNull());
    expect(calls[0]?.url).toBe('./api/session');
    expect((calls[0]?.init.headers as Record<string, string>).authorization).toBe('Bearer a b');
    const source = FakeEventSource.last!;
    expect(source.url).toBe('./api/events');
    source.push('queue:changed', '{"ids":["j1"]}');
    source.push('queue:changed', 'not json');
    expect(seen).toEqual([{ ids: ['j1'] }]);
    expect(other).toEqual([]);
    stop();
    source.push('queue:changed', '{"ids":["j2"]}');
    expect(seen).toHaveLength(1);
    transport.close();
    expect(source.closed).toBe(true);
  });
});

describe('event stream connection', () => {
  it('reports a drop once and the return once, so the app can catch up', async () => {
    FakeEventSource.last = null;
    const changes: boolean[] = [];
    const transport = createHttpTransport({
      createEventSource: (url) => new FakeEventSource(url) as unknown as EventSource,
      onConnectionChange: (connected) => changes.push(connected),
    });
    transport.subscribe('queue:changed', () => undefined);
    await vi.waitFor(() => expect(FakeEventSource.last).not.toBeNull());
    const source = FakeEventSource.last!;
    source.dispatchEvent(new Event('open'));
    expect(changes).toEqual([]);
    source.dispatchEvent(new Event('error'));
    source.dispatchEvent(new Event('error'));
    source.dispatchEvent(new Event('open'));
    expect(changes).toEqual([false, true]);
  });
});

describe('token and transport choice', () => {
  it('reads the token from the fragment, keeps it in session storage, and strips it from the URL', () => {
    sessionStorage.clear();
    expect(readTokenFromLocation({ hash: '#token=abc%3D' }, sessionStorage)).toBe('abc=');
    expect(readTokenFromLocation({ hash: '#/queue' }, sessionStorage)).toBe('abc=');
    expect(hashWithoutToken('#token=abc')).toBe('');
    expect(hashWithoutToken('#/queue&token=abc')).toBe('#/queue');
    // A sign-in link with a route after it, as `${signInUrl}#/queue` gives.
    expect(readTokenFromLocation({ hash: '#token=t%23k#/review' }, sessionStorage)).toBe('t#k');
    expect(hashWithoutToken('#token=t%23k#/review')).toBe('#/review');
  });

  it('uses the desktop bridge when the preload exposed one, HTTP otherwise', () => {
    const bridge = { invoke: async () => ({ ok: true, value: {} }), subscribe: () => () => undefined };
    expect(isDesktopBridge(bridge)).toBe(true);
    expect(isDesktopBridge({ invoke: 1 })).toBe(false);
    const desktop = pickTransport(Object.assign(Object.create(window) as Window, { callrelay: bridge }));
    expect(desktop.mode).toBe('desktop');
    expect(desktop.transport).toBe(bridge);
    window.history.replaceState(null, '', '/#token=t0k');
    const browser = pickTransport(window);
    expect(browser.mode).toBe('browser');
    expect(window.location.hash).toBe('');
    expect(sessionStorage.getItem('callrelay.token')).toBe('t0k');
    window.history.replaceState(null, '', '/#token=n3w#/settings');
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    expect(window.location.hash).toBe('#/settings');
    expect(sessionStorage.getItem('callrelay.token')).toBe('n3w');
  });
});
