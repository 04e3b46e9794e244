// Every file seen is a row: two identical recordings give one queued job and one duplicate row
// naming it; two empty files are two failed rows (never "the same as" each other); a text file
// renamed .wav is a failed row; and "files seen" equals the rows the queue shows. Then a retry of
// the empty file is refused while it is still empty and goes on once it has audio.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FolderConfig } from '../../shared/config.js';
import { retryJobs } from '../../electron/core/api/file-retry.js';
import { systemClock } from '../../electron/core/clock.js';
import { createSilentLogger } from '../../electron/core/logger.js';
import { openOutbox, type Outbox } from '../../electron/core/outbox/outbox.js';
import { createIntake, type Intake } from '../../electron/core/watch/intake.js';
import { createFakeDestination } from '../fixtures/destinations/fake-destination.js';
import { makeWav } from '../fixtures/audio/wav.js';

let base = '';
let intake: Intake | null = null;
let outbox: Outbox | null = null;
afterEach(async () => {
  await intake?.close();
  outbox?.close();
  rmSync(base, { recursive: true, force: true });
});

describe('every file seen is a row', () => {
  it('keeps duplicates, empty files and non-audio as rows, and re-reads a file on retry', async () => {
    base = mkdtempSync(path.join(tmpdir(), 'cr-rows-'));
    const dir = path.join(base, 'recordings');
    mkdirSync(dir);
    outbox = openOutbox({ file: path.join(base, 'outbox.db'), clock: systemClock, logger: createSilentLogger() });
    const destination = createFakeDestination('main');
    intake = createIntake({
      folders: [FolderConfig.parse({ path: dir, destination: 'main', quietPeriodMs: 200 })],
      port: outbox,
      getDestination: () => destination,
      logger: createSilentLogger(),
      clock: systemClock,
    });
    await intake.start();
    const wav = makeWav({ seconds: 1, frequency: 640 });
    writeFileSync(path.join(dir, 'first.wav'), wav);
    await vi.waitFor(() => expect(outbox!.counts().queued).toBe(1), { timeout: 20_000, interval: 50 });
    writeFileSync(path.join(dir, 'again.wav'), wav);
    writeFileSync(path.join(dir, 'empty-1.wav'), '');
    writeFileSync(path.join(dir, 'empty-2.wav'), '');
    writeFileSync(path.join(dir, 'notes.wav'), 'these are meeting notes, not audio\n'.repeat(20));
    await vi.waitFor(() => expect(intake!.statuses()[0]!.filesSeen).toBe(5), { timeout: 20_000, interval: 50 });
    const counts = outbox.counts();
    expect(counts).toMatchObject({ queued: 1, duplicate: 1, failed: 3 });
    const rows = outbox.list({}).rows;
    expect(rows).toHaveLength(intake.statuses()[0]!.filesSeen);
    const first = rows.find((r) => r.fileName === 'first.wav')!;
    expect(rows.find((r) => r.fileName === 'again.wav')).toMatchObject({ state: 'duplicate', duplicateOf: first.id });

    // Retry of the empty file: refused while it is empty, nothing moves; goes on once it has audio.
    const empty = rows.find((r) => r.fileName === 'empty-1.wav')!;
    const deps = { outbox, reexamine: (job: Parameters<Intake['reexamine']>[0]) => intake!.reexamine(job) };
    const refused = await retryJobs(deps, [empty.id]);
    expect(refused.updated).toBe(0);
    expect(refused.refused[0]!.reason).toMatch(/the file is empty/);
    expect(outbox.getJob(empty.id)!.state).toBe('failed');
    writeFileSync(path.join(dir, 'empty-1.wav'), makeWav({ seconds: 1, frequency: 720 }));
    const retried = await retryJobs(deps, [empty.id]);
    expect(retried).toEqual({ updated: 1, refused: [] });
    expect(outbox.getJob(empty.id)).toMatchObject({ state: 'queued', reviewIssues: [], lastError: null });
  }, 60_000);
});
