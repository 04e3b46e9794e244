// Live calls end to end: a recording still being written into a liveCalls folder has its comswise
// call opened in progress before its last byte, and the finished file completes that same call
// (PATCH to completed with the issued fileKey), through the real intake, outbox, engine and sandbox.
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Config, FolderConfig } from '../../shared/config.js';
import { createDestination } from '../../electron/core/destinations/create-destination.js';
import type { Destination } from '../../electron/core/destinations/destination.js';
import { createEngine, type Engine } from '../../electron/core/engine/engine.js';
import { systemClock } from '../../electron/core/clock.js';
import { createSilentLogger } from '../../electron/core/logger.js';
import { openOutbox, type Outbox } from '../../electron/core/outbox/outbox.js';
import { createIntake, type Intake } from '../../electron/core/watch/intake.js';
import { startSandbox, type Sandbox } from '../../electron/headless/sandbox/sandbox.js';
import { makeWav } from '../fixtures/audio/wav.js';

const logger = createSilentLogger();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let base: string;
let sandbox: Sandbox;
let outbox: Outbox;
let engine: Engine;
let intake: Intake;
let destination: Destination;

beforeEach(async () => {
  base = mkdtempSync(path.join(tmpdir(), 'cr-live-'));
  sandbox = await startSandbox({ resultDelayMs: 200 });
  outbox = openOutbox({ file: path.join(base, 'outbox.db'), clock: systemClock, logger });
  const config = sandbox.destinationConfigs().find((d) => d.kind === 'comswise')!;
  destination = createDestination(config, { logger, clock: systemClock });
  engine = newEngine();
});

function newEngine(): Engine {
  const defaults = Config.parse({});
  return createEngine({
    outbox,
    getDestination: (name) => (name === destination.name ? destination : undefined),
    clock: systemClock,
    logger,
    concurrency: defaults.concurrency,
    bandwidth: defaults.bandwidth,
  });
}

afterEach(async () => {
  await intake?.close();
  await engine?.stop();
  outbox?.close();
  await sandbox?.close();
  rmSync(base, { recursive: true, force: true });
});

function startIntake(dir: string): Promise<void> {
  intake = createIntake({
    folders: [
      FolderConfig.parse({
        path: dir,
        destination: destination.name,
        quietPeriodMs: 1500,
        liveCalls: true,
        defaults: { groupingId: 'x' },
      }),
    ],
    port: outbox,
    getDestination: (name) => (name === destination.name ? destination : undefined),
    logger,
    clock: systemClock,
    watcher: { healthCheckMs: 200, pollIntervalMs: 100, rescanMs: 2000 },
  });
  return intake.start();
}

/**
 * Writes `wav` into `file` a little at a time: appends every 250 ms keep it unfinished (quiet
 * period 1.5 s) until `seen()` holds (bounded), then the rest in three appends. Returns when the
 * last byte was written, so the order asserted afterwards is a fact of the run, not of timing.
 */
async function writeSlowly(file: string, wav: Buffer, seen: () => boolean): Promise<number> {
  const reserve = Math.ceil(wav.length / 2);
  const step = Math.max(1, Math.floor((wav.length - reserve) / 80));
  let written = Math.min(1000, wav.length - reserve);
  writeFileSync(file, wav.subarray(0, written));
  for (let i = 0; i < 60 && !seen(); i++) {
    await sleep(250);
    const next = Math.min(wav.length - reserve, written + step);
    appendFileSync(file, wav.subarray(written, next));
    written = next;
  }
  for (let i = 0; i < 3; i++) {
    await sleep(250);
    const next = i === 2 ? wav.length : written + Math.ceil((wav.length - written) / (3 - i));
    appendFileSync(file, wav.subarray(written, next));
    written = next;
  }
  return Date.now();
}

const comswise = () => sandbox.requests().filter((r) => r.kind === 'comswise');
const creates = () => comswise().filter((r) => r.method === 'POST' && r.path.endsWith('/calls/create'));

