import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HandlerError } from '../../../shared/contract-host.js';
import { createRuntimeConfig } from '../../../electron/core/config/runtime-config.js';
import { ownerOnlyFileCodec } from '../../../electron/core/secrets/secret-codec.js';
import { createSecretHandling } from '../../../electron/core/secrets/secret-handling.js';

function store(codec: typeof ownerOnlyFileCodec | null) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-settings-'));
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(
    file,
    JSON.stringify({
      destinations: [
        { name: 'main', kind: 'comswise', baseUrl: 'https://api.example.com/v1', auth: { token: 'env:T' } },
      ],
    }),
  );
  const settings = createRuntimeConfig({
    file,
    secrets: createSecretHandling({ env: { T: 'token-from-the-environment' }, codec }),
  });
  return { settings, file };
}

const cx = {
  name: 'cx',
  kind: 'cx' as const,
  baseUrl: 'https://cx.example.com',
  auth: { username: 'site-user', password: 'a-password-typed-in-the-form' },
};

describe('settings store', () => {
  it('headless: keeps a typed secret in the owner-only config file and shows it masked', () => {
    const { settings, file } = store(ownerOnlyFileCodec);
    settings.update({ destinations: [{ ...settings.view().destinations[0]!, auth: {} }, cx] });
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { destinations: { auth: Record<string, string> }[] };
    expect(saved.destinations[0]!.auth).toEqual({ token: 'env:T' });
    expect(saved.destinations[1]!.auth.password).toBe('a-password-typed-in-the-form');
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o077).toBe(0);
    const view = JSON.stringify(settings.view());
    expect(view).not.toContain('a-password-typed-in-the-form');
    expect(view).not.toContain('token-from-the-environment');
    expect(settings.view().destinations[1]!.auth.password).toEqual({ set: true, hint: 'form' });
    expect(settings.secretValues()).toContain('a-password-typed-in-the-form');
  });

  // Changed by issue 10: this used to move to another host (b.example.com) and keep the secret;
  // a secret now stays only with the origin it was entered for, so the move is within the origin.
  it('an empty secret in the form keeps the stored one', () => {
    const { settings } = store(ownerOnlyFileCodec);
    settings.update({
      destinations: [
        { ...settings.view().destinations[0]!, baseUrl: 'https://api.example.com/v2', auth: { token: '' } },
      ],
    });
    expect(settings.raw().destinations[0]!.auth).toEqual({ token: 'env:T' });
    expect(settings.resolved().destinations[0]!.baseUrl).toBe('https://api.example.com/v2');
  });

  it.each([
    ['another host', 'https://b.example.com/v1'],
    ['another scheme', 'http://api.example.com/v1'],
    ['another port', 'https://api.example.com:8443/v1'],
  ])('moving to %s drops the stored secret and waits for it', (_what, baseUrl) => {
    const { settings, file } = store(ownerOnlyFileCodec);
    const { awaitingSecrets: _a, auth: _masked, ...main } = settings.view().destinations[0]!;
    settings.update({ destinations: [{ ...main, baseUrl }] });
    expect(settings.raw().destinations[0]!.auth).toEqual({ token: '' });
    expect(settings.raw().destinations[0]!.awaitingSecrets).toBe(true);
    expect(settings.view().destinations[0]!.awaitingSecrets).toBe(true);
    expect(fs.readFileSync(file, 'utf8')).not.toContain('env:T');
    // A later update without secrets keeps it waiting; new secrets end the wait.
    settings.update({ destinations: [{ ...main, baseUrl }] });
    expect(settings.raw().destinations[0]!.awaitingSecrets).toBe(true);
    settings.update({ destinations: [{ ...main, baseUrl, auth: { token: 'a-token-for-the-new-address' } }] });
    expect(settings.raw().destinations[0]!.awaitingSecrets).toBeUndefined();
    expect(settings.resolved().destinations[0]!.auth).toEqual({ token: 'a-token-for-the-new-address' });
  });

  it('moving with new secrets in the same update keeps them and does not wait', () => {
    const { settings } = store(ownerOnlyFileCodec);
    settings.update({
      destinations: [
        { name: 'main', kind: 'comswise', baseUrl: 'https://b.example.com', auth: { token: 'new-tok-123456' } },
      ],
    });
    expect(settings.raw().destinations[0]!.awaitingSecrets).toBeUndefined();
    expect(settings.resolved().destinations[0]!.auth).toEqual({ token: 'new-tok-123456' });
  });

  it('tus: moving drops the header values but keeps their names to ask for', () => {
    const { settings } = store(ownerOnlyFileCodec);
    settings.update({
      destinations: [
        {
          name: 't',
          kind: 'tus',
          baseUrl: 'https://tus.example.com/files/',
          auth: { headers: { Authorization: 'Bearer tus-secret-1234' } },
        },
      ],
    });
    settings.update({ destinations: [{ name: 't', kind: 'tus', baseUrl: 'https://elsewhere.example.net/files/' }] });
    expect(settings.raw().destinations[0]!.auth).toEqual({ headers: { Authorization: '' } });
    expect(settings.raw().destinations[0]!.awaitingSecrets).toBe(true);
  });

  it('where secrets may not be stored, says so as bad input and changes nothing', () => {
    const { settings, file } = store(null);
    const before = fs.readFileSync(file, 'utf8');
    expect(() => settings.update({ destinations: [cx] })).toThrow(HandlerError);
    expect(() => settings.update({ destinations: [cx] })).toThrow(/env:NAME/);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    expect(settings.view().destinations).toHaveLength(1);
  });
});

describe('settings store: telemetry', () => {
  it('is off by default, saved when set, refused when wrong, removed by null', () => {
    const { settings, file } = store(ownerOnlyFileCodec);
    expect(settings.view().telemetry).toBeUndefined();
    settings.update({ telemetry: { otlp: 'http://collector.site:4318', station: 'desk-17' } });
    expect(settings.view().telemetry).toEqual({
      otlp: 'http://collector.site:4318',
      station: 'desk-17',
      intervalSec: 30,
    });
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).telemetry).toEqual({
      otlp: 'http://collector.site:4318',
      station: 'desk-17',
      intervalSec: 30,
    });
    expect(() => settings.update({ telemetry: { otlp: 'collector:4318' } })).toThrow(/telemetry\.otlp/);
    expect(() => settings.update({ telemetry: { station: 'desk 17/a' } })).toThrow(/telemetry\.station/);
    settings.update({ telemetry: null });
    expect(settings.view().telemetry).toBeUndefined();
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).not.toHaveProperty('telemetry');
  });
});

describe('a refused save names each field', () => {
  it('a folder that does not exist is refused by its path, without the config file in front (issue 14)', () => {
    const { settings, file } = store(ownerOnlyFileCodec);
    const missing = path.join(path.dirname(file), 'no-such-folder');
    let refused: unknown;
    try {
      settings.update({ folders: [{ path: missing, destination: 'main' }] });
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(HandlerError);
    const error = refused as HandlerError;
    expect(error.message).not.toContain(file);
    expect(error.issues).toEqual([
      { path: 'folders.0.path', message: `the folder "${missing}" does not exist; create it or fix the path.` },
    ]);
  });
});
