import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../electron/core/logger.js';
import { createProgressTracker } from '../../../electron/core/engine/progress-tracker.js';
import { openThrottledBody } from '../../../electron/core/engine/throttled-body.js';
import { createTokenBucket } from '../../../electron/core/engine/token-bucket.js';
import { makeRecording, makeTempDir } from '../../fixtures/engine/recordings.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function collect(body: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function fixture(size: number, bytesPerSec: number | null) {
  const tmp = makeTempDir();
  const content = randomBytes(size);
  const rec = makeRecording(tmp.dir, 'a.wav', content);
  const bucket = createTokenBucket({ config: { defaultBytesPerSec: bytesPerSec, schedule: [] }, clock: systemClock });
  cleanups.push(tmp.remove, () => bucket.close());
  return { content, path: rec.path, bucket };
}

describe('throttled body', () => {
  it('streams the file from an offset and counts every byte', async () => {
    const { content, path, bucket } = fixture(300_000, null);
    let counted = 0;
    const body = openThrottledBody({
      path,
      start: 123_456,
      bucket,
      clock: systemClock,
      signal: new AbortController().signal,
      stallTimeoutMs: 5000,
      onBytes: (n) => (counted += n),
      onStall: () => {
        throw new Error('no stall expected');
      },
    });
    const got = await collect(body);
    expect(got.equals(content.subarray(123_456))).toBe(true);
    expect(counted).toBe(content.length - 123_456);
  });

  it('does not call waiting for bandwidth a stall', async () => {
    // 48 KB at 32 KB/s takes about a second, twice the 500 ms stall timeout.
    const { content, path, bucket } = fixture(48 * 1024, 32 * 1024);
    let stalled = false;
    const body = openThrottledBody({
      path,
      start: 0,
      bucket,
      clock: systemClock,
      signal: new AbortController().signal,
      stallTimeoutMs: 500,
      onBytes: () => {},
      onStall: () => (stalled = true),
    });
    expect((await collect(body)).length).toBe(content.length);
    expect(stalled).toBe(false);
  });

  it('reports a stall when the reader stops taking bytes, and ends on abort', async () => {
    const { path, bucket } = fixture(4 * 1024 * 1024, null);
    const controller = new AbortController();
    const stalled = new Promise<void>((resolve) => {
      const body = openThrottledBody({
        path,
        start: 0,
        bucket,
        clock: systemClock,
        signal: controller.signal,
        stallTimeoutMs: 150,
        onBytes: () => {},
        onStall: () => {
          controller.abort(new Error('stalled'));
          resolve();
        },
      });
      body.once('data', () => body.pause());
      cleanups.push(() => body.destroy());
    });
    await stalled;
    expect(controller.signal.aborted).toBe(true);
  });
});

describe('progress tracker', () => {
  it('gives bytes, speed and an ETA', () => {
    let now = 0;
    const tracker = createProgressTracker({ now: () => now });
    tracker.begin('j', 1000, 11_000);
    for (let i = 0; i < 4; i++) {
      now += 1000;
      tracker.add('j', 1000);
    }
    const p = tracker.get('j')!;
    expect(p.bytesSent).toBe(5000);
    expect(p.bytesTotal).toBe(11_000);
    expect(p.bytesPerSec).toBeGreaterThanOrEqual(1000);
    expect(p.bytesPerSec).toBeLessThanOrEqual(1400);
    expect(p.etaSec).toBeGreaterThanOrEqual(4);
    expect(p.etaSec).toBeLessThanOrEqual(6);
    tracker.end('j');
    expect(tracker.get('j')).toBeNull();
  });
});
