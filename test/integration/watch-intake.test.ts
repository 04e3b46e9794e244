// Intake against real folders: chokidar, the stability gate, metadata and an in-memory outbox port.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { appendFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FolderConfig, type FolderConfig as FolderConfigType } from '../../shared/config.js';
import { systemClock } from '../../electron/core/clock.js';
import { createSilentLogger } from '../../electron/core/logger.js';
import { createIntake, type Intake, type IntakeEvent } from '../../electron/core/watch/intake.js';
import { createFakeDestination } from '../fixtures/destinations/fake-destination.js';
import { createMemoryPort } from '../fixtures/outbox/memory-port.js';
import { makeWav, tinyWav } from '../fixtures/audio/wav.js';

let base: string;
let intake: Intake | null = null;
beforeEach(() => {
  base = mkdtempSync(path.join(tmpdir(), 'cr-watch-'));
});
afterEach(async () => {
  await intake?.close();
  intake = null;
  rmSync(base, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const destinations = {
  main: createFakeDestination('main'),
  other: createFakeDestination('other'),
  strict: createFakeDestination('strict', ['agentId']),
  cx: createFakeDestination('cx', [], 'cx'),
};

function folder(dir: string, extra: Partial<FolderConfigType> = {}): FolderConfigType {
  mkdirSync(dir, { recursive: true });
  return FolderConfig.parse({ path: dir, destination: 'main', quietPeriodMs: 300, ...extra });
}

function start(folders: FolderConfigType[], port = createMemoryPort(), extra: { healthCheckMs?: number } = {}) {
  const events: IntakeEvent[] = [];
  intake = createIntake({
    folders,
    port,
    getDestination: (n) => destinations[n as keyof typeof destinations],
    logger: createSilentLogger(),
    clock: systemClock,
    // A short rescan so that, here, a missed change event costs 2 s rather than the default minute.
    watcher: { healthCheckMs: extra.healthCheckMs ?? 200, pollIntervalMs: 100, rescanMs: 2000 },
    onHandled: (e) => events.push(e),
  });
  return { port, events, ready: intake.start() };
}

const until = (fn: () => void, timeout = 30_000) => vi.waitFor(fn, { timeout, interval: 50 });

describe('watch intake', () => {
  it('does not queue a recording written slowly over 10 seconds before its last byte', async () => {
    const dir = path.join(base, 'slow');
    const { port, ready } = start([folder(dir, { quietPeriodMs: 2500 })]);
    await ready;
    const wav = makeWav({ seconds: 5, sampleRate: 8000 });
    const file = path.join(dir, 'slow.wav');
    const chunks = 100;
    const chunk = Math.ceil(wav.length / chunks);
    let written = 0;
    const sizesAtEnqueue: number[] = [];
    const enqueue = port.enqueue.bind(port);
    port.enqueue = (input) => {
      sizesAtEnqueue.push(written);
      return enqueue(input);
    };
    await writeFile(file, wav.subarray(0, chunk));
    written = chunk;
    for (let i = 1; i < chunks; i += 1) {
      await sleep(100);
      expect(port.attempts).toHaveLength(0);
      const part = wav.subarray(i * chunk, (i + 1) * chunk);
      await appendFile(file, part);
      written += part.length;
    }
    expect(written).toBe(wav.length);
    await until(() => expect(port.jobs).toHaveLength(1));
    expect(sizesAtEnqueue).toEqual([wav.length]);
    expect(port.jobs[0]?.recording).toMatchObject({ sizeBytes: wav.length, sha256: sha(wav), durationSec: 5 });
    expect(port.jobs[0]?.state).toBe('queued');
    // The file as it was hashed, which lets the upload send it without hashing it again.
    const s = statSync(file);
    expect(port.jobs[0]?.recording.fileId).toEqual({ ino: s.ino, ctimeMs: s.ctimeMs });
  }, 60_000);

  it('finds each of 10,000 files present at start-up exactly once, and none again after a restart', async () => {
    const dir = path.join(base, 'many');
    // Ten folders, each with files of its own and a nested folder, as recorders sort by date.
    for (let d = 0; d < 10; d += 1) {
      mkdirSync(path.join(dir, `d${d}`, 'nested'), { recursive: true });
      for (let i = 0; i < 1000; i += 1) {
        const sub = i % 2 === 0 ? `d${d}` : path.join(`d${d}`, 'nested');
        writeFileSync(path.join(dir, sub, `r${i}.wav`), tinyWav(d * 1000 + i));
      }
    }
    const config = folder(dir, { quietPeriodMs: 200 });
    const first = start([config]);
    await first.ready;
    await until(() => expect(first.port.jobs.length).toBe(10_000), 120_000);
    await intake!.drained();
    expect(new Set(first.port.attempts.map((a) => a.recording.path)).size).toBe(10_000);
    expect(first.port.attempts).toHaveLength(10_000);
    await intake!.close();

    const second = start([config], first.port);
    await second.ready;
    await until(() => expect(second.events.length).toBeGreaterThanOrEqual(10_000), 120_000);
    expect(second.events.every((e) => e.kind === 'known')).toBe(true);
    expect(first.port.attempts).toHaveLength(10_000);
  }, 200_000);

  it('does not send a renamed or copied recording again, but does send it to another destination', async () => {
    const a = path.join(base, 'a');
    const b = path.join(base, 'b');
    const c = path.join(base, 'c');
    const { port, events, ready } = start([folder(a), folder(b), folder(c, { destination: 'other' })]);
    await ready;
    const wav = makeWav({ seconds: 1 });
    writeFileSync(path.join(a, 'one.wav'), wav);
    await until(() => expect(port.jobs).toHaveLength(1));
    renameSync(path.join(a, 'one.wav'), path.join(a, 'one-renamed.wav'));
    writeFileSync(path.join(b, 'copy.wav'), wav);
    // Issue 11: each is reported as a duplicate of the first job (a row of its own in the outbox).
    await until(() => expect(events.filter((e) => e.kind === 'duplicate')).toHaveLength(2));
    expect(port.jobs.filter((j) => j.destination === 'main')).toHaveLength(1);
    expect(events.filter((e) => e.kind === 'duplicate').map((e) => (e as { of: string }).of)).toEqual([
      'job-1',
      'job-1',
    ]);
    writeFileSync(path.join(c, 'for-other.wav'), wav);
    await until(() => expect(port.jobs).toHaveLength(2));
    expect(port.jobs[1]).toMatchObject({ destination: 'other', recording: { sha256: sha(wav) } });
  }, 60_000);

  it('shows a vanished folder as unavailable and recovers by itself', async () => {
    const dir = path.join(base, 'usb');
    const { port, ready } = start([folder(dir)], createMemoryPort(), { healthCheckMs: 100 });
    await ready;
    writeFileSync(path.join(dir, 'before.wav'), makeWav({ seconds: 1, frequency: 500 }));
    await until(() => expect(port.jobs).toHaveLength(1));
    rmSync(dir, { recursive: true, force: true });
    await until(() =>
      expect(intake!.statuses()[0]).toMatchObject({ available: false, error: expect.stringMatching(/not reachable/) }),
    );
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'after.wav'), makeWav({ seconds: 1, frequency: 600 }));
    await until(() => expect(port.jobs).toHaveLength(2));
    expect(intake!.statuses()[0]).toMatchObject({ available: true, error: null });
    expect(port.jobs[1]?.recording.fileName).toBe('after.wav');
  }, 60_000);

  it('starts on a folder that does not exist yet and picks it up when it appears', async () => {
    const dir = path.join(base, 'later');
    const config = FolderConfig.parse({ path: dir, destination: 'main', quietPeriodMs: 200 });
    const { port, ready } = start([config], createMemoryPort(), { healthCheckMs: 100 });
    await ready;
    expect(intake!.statuses()[0]?.available).toBe(false);
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'x.wav'), makeWav({ seconds: 1 }));
    await until(() => expect(port.jobs).toHaveLength(1));
  }, 60_000);

  it('finds files in new subfolders, in polling mode too, and skips temporary names', async () => {
    const live = path.join(base, 'live');
    const polled = path.join(base, 'polled');
    const { port, ready } = start([folder(live), folder(polled, { polling: true, destination: 'other' })]);
    await ready;
    for (const [i, dir] of [live, polled].entries()) {
      writeFileSync(path.join(dir, 'top.wav'), makeWav({ seconds: 1, frequency: 1600 + i }));
      mkdirSync(path.join(dir, '2024', '02'), { recursive: true });
      writeFileSync(path.join(dir, '2024', '02', 'deep.wav'), makeWav({ seconds: 1, frequency: 1700 + i }));
      writeFileSync(path.join(dir, 'partial.wav.part'), makeWav({ seconds: 1, frequency: 1800 + i }));
      writeFileSync(path.join(dir, '~lock.wav'), makeWav({ seconds: 1, frequency: 1900 + i }));
    }
    await until(() => expect(port.jobs).toHaveLength(4));
    await sleep(800);
    expect(port.jobs.map((j) => path.relative(base, j.recording.path)).sort()).toEqual(
      [
        path.join('live', '2024', '02', 'deep.wav'),
        path.join('live', 'top.wav'),
        path.join('polled', '2024', '02', 'deep.wav'),
        path.join('polled', 'top.wav'),
      ].sort(),
    );
  }, 60_000);

  it('keeps zero-byte, truncated, non-audio and broken-sidecar recordings as jobs with reasons, untouched', async () => {
    const dir = path.join(base, 'bad');
    const { port, ready } = start([folder(dir)]);
    await ready;
    const files: Record<string, Buffer> = {
      'empty.wav': Buffer.alloc(0),
      'cut.wav': makeWav({ seconds: 2 }).subarray(0, 3000),
      'text.wav': Buffer.from('this is not audio at all\n'),
      'sidecar.wav': makeWav({ seconds: 1, frequency: 700 }),
    };
    writeFileSync(path.join(dir, 'sidecar.json'), '{"from": ');
    for (const [name, bytes] of Object.entries(files)) writeFileSync(path.join(dir, name), bytes);
    await until(() => expect(port.jobs).toHaveLength(4));
    const byName = Object.fromEntries(port.jobs.map((j) => [j.recording.fileName, j]));
    expect(byName['empty.wav']).toMatchObject({ state: 'failed', reason: expect.stringMatching(/empty/) });
    expect(byName['text.wav']).toMatchObject({ state: 'failed', reason: expect.stringMatching(/not an audio file/) });
    expect(byName['cut.wav']).toMatchObject({ state: 'needs-review', reason: expect.stringMatching(/truncated/) });
    expect(byName['sidecar.wav']).toMatchObject({
      state: 'needs-review',
      reason: expect.stringMatching(/sidecar\.json is not valid JSON/),
    });
    for (const [name, bytes] of Object.entries(files)) expect(readFileSync(path.join(dir, name))).toEqual(bytes);
  }, 60_000);

  it('holds calls for review when the destination misses a field or the folder asks for it', async () => {
    const strict = path.join(base, 'strict');
    const review = path.join(base, 'review');
    const { port, ready } = start([folder(strict, { destination: 'strict' }), folder(review, { review: true })]);
    await ready;
    writeFileSync(path.join(strict, 's.wav'), makeWav({ seconds: 1, frequency: 800 }));
    writeFileSync(path.join(review, 'r.wav'), makeWav({ seconds: 1, frequency: 900 }));
    await until(() => expect(port.jobs).toHaveLength(2));
    const byName = Object.fromEntries(port.jobs.map((j) => [j.recording.fileName, j]));
    expect(byName['s.wav']).toMatchObject({
      state: 'needs-review',
      reviewIssues: [expect.objectContaining({ field: 'agentId' })],
    });
    expect(byName['r.wav']).toMatchObject({ state: 'needs-review', reason: expect.stringMatching(/review/) });
  }, 60_000);

  it('marks calls of a live-calls folder in-progress for comswise only, unless metadata says otherwise', async () => {
    const live = path.join(base, 'live-calls');
    const liveCx = path.join(base, 'live-cx');
    const { port, ready } = start([
      folder(live, { liveCalls: true }),
      folder(liveCx, { liveCalls: true, destination: 'cx' }),
    ]);
    await ready;
    writeFileSync(path.join(live, 'a.wav'), makeWav({ seconds: 1, frequency: 2000 }));
    writeFileSync(path.join(live, 'b.wav'), makeWav({ seconds: 1, frequency: 2100 }));
    writeFileSync(path.join(live, 'b.json'), '{"status": "completed"}');
    writeFileSync(path.join(liveCx, 'c.wav'), makeWav({ seconds: 1, frequency: 2200 }));
    await until(() => expect(port.jobs).toHaveLength(3));
    const byName = Object.fromEntries(port.jobs.map((j) => [j.recording.fileName, j]));
    expect(byName['a.wav']?.call.status).toBe('in-progress');
    expect(byName['b.wav']?.call.status).toBe('completed');
    expect(byName['c.wav']?.call.status).toBeUndefined();
  }, 60_000);

  it('on Windows waits for the writer to let go of the file', async () => {
    const dir = path.join(base, 'win');
    mkdirSync(dir);
    let locked = true;
    const port = createMemoryPort();
    intake = createIntake({
      folders: [folder(dir, { quietPeriodMs: 100 })],
      port,
      getDestination: () => destinations.main,
      logger: createSilentLogger(),
      clock: systemClock,
      watcher: { platform: 'win32', exclusiveOpen: async () => !locked },
    });
    await intake.start();
    writeFileSync(path.join(dir, 'held.wav'), makeWav({ seconds: 1 }));
    await sleep(1500);
    expect(port.attempts).toHaveLength(0);
    locked = false;
    await until(() => expect(port.jobs).toHaveLength(1));
  }, 60_000);

  it('archives or deletes only when told the delivery was confirmed, never overwriting the archive', async () => {
    const moveDir = path.join(base, 'move');
    const delDir = path.join(base, 'del');
    const { port, events, ready } = start([
      folder(moveDir, { afterDelivery: { moveTo: 'archive' } }),
      folder(delDir, { afterDelivery: 'delete' }),
    ]);
    await ready;
    const wav = makeWav({ seconds: 1, frequency: 1000 });
    writeFileSync(path.join(moveDir, 'm.wav'), wav);
    writeFileSync(path.join(moveDir, 'm.json'), '{"agentId": "a-1"}');
    mkdirSync(path.join(moveDir, 'archive'));
    writeFileSync(path.join(moveDir, 'archive', 'm.wav'), 'an older file with the same name');
    writeFileSync(path.join(delDir, 'd.wav'), makeWav({ seconds: 1, frequency: 1100 }));
    await until(() => expect(port.jobs).toHaveLength(2));
    // Nothing happens to the files while the jobs are only queued.
    await sleep(500);
    expect(existsSync(path.join(moveDir, 'm.wav'))).toBe(true);
    expect(existsSync(path.join(delDir, 'd.wav'))).toBe(true);

    const moveJob = port.jobs.find((j) => j.recording.fileName === 'm.wav')!;
    const delJob = port.jobs.find((j) => j.recording.fileName === 'd.wav')!;
    const moved = await intake!.afterDelivery(moveJob);
    expect(moved).toEqual({ action: 'moved', to: path.join(moveDir, 'archive', 'm (1).wav') });
    expect(readFileSync(path.join(moveDir, 'archive', 'm.wav'), 'utf8')).toBe('an older file with the same name');
    expect(readFileSync(path.join(moveDir, 'archive', 'm (1).wav'))).toEqual(wav);
    expect(existsSync(path.join(moveDir, 'archive', 'm.json'))).toBe(true);
    expect(existsSync(path.join(moveDir, 'm.wav'))).toBe(false);
    expect(await intake!.afterDelivery(delJob)).toEqual({ action: 'deleted' });
    expect(existsSync(path.join(delDir, 'd.wav'))).toBe(false);
    // The archive inside the watched folder is never taken for new recordings.
    await sleep(1000);
    expect(port.attempts).toHaveLength(2);
    expect(events.filter((e) => e.path.includes(`${path.sep}archive${path.sep}`))).toEqual([]);
  }, 60_000);

  it('reports a failed archive move by rejecting, leaving the file in place', async () => {
    const dir = path.join(base, 'blocked');
    const { port, ready } = start([folder(dir, { afterDelivery: { moveTo: path.join(base, 'not-a-dir') } })]);
    writeFileSync(path.join(base, 'not-a-dir'), 'a file where the archive folder should be');
    await ready;
    writeFileSync(path.join(dir, 'k.wav'), makeWav({ seconds: 1, frequency: 1500 }));
    await until(() => expect(port.jobs).toHaveLength(1));
    await expect(intake!.afterDelivery(port.jobs[0]!)).rejects.toThrow(/k\.wav: .*the file was left in place/);
    expect(existsSync(path.join(dir, 'k.wav'))).toBe(true);
    expect(intake!.statuses()[0]?.error).toMatch(/left in place/);
  }, 60_000);

  it('leaves a file that was replaced after delivery', async () => {
    const dir = path.join(base, 'replace');
    const { port, ready } = start([folder(dir, { afterDelivery: 'delete' })]);
    await ready;
    writeFileSync(path.join(dir, 'r.wav'), makeWav({ seconds: 1, frequency: 1200 }));
    await until(() => expect(port.jobs).toHaveLength(1));
    const job = port.jobs[0]!;
    writeFileSync(path.join(dir, 'r.wav'), makeWav({ seconds: 1, frequency: 1300 }));
    expect(await intake!.afterDelivery(job)).toMatchObject({
      action: 'skipped',
      reason: expect.stringMatching(/replaced/),
    });
    expect(existsSync(path.join(dir, 'r.wav'))).toBe(true);
  }, 60_000);

  it('enqueues dropped files, counting duplicates and explaining errors', async () => {
    const dir = path.join(base, 'drop');
    mkdirSync(dir);
    const { port, ready } = start([]);
    await ready;
    const a = path.join(dir, 'in-2125550100-2125550199-20240228-103000-1709116200.123.wav');
    writeFileSync(a, makeWav({ seconds: 1, frequency: 1400 }));
    writeFileSync(path.join(dir, 'a-copy.wav'), readFileSync(a));
    writeFileSync(path.join(dir, 'notes.wav'), 'text');
    const result = await intake!.enqueuePaths(
      [a, path.join(dir, 'a-copy.wav'), path.join(dir, 'missing.wav'), dir, path.join(dir, 'notes.wav')],
      'main',
    );
    expect(result.queued).toBe(1);
    expect(result.duplicates).toBe(1);
    expect(result.errors.map((e) => path.basename(e.path))).toEqual(['missing.wav', 'drop', 'notes.wav']);
    expect(result.errors[0]?.message).toMatch(/no such file/);
    expect(result.errors[1]?.message).toMatch(/folder/);
    expect(result.errors[2]?.message).toMatch(/failed job: not an audio file/);
    expect(port.jobs).toHaveLength(2);
    expect(port.jobs[0]).toMatchObject({ folder: null, destination: 'main', state: 'queued' });
    const none = await intake!.enqueuePaths([a], 'nope');
    expect(none.errors[0]?.message).toMatch(/no destination named "nope"/);
  }, 60_000);
});
