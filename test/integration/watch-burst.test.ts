// 1,000 recordings renamed into a watched folder within 2 s, with the rescan (the safety net)
// turned off: every one must be queued from the change events alone, with OS events and with
// polling. How long it took beyond the quiet period is printed (timings are not pass/fail here;
// the goal is quiet period + 3 s).
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FolderConfig } from '../../shared/config.js';
import { systemClock } from '../../electron/core/clock.js';
import { createSilentLogger } from '../../electron/core/logger.js';
import { openOutbox, type Outbox } from '../../electron/core/outbox/outbox.js';
import { createIntake, type Intake } from '../../electron/core/watch/intake.js';
import { createFakeDestination } from '../fixtures/destinations/fake-destination.js';
import { tinyWav } from '../fixtures/audio/wav.js';

const N = 1000;
const QUIET_MS = 1000;
let base = '';
let intake: Intake | null = null;
let outbox: Outbox | null = null;
afterEach(async () => {
  await intake?.close();
  outbox?.close();
  intake = null;
  outbox = null;
  rmSync(base, { recursive: true, force: true });
});

async function burst(polling: boolean) {
  base = mkdtempSync(path.join(tmpdir(), 'cr-burst-'));
  const stage = path.join(base, 'stage');
  const dir = path.join(base, 'recordings');
  mkdirSync(stage);
  mkdirSync(dir);
  for (let i = 0; i < N; i++) writeFileSync(path.join(stage, `call-${i}.wav`), tinyWav(i));
  outbox = openOutbox({ file: path.join(base, 'outbox.db'), clock: systemClock, logger: createSilentLogger() });
  const destination = createFakeDestination('main');
  intake = createIntake({
    folders: [FolderConfig.parse({ path: dir, destination: 'main', quietPeriodMs: QUIET_MS, polling, rescanMs: 0 })],
    port: outbox,
    getDestination: () => destination,
    logger: createSilentLogger(),
    clock: systemClock,
    watcher: { pollIntervalMs: 250 },
  });
  await intake.start();
  const started = Date.now();
  for (let i = 0; i < N; i++) {
    renameSync(path.join(stage, `call-${i}.wav`), path.join(dir, `call-${i}.wav`));
    // Spread over about a second, as a copy tool or a recorder's batch move would.
    if (i % 100 === 99) await new Promise((r) => setTimeout(r, 100));
  }
  const renamedMs = Date.now() - started;
  await vi.waitFor(() => expect(outbox!.counts().queued).toBe(N), { timeout: 120_000, interval: 50 });
  const tookMs = Date.now() - started;
  console.log(
    `burst (${polling ? 'polling' : 'OS events'}): ${N} renamed in ${renamedMs} ms, all queued ${tookMs} ms after the first, ` +
      `${tookMs - renamedMs - QUIET_MS} ms beyond the last rename + quiet period`,
  );
  expect(intake.statuses()[0]!.filesSeen).toBe(N);
  expect(new Set(outbox.list({ limit: 1000 }).rows.map((r) => r.fileName)).size).toBe(N);
}

describe('a burst of recordings renamed into a watched folder', () => {
  it('queues every one of 1,000 from OS change events, with the rescan off', () => burst(false), 180_000);
  it('queues every one of 1,000 in polling mode, with the rescan off', () => burst(true), 180_000);
});
