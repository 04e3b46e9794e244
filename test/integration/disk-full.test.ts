// Disk full is a state, not a stall. `callrelay serve` keeps its data folder on a small tmpfs the
// test mounts (root only; skipped with the reason otherwise). The disk is filled up, recordings
// arrive, the dashboard says the disk is full; space is freed and every recording is queued and
// delivered once, with no restart.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelOutput } from '../../shared/contract.js';
import { startSandbox, type Sandbox } from '../../electron/headless/sandbox/sandbox.js';
import { writeWav } from '../fixtures/audio/wav.js';
import { pollUntil, runCli, startServe, type ServeProcess } from '../fixtures/serve-process.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-disk-full-'));
const dataDir = path.join(tmp, 'data');
const recordings = path.join(tmp, 'recordings');
const COUNT = 10;

function mountTmpfs(): string | null {
  if (process.getuid?.() !== 0) return 'not running as root, so no tmpfs can be mounted';
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', dataDir], { stdio: 'pipe' });
    return null;
  } catch (error) {
    return `mount -t tmpfs failed (${(error as Error).message.split('\n')[0]})`;
  }
}

const skipReason = mountTmpfs();
if (skipReason) console.log(`disk-full test skipped: ${skipReason}`);

let sandbox: Sandbox;
let serve: ServeProcess | null = null;

beforeAll(async () => {
  if (skipReason) return;
  sandbox = await startSandbox({ dataDir: path.join(tmp, 'sandbox'), resultDelayMs: 60_000 });
  const config = sandbox.destinationConfigs().find((c) => c.kind === 'comswise')!;
  fs.mkdirSync(recordings, { recursive: true });
  const configFile = path.join(tmp, 'config.json');
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      destinations: [config],
      folders: [
        {
          path: recordings,
          destination: config.name,
          quietPeriodMs: 200,
          defaults: { groupingId: 'ticket-1', startTime: '2025-03-01T10:00:00Z' },
        },
      ],
    }),
    { mode: 0o600 },
  );
  serve = await startServe({ configFile, dataDir });
}, 90_000);

afterAll(async () => {
  await serve?.stop();
  await sandbox?.close();
  if (!skipReason) execFileSync('umount', ['-l', dataDir], { stdio: 'pipe' });
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Fills the file system under `dir` to the last byte. */
function fill(dir: string): string {
  const filler = path.join(dir, 'filler.bin');
  const fd = fs.openSync(filler, 'w');
  const block = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) fs.writeSync(fd, block);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
  // The last partial block too.
  try {
    for (;;) fs.writeSync(fd, Buffer.alloc(512, 1));
  } catch {
    // full
  }
  fs.closeSync(fd);
  return filler;
}

describe.skipIf(skipReason !== null)('a full data disk', () => {
  it(
    'is shown, waited out, and every recording is delivered once space returns, without a restart',
    { timeout: 150_000 },
    async () => {
      const s = serve!;
      const filler = fill(dataDir);
      for (let i = 0; i < COUNT; i++) {
        writeWav(path.join(recordings, `full-${i}.wav`), { seconds: 2, frequency: 300 + i * 23 });
      }
      const warning = await pollUntil('the disk-full warning', async () => {
        const d = await s.call<ChannelOutput<'dashboard:get'>>('dashboard:get', {});
        return d.warnings?.find((w) => w.kind === 'disk-full')?.message;
      });
      expect(warning).toMatch(/the data folder's disk is full \(\d+ MB free\)/);
      const status = await runCli(['status', '--data', dataDir, '--json']);
      expect(JSON.parse(status.stdout).disk).toMatchObject({ full: true });
      // Some time with the disk full: nothing may be given up meanwhile.
      await new Promise((r) => setTimeout(r, 3000));

      fs.rmSync(filler);
      const page = await pollUntil(
        'every recording delivered',
        async () => {
          const p = await s.call<ChannelOutput<'queue:list'>>('queue:list', { limit: 100 });
          return p.items.length === COUNT && p.items.every((j) => j.state === 'done') ? p : undefined;
        },
        90_000,
      );
      expect(page.items).toHaveLength(COUNT);
      const calls = sandbox.calls().comswise.map((c) => String(c.callId));
      expect(new Set(calls).size).toBe(COUNT);
      expect(calls).toHaveLength(COUNT);
      const after = await s.call<ChannelOutput<'dashboard:get'>>('dashboard:get', {});
      expect(after.warnings?.find((w) => w.kind === 'disk-full')).toBeUndefined();
      expect(after.folders[0]?.error ?? null).toBeNull();
    },
  );
});
