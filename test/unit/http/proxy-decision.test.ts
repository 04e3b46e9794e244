// The proxy decision: which way each request goes and why, for the environment variables in
// their usual forms, the config's own setting, a PAC file (real pac-resolver in its sandbox,
// served over HTTP) and the desktop's system answer; and the dispatchers really route that way.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetwork } from '../../../electron/core/http/network.js';
import { createPacFiles } from '../../../electron/core/http/pac-file.js';
import {
  decideFromEnv,
  decideFromPacResult,
  decideProxy,
  noProxyMatch,
  publicDecision,
} from '../../../electron/core/http/proxy-decision.js';

const u = (s: string) => new URL(s);

describe('environment variables', () => {
  it('https:// takes HTTPS_PROXY, http:// takes HTTP_PROXY, lower case before upper case', () => {
    const env = {
      HTTPS_PROXY: 'http://upper-s:1',
      https_proxy: 'http://lower-s:2',
      HTTP_PROXY: 'http://upper:3',
      http_proxy: 'http://lower:4',
    };
    expect(decideFromEnv(u('https://api.example.com/v1'), env)).toMatchObject({
      kind: 'proxy',
      proxy: 'http://lower-s:2',
      source: 'env',
      reason: 'https_proxy',
    });
    expect(decideFromEnv(u('http://api.example.com/v1'), env)).toMatchObject({ proxy: 'http://lower:4' });
    expect(decideFromEnv(u('https://a.example'), { HTTPS_PROXY: 'http://upper-s:1' })).toMatchObject({
      proxy: 'http://upper-s:1',
      reason: 'HTTPS_PROXY',
    });
  });

  it('https:// falls back to HTTP_PROXY (as undici does); http:// never uses HTTPS_PROXY', () => {
    expect(decideFromEnv(u('https://a.example'), { HTTP_PROXY: 'http://p:3128' })).toMatchObject({
      proxy: 'http://p:3128',
      reason: 'HTTP_PROXY',
    });
    expect(decideFromEnv(u('http://a.example'), { HTTPS_PROXY: 'http://p:3128' })).toMatchObject({
      kind: 'direct',
      source: 'default',
    });
  });

  it('an empty variable counts as unset; "host:port" means http://host:port', () => {
    expect(decideFromEnv(u('https://a.example'), { https_proxy: '', HTTPS_PROXY: 'proxy.corp:8080' })).toMatchObject({
      proxy: 'http://proxy.corp:8080',
      reason: 'HTTPS_PROXY',
    });
    expect(decideFromEnv(u('https://a.example'), {})).toEqual({
      kind: 'direct',
      proxy: null,
      source: 'default',
      reason: 'no proxy is configured',
    });
  });

  it('credentials in the proxy URL are kept apart and never in what is shown', () => {
    const d = decideFromEnv(u('https://a.example'), { HTTPS_PROXY: 'http://alice:s%40cret@proxy.corp:3128' });
    expect(d.proxy).toBe('http://proxy.corp:3128');
    expect(d.credentials).toEqual({ username: 'alice', password: 's@cret' });
    expect(JSON.stringify(publicDecision(d))).not.toContain('cret');
    expect(publicDecision(d).withCredentials).toBe(true);
  });
});

describe('NO_PROXY forms', () => {
  const cases: Array<[string, string, string | null]> = [
    ['https://api.example.com', 'api.example.com', 'api.example.com'],
    ['https://api.example.com', 'example.com', 'example.com'],
    ['https://api.example.com', '.example.com', '.example.com'],
    ['https://api.example.com', '*.example.com', '*.example.com'],
    ['https://example.com', '.example.com', '.example.com'],
    ['https://notexample.com', 'example.com', null],
    ['https://API.Example.COM', 'api.example.com', 'api.example.com'],
    ['https://api.example.com', 'other.test, api.example.com', 'api.example.com'],
    ['https://api.example.com', 'other.test api.example.com', 'api.example.com'],
    ['https://api.example.com', 'api.example.com:443', 'api.example.com:443'],
    ['https://api.example.com', 'api.example.com:8443', null],
    ['http://10.1.2.3:8080/x', '10.1.2.3:8080', '10.1.2.3:8080'],
    ['http://[::1]:4170/', '[::1]', '[::1]'],
    ['https://anything.test', '*', '*'],
    ['https://anything.test', '', null],
  ];
  it.each(cases)('%s with NO_PROXY=%j → %s', (url, noProxy, match) => {
    expect(noProxyMatch(u(url), noProxy)).toBe(match);
  });

  it('bypasses the proxy and says which entry did; no_proxy wins over NO_PROXY', () => {
    const env = { HTTPS_PROXY: 'http://p:3128', no_proxy: '.corp', NO_PROXY: 'example.com' };
    expect(decideFromEnv(u('https://git.corp'), env)).toMatchObject({
      kind: 'direct',
      source: 'env',
      reason: 'no_proxy entry ".corp"',
    });
    expect(decideFromEnv(u('https://api.example.com'), env)).toMatchObject({ kind: 'proxy' });
  });
});

