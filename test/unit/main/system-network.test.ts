// The desktop's proxy and trust store handed to the core: Electron's session.resolveProxy per
// origin (never a full URL), the OS store through Electron's Node, and the core's requests really
// following the system's answer unless the config says otherwise.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Config } from '../../../shared/config.js';
import type { ConnectionTest } from '../../../shared/contract.js';
import { createCore } from '../../../electron/core/create-core.js';
import { createSystemNetwork } from '../../../electron/main/system-network.js';
import { createFakeSession } from './electron-mock.js';

const logger = { warn: vi.fn(), info: vi.fn() };

describe('system network', () => {
  it('asks the session for the origin only, and passes its answer on', async () => {
    const session = createFakeSession();
    session.resolveProxy.mockResolvedValue('PROXY proxy.corp:8080; DIRECT');
    const net = createSystemNetwork({ session, tls: {}, logger });
    expect(await net.resolveProxy('https://bucket.storage.example/up/key?X-Amz-Signature=secret-sig')).toBe(
      'PROXY proxy.corp:8080; DIRECT',
    );
    expect(session.resolveProxy).toHaveBeenCalledWith('https://bucket.storage.example/');
  });

  it('gives up on a resolver that does not answer, with the reason', async () => {
    const session = createFakeSession();
    session.resolveProxy.mockReturnValue(new Promise<string>(() => {}));
    const net = createSystemNetwork({ session, tls: {}, logger, timeoutMs: 50 });
    await expect(net.resolveProxy('https://api.example.com/v1')).rejects.toThrow(
      "the system's proxy settings gave no answer for https://api.example.com within 0.05 s",
    );
  });

  it("reads the OS trust store through Electron's Node, and says so when it cannot", () => {
    const getCACertificates = vi.fn(() => ['-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----']);
    const net = createSystemNetwork({ session: createFakeSession(), tls: { getCACertificates }, logger });
    expect(net.systemCertificates()).toHaveLength(1);
    expect(getCACertificates).toHaveBeenCalledWith('system');
    const old = createSystemNetwork({ session: createFakeSession(), tls: {}, logger });
    expect(old.systemCertificates()).toEqual([]);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('cannot read the system trust store'));
  });
});

describe("the core follows the system's proxy", () => {
  let platform: http.Server;
  let fakeProxy: http.Server;
  let platformUrl = '';
  let proxyPort = 0;
  const proxied: string[] = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-system-proxy-'));
  beforeAll(async () => {
    platform = http.createServer((_req, res) => res.end('{"data":{"id":"x"}}'));
    fakeProxy = http.createServer((req, res) => {
      proxied.push(`${req.method} ${req.url}`);
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('{"detail":"via proxy"}');
    });
    await new Promise<void>((r) => platform.listen(0, '127.0.0.1', r));
    await new Promise<void>((r) => fakeProxy.listen(0, '127.0.0.1', r));
    platformUrl = `http://127.0.0.1:${(platform.address() as AddressInfo).port}`;
    proxyPort = (fakeProxy.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((r) => platform.close(r));
    await new Promise((r) => fakeProxy.close(r));
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function test(proxy: unknown): Promise<ConnectionTest> {
    const session = createFakeSession();
    session.resolveProxy.mockResolvedValue(`PROXY 127.0.0.1:${proxyPort}`);
    const net = createSystemNetwork({ session, tls: {}, logger });
    const core = createCore({
      dataDir: fs.mkdtempSync(path.join(tmp, 'core-')),
      initialConfig: Config.parse({
        destinations: [
          {
            name: 'callab',
            kind: 'callab',
            baseUrl: platformUrl,
            auth: { token: 'token-123456789' },
            ...(proxy ? { proxy } : {}),
          },
        ],
      }),
      env: { HTTP_PROXY: 'http://127.0.0.1:9' },
      resolveProxy: net.resolveProxy,
      systemCertificates: net.systemCertificates,
    });
    try {
      const reply = await core.dispatcher.dispatch('destination:test', { name: 'callab' });
      return (reply.ok ? reply.value : { status: 'error', message: reply.error.message }) as ConnectionTest;
    } finally {
      await core.stop();
    }
  }

  it('uses the system answer (over HTTP_PROXY) when the config sets no proxy', async () => {
    proxied.length = 0;
    const result = await test(undefined);
    expect(result.message).toContain('via proxy');
    expect(proxied.length).toBeGreaterThan(0);
    expect(proxied[0]).toContain(`GET ${platformUrl}/`);
  });

  it('the config\'s explicit "direct" wins over the system', async () => {
    proxied.length = 0;
    const result = await test('direct');
    expect(result.message).not.toContain('via proxy');
    expect(proxied).toEqual([]);
  });
});
