// Child process for the tus crash test: delivers one recording to a tus destination with steps
// kept in a JSON file (written and fsynced on every commit, as the outbox would), until killed.
// argv: <config.json> <recording.json> <steps.json> <bytes-read file>
import fs from 'node:fs';
import { Transform } from 'node:stream';
import { createDestination } from '../../../electron/core/destinations/create-destination.js';
import type { StepStore } from '../../../electron/core/destinations/destination.js';
import { systemClock } from '../../../electron/core/clock.js';
import { createSilentLogger } from '../../../electron/core/logger.js';
import { makeContext, makeJob } from './delivery-harness.js';

const [configFile, recordingFile, stepsFile] = process.argv.slice(2) as [string, string, string];
const config = JSON.parse(fs.readFileSync(configFile, 'utf8'));
const recording = JSON.parse(fs.readFileSync(recordingFile, 'utf8'));
const data = new Map<string, unknown>(fs.existsSync(stepsFile) ? JSON.parse(fs.readFileSync(stepsFile, 'utf8')) : []);

function save(): void {
  const tmp = `${stepsFile}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  fs.writeSync(fd, JSON.stringify([...data]));
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  fs.renameSync(tmp, stepsFile);
}

const steps: StepStore = {
  get: <T>(step: string) => data.get(step) as T | undefined,
  commit(step, output) {
    data.set(step, output);
    save();
    process.stdout.write(`commit ${step}\n`);
  },
  clear(step) {
    data.delete(step);
    save();
  },
};

const ctx = makeContext(makeJob(recording, { callId: 'tus-killed' }), { steps });
// Paced at about 200 MB/s at most, so the parent's kill lands mid-transfer on any machine.
const openBody = ctx.openBody.bind(ctx);
ctx.openBody = (start) => {
  const source = openBody(start);
  let sinceSleep = 0;
  const paced = new Transform({
    transform(chunk: Buffer, _enc, done) {
      sinceSleep += chunk.length;
      if (sinceSleep < 1024 * 1024) return done(null, chunk);
      sinceSleep = 0;
      setTimeout(() => done(null, chunk), 5);
    },
  });
  source.on('error', (e) => paced.destroy(e));
  paced.on('close', () => source.destroy());
  return source.pipe(paced);
};
const timer = setInterval(() => process.stdout.write(`read ${ctx.bytesRead()}\n`), 20);
createDestination(config, { logger: createSilentLogger(), clock: systemClock })
  .deliver(ctx)
  .then(() => {
    clearInterval(timer);
    process.stdout.write('done\n');
  })
  .catch((error: unknown) => {
    clearInterval(timer);
    process.stderr.write(`failed: ${(error as Error).message}\n`);
    process.exitCode = 1;
  });
