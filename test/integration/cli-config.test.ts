// `callrelay serve` with a bad config stops at start, names the problem, and exits non-zero.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jobStates } from '../../shared/model.js';
import { writeWav } from '../fixtures/audio/wav.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-cli-'));

function serveWith(config: unknown, env: NodeJS.ProcessEnv = {}) {
  const file = path.join(tmp, `config-${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(file, JSON.stringify(config));
  const childEnv = { ...process.env, ...env };
  if (env.COMSWISE_TOKEN === undefined) delete childEnv.COMSWISE_TOKEN;
  const result = spawnSync(
    process.execPath,
    ['bin/callrelay.js', 'serve', '--config', file, '--data', path.join(tmp, 'data'), '--port', '0'],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, ...env, COMSWISE_TOKEN: env.COMSWISE_TOKEN },
    },
  );
  return { status: result.status, stderr: result.stderr };
}

const comswise = {
  name: 'main',
  kind: 'comswise',
  baseUrl: 'http://127.0.0.1:9/v1',
  auth: { token: 'env:COMSWISE_TOKEN' },
};

describe('callrelay serve refuses a bad config', () => {
  it('an unknown destination kind', () => {
    const { status, stderr } = serveWith({ destinations: [{ ...comswise, kind: 'dropbox' }] }, { COMSWISE_TOKEN: 'x' });
    expect(status).toBe(1);
    expect(stderr).toMatch(/destinations\.0\.kind/);
  });

  it('a folder that does not exist', () => {
    const missing = path.join(tmp, 'no-such-folder');
    const { status, stderr } = serveWith(
      { destinations: [comswise], folders: [{ path: missing, destination: 'main' }] },
      { COMSWISE_TOKEN: 'x' },
    );
    expect(status).toBe(1);
    expect(stderr).toContain(`the folder "${missing}" does not exist`);
  });

  it('a folder template that is a typo of a preset', () => {
    const folder = path.join(tmp, 'typo-folder');
    fs.mkdirSync(folder, { recursive: true });
    const { status, stderr } = serveWith(
      { destinations: [comswise], folders: [{ path: folder, destination: 'main', template: 'freepxb' }] },
      { COMSWISE_TOKEN: 'x' },
    );
    expect(status).toBe(1);
    expect(stderr).toMatch(/folders\.0\.template: "freepxb" is neither a preset .*did you mean freepbx\?/);
  });

  it('a secret whose environment variable is not set', () => {
    const { status, stderr } = serveWith({ destinations: [comswise] });
    expect(status).toBe(1);
    expect(stderr).toMatch(/destinations\.0\.auth\.token/);
    expect(stderr).toContain('COMSWISE_TOKEN');
  });
});

describe('a broken outbox', () => {
  it('stops serve with the file named, keeps it untouched, and doctor can set it aside', () => {
    const dataDir = path.join(tmp, 'broken');
    fs.mkdirSync(dataDir, { recursive: true });
    const db = path.join(dataDir, 'outbox.db');
    fs.writeFileSync(db, 'not a database, but maybe the only copy of a queue');
    const run = (args: string[]) =>
      spawnSync(process.execPath, ['bin/callrelay.js', ...args, '--data', dataDir], {
        cwd: root,
        encoding: 'utf8',
        timeout: 60_000,
      });

    const serve = run(['serve', '--port', '0']);
    expect(serve.status).toBe(1);
    expect(serve.stderr).toContain(`The outbox database ${db} cannot be used`);
    expect(fs.readFileSync(db, 'utf8')).toBe('not a database, but maybe the only copy of a queue');

    const doctor = run(['doctor']);
    expect(doctor.status).toBe(1);
    expect(fs.existsSync(db)).toBe(true);

    const setAside = run(['doctor', '--set-aside-outbox']);
    expect(setAside.stdout).toMatch(/moved to .*outbox\.db\.broken-/);
    const kept = fs.readdirSync(dataDir).filter((f) => f.startsWith('outbox.db.broken-'));
    expect(kept).toHaveLength(1);
    expect(fs.readFileSync(path.join(dataDir, kept[0]!), 'utf8')).toBe(
      'not a database, but maybe the only copy of a queue',
    );
  });
});

const silent = () => {
  const logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => logger };
  return logger;
};

describe('callrelay status --json', () => {
  it('prints one object whose counts name every job state, zeros included', async () => {
    const dataDir = path.join(tmp, 'status');
    const { createCore } = await import('../../electron/core/create-core.js');
    await createCore({ dataDir }).stop();
    const result = spawnSync(process.execPath, ['bin/callrelay.js', 'status', '--data', dataDir, '--json'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(0);
    const { counts } = JSON.parse(result.stdout) as { counts: Record<string, number> };
    expect(Object.keys(counts).sort()).toEqual([...jobStates].sort());
    expect(Object.values(counts).every((n) => n === 0)).toBe(true);
  });

  it('lists each destination with its health, last error and since when, and the duplicate count', async () => {
    const dataDir = path.join(tmp, 'status-health');
    fs.mkdirSync(dataDir, { recursive: true });
    const { openOutbox } = await import('../../electron/core/outbox/outbox.js');
    const { HEALTH_KEY } = await import('../../electron/core/engine/engine.js');
    const { outboxFile } = await import('../../electron/core/config/default-paths.js');
    const outbox = openOutbox({ file: outboxFile(dataDir), clock: { now: () => Date.now() }, logger: silent() });
    const saved = [
      { name: 'main', health: 'down', lastError: 'HTTP 503: unavailable', since: '2026-12-01T10:00:00.000Z' },
    ];
    outbox.setMeta(HEALTH_KEY, JSON.stringify(saved));
    outbox.close();
    const result = spawnSync(process.execPath, ['bin/callrelay.js', 'status', '--data', dataDir, '--json'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(0);
    const status = JSON.parse(result.stdout) as { counts: Record<string, number>; destinations: unknown[] };
    expect(status.counts.duplicate).toBe(0);
    expect(status.destinations).toEqual(saved);
  });
});

describe('callrelay enqueue', () => {
  it('queues a file once, says so, and exits cleanly; a second time it is already known', () => {
    const dataDir = path.join(tmp, 'enqueue');
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(
      path.join(dataDir, 'config.json'),
      JSON.stringify({ destinations: [{ ...comswise, auth: { token: 'a-literal-token-for-tests' } }] }),
      { mode: 0o600 },
    );
    const file = path.join(dataDir, 'call.wav');
    writeWav(file, { seconds: 1 });
    const run = () =>
      spawnSync(process.execPath, ['bin/callrelay.js', 'enqueue', file, '--destination', 'main', '--data', dataDir], {
        cwd: root,
        encoding: 'utf8',
        timeout: 60_000,
      });
    const first = run();
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('queued 1, already known 0');
    const second = run();
    expect(second.status).toBe(0);
    expect(second.stdout).toContain('queued 0, already known 1');
  });
});

describe('callrelay serve on a network address', () => {
  it('refuses to start without a token, before anything runs', () => {
    const dataDir = path.join(tmp, 'exposed');
    const result = spawnSync(
      process.execPath,
      ['bin/callrelay.js', 'serve', '--host', '0.0.0.0', '--port', '0', '--data', dataDir],
      { cwd: root, encoding: 'utf8', timeout: 60_000, env: { ...process.env, CALLRELAY_TOKEN: '' } },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Refusing to listen on 0.0.0.0 without a token');
    expect(fs.existsSync(path.join(dataDir, 'outbox.db'))).toBe(false);
  });
});
