// Sidecars refused for any reason, and implausible call times, hold the recording for review
// with the reason; nothing is thrown, nothing is resolved from an entity.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { implausibleTime } from '../../../electron/core/metadata/plausible-time.js';
import { createManifestCache, readSidecars, SIDECAR_MAX_BYTES } from '../../../electron/core/metadata/sidecars.js';
import { makeTempDir } from '../../fixtures/engine/recordings.js';

describe('sidecars that are refused', () => {
  it('an external entity, a DTD, or a huge file: blocking with the reason, never thrown', async () => {
    const tmp = makeTempDir();
    const wav = (n: string) => path.join(tmp.dir, `${n}.wav`);
    fs.writeFileSync(
      path.join(tmp.dir, 'xxe.xml'),
      '<?xml version="1.0"?><!DOCTYPE c [<!ENTITY x SYSTEM "file:///etc/passwd">]><call><from>&x;</from></call>',
    );
    fs.writeFileSync(path.join(tmp.dir, 'big.json'), `{"notes": "${'x'.repeat(SIDECAR_MAX_BYTES)}"}`);
    const xxe = await readSidecars(wav('xxe'), createManifestCache());
    expect(xxe.blocking.join()).toMatch(/xxe\.xml declares a DTD or entities/);
    expect(xxe.layers).toEqual([]);
    const big = await readSidecars(wav('big'), createManifestCache());
    expect(big.blocking.join()).toMatch(/big\.json is \d+ KiB, more than a sidecar of call fields can be/);
    tmp.remove();
  });
});

describe('plausible call times', () => {
  const now = Date.UTC(2026, 5, 1);
  it('before 2000 or over a day ahead, naming the source; a person’s own time is theirs', () => {
    expect(implausibleTime('1970-01-01T00:00:00Z', 'mtime', now)).toMatch(
      /\(from the file's modification time\) is before 2000/,
    );
    expect(implausibleTime('2099-01-01T00:00:00Z', 'sidecar', now)).toMatch(
      /\(from a sidecar file\) is more than a day in the future/,
    );
    expect(implausibleTime('2026-06-01T20:00:00Z', 'filename', now)).toBeNull();
    expect(implausibleTime('2099-01-01T00:00:00Z', 'form', now)).toBeNull();
  });
});
