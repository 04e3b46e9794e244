// The probe reads a plain PCM WAV from its own header (no tag parser): it must say exactly what
// music-metadata says of the same file, whether the bytes come from memory or from the disk.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseFile } from 'music-metadata';
import { afterAll, describe, expect, it } from 'vitest';
import { probeAudio } from '../../../electron/core/metadata/audio-probe.js';
import { makeWav, tinyWav } from '../../fixtures/audio/wav.js';

const dir = mkdtempSync(path.join(tmpdir(), 'cr-probe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function library(file: string) {
  const { format } = await parseFile(file, { duration: true, skipCovers: true });
  return {
    contentType: 'audio/wav',
    durationSec: format.duration ?? null,
    channels: format.numberOfChannels || null,
    sampleRate: format.sampleRate ? Math.round(format.sampleRate) : null,
    codec: format.codec ?? null,
  };
}

describe('audio probe of a WAV', () => {
  it('describes plain PCM as music-metadata does, from memory and from the file', async () => {
    const cases = {
      tiny: tinyWav(3),
      mono: makeWav({ seconds: 1.37, sampleRate: 8000 }),
      stereo: makeWav({ seconds: 2.5, sampleRate: 44100, channels: 2 }),
    };
    for (const [name, bytes] of Object.entries(cases)) {
      const file = path.join(dir, `${name}.wav`);
      writeFileSync(file, bytes);
      const expected = await library(file);
      expect((await probeAudio(file, bytes.length)).probe, name).toEqual(expected);
      expect((await probeAudio(file, bytes.length, bytes)).probe, name).toEqual(expected);
    }
  });

  it('leaves other WAV codecs to music-metadata', async () => {
    // IEEE float (format tag 3) with a fact chunk: not plain PCM.
    const pcm = makeWav({ seconds: 0.5 });
    const head = Buffer.from(pcm.subarray(0, 36));
    head.writeUInt16LE(3, 20);
    const fact = Buffer.alloc(12);
    fact.write('fact', 0, 'latin1');
    fact.writeUInt32LE(4, 4);
    fact.writeUInt32LE((pcm.length - 44) / 2, 8);
    const bytes = Buffer.concat([head, fact, pcm.subarray(36)]);
    bytes.writeUInt32LE(bytes.length - 8, 4);
    const file = path.join(dir, 'float.wav');
    writeFileSync(file, bytes);
    const { probe } = await probeAudio(file, bytes.length, bytes);
    expect(probe).toEqual(await library(file));
    expect(probe.codec).not.toBe('PCM');
  });
});
