import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPathFilter } from '../../../electron/core/watch/path-filter.js';

const root = path.resolve('/srv/recordings');
const at = (...parts: string[]) => path.join(root, ...parts);
const defaults = { root, recursive: true, include: ['**/*.{wav,mp3}'], exclude: [] as string[] };

describe('path filter', () => {
  it('takes recordings at any depth, in any letter case', () => {
    const f = createPathFilter(defaults);
    expect(f.accepts(at('a.wav'))).toBe(true);
    expect(f.accepts(at('2024', '02', 'B.WAV'))).toBe(true);
    expect(f.accepts(at('a.txt'))).toBe(false);
    expect(f.ignored(at('2024'), true)).toBe(false);
  });

  it('ignores temporary, partial, hidden and sidecar names', () => {
    const f = createPathFilter({ ...defaults, include: ['**/*'] });
    for (const name of ['a.wav.tmp', 'a.wav.part', 'A.PART', '~a.wav', '.a.wav', 'a.json', 'a.xml', 'manifest.csv']) {
      expect(f.accepts(at(name)), name).toBe(false);
    }
    expect(f.ignored(at('.sync'), true)).toBe(true);
    expect(f.accepts(at('.sync', 'a.wav'))).toBe(false);
  });

  it('applies exclude globs and the archive folder, and stays at the top when not recursive', () => {
    const f = createPathFilter({ ...defaults, exclude: ['rejected/**', '**/*-test.wav'], skipDirs: [at('archive')] });
    expect(f.accepts(at('rejected', 'a.wav'))).toBe(false);
    expect(f.ignored(at('rejected'), true)).toBe(true);
    expect(f.accepts(at('x', 'call-test.wav'))).toBe(false);
    expect(f.accepts(at('archive', 'a.wav'))).toBe(false);
    const flat = createPathFilter({ ...defaults, recursive: false });
    expect(flat.accepts(at('a.wav'))).toBe(true);
    expect(flat.accepts(at('sub', 'a.wav'))).toBe(false);
    expect(flat.accepts(path.resolve('/elsewhere/a.wav'))).toBe(false);
  });
});
