// The site-server service: the shipped systemd unit checked by systemd itself (where it exists)
// and by its directives, `callrelay serve` reading its token the way the unit hands it over
// (a systemd credential, a token file), and a stop by SIGTERM during a transfer: the step in
// flight is wound up and recorded, the job is back in the queue, and the process exits 0.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeWav } from '../fixtures/audio/wav.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const unitFile = path.join(root, 'resources', 'linux', 'callrelay.service');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-service-'));
const hasSystemdAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  fs.rmSync(tmp, { recursive: true, force: true });
});

function startServe(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, ['bin/callrelay.js', 'serve', '--port', '0', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
  });
  children.push(child);
  let output = '';
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${output}`)), 60_000);
    child.stdout!.on('data', (c: Buffer) => {
      output += c.toString();
      const match = /CallRelay is running:\s+(http:\/\/[^\s#]+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ child, url: match[1], output: () => output });
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${output}`)));
  });
}

function directives(text: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) {
      section = header[1]!;
      continue;
    }
    const [key, ...value] = line.split('=');
    const name = `${section}.${key}`;
    found.set(name, [...(found.get(name) ?? []), value.join('=')]);
  }
  return found;
}

describe('resources/linux/callrelay.service', () => {
  it('has a dedicated user, a read-only system but its data folder, restarts, and a token credential', () => {
    const d = directives(fs.readFileSync(unitFile, 'utf8'));
    expect(d.get('Service.User')).toEqual(['callrelay']);
    expect(d.get('Service.ProtectSystem')).toEqual(['strict']);
    expect(d.get('Service.ReadWritePaths')).toEqual(['/var/lib/callrelay']);
    expect(d.get('Service.Restart')).toEqual(['on-failure']);
    expect(d.get('Service.LoadCredential')).toEqual(['token:/etc/callrelay/token']);
    expect(d.get('Service.ExecStart')?.[0]).toMatch(/callrelay serve --data \/var\/lib\/callrelay /);
    expect(d.get('Service.ExecStart')?.[0]).not.toContain('--token');
    expect(d.get('Install.WantedBy')).toEqual(['multi-user.target']);
  });

  it.skipIf(!hasSystemdAnalyze)('passes `systemd-analyze verify` without a warning', () => {
    // The unit names the installed binary; here it runs this checkout's (verify checks it exists).
    const text = fs
      .readFileSync(unitFile, 'utf8')
      .replace(/^ExecStart=\S+/m, `ExecStart=${process.execPath} ${path.join(root, 'bin', 'callrelay.js')}`);
    const unit = path.join(tmp, 'callrelay.service');
    fs.writeFileSync(unit, text);
    const r = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`.trim()).toBe('');
    expect(r.status).toBe(0);

    // Control: verify reports a misspelt value only as a warning, which is what is checked above.
    const bad = path.join(tmp, 'bad.service');
    fs.writeFileSync(bad, text.replace('ProtectSystem=strict', 'ProtectSystem=strictt'));
    const control = spawnSync('systemd-analyze', ['verify', bad], { encoding: 'utf8' });
    expect(control.stderr).toContain('protect system');
  });
});

describe('callrelay serve as a service', () => {
  it('takes its token from $CREDENTIALS_DIRECTORY/token or --token-file', async () => {
    const credentials = path.join(tmp, 'credentials');
    fs.mkdirSync(credentials);
    fs.writeFileSync(path.join(credentials, 'token'), 'from-systemd-credential\n', { mode: 0o600 });
    const tokenFile = path.join(tmp, 'token-file');
    fs.writeFileSync(tokenFile, 'from-token-file\n', { mode: 0o600 });
    for (const [args, env, token] of [
      [[], { CREDENTIALS_DIRECTORY: credentials }, 'from-systemd-credential'],
      [['--token-file', tokenFile], {}, 'from-token-file'],
    ] as const) {
      const { child, url } = await startServe(['--demo', '--data', path.join(tmp, `demo-${token}`), ...args], env);
      const call = (auth?: string) =>
        fetch(`${url}api/call/settings:get`, {
          method: 'POST',
          body: '{}',
          headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
        });
      expect((await call()).status).toBe(401);
      expect((await call(token)).status).toBe(200);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  }, 120_000);

  it('on SIGTERM during a transfer winds the step up, requeues the job and exits 0', async () => {
    // A tus server that creates the upload, then takes the body without ever answering.
    let patching: () => void = () => {};
    const patched = new Promise<void>((resolve) => (patching = resolve));
    const server = http.createServer((req, res) => {
      if (req.method === 'POST') {
        res.writeHead(201, { location: '/files/1', 'tus-resumable': '1.0.0' }).end();
      } else if (req.method === 'PATCH') {
        patching();
        req.resume();
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const recordings = path.join(tmp, 'recordings');
      fs.mkdirSync(recordings);
      const dataDir = path.join(tmp, 'data-sigterm');
      const configFile = path.join(tmp, 'sigterm-config.json');
      fs.writeFileSync(
        configFile,
        JSON.stringify({
          destinations: [{ name: 'files', kind: 'tus', baseUrl: `http://127.0.0.1:${port}/files/` }],
          folders: [{ path: recordings, destination: 'files', quietPeriodMs: 200 }],
        }),
        { mode: 0o600 },
      );
      const { child, output } = await startServe(['--config', configFile, '--data', dataDir]);
      writeWav(path.join(recordings, 'call.wav'), { seconds: 5 });
      await patched;
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited, output()).toBe(0);
      expect(output()).toContain('SIGTERM: finishing in-flight steps');

      const status = spawnSync(process.execPath, ['bin/callrelay.js', 'status', '--data', dataDir, '--json'], {
        cwd: root,
        encoding: 'utf8',
      });
      const { counts } = JSON.parse(status.stdout) as { counts: Record<string, number> };
      expect(counts).toMatchObject({ running: 0, queued: 1, done: 0 });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 120_000);
});
