// A folder's CDR database address may carry a password: it is resolved like any secret (env:),
// redacted from logs, never shown to the renderer when written literally, and kept on save.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRuntimeConfig, maskedCdrAddress } from '../../../electron/core/config/runtime-config.js';
import { ownerOnlyFileCodec } from '../../../electron/core/secrets/secret-codec.js';
import { createSecretHandling } from '../../../electron/core/secrets/secret-handling.js';

const literalDsn = 'mysql://reader:s3cret-Pa55@10.0.0.5:3306/asteriskcdrdb';
const envDsn = 'mysql://reader:from-the-env-pw@10.0.0.6:3306/asteriskcdrdb';

function store(env: Record<string, string> = { CDR_DSN: envDsn }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-cdr-settings-'));
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(
    file,
    JSON.stringify({
      destinations: [{ name: 'main', kind: 'comswise', baseUrl: 'https://api.example.com/v1', auth: { token: 't' } }],
      folders: [
        { path: dir, destination: 'main', cdr: { mysql: literalDsn } },
        { path: path.join(dir, 'sub'), destination: 'main', cdr: { mysql: 'env:CDR_DSN', table: 'asteriskcdrdb.cdr' } },
      ],
    }),
  );
  fs.mkdirSync(path.join(dir, 'sub'));
  const settings = createRuntimeConfig({ file, secrets: createSecretHandling({ env, codec: ownerOnlyFileCodec }) });
  return { settings, file, dir };
}

describe('CDR address in the settings', () => {
  it('is resolved for the core, masked for the renderer, redacted from logs', () => {
    const { settings } = store();
    const resolved = settings.resolved().folders.map((f) => (f.cdr && 'mysql' in f.cdr ? f.cdr.mysql : null));
    expect(resolved).toEqual([literalDsn, envDsn]);
    const view = settings.view();
    expect(JSON.stringify(view)).not.toContain('s3cret-Pa55');
    expect(JSON.stringify(view)).not.toContain('from-the-env-pw');
    expect(view.folders.map((f) => (f.cdr && 'mysql' in f.cdr ? f.cdr.mysql : null))).toEqual([
      maskedCdrAddress,
      'env:CDR_DSN',
    ]);
    expect(settings.secretValues()).toEqual(expect.arrayContaining([literalDsn, 's3cret-Pa55', 'from-the-env-pw']));
  });

  it('a folder saved back with the masked address keeps the stored one', () => {
    const { settings, file } = store();
    const folders = settings.view().folders.map((f) => ({ ...f, review: true }));
    settings.update({ folders });
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { folders: { cdr: { mysql: string } }[] };
    expect(saved.folders.map((f) => f.cdr.mysql)).toEqual([literalDsn, 'env:CDR_DSN']);
  });

  it('an env: reference that is not set stops the start naming the field', () => {
    expect(() => store({})).toThrow(/folders\.1\.cdr\.mysql: .*CDR_DSN, which is not set/);
  });
});
