// A settled folder is listed once and its recordings' absent sidecars cost no look-up; a sidecar
// that arrives later is still read, and a folder that changed a moment ago is never trusted to a
// listing (a sidecar written in the same tick of the folder's clock would be missed).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDirectoryNames } from '../../../electron/core/metadata/directory-names.js';
import { createManifestCache, readSidecars } from '../../../electron/core/metadata/sidecars.js';
import { makeTempDir } from '../../fixtures/engine/recordings.js';

const hourAgo = () => new Date(Date.now() - 3_600_000);

describe('directory names', () => {
  it('lists a settled folder once, keeps sidecar names lower-cased, and lists it again once it changed', async () => {
    const tmp = makeTempDir();
    fs.writeFileSync(path.join(tmp.dir, 'Call-1.WAV'), 'x');
    fs.writeFileSync(path.join(tmp.dir, 'Call-1.WAV.XML'), '<call/>');
    fs.utimesSync(tmp.dir, hourAgo(), hourAgo());
    const names = createDirectoryNames({ recheckMs: 0 });
    const first = await names.names(tmp.dir);
    // Recordings are never asked about: only sidecar and manifest names are kept.
    expect(first && [...first]).toEqual(['call-1.wav.xml']);
    expect(await names.names(tmp.dir)).toBe(first);
    fs.writeFileSync(path.join(tmp.dir, 'call-1.json'), '{}');
    // Just changed: looked up name by name until it has settled again.
    expect(await names.names(tmp.dir)).toBeNull();
    fs.utimesSync(tmp.dir, hourAgo(), new Date(Date.now() - 60_000));
    expect([...((await names.names(tmp.dir)) ?? [])].sort()).toEqual(['call-1.json', 'call-1.wav.xml']);
    tmp.remove();
  });

  it('a sidecar written after its folder was listed is read, and so is one in a folder that just changed', async () => {
    const tmp = makeTempDir();
    const settled = path.join(tmp.dir, 'settled');
    const fresh = path.join(tmp.dir, 'fresh');
    for (const dir of [settled, fresh]) {
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'a.wav'), 'x');
      fs.writeFileSync(path.join(dir, 'b.wav'), 'x');
    }
    fs.utimesSync(settled, hourAgo(), hourAgo());
    const manifests = createManifestCache({ recheckMs: 0 });
    expect((await readSidecars(path.join(settled, 'a.wav'), manifests)).layers).toEqual([]);
    fs.writeFileSync(path.join(settled, 'b.json'), '{"from": "+15550000001"}');
    const b = await readSidecars(path.join(settled, 'b.wav'), manifests);
    expect(b.layers.map((l) => l.values['from'])).toEqual(['+15550000001']);

    // The folder changed a moment ago and its time is put back as it was, as a sidecar written
    // within one tick of the folder's clock would leave it: no listing was trusted, so it is read.
    const before = fs.statSync(fresh);
    expect((await readSidecars(path.join(fresh, 'a.wav'), manifests)).layers).toEqual([]);
    fs.writeFileSync(path.join(fresh, 'a.xml'), '<call><from>+15550000002</from></call>');
    fs.utimesSync(fresh, before.atime, before.mtime);
    const a = await readSidecars(path.join(fresh, 'a.wav'), manifests);
    expect(a.layers.map((l) => l.values['from'])).toEqual(['+15550000002']);
    tmp.remove();
  });

  it('finds a manifest in a settled folder and forgets the oldest folders beyond its bound', async () => {
    const tmp = makeTempDir();
    const dirs = ['one', 'two', 'three'].map((n) => path.join(tmp.dir, n));
    for (const dir of dirs) {
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'r.wav'), 'x');
      fs.writeFileSync(path.join(dir, 'r.json'), '{"notes": "from the sidecar"}');
      fs.writeFileSync(path.join(dir, 'manifest.csv'), 'file,from\nr.wav,+15550000003\n');
      fs.utimesSync(dir, hourAgo(), hourAgo());
    }
    const manifests = createManifestCache({ recheckMs: 0, maxNames: 4 });
    for (const dir of dirs) {
      const reading = await readSidecars(path.join(dir, 'r.wav'), manifests);
      expect(reading.layers.map((l) => [l.label, l.values['from'] ?? l.values['notes']])).toEqual([
        ['manifest.csv', '+15550000003'],
        ['r.json', 'from the sidecar'],
      ]);
    }
    const names = createDirectoryNames({ recheckMs: 0, maxNames: 4 });
    const one = await names.names(dirs[0]!);
    await names.names(dirs[1]!);
    await names.names(dirs[2]!);
    // Two names a folder (manifest.csv, r.json), four at most: the first folder was forgotten.
    expect(await names.names(dirs[0]!)).not.toBe(one);
    tmp.remove();
  });
});
