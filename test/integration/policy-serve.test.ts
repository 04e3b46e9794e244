// A managed policy the way a site server gets one: `callrelay serve` started with
// CALLRELAY_POLICY_FILE beside the person's own config, read and changed through the HTTP
// contract, and the policy file edited on disk while it runs.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SettingsView } from '../../shared/contract.js';
import { startServe, type ServeProcess } from '../fixtures/serve-process.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-policy-'));
const policyFile = path.join(tmp, 'policy.json');
const configFile = path.join(tmp, 'config.json');
const TOKEN = 'policy-test-token';
const SITE_SECRET = 'site-secret-value-7781';
let serve: ServeProcess;

const enforcedDestination = {
  name: 'central',
  kind: 'comswise',
  baseUrl: 'http://127.0.0.1:9/v1',
  auth: { token: 'env:SITE_TOKEN' },
};

function writePolicy(policy: unknown): void {
  // Replaced atomically, as a configuration tool would.
  fs.writeFileSync(`${policyFile}.tmp`, typeof policy === 'string' ? policy : JSON.stringify(policy));
  fs.renameSync(`${policyFile}.tmp`, policyFile);
}

const call = <T>(channel: string, input: unknown) => serve.envelope<T>(channel, input);

async function settings(): Promise<SettingsView> {
  const reply = await call<SettingsView>('settings:get', {});
  if (!reply.ok) throw new Error(reply.error?.message);
  return reply.value!;
}

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  let last = await read();
  while (!ok(last) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    last = await read();
  }
  if (!ok(last)) throw new Error(`${what} did not happen in 20 s; last: ${JSON.stringify(last)}`);
  return last;
}

const basePolicy = {
  enforced: { destinations: [enforcedDestination], concurrency: { global: 2 } },
  recommended: { concurrency: { perDestination: 3 }, notifications: { destinationFailingAfterMin: 45 } },
};

beforeAll(async () => {
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      destinations: [{ name: 'mine', kind: 'callab', baseUrl: 'http://127.0.0.1:9/', auth: { token: 'my-own' } }],
      concurrency: { global: 6 },
      notifications: { destinationFailingAfterMin: 10 },
    }),
    { mode: 0o600 },
  );
  writePolicy(basePolicy);
  serve = await startServe(
    ['--config', configFile, '--data', path.join(tmp, 'data'), '--port', '0', '--token', TOKEN],
    { env: { LOG_LEVEL: 'info', CALLRELAY_POLICY_FILE: policyFile, SITE_TOKEN: SITE_SECRET } },
  );
}, 90_000);

