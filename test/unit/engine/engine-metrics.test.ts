// What the engine reports to the metrics as it works: bytes as they leave, each delivery, each
// failed attempt with what the retry policy made of it.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { PermanentError, TransientError } from '../../../electron/core/delivery-errors.js';
import { createEngine } from '../../../electron/core/engine/engine.js';
import { systemClock } from '../../../electron/core/clock.js';
import { createSilentLogger } from '../../../electron/core/logger.js';
import type { DeliveryObserver } from '../../../electron/core/metrics/delivery-observer.js';
import { reasonClassOf } from '../../../electron/core/metrics/reason-class.js';
import { openOutbox } from '../../../electron/core/outbox/outbox.js';
import { createFakeDestination } from '../../fixtures/destinations/fake-destination.js';
import { enqueueInput, makeRecording, makeTempDir } from '../../fixtures/engine/recordings.js';
import { waitFor } from '../../fixtures/engine/wait-for.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('engine → metrics', () => {
  it('reports bytes sent, deliveries and failed attempts by reason class', async () => {
    const tmp = makeTempDir();
    const outbox = openOutbox({ file: ':memory:', clock: systemClock, logger: createSilentLogger() });
    const dest = createFakeDestination('dest');
    const seen: string[] = [];
    let bytes = 0;
    const observer: DeliveryObserver = {
      bytesSent: (destination, n) => {
        expect(destination).toBe('dest');
        bytes += n;
      },
      delivered: (job) => seen.push(`delivered ${job.destination}`),
      attemptFailed: (destination, error, decision) =>
        seen.push(`failed ${destination} ${reasonClassOf(error)} ${decision}`),
    };
    const engine = createEngine({
      outbox,
      getDestination: (name) => (name === 'dest' ? dest : undefined),
      clock: systemClock,
      logger: createSilentLogger(),
      concurrency: { global: 1, perDestination: 1 },
      bandwidth: { defaultBytesPerSec: null, schedule: [] },
      retry: { baseMs: 10, maxMs: 50 },
      observer,
    });
    cleanups.push(
      tmp.remove,
      () => outbox.close(),
      () => engine.stop(),
    );
    let goodFailedOnce = false;
    dest.before = (ctx) => {
      if (ctx.job.recording.fileName === 'refused.wav')
        throw new PermanentError('HTTP 422: bad agent', { status: 422 });
      if (!goodFailedOnce) {
        goodFailedOnce = true;
        throw new TransientError('HTTP 503: try later');
      }
    };
    const good = outbox.enqueue(enqueueInput(makeRecording(tmp.dir, 'good.wav', randomBytes(5000)))).id;
    const refused = outbox.enqueue(enqueueInput(makeRecording(tmp.dir, 'refused.wav', randomBytes(10)))).id;
    engine.start();
    await waitFor(
      () => outbox.getJob(good)!.state === 'done' && outbox.getJob(refused)!.state === 'failed',
      'one delivered, one refused',
    );
    expect(seen.sort()).toEqual(['delivered dest', 'failed dest rejected failed', 'failed dest server-error retry']);
    expect(bytes).toBe(5000);
  });
});
