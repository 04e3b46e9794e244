// What a hostile folder does to a real `callrelay serve`, each with its visible reason: an XML
// sidecar with an external entity, a symlink loop, a folder that cannot be read and then can
// again, and call times no recorder could have meant. serve runs as an ordinary user (nobody)
// when the test is root, so that file permissions apply to it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelOutput } from '../../shared/contract.js';
import { startSandbox, type Sandbox } from '../../electron/headless/sandbox/sandbox.js';
import { writeWav } from '../fixtures/audio/wav.js';
import { pollUntil, startServe, type ServeProcess } from '../fixtures/serve-process.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-hostile-'));
const inbox = path.join(tmp, 'inbox');
const locked = path.join(tmp, 'locked');
const NOBODY = 65534;
const root = path.resolve(import.meta.dirname, '..', '..');

/** Root can drop to `nobody` only where nobody may read this checkout (not under a 0700 home). */
function canRunAsNobody(): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = spawnSync(
    process.execPath,
    ['-e', `require('fs').accessSync(${JSON.stringify(path.join(root, 'node_modules', 'tsx', 'package.json'))})`],
    {
      uid: NOBODY,
      gid: NOBODY,
      stdio: 'ignore',
    },
  );
  return probe.status === 0;
}

const asNobody = canRunAsNobody();
if (!asNobody) console.log('unreadable-folder case skipped: needs root and a checkout the user nobody may read');
let sandbox: Sandbox;
let serve: ServeProcess;

type Page = ChannelOutput<'queue:list'>;

/** What the review form shows a person for this job. */
async function reasons(id: string): Promise<string> {
  const detail = await serve.call<ChannelOutput<'job:get'>>('job:get', { id });
  return detail.reviewIssues.map((i) => `${i.field}: ${i.message}`).join('\n');
}

async function job(fileName: string, states: string[]): Promise<Page['items'][number]> {
  return pollUntil(`a ${states.join('/')} job for ${fileName}`, async () => {
    const page = await serve.call<Page>('queue:list', { limit: 200 });
    return page.items.find((j) => j.fileName === fileName && states.includes(j.state));
  });
}

beforeAll(async () => {
  sandbox = await startSandbox({ dataDir: path.join(tmp, 'sandbox'), resultDelayMs: 60_000 });
  const config = sandbox.destinationConfigs().find((c) => c.kind === 'comswise')!;
  fs.mkdirSync(inbox, { recursive: true });
  fs.mkdirSync(locked, { recursive: true });
  const defaults = { groupingId: 'ticket-1', direction: 'inbound' };
  const configFile = path.join(tmp, 'config.json');
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      destinations: [config],
      folders: [
        { path: inbox, destination: config.name, quietPeriodMs: 200, defaults },
        { path: locked, destination: config.name, quietPeriodMs: 200, defaults },
      ],
    }),
    { mode: 0o644 },
  );
  if (asNobody) {
    for (const p of [tmp, inbox, locked, configFile]) fs.chownSync(p, NOBODY, NOBODY);
    fs.chmodSync(locked, 0o000);
  }
  serve = await startServe({
    configFile,
    dataDir: path.join(tmp, 'data'),
    env: { LOG_LEVEL: 'info' },
    ...(asNobody ? { uid: NOBODY } : {}),
  });
}, 90_000);

