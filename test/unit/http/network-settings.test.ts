// Proxy and certificate settings as the settings store reads them (secrets resolved, kept out of
// the file and the renderer's view, known for redaction; a bad caFile named at start), and the
// words each network failure is reported in.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRuntimeConfig } from '../../../electron/core/config/runtime-config.js';
import {
  certificateProblem,
  describeCertificateProblem,
  describeProxyProblem,
  proxyProblem,
} from '../../../electron/core/http/network-errors.js';
import type { ProxyDecision } from '../../../electron/core/http/proxy-decision.js';
import { ownerOnlyFileCodec } from '../../../electron/core/secrets/secret-codec.js';
import { createSecretHandling } from '../../../electron/core/secrets/secret-handling.js';

function storeWith(config: unknown, env: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-network-settings-'));
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, JSON.stringify(config));
  return {
    file,
    open: () => createRuntimeConfig({ file, secrets: createSecretHandling({ env, codec: ownerOnlyFileCodec }) }),
  };
}

const destination = {
  name: 'main',
  kind: 'callab',
  baseUrl: 'https://api.example.com',
  auth: { token: 'tok-1234567890' },
};

describe('proxy and caFile settings', () => {
  it('resolves proxy credentials from env: and keeps them out of the file, the view and the logs', () => {
    const { file, open } = storeWith(
      {
        proxy: { url: 'http://proxy.corp:3128', username: 'env:PU', password: 'env:PP' },
        destinations: [
          { ...destination, proxy: { pac: 'http://wpad.corp/wpad.dat', username: 'u', password: 'env:PP2' } },
        ],
      },
      { PU: 'relay', PP: 'global-proxy-pass', PP2: 'own-proxy-pass' },
    );
    const settings = open();
    expect(settings.resolved().proxy).toEqual({
      url: 'http://proxy.corp:3128',
      username: 'relay',
      password: 'global-proxy-pass',
    });
    expect(settings.resolved().destinations[0]!.proxy).toMatchObject({ password: 'own-proxy-pass' });
    expect(settings.secretValues()).toEqual(expect.arrayContaining(['global-proxy-pass', 'own-proxy-pass']));
    expect(JSON.stringify(settings.view())).not.toMatch(/proxy-pass/);
    // A settings save keeps the references, never the resolved values.
    settings.update({ concurrency: { global: 3, perDestination: 1 } });
    const saved = fs.readFileSync(file, 'utf8');
    expect(saved).toContain('env:PP');
    expect(saved).not.toMatch(/proxy-pass/);
  });

  it('refuses half credentials, a missing variable, credentials in the URL, and an unreadable caFile', () => {
    expect(() =>
      storeWith({ proxy: { url: 'http://p:3128', username: 'relay' }, destinations: [destination] }, {}).open(),
    ).toThrow('proxy: give both "username" and "password" for the proxy, or neither.');
    expect(() =>
      storeWith({ proxy: { url: 'http://p:3128', username: 'u', password: 'env:NOPE' }, destinations: [] }, {}).open(),
    ).toThrow(/proxy.password: .*NOPE, which is not set/);
    expect(() => storeWith({ proxy: 'http://alice:pw@p:3128' }, {}).open()).toThrow(
      'put proxy credentials in "username" and "password" (env:NAME), not in the URL',
    );
    expect(() => storeWith({ caFile: '/nonexistent/corp.pem' }, {}).open()).toThrow(
      'caFile: cannot read /nonexistent/corp.pem (ENOENT); give the path of a PEM file with the certificate(s) to trust.',
    );
  });
});

describe('network failures in plain words', () => {
  const chain = [
    {
      subject: 'api.example.com',
      issuer: 'Corp Inspection CA, Corp',
      validFrom: '2026-01-01T00:00:00.000Z',
      validTo: '2026-06-30T00:00:00.000Z',
      fingerprint256: 'AA',
      issuerDn: 'CN=Corp Inspection CA',
    },
  ];
  const inspection = { authorized: false, error: 'x', protocol: 'TLSv1.3', chain };

  it('maps OpenSSL codes to what a person can act on', () => {
    expect(certificateProblem('UNABLE_TO_VERIFY_LEAF_SIGNATURE')).toBe('untrusted');
    expect(certificateProblem('SELF_SIGNED_CERT_IN_CHAIN')).toBe('untrusted');
    expect(certificateProblem('CERT_HAS_EXPIRED')).toBe('expired');
    expect(certificateProblem('ERR_TLS_CERT_ALTNAME_INVALID')).toBe('wrong-host');
    expect(certificateProblem('ECONNREFUSED')).toBeNull();
    expect(describeCertificateProblem('api.example.com', 'expired', 'CERT_HAS_EXPIRED', inspection)).toBe(
      'The certificate of api.example.com expired on 2026-06-30: the platform (or the proxy inspecting TLS) must renew it.',
    );
    expect(
      describeCertificateProblem('api.example.com', 'wrong-host', 'ERR_TLS_CERT_ALTNAME_INVALID', inspection),
    ).toContain("is for 'api.example.com'");
    expect(describeCertificateProblem('api.example.com', 'untrusted', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', null)).toBe(
      'The certificate of api.example.com is not trusted by this computer (UNABLE_TO_GET_ISSUER_CERT_LOCALLY): ' +
        "add the issuing CA's certificate with caFile (or to the system store), then try again.",
    );
  });

  it('names the proxy and where it came from: down, 407 with and without credentials, 403, 502', () => {
    const decision: ProxyDecision = { kind: 'proxy', proxy: 'http://p:3128', source: 'env', reason: 'HTTPS_PROXY' };
    const withAuth = { ...decision, credentials: { username: 'u', password: 'secret-pw' } };
    expect(proxyProblem(decision, 'ECONNREFUSED', 'connect ECONNREFUSED')).toEqual({
      kind: 'proxy-down',
      code: 'ECONNREFUSED',
    });
    expect(proxyProblem({ ...decision, kind: 'direct', proxy: null }, 'ECONNREFUSED', '')).toBeNull();
    const p407 = proxyProblem(decision, 'UND_ERR_ABORTED', 'Proxy response (407) !== 200 when HTTP Tunneling')!;
    expect(describeProxyProblem(decision, 'a.example', p407)).toBe(
      'The proxy http://p:3128 (from HTTPS_PROXY) asks for a username and password (HTTP 407): set "username" and "password" (env:NAME) in the proxy setting.',
    );
    const refused = describeProxyProblem(withAuth, 'a.example', p407);
    expect(refused).toContain('refused its username and password');
    expect(refused).not.toContain('secret-pw');
    expect(describeProxyProblem(decision, 'a.example', { kind: 'proxy-status', status: 403 })).toContain(
      'does not allow connections to a.example (HTTP 403)',
    );
    expect(describeProxyProblem(decision, 'a.example', { kind: 'proxy-status', status: 502 })).toContain(
      'could not reach a.example (HTTP 502)',
    );
  });
});
