// Files outside a watched folder are never sent by accident: a file symlink in the folder that
// points elsewhere becomes a visible failed job naming its target (the target is never read),
// unless the folder sets followSymlinks: true. Driven through a real `callrelay serve`.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SettingsView } from '../../shared/contract.js';
import { writeWav } from '../fixtures/audio/wav.js';
import { waitFor } from '../fixtures/engine/wait-for.js';
import { createTally, startSiteServer, type SiteServer } from './attack-kit.js';

type Item = { id: string; fileName: string; state: string };
let site: SiteServer;
const tally = createTally('watched-folder links');

beforeAll(async () => {
  site = await startSiteServer();
}, 90_000);
afterAll(async () => {
  tally.report();
  await site?.close();
});

async function jobOf(fileName: string, states: string[]): Promise<Item & { reason: string }> {
  const item = await waitFor(
    async (): Promise<Item | undefined> => {
      const list = await site.serve.envelope<{ items: Item[] }>('queue:list', { limit: 1000 });
      return list.value!.items.find((i) => i.fileName === fileName && states.includes(i.state));
    },
    `${fileName} in ${states.join('/')}`,
    45_000,
    200,
  );
  const detail = await site.serve.envelope<{ lastError: string | null; events: { message: string }[] }>('job:get', {
    id: item!.id,
  });
  return { ...item!, reason: JSON.stringify(detail.value) };
}

const uploadsOf = (fileName: string) =>
  site.sandbox.requests().filter((r) => JSON.stringify(r).includes(fileName) && r.method === 'POST').length;

describe('a symlink in a watched folder', () => {
  it('to a recording outside the folder is a failed job naming the target, never an upload', async () => {
    const outside = path.join(site.dir, 'elsewhere');
    fs.mkdirSync(outside);
    const target = path.join(outside, 'private-call.wav');
    writeWav(target, { seconds: 1, frequency: 700 });
    fs.symlinkSync(target, path.join(site.recordings, 'linked-out.wav'));
    // A link to a file that is not audio at all (here: the config, with the platform's key).
    fs.symlinkSync(site.configFile, path.join(site.recordings, 'config-link.wav'));

    for (const name of ['linked-out.wav', 'config-link.wav']) {
      const job = await jobOf(name, ['failed', 'done', 'queued', 'running', 'needs-review']);
      const through = job.state !== 'failed' || uploadsOf(name) > 0;
      tally.record(`a link to ${name === 'linked-out.wav' ? 'a WAV' : 'the config file'} outside the folder`, through);
      expect(job.state).toBe('failed');
      expect(job.reason).toContain('outside the watched folder');
      expect(job.reason).toContain(fs.realpathSync(name === 'linked-out.wav' ? target : site.configFile));
      expect(job.reason).not.toContain(site.comswiseToken);
    }
    // Never read: no hash of the target's content reached the outbox.
    const detail = await site.serve.envelope('queue:list', { limit: 1000 });
    expect(JSON.stringify(detail)).not.toContain(site.comswiseToken);
    expect(uploadsOf('linked-out.wav')).toBe(0);
  }, 90_000);

  it('inside the folder is an ordinary recording, and followSymlinks: true lets outside links through', async () => {
    const inner = path.join(site.recordings, 'inner');
    fs.mkdirSync(inner);
    writeWav(path.join(inner, 'kept.wav'), { seconds: 1, frequency: 820 });
    fs.symlinkSync(path.join(inner, 'kept.wav'), path.join(site.recordings, 'linked-in.wav'));
    expect((await jobOf('linked-in.wav', ['done'])).state).toBe('done');

    const view = await site.serve.envelope<SettingsView>('settings:get');
    const folders = view.value!.folders.map((f) => ({ ...f, followSymlinks: true }));
    expect((await site.serve.envelope('settings:update', { folders })).ok).toBe(true);
    const allowed = path.join(site.dir, 'elsewhere', 'allowed.wav');
    writeWav(allowed, { seconds: 1, frequency: 930 });
    fs.symlinkSync(allowed, path.join(site.recordings, 'linked-allowed.wav'));
    expect((await jobOf('linked-allowed.wav', ['done'])).state).toBe('done');
  }, 90_000);
});
