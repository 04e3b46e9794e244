// A token by default, also on loopback: `serve` makes one at first start, keeps it owner-only in
// the data folder, prints a sign-in URL carrying it in the fragment, and reuses it; `callrelay
// token` prints it; commands that read the outbox directly need none.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServe } from '../fixtures/serve-process.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-token-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/callrelay.js', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });

describe('the serve token', () => {
  it('is made at first start, owner-only, printed in the fragment, reused, and shown by callrelay token', async () => {
    const data = path.join(dir, 'data');
    const first = await startServe(['--data', data, '--port', '0']);
    try {
      expect(first.signInUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{43}$/);
      const file = path.join(data, 'serve-token');
      expect(fs.readFileSync(file, 'utf8').trim()).toBe(first.token);
      if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      const denied = await fetch(`${first.url}api/call/queue:stats`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(denied.status).toBe(401);
      expect((await first.envelope('queue:stats')).ok).toBe(true);
    } finally {
      await first.stop();
    }
    const printed = cli('token', '--data', data);
    expect(printed.status).toBe(0);
    expect(printed.stdout.trim()).toBe(first.token);

    // Someone widened the file: the next start narrows it back and keeps the same token.
    if (process.platform !== 'win32') fs.chmodSync(path.join(data, 'serve-token'), 0o644);
    const second = await startServe(['--data', data, '--port', '0']);
    try {
      expect(second.token).toBe(first.token);
      if (process.platform !== 'win32') expect(fs.statSync(path.join(data, 'serve-token')).mode & 0o777).toBe(0o600);
    } finally {
      await second.stop();
    }
    // The commands that read the outbox directly keep working without any token.
    const status = cli('status', '--data', data, '--json');
    expect(status.status).toBe(0);
    expect(JSON.parse(status.stdout).counts).toBeDefined();
  }, 120_000);

  it('--token sets it explicitly and is not written to the data folder', async () => {
    const data = path.join(dir, 'explicit');
    const serve = await startServe(['--data', data, '--port', '0', '--token', 'an-explicit-token-of-enough-length']);
    try {
      expect(serve.token).toBe('an-explicit-token-of-enough-length');
      expect(fs.existsSync(path.join(data, 'serve-token'))).toBe(false);
      expect((await serve.envelope('queue:stats')).ok).toBe(true);
    } finally {
      await serve.stop();
    }
  }, 120_000);
});
