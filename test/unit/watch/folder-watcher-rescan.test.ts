// The rescan is the watcher's safety net: with change events silenced (polling so slow it never
// fires), files in new subfolders are still found, each once, and temporary names are not.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FolderConfig } from '../../../shared/config.js';
import { systemClock } from '../../../electron/core/clock.js';
import { createSilentLogger } from '../../../electron/core/logger.js';
import { createFolderWatcher, type FolderWatcher } from '../../../electron/core/watch/folder-watcher.js';
import { makeWav } from '../../fixtures/audio/wav.js';

let base = '';
let watcher: FolderWatcher | null = null;
afterEach(async () => {
  await watcher?.close();
  watcher = null;
  rmSync(base, { recursive: true, force: true });
});

const warnings: string[] = [];
const warnLogger = () => {
  const logger = createSilentLogger();
  const capture = (l: typeof logger): typeof logger =>
    ({
      ...l,
      warn: (obj: unknown, msg?: string) => warnings.push(typeof obj === 'string' ? obj : (msg ?? '')),
      child: () => capture(l),
    }) as typeof logger;
  return capture(logger);
};

function watch(rescanMs: number, found: string[]) {
  base = mkdtempSync(path.join(tmpdir(), 'cr-rescan-'));
  const folder = FolderConfig.parse({ path: base, destination: 'main', quietPeriodMs: 100, polling: true });
  watcher = createFolderWatcher({
    folder,
    logger: warnLogger(),
    clock: systemClock,
    // No poll and no health check within the test: only the rescan can find anything.
    pollIntervalMs: 600_000,
    healthCheckMs: 600_000,
    rescanMs,
    onFile: (file) => found.push(path.relative(base, file.path)),
  });
  return watcher.start();
}

describe('folder watcher rescan', () => {
  it('finds files that no change event reported, in new subfolders too, each once', async () => {
    const found: string[] = [];
    await watch(200, found);
    mkdirSync(path.join(base, '2024', '02'), { recursive: true });
    writeFileSync(path.join(base, 'top.wav'), makeWav({ seconds: 1, frequency: 500 }));
    writeFileSync(path.join(base, '2024', '02', 'deep.wav'), makeWav({ seconds: 1, frequency: 600 }));
    writeFileSync(path.join(base, '2024', 'partial.wav.part'), makeWav({ seconds: 1, frequency: 700 }));
    await vi.waitFor(() => expect(found).toHaveLength(2), { timeout: 20_000, interval: 50 });
    // Several more rescans pass: a released file is not handed on again.
    await new Promise((r) => setTimeout(r, 1000));
    expect(found.sort()).toEqual([path.join('2024', '02', 'deep.wav'), 'top.wav']);
  });

  it('finds nothing new without it, which is what the rescan is there for', async () => {
    const found: string[] = [];
    await watch(600_000, found);
    writeFileSync(path.join(base, 'top.wav'), makeWav({ seconds: 1, frequency: 800 }));
    await new Promise((r) => setTimeout(r, 1500));
    expect(found).toEqual([]);
  });

  it('counts and logs at warn level every file only the rescan found', async () => {
    const found: string[] = [];
    await watch(200, found);
    writeFileSync(path.join(base, 'missed.wav'), makeWav({ seconds: 1, frequency: 900 }));
    await vi.waitFor(() => expect(found).toEqual(['missed.wav']), { timeout: 20_000, interval: 50 });
    expect(watcher!.status().missedByEvents).toBe(1);
    expect(warnings.some((w) => w.includes('no change event reported'))).toBe(true);
  });

  it('is off with rescanMs 0', async () => {
    const found: string[] = [];
    base = mkdtempSync(path.join(tmpdir(), 'cr-rescan-'));
    watcher = createFolderWatcher({
      folder: FolderConfig.parse({ path: base, destination: 'main', quietPeriodMs: 100, polling: true, rescanMs: 0 }),
      logger: createSilentLogger(),
      clock: systemClock,
      pollIntervalMs: 600_000,
      healthCheckMs: 600_000,
      onFile: (file) => found.push(file.path),
    });
    await watcher.start();
    writeFileSync(path.join(base, 'x.wav'), makeWav({ seconds: 1, frequency: 950 }));
    await new Promise((r) => setTimeout(r, 1500));
    expect(found).toEqual([]);
  });
});