afterAll(async () => {
  await serve?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

// One serve process runs through the cases in order: each row builds on the policy of the last.
describe('a managed policy through a real callrelay serve', () => {
  it.each([
    ['enforced wins over the person', (s: SettingsView) => expect(s.concurrency.global).toBe(2)],
    [
      'enforced destinations replace the person’s',
      (s: SettingsView) => expect(s.destinations.map((d) => d.name)).toEqual(['central']),
    ],
    ['recommended fills what the person left unset', (s: SettingsView) => expect(s.concurrency.perDestination).toBe(3)],
    [
      'recommended does not override the person',
      (s: SettingsView) => expect(s.notifications.destinationFailingAfterMin).toBe(10),
    ],
    [
      'the locked fields are listed with the policy named',
      (s: SettingsView) =>
        expect(s.policy).toEqual({ source: policyFile, locked: ['destinations', 'concurrency.global'], error: null }),
    ],
  ])('%s', async (_name, check) => {
    check(await settings());
  });

  it('keeps the policy’s secret a reference: masked in the view, never written to the config file', async () => {
    const view = JSON.stringify(await settings());
    expect(view).not.toContain(SITE_SECRET);
    const onDisk = fs.readFileSync(configFile, 'utf8');
    expect(onDisk).not.toContain(SITE_SECRET);
    expect(onDisk).not.toContain('central');
  });

  it('refuses a change to a locked field, naming the policy; an unlocked one is saved', async () => {
    const refused = await call('settings:update', { concurrency: { global: 8, perDestination: 3 } });
    expect(refused.ok).toBe(false);
    expect(refused.error?.message).toContain('Set by your organisation');
    expect(refused.error?.message).toContain('concurrency.global');
    expect(refused.error?.message).toContain(policyFile);
    const destinations = await call('settings:update', { destinations: [] });
    expect(destinations.ok).toBe(false);

    const saved = await call<SettingsView>('settings:update', { concurrency: { global: 2, perDestination: 5 } });
    expect(saved.ok, saved.error?.message).toBe(true);
    expect(saved.value!.concurrency).toEqual({ global: 2, perDestination: 5 });
    // Only the person's layer is saved: their own destination stays, the policy's is not copied.
    const onDisk = JSON.parse(fs.readFileSync(configFile, 'utf8')) as { destinations: { name: string }[] };
    expect(onDisk.destinations.map((d) => d.name)).toEqual(['mine']);
  });

  it('applies a policy changed while running', async () => {
    writePolicy({ ...basePolicy, enforced: { ...basePolicy.enforced, concurrency: { global: 3 } } });
    const s = await until(settings, (v) => v.concurrency.global === 3, 'the new policy');
    expect(s.policy?.locked).toContain('concurrency.global');
  });

  it.each([
    ['not JSON', '{ "enforced": { "concurrency": '],
    ['an unknown setting', JSON.stringify({ enforced: { colour: 'red' } })],
    [
      'a secret written into the policy',
      JSON.stringify({ enforced: { destinations: [{ ...enforcedDestination, auth: { token: 'plain' } }] } }),
    ],
  ])('a broken policy (%s) is reported naming it, and the last good one stays', async (_name, text) => {
    writePolicy(text);
    const s = await until(settings, (v) => Boolean(v.policy?.error), 'the policy error');
    expect(s.policy?.error).toContain(policyFile);
    expect(s.concurrency.global).toBe(3);
    expect(s.destinations.map((d) => d.name)).toEqual(['central']);
    expect(s.policy?.locked).toContain('destinations');
    expect(serve.output()).toContain(policyFile);
    writePolicy({ ...basePolicy, enforced: { ...basePolicy.enforced, concurrency: { global: 3 } } });
    await until(settings, (v) => v.policy?.error === null, 'the repaired policy');
  });

  it('a policy removed unlocks everything and the person’s own settings return', async () => {
    fs.rmSync(policyFile);
    const s = await until(settings, (v) => v.policy === null, 'the policy removal');
    expect(s.concurrency.global).toBe(6);
    expect(s.destinations.map((d) => d.name)).toEqual(['mine']);
  });

  it('doctor names the policy and what it locks', () => {
    const good = path.join(tmp, 'doctor-policy.json');
    fs.writeFileSync(good, JSON.stringify({ enforced: { concurrency: { global: 2 } } }));
    const r = spawnSync(process.execPath, ['bin/callrelay.js', 'doctor', '--data', path.join(tmp, 'doctor')], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, LOG_LEVEL: 'warn', CALLRELAY_POLICY_FILE: good },
      timeout: 60_000,
    });
    expect(r.stdout).toContain(`ok   managed policy ${good} locks concurrency.global`);
  });

  it('does not start with a broken policy it never saw valid, and says why', () => {
    const broken = path.join(tmp, 'broken-policy.json');
    fs.writeFileSync(broken, JSON.stringify({ enforced: { concurrency: { global: 'many' } } }));
    const started = spawnSync(
      process.execPath,
      ['bin/callrelay.js', 'serve', '--config', configFile, '--data', path.join(tmp, 'data2'), '--port', '0'],
      { cwd: root, encoding: 'utf8', env: { ...process.env, CALLRELAY_POLICY_FILE: broken }, timeout: 30_000 },
    );
    expect(started.status).toBe(1);
    expect(started.stderr).toContain(broken);
    expect(started.stderr).toContain('concurrency.global');
  });
});
