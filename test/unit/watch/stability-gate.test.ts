import { describe, expect, it, vi } from 'vitest';
import { createSilentLogger } from '../../../electron/core/logger.js';
import { createStabilityGate, type FileStat, type StableFile } from '../../../electron/core/watch/stability-gate.js';

// A file table and a clock under the test's control; only the gate's short tick is real time.
// Options given here replace the defaults (a test with its own stat rules brings its own statFile).
function setup(
  options: {
    platform?: NodeJS.Platform;
    exclusiveOpen?: (p: string) => Promise<boolean>;
    quietPeriodMs?: number;
    statFile?: (p: string) => Promise<FileStat>;
    onFirstSeen?: (p: string) => void;
  } = {},
) {
  let now = 1_000_000;
  const files = new Map<string, { size: number; mtimeMs: number; mode: number }>();
  const released: StableFile[] = [];
  const stats: string[] = [];
  const gate = createStabilityGate({
    quietPeriodMs: 3000,
    tickMs: 2,
    clock: { now: () => now },
    logger: createSilentLogger(),
    onStable: (f) => released.push(f),
    statFile: async (p): Promise<FileStat> => {
      stats.push(p);
      const f = files.get(p);
      if (!f) throw Object.assign(new Error('gone'), { code: 'ENOENT' });
      return { ...f, isFile: () => true };
    },
    ...options,
  });
  const statsSettle = async (n: number) => {
    const target = stats.length + n;
    await vi.waitFor(() => expect(stats.length).toBeGreaterThanOrEqual(target), { timeout: 10_000, interval: 2 });
  };
  return {
    gate,
    files,
    released,
    statsSettle,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('stability gate', () => {
  it('releases a file only after size and mtime held still for the quiet period', async () => {
    const t = setup();
    t.files.set('/r/a.wav', { size: 10, mtimeMs: 1, mode: 0o644 });
    t.gate.observe('/r/a.wav');
    await t.statsSettle(1);
    // Still growing: every look sees a new size, so the quiet period restarts each time.
    for (let i = 1; i <= 5; i += 1) {
      t.advance(2500);
      t.files.set('/r/a.wav', { size: 10 + i * 100, mtimeMs: 1 + i, mode: 0o644 });
      t.gate.observe('/r/a.wav');
      await t.statsSettle(1);
      expect(t.released).toEqual([]);
    }
    t.advance(2999);
    t.gate.observe('/r/a.wav');
    await t.statsSettle(1);
    expect(t.released).toEqual([]);
    t.advance(1);
    await vi.waitFor(() => expect(t.released).toHaveLength(1), { timeout: 10_000, interval: 2 });
    expect(t.released[0]).toEqual({ path: '/r/a.wav', sizeBytes: 510, mtimeMs: 6 });
    t.gate.close();
  });

  it('tells when a file first becomes a candidate, once until it is released', async () => {
    const seen: string[] = [];
    const t = setup({ onFirstSeen: (p) => seen.push(p) });
    t.files.set('/r/live.wav', { size: 10, mtimeMs: 1, mode: 0o644 });
    t.gate.observe('/r/live.wav');
    expect(seen).toEqual(['/r/live.wav']);
    await t.statsSettle(1);
    t.files.set('/r/live.wav', { size: 20, mtimeMs: 2, mode: 0o644 });
    t.gate.observe('/r/live.wav');
    await t.statsSettle(1);
    expect(seen).toEqual(['/r/live.wav']);
    expect(t.released).toEqual([]);
    t.advance(3000);
    await vi.waitFor(() => expect(t.released).toHaveLength(1), { timeout: 10_000, interval: 2 });
    // Changed again after its release: a new candidate, told again.
    t.gate.observe('/r/live.wav');
    expect(seen).toEqual(['/r/live.wav', '/r/live.wav']);
    t.gate.close();
  });

  it('drops a file that disappears before it settles', async () => {
    const t = setup();
    t.files.set('/r/b.wav', { size: 1, mtimeMs: 1, mode: 0o644 });
    t.gate.observe('/r/b.wav');
    await t.statsSettle(1);
    t.files.delete('/r/b.wav');
    t.advance(5000);
    await vi.waitFor(() => expect(t.gate.pending()).toBe(0), { timeout: 10_000, interval: 2 });
    expect(t.released).toEqual([]);
    t.gate.close();
  });

  it('on Windows waits until an exclusive open succeeds, unless the file is read-only', async () => {
    let locked = true;
    const opens: string[] = [];
    const t = setup({
      platform: 'win32',
      exclusiveOpen: async (p) => {
        opens.push(p);
        return !locked;
      },
    });
    t.files.set('C:/r/locked.wav', { size: 5, mtimeMs: 1, mode: 0o666 });
    t.files.set('C:/r/readonly.wav', { size: 5, mtimeMs: 1, mode: 0o444 });
    t.gate.observe('C:/r/locked.wav');
    t.gate.observe('C:/r/readonly.wav');
    await t.statsSettle(2);
    t.advance(3000);
    await vi.waitFor(() => expect(opens.length).toBeGreaterThanOrEqual(3), { timeout: 10_000, interval: 2 });
    expect(t.released.map((f) => f.path)).toEqual(['C:/r/readonly.wav']);
    expect(opens.every((p) => p === 'C:/r/locked.wav')).toBe(true);
    locked = false;
    await vi.waitFor(() => expect(t.released).toHaveLength(2), { timeout: 10_000, interval: 2 });
    expect(t.released[1]?.path).toBe('C:/r/locked.wav');
    t.gate.close();
  });

  it('keeps a file it cannot stat for now (EBUSY) and releases it later', async () => {
    let busy = true;
    const t = setup({
      quietPeriodMs: 100,
      statFile: async () => {
        if (busy) throw Object.assign(new Error('busy'), { code: 'EBUSY' });
        return { size: 3, mtimeMs: 3, mode: 0o644, isFile: () => true };
      },
    });
    t.gate.observe('/r/c.wav');
    t.advance(1000);
    await new Promise((r) => setTimeout(r, 50));
    expect(t.gate.pending()).toBe(1);
    busy = false;
    await vi.waitFor(
      () => {
        t.advance(50);
        expect(t.released).toHaveLength(1);
      },
      { timeout: 10_000, interval: 5 },
    );
    t.gate.close();
  });
});