describe('live calls (comswise)', () => {
  it('opens the call in progress while the recording is written, then completes it with its fileKey', async () => {
    const dir = path.join(base, 'live');
    mkdirSync(dir);
    engine.start();
    await startIntake(dir);

    const wav = makeWav({ seconds: 2, frequency: 660 });
    const file = path.join(dir, 'call-live.wav');
    let waitingWhenCreated: string[] = [];
    const lastByteAt = await writeSlowly(file, wav, () => {
      if (creates().length === 0) return false;
      waitingWhenCreated = outbox.list({ states: ['waiting-file'] }).rows.map((r) => r.id);
      return true;
    });
    expect(creates()).toHaveLength(1);
    expect(waitingWhenCreated).toHaveLength(1);

    const jobId = waitingWhenCreated[0]!;
    await vi.waitFor(() => expect(outbox.getJob(jobId)?.state).toBe('done'), { timeout: 60_000, interval: 100 });

    const [create] = creates();
    expect(create!.body).toMatchObject({ status: 'in-progress', groupingId: 'x' });
    expect(create!.body).not.toHaveProperty('recordingUrl');
    expect(Date.parse(create!.at)).toBeLessThan(lastByteAt);

    const puts = comswise().filter((r) => r.method === 'PUT');
    expect(puts).toHaveLength(1);
    const fileKey = (puts[0]!.body as { fileKey: string }).fileKey;
    const patches = comswise().filter((r) => r.method === 'PATCH');
    expect(patches.length).toBeGreaterThanOrEqual(1);
    expect(patches.at(-1)!.body).toEqual({ status: 'completed', recordingUrl: fileKey });
    expect(creates()).toHaveLength(1);
    expect(sandbox.calls().comswise).toHaveLength(1);
    expect(sandbox.calls().comswise[0]).toMatchObject({ status: 'completed', recordingUrl: fileKey });

    const job = outbox.getJob(jobId)!;
    expect(job.recording.sizeBytes).toBe(wav.length);
    expect(job.recording.durationSec).toBeCloseTo(2, 1);
    expect(job.call.status).toBe('in-progress');
    expect(outbox.counts().done).toBe(1);
  }, 120_000);

  it('fails a live job whose finished content was already taken, leaving its call in progress', async () => {
    const dir = path.join(base, 'dup');
    mkdirSync(dir);
    const wav = makeWav({ seconds: 1, frequency: 770 });
    engine.start();
    await startIntake(dir);
    writeFileSync(path.join(dir, 'first.wav'), wav);
    await vi.waitFor(() => expect(outbox.counts().done).toBe(1), { timeout: 60_000, interval: 100 });
    const firstId = outbox.list({ states: ['done'] }).rows[0]!.id;

    const before = creates().length;
    await writeSlowly(path.join(dir, 'copy.wav'), wav, () => creates().length > before);
    expect(creates()).toHaveLength(before + 1);
    // Issue 11: the copy is a `duplicate` row naming the first job (it used to be `failed`).
    await vi.waitFor(() => expect(outbox.counts().duplicate).toBe(1), { timeout: 60_000, interval: 100 });
    const failed = outbox.getJob(outbox.list({ states: ['duplicate'] }).rows[0]!.id)!;
    expect(failed.duplicateOf).toBe(firstId);
    expect(failed.lastError).toContain(firstId);
    expect(comswise().filter((r) => r.method === 'PUT')).toHaveLength(1);
    const calls = sandbox.calls().comswise;
    expect(calls).toHaveLength(2);
    expect(calls.map((c) => c.status).sort()).toEqual(['completed', 'in-progress']);
  }, 120_000);

  it('finds the same waiting job after a restart, and opens and completes one call', async () => {
    const dir = path.join(base, 'restart');
    mkdirSync(dir);
    const file = path.join(dir, 'call-restart.wav');
    const wav = makeWav({ seconds: 1, frequency: 880 });
    await startIntake(dir);
    // The engine is not started yet: the job is made but its call is not opened before the restart.
    let written = 1000;
    writeFileSync(file, wav.subarray(0, written));
    for (let i = 0; i < 60 && outbox.counts()['waiting-file'] === 0; i++) {
      await sleep(250);
      appendFileSync(file, wav.subarray(written, written + 16));
      written += 16;
    }
    const [first] = outbox.list({ states: ['waiting-file'] }).rows;
    expect(first).toBeDefined();
    await intake.close();
    outbox.close();

    outbox = openOutbox({ file: path.join(base, 'outbox.db'), clock: systemClock, logger });
    engine = newEngine();
    engine.start();
    await startIntake(dir);
    for (let i = 0; i < 60 && creates().length === 0; i++) {
      await sleep(250);
      appendFileSync(file, wav.subarray(written, written + 16));
      written += 16;
    }
    appendFileSync(file, wav.subarray(written));
    await vi.waitFor(() => expect(outbox.getJob(first!.id)?.state).toBe('done'), { timeout: 60_000, interval: 100 });
    expect(outbox.list({}).total).toBe(1);
    expect(creates()).toHaveLength(1);
    expect(sandbox.calls().comswise).toHaveLength(1);
    expect(sandbox.calls().comswise[0]).toMatchObject({ status: 'completed' });
  }, 120_000);
});