describe('config over environment, system, PAC', () => {
  const env = { HTTPS_PROXY: 'http://env-proxy:3128' };
  const where = (setting: unknown, global?: unknown) => [
    { setting: setting as never, where: "destination main's proxy setting" },
    { setting: global as never, where: 'the proxy setting' },
  ];

  it('the destination setting wins over the global one, which wins over the environment', async () => {
    const url = u('https://api.example.com');
    expect(await decideProxy(url, { settings: where(undefined, undefined), env })).toMatchObject({ source: 'env' });
    expect(await decideProxy(url, { settings: where(undefined, { url: 'http://global:1' }), env })).toMatchObject({
      proxy: 'http://global:1',
      source: 'config',
      reason: 'the proxy setting',
    });
    expect(
      await decideProxy(url, { settings: where({ url: 'http://own:2' }, { url: 'http://global:1' }), env }),
    ).toMatchObject({ proxy: 'http://own:2', reason: "destination main's proxy setting" });
    expect(await decideProxy(url, { settings: where('direct', { url: 'http://global:1' }), env })).toMatchObject({
      kind: 'direct',
      source: 'config',
      reason: `destination main's proxy setting is "direct"`,
    });
  });

  it('carries config credentials to the agent but not into the report', async () => {
    const d = await decideProxy(u('https://a.example'), {
      settings: where({ url: 'http://p:3128', credentials: { username: 'u', password: 'pw-123456' } }),
      env: {},
    });
    expect(d.credentials).toEqual({ username: 'u', password: 'pw-123456' });
    expect(JSON.stringify(publicDecision(d))).not.toContain('pw-123456');
  });

  it("desktop: the system's answer is used unless the config says otherwise, and beats the environment", async () => {
    const asked: string[] = [];
    const resolveSystemProxy = async (url: string) => {
      asked.push(url);
      return 'PROXY sys.corp:8080; DIRECT';
    };
    const url = u('https://api.example.com/v1/calls');
    expect(await decideProxy(url, { settings: where(undefined), env, resolveSystemProxy })).toMatchObject({
      kind: 'proxy',
      proxy: 'http://sys.corp:8080',
      source: 'system',
      reason: `the system's proxy settings said "PROXY sys.corp:8080; DIRECT"`,
    });
    expect(asked).toEqual(['https://api.example.com/v1/calls']);
    expect(await decideProxy(url, { settings: where('direct'), env, resolveSystemProxy })).toMatchObject({
      kind: 'direct',
      source: 'config',
    });
  });

  it('reads every PAC/system answer form', () => {
    expect(decideFromPacResult('DIRECT', 'pac', 'x')).toMatchObject({ kind: 'direct', source: 'pac' });
    expect(decideFromPacResult('', 'system', 'x')).toMatchObject({ kind: 'direct' });
    expect(decideFromPacResult('HTTPS secure.corp:443', 'pac', 'x').proxy).toBe('https://secure.corp:443');
    expect(decideFromPacResult('SOCKS5 socks.corp:1080; DIRECT', 'pac', 'x').proxy).toBe('socks5://socks.corp:1080');
    expect(decideFromPacResult('PROXY a:1;PROXY b:2', 'pac', 'x').proxy).toBe('http://a:1');
  });
});

