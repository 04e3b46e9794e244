import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkLiteralSecretExposure } from '../../../electron/core/secrets/config-file-mode.js';
import { maskSecret } from '../../../electron/core/secrets/mask-secret.js';
import type { SecretCodec } from '../../../electron/core/secrets/secret-codec.js';
import { createSecretHandling } from '../../../electron/core/secrets/secret-handling.js';
import { parseSecretRef, resolveSecret, sealSecret } from '../../../electron/core/secrets/secret-ref.js';

const codec: SecretCodec = {
  isAvailable: () => true,
  encrypt: (plain) => Buffer.from(`x${plain}`).toString('base64'),
  decrypt: (cipher) => {
    const text = Buffer.from(cipher, 'base64').toString();
    if (!text.startsWith('x')) throw new Error('bad ciphertext');
    return text.slice(1);
  },
};

describe('secret references', () => {
  it('parses env:, safe: and literals', () => {
    expect(parseSecretRef('env:COMSWISE_TOKEN')).toEqual({ kind: 'env', name: 'COMSWISE_TOKEN' });
    expect(parseSecretRef('safe:eHl6')).toEqual({ kind: 'safe', cipher: 'eHl6' });
    expect(parseSecretRef('sk_live_abc')).toEqual({ kind: 'literal', value: 'sk_live_abc' });
    expect(() => parseSecretRef('env:BAD-NAME')).toThrow(/env:NAME/);
    expect(() => parseSecretRef('safe:not base64!')).toThrow(/damaged/);
  });

  it('resolves env: from the environment, with a clear error naming the field and variable', () => {
    expect(resolveSecret('env:TOKEN', 'destinations.0.auth.token', { env: { TOKEN: 'abc' } })).toBe('abc');
    const missing = () => resolveSecret('env:COMSWISE_TOKEN', 'destinations.0.auth.token', { env: {} });
    expect(missing).toThrow(/destinations\.0\.auth\.token/);
    expect(missing).toThrow(/COMSWISE_TOKEN, which is not set/);
    expect(() => resolveSecret('env:EMPTY', 'f', { env: { EMPTY: '' } })).toThrow(/not set/);
  });

  it('resolves safe: only through an available codec', () => {
    const sealed = sealSecret('s3cret-value', codec);
    expect(sealed.startsWith('safe:')).toBe(true);
    expect(resolveSecret(sealed, 'f', { env: {}, codec })).toBe('s3cret-value');
    expect(() => resolveSecret(sealed, 'f', { env: {} })).toThrow(/key store, which is not available here/);
    expect(() => resolveSecret('safe:AAAA', 'f', { env: {}, codec })).toThrow(/cannot be decrypted/);
  });

  it('seals typed secrets, keeps env: references, and refuses plain storage unless allowed', () => {
    expect(sealSecret('env:MY_KEY', codec)).toBe('env:MY_KEY');
    const unavailable: SecretCodec = { ...codec, isAvailable: () => false };
    expect(() => sealSecret('abc', unavailable)).toThrow(/no encryption/);
    expect(() => sealSecret('abc', null)).toThrow(/no encryption/);
    expect(sealSecret('abc', { ...unavailable, confirmPlaintextStorage: () => true })).toBe('abc');
  });

  it('handling remembers every resolved and stored value for redaction', () => {
    const handling = createSecretHandling({ env: { A: 'from-env-value' }, codec });
    handling.resolve('env:A', 'f');
    handling.store('typed-secret');
    handling.resolve('literal-one', 'g');
    expect(handling.knownValues().sort()).toEqual(['from-env-value', 'literal-one', 'typed-secret']);
  });
});

describe('maskSecret', () => {
  it('shows the last four characters only for secrets of 12 or more', () => {
    expect(maskSecret('abcdefghijkl')).toEqual({ set: true, hint: 'ijkl' });
    expect(maskSecret('abcdefghijk')).toEqual({ set: true, hint: null });
    expect(maskSecret('')).toEqual({ set: false, hint: null });
    expect(maskSecret(undefined)).toEqual({ set: false, hint: null });
  });
});

describe('literal secrets in a config file', () => {
  const destinations = [
    { name: 'main', auth: { token: 'literal-token-value' } },
    { name: 'env', auth: { token: 'env:X' } },
    { name: 'tus', auth: { headers: { 'X-Key': 'literal-header' } } },
  ];

  it('warns when others can read a file holding literal secrets, naming the fields and the fix', () => {
    const warning = checkLiteralSecretExposure('/etc/callrelay.json', destinations, {
      mode: 0o100644,
      platform: 'linux',
    });
    expect(warning).toContain('chmod 600 /etc/callrelay.json');
    expect(warning).toContain('destinations[main].auth.token');
    expect(warning).toContain('destinations[tus].auth.headers.X-Key');
    expect(warning).not.toContain('destinations[env]');
    expect(warning).not.toContain('literal-token-value');
  });

  it('accepts owner-only files, reference-only configs, and Windows', () => {
    expect(checkLiteralSecretExposure('/c.json', destinations, { mode: 0o100600, platform: 'linux' })).toBeNull();
    expect(checkLiteralSecretExposure('/c.json', [destinations[1]!], { mode: 0o100644, platform: 'linux' })).toBeNull();
    expect(checkLiteralSecretExposure('C:\\c.json', destinations, { mode: 0o100666, platform: 'win32' })).toBeNull();
  });

  it('reads the mode from the file itself', () => {
    if (process.platform === 'win32') return;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-mode-'));
    const file = path.join(dir, 'config.json');
    fs.writeFileSync(file, '{}', { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    expect(checkLiteralSecretExposure(file, destinations)).toMatch(/mode 644/);
    fs.chmodSync(file, 0o600);
    expect(checkLiteralSecretExposure(file, destinations)).toBeNull();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
