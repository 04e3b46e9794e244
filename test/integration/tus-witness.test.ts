// tus makes no "call", but a finished upload is the platform's copy: an outbox that forgets an
// upload it had made (its WAL lost) must not upload the file a second time. The witness keeps the
// upload URL outside SQLite; with it the forgotten upload is found again, without it the same
// damage sends the file twice.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDestination } from '../../electron/core/destinations/create-destination.js';
import { createEngine } from '../../electron/core/engine/engine.js';
import { systemClock } from '../../electron/core/clock.js';
import { createSilentLogger } from '../../electron/core/logger.js';
import { openOutbox } from '../../electron/core/outbox/outbox.js';
import { createRecoveryGuard } from '../../electron/core/outbox/outbox-recovery.js';
import { openProgressWitness } from '../../electron/core/outbox/progress-witness.js';
import { startSandbox, type Sandbox } from '../../electron/headless/sandbox/sandbox.js';
import { makeTempDir } from '../fixtures/engine/recordings.js';
import { makeCallInputs } from '../fixtures/engine/sandbox-run.js';

let sandbox: Sandbox;
const tmp = makeTempDir('callrelay-tus-witness-');

beforeAll(async () => {
  sandbox = await startSandbox({ dataDir: path.join(tmp.dir, 'sandbox') });
});
afterAll(async () => {
  await sandbox?.close();
  tmp.remove();
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Runs the engine over the outbox until every job is done, with or without the witness. */
async function deliverAll(dir: string, withWitness: boolean) {
  const logger = createSilentLogger();
  const outbox = openOutbox({ file: path.join(dir, 'outbox.db'), clock: systemClock, logger });
  const witness = withWitness ? openProgressWitness(path.join(dir, 'outbox.witness')) : null;
  const recovery = witness
    ? createRecoveryGuard({
        lostCreates: (e) => outbox.lostCreates(e),
        witness,
        clock: systemClock,
        logger,
        getMeta: (k) => outbox.getMeta(k),
        setMeta: (k, v) => outbox.setMeta(k, v),
      })
    : undefined;
  const config = sandbox.destinationConfigs().find((c) => c.kind === 'tus')!;
  const destination = createDestination(config, { logger, clock: systemClock });
  const engine = createEngine({
    outbox,
    getDestination: () => destination,
    clock: systemClock,
    logger,
    concurrency: { global: 2, perDestination: 2 },
    bandwidth: { defaultBytesPerSec: null, schedule: [] },
    retry: { baseMs: 50, maxMs: 200 },
    ...(recovery ? { recovery } : {}),
  });
  const behind = recovery?.status().behind ?? false;
  engine.start();
  const deadline = Date.now() + 30_000;
  while (outbox.counts().done < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await engine.stop();
  const done = outbox.counts().done;
  witness?.close();
  outbox.close();
  return { done, behind };
}

/** What a lost WAL leaves: the job back at the start, its upload forgotten. */
function forgetProgress(dir: string) {
  const db = new Database(path.join(dir, 'outbox.db'));
  db.prepare("UPDATE jobs SET state = 'queued', steps = '{}', step = NULL, finished_at = NULL").run();
  db.close();
}

async function damagedRun(name: string, withWitness: boolean) {
  const dir = path.join(tmp.dir, name);
  fs.mkdirSync(dir, { recursive: true });
  const config = sandbox.destinationConfigs().find((c) => c.kind === 'tus')!;
  const [input] = makeCallInputs(path.join(dir, 'rec'), 1, 300_000, config.name);
  const outbox = openOutbox({ file: path.join(dir, 'outbox.db'), clock: systemClock, logger: createSilentLogger() });
  outbox.enqueue(input!);
  outbox.close();
  expect((await deliverAll(dir, withWitness)).done).toBe(1);
  forgetProgress(dir);
  const again = await deliverAll(dir, withWitness);
  const uploads = sandbox
    .calls()
    .tus.filter((u) => sha(fs.readFileSync(String(u.file))) === input!.recording.sha256).length;
  return { ...again, uploads };
}

describe('tus and a forgotten upload', () => {
  it('with the witness: found again, the file finished once', { timeout: 60_000 }, async () => {
    const run = await damagedRun('with', true);
    expect(run).toEqual({ done: 1, behind: true, uploads: 1 });
  });

  it('without it (the control): the same damage uploads the file twice', { timeout: 60_000 }, async () => {
    const run = await damagedRun('without', false);
    expect(run).toEqual({ done: 1, behind: false, uploads: 2 });
  });
});