describe('PAC files', () => {
  let server: http.Server;
  let base = '';
  let served = 0;
  const pac = `function FindProxyForURL(url, host) {
    if (dnsDomainIs(host, ".corp") || isPlainHostName(host)) return "DIRECT";
    if (shExpMatch(url, "https://*.example.com/*")) return "PROXY pac-proxy.corp:3128; DIRECT";
    return "PROXY other.corp:8080";
  }`;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-pac-'));
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      served++;
      if (req.url === '/wpad.dat') {
        res.writeHead(200, { 'content-type': 'application/x-ns-proxy-autoconfig' });
        res.end(pac);
      } else if (req.url === '/broken.pac') {
        res.writeHead(200);
        res.end('function FindProxyForURL(url, host) { return ');
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('fetches the file once and answers per URL from it', async () => {
    const files = createPacFiles({});
    const settings = [{ setting: { pac: `${base}/wpad.dat` }, where: 'the proxy setting' }];
    const find = (pacUrl: string, url: URL) => files.find(pacUrl, url);
    try {
      const a = await decideProxy(u('https://api.example.com/v1'), { settings, env: {}, findProxyForUrl: find });
      expect(a).toMatchObject({ kind: 'proxy', proxy: 'http://pac-proxy.corp:3128', source: 'pac' });
      expect(a.reason).toContain(`the PAC file ${base}/wpad.dat`);
      expect(await decideProxy(u('https://git.corp/x'), { settings, env: {}, findProxyForUrl: find })).toMatchObject({
        kind: 'direct',
        source: 'pac',
      });
      expect((await decideProxy(u('http://other.test/'), { settings, env: {}, findProxyForUrl: find })).proxy).toBe(
        'http://other.corp:8080',
      );
      expect(served).toBe(1);
    } finally {
      files.close();
    }
  });

  it('reads file: URLs, and says plainly when a PAC file is missing or broken', async () => {
    const file = path.join(tmp, 'proxy.pac');
    fs.writeFileSync(file, pac);
    const files = createPacFiles({});
    try {
      expect(await files.find(pathToFileURL(file).toString(), u('https://x.example.com/a'))).toBe(
        'PROXY pac-proxy.corp:3128; DIRECT',
      );
      await expect(files.find(`${base}/missing.pac`, u('https://a.example'))).rejects.toThrow(
        `The proxy auto-config file ${base}/missing.pac could not be used: it answered HTTP 404.`,
      );
      await expect(files.find(`${base}/broken.pac`, u('https://a.example'))).rejects.toThrow(/not a valid PAC script/);
      await expect(files.find('http://127.0.0.1:9/wpad.dat', u('https://a.example'))).rejects.toThrow(
        /could not be fetched \(ECONNREFUSED\)/,
      );
    } finally {
      files.close();
    }
  });
});

describe('the dispatchers route as decided', () => {
  let target: http.Server;
  let fakeProxy: http.Server;
  let targetPort = 0;
  let proxyUrl = '';
  const viaProxy: string[] = [];
  beforeAll(async () => {
    target = http.createServer((req, res) => res.end(`direct ${req.url}`));
    // Enough of a forward proxy for plain http://: answers absolute-form requests itself.
    fakeProxy = http.createServer((req, res) => {
      viaProxy.push(`${req.method} ${req.url} ${req.headers['proxy-authorization'] ?? ''}`.trim());
      res.end('via proxy');
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    await new Promise<void>((r) => fakeProxy.listen(0, '127.0.0.1', r));
    targetPort = (target.address() as AddressInfo).port;
    proxyUrl = `http://127.0.0.1:${(fakeProxy.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => target.close(r));
    await new Promise((r) => fakeProxy.close(r));
  });

  async function get(network: ReturnType<typeof createNetwork>, setting: unknown, host: string) {
    const route = network.forDestination({ name: 'main', proxy: setting as never }, {});
    const url = new URL(`http://${host}:${targetPort}/p`);
    const { dispatcher, decision } = await route.routeFor(url);
    const res = await request(url, { dispatcher });
    return { text: await res.body.text(), decision };
  }

  it('HTTP_PROXY through undici EnvHttpProxyAgent, NO_PROXY bypassing it, as the decision says', async () => {
    const network = createNetwork({ env: { HTTP_PROXY: proxyUrl, NO_PROXY: 'localhost' } });
    try {
      viaProxy.length = 0;
      const proxied = await get(network, undefined, '127.0.0.1');
      expect(proxied.text).toBe('via proxy');
      expect(proxied.decision.kind).toBe('proxy');
      expect(viaProxy).toEqual([`GET http://127.0.0.1:${targetPort}/p`]);
      const bypassed = await get(network, undefined, 'localhost');
      expect(bypassed.text).toBe('direct /p');
      expect(bypassed.decision).toMatchObject({ kind: 'direct', reason: 'NO_PROXY entry "localhost"' });
      expect(viaProxy).toHaveLength(1);
    } finally {
      await network.close();
    }
  });

  it('a config proxy with credentials sends Basic auth to the proxy; "direct" ignores HTTP_PROXY', async () => {
    const network = createNetwork({ env: { HTTP_PROXY: 'http://127.0.0.1:9' } });
    try {
      viaProxy.length = 0;
      const withAuth = await get(
        network,
        { url: proxyUrl, credentials: { username: 'alice', password: 'pw' } },
        '127.0.0.1',
      );
      expect(withAuth.text).toBe('via proxy');
      expect(viaProxy).toEqual([
        `GET http://127.0.0.1:${targetPort}/p Basic ${Buffer.from('alice:pw').toString('base64')}`,
      ]);
      expect((await get(network, 'direct', '127.0.0.1')).text).toBe('direct /p');
    } finally {
      await network.close();
    }
  });
});