afterAll(async () => {
  await serve?.kill();
  await sandbox?.close();
  fs.chmodSync(locked, 0o755);
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('hostile inputs, each with its visible reason', () => {
  it(
    'an XML sidecar with an external entity puts its recording in review, saying why',
    { timeout: 60_000 },
    async () => {
      const xml =
        '<?xml version="1.0"?>\n<!DOCTYPE call [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n' +
        '<call><from>&xxe;</from><to>+15550001111</to></call>\n';
      fs.writeFileSync(path.join(inbox, 'xxe-call.xml'), xml);
      writeWav(path.join(inbox, 'xxe-call.wav'), { seconds: 1, frequency: 310 });
      const j = await job('xxe-call.wav', ['needs-review']);
      expect(await reasons(j.id)).toMatch(/xxe-call\.xml declares a DTD or entities .* which CallRelay does not read/);
    },
  );

  it('a symlink loop becomes one failed job with the reason, logged once', { timeout: 60_000 }, async () => {
    fs.symlinkSync('loop.wav', path.join(inbox, 'loop.wav'));
    const j = await job('loop.wav', ['failed']);
    expect(j.lastError).toMatch(/loop\.wav cannot be read \(ELOOP\): it is a symbolic link that points to itself/);
    // Several gate ticks and a health check later, still one line about it.
    await new Promise((r) => setTimeout(r, 3000));
    const lines = serve
      .output()
      .split('\n')
      .filter((l) => l.includes('loop.wav') && /cannot stat/.test(l));
    expect(lines).toHaveLength(1);
    const page = await serve.call<Page>('queue:list', { limit: 200 });
    expect(page.items.filter((i) => i.fileName === 'loop.wav')).toHaveLength(1);
  });

  it.skipIf(!asNobody)(
    'an unreadable folder is shown, and the status clears once it reads again',
    { timeout: 60_000 },
    async () => {
      const unreadable = await pollUntil('the folder error', async () => {
        const d = await serve.call<ChannelOutput<'dashboard:get'>>('dashboard:get', {});
        return d.folders.find((f) => f.path === locked && f.error)?.error ?? undefined;
      });
      expect(unreadable).toBe(`${locked} cannot be read (EACCES: no permission); give CallRelay read access to it`);
      fs.chmodSync(locked, 0o755);
      await pollUntil('the folder error to clear', async () => {
        const d = await serve.call<ChannelOutput<'dashboard:get'>>('dashboard:get', {});
        return d.folders.find((f) => f.path === locked)?.error === null ? true : undefined;
      });
      // And it is watched now: a recording dropped in afterwards is delivered.
      writeWav(path.join(locked, 'after-fix.wav'), { seconds: 1, frequency: 420 });
      fs.chownSync(path.join(locked, 'after-fix.wav'), NOBODY, NOBODY);
      await job('after-fix.wav', ['done']);
    },
  );

  it('implausible call times go to review, naming the time and where it came from', { timeout: 60_000 }, async () => {
    const future = path.join(inbox, 'future-mtime.wav');
    writeWav(future, { seconds: 1, frequency: 520 });
    fs.utimesSync(future, new Date(), new Date(Date.UTC(2099, 0, 1)));
    const past = path.join(inbox, 'epoch-mtime.wav');
    writeWav(past, { seconds: 1, frequency: 530 });
    fs.utimesSync(past, new Date(), new Date(Date.UTC(1970, 0, 2)));
    fs.writeFileSync(path.join(inbox, 'sidecar-2099.json'), JSON.stringify({ startTime: '2099-06-01T10:00:00Z' }));
    writeWav(path.join(inbox, 'sidecar-2099.wav'), { seconds: 1, frequency: 540 });

    const a = await job('future-mtime.wav', ['needs-review']);
    expect(await reasons(a.id)).toMatch(
      /the call time 2098-12-31T23:59:59Z \(from the file's modification time\) is more than a day in the future/,
    );
    const b = await job('epoch-mtime.wav', ['needs-review']);
    expect(await reasons(b.id)).toMatch(
      /the call time 1970-01-01T23:59:59Z \(from the file's modification time\) is before 2000/,
    );
    const c = await job('sidecar-2099.wav', ['needs-review']);
    expect(await reasons(c.id)).toMatch(
      /the call time 2099-06-01T10:00:00Z \(from a sidecar file\) is more than a day in the future/,
    );
    expect(sandbox.calls().comswise.some((x) => String(x.startTime).startsWith('2099'))).toBe(false);
  });
});
