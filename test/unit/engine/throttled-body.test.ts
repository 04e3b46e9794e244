import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { PermanentError } from '../../../electron/core/delivery-errors.js';
import { createHttpClient, requestOutcome } from '../../../electron/core/http/http-client.js';
import { systemClock } from '../../../electron/core/clock.js';
import { createProgressTracker } from '../../../electron/core/engine/progress-tracker.js';
import { REUSE_CHUNKS, openThrottledBody } from '../../../electron/core/engine/throttled-body.js';
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

function open(
  path: string,
  bucket: ReturnType<typeof createTokenBucket>,
  extra: Partial<Parameters<typeof openThrottledBody>[0]> = {},
) {
  return openThrottledBody({
    path,
    start: 0,
    bucket,
    clock: systemClock,
    signal: new AbortController().signal,
    stallTimeoutMs: 10_000,
    onBytes: () => {},
    onStall: () => {},
    ...extra,
  });
}

describe('throttled body', () => {
  it('streams the file from an offset and counts every byte', async () => {
    const { content, path, bucket } = fixture(300_000, null);
    let counted = 0;
    const body = open(path, bucket, {
      start: 123_456,
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
    const body = open(path, bucket, { stallTimeoutMs: 500, onStall: () => (stalled = true) });
    expect((await collect(body)).length).toBe(content.length);
    expect(stalled).toBe(false);
  });

  it('reports a stall when the reader stops taking bytes, and ends on abort', async () => {
    const { path, bucket } = fixture(4 * 1024 * 1024, null);
    const controller = new AbortController();
    const stalled = new Promise<void>((resolve) => {
      const body = open(path, bucket, {
        signal: controller.signal,
        stallTimeoutMs: 150,
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

const MiB = 1024 * 1024;

describe('throttled body buffers', () => {
  it('gives a collector fresh buffers unless its consumer asks to borrow them', async () => {
    const { content, path, bucket } = fixture(10 * MiB + 77, null);
    expect((await collect(open(path, bucket))).equals(content)).toBe(true);

    // Borrowed buffers come back round: a collector that keeps chunks would see them overwritten.
    const lent = open(path, bucket);
    (lent as Readable & { [REUSE_CHUNKS]: () => void })[REUSE_CHUNKS]();
    const memory = new Set<ArrayBufferLike>();
    let length = 0;
    for await (const chunk of lent) {
      memory.add((chunk as Buffer).buffer);
      length += (chunk as Buffer).length;
    }
    expect(length).toBe(content.length);
    expect(memory.size).toBeLessThanOrEqual(6);
  });

  it('arrives intact through the http client to a server that reads slowly, counted and without a stall', async () => {
    const { content, path, bucket } = fixture(12 * MiB + 4321, null);
    const server = http.createServer((req, res) => {
      const hash = createHash('sha256');
      let received = 0;
      // Pauses now and then so the socket fills and undici has to wait for 'drain'.
      req.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        received += chunk.length;
        if (received % 7 === 0 || chunk.length > 30_000) {
          req.pause();
          setTimeout(() => req.resume(), 2);
        }
      });
      req.on('end', () => res.end(JSON.stringify({ received, sha256: hash.digest('hex') })));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => {
      server.closeAllConnections();
      server.close();
    });
    let counted = 0;
    let stalled = false;
    const body = open(path, bucket, {
      stallTimeoutMs: 30_000,
      onBytes: (n) => (counted += n),
      onStall: () => (stalled = true),
    });
    const res = await createHttpClient().expectOk({
      method: 'PUT',
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
      headers: { 'content-length': String(content.length) },
      body,
    });
    expect(JSON.parse(res.text)).toEqual({
      received: content.length,
      sha256: createHash('sha256').update(content).digest('hex'),
    });
    expect(counted).toBe(content.length);
    expect(stalled).toBe(false);
  });

  it('hands the buffers of a body the server acknowledged to the next body, never those of a failed request', async () => {
    const { content, path, bucket } = fixture(3 * MiB + 5, null);
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.statusCode = req.url === '/refuse' ? 500 : 200;
        res.end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => {
      server.closeAllConnections();
      server.close();
    });
    const client = createHttpClient();
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // The memory behind each chunk the body hands to the client, seen beside the client's reader.
    const send = async (route: string) => {
      const body = open(path, bucket);
      const memory = new Set<ArrayBufferLike>();
      body.pause();
      body.on('data', (chunk: Buffer) => memory.add(chunk.buffer));
      await client.send({
        method: 'PUT',
        url: `${base}${route}`,
        headers: { 'content-length': String(content.length) },
        body,
      });
      body.destroy();
      return memory;
    };
    const shared = (a: Set<ArrayBufferLike>, b: Set<ArrayBufferLike>) => [...a].filter((m) => b.has(m)).length;

    const refused = await send('/refuse');
    const first = await send('/ok');
    const second = await send('/ok');
    // A refused request's socket may still have held its last chunks: none of them is reused.
    expect(shared(refused, first)).toBe(0);
    expect(shared(refused, second)).toBe(0);
    expect(shared(first, second)).toBeGreaterThan(0);
  });
  it('still reports a stall while lending its buffers', async () => {
    const { path, bucket } = fixture(4 * MiB, null);
    let counted = 0;
    const stalled = new Promise<void>((resolve) => {
      const body = open(path, bucket, { stallTimeoutMs: 150, onBytes: (n) => (counted += n), onStall: resolve });
      (body as Readable & { [REUSE_CHUNKS]: () => void })[REUSE_CHUNKS]();
      body.once('data', () => body.pause());
      cleanups.push(() => body.destroy());
    });
    await stalled;
    // What was read before the reader stopped is counted, and no more than the stream may buffer.
    expect(counted).toBeGreaterThan(0);
    expect(counted).toBeLessThan(4 * MiB);
  });

  it('slices from the next read on once a rate applies mid-file', async () => {
    const { content, path, bucket } = fixture(3 * MiB, null);
    // What each step hands out, as counted (a reader may get several pieces joined).
    const pieces: number[] = [];
    const body = open(path, bucket, {
      onBytes: (n) => {
        pieces.push(n);
        // Fast enough that the rest (under 3 MiB) takes well under a second.
        if (pieces.length === 1) bucket.setConfig({ defaultBytesPerSec: 64 * MiB, schedule: [] });
      },
    });
    expect((await collect(body)).equals(content)).toBe(true);
    // The first read went out whole; every later one in slices, so far more pieces than reads.
    expect(pieces[0]).toBeGreaterThan(bucket.sliceBytes);
    expect(pieces.length).toBeGreaterThan(2 * (MiB / bucket.sliceBytes));
    expect(Math.max(...pieces.slice(1))).toBeLessThanOrEqual(bucket.sliceBytes);
  });

  it('ends with the signal’s reason when aborted mid-file', async () => {
    const { path, bucket } = fixture(4 * MiB, null);
    const controller = new AbortController();
    const body = open(path, bucket, { signal: controller.signal });
    const reason = new Error('cancelled by the user');
    const error = await (async () => {
      for await (const _chunk of body) controller.abort(reason);
    })().catch((e: unknown) => e);
    expect(error).toBe(reason);
  });

  it('fails with the file system’s error when the recording is gone, which the http client names', async () => {
    const { path, bucket } = fixture(10, null);
    const error = await collect(open(`${path}.missing`, bucket)).catch((e: unknown) => e);
    expect((error as NodeJS.ErrnoException).code).toBe('ENOENT');

    const server = http.createServer((req, res) => req.resume().on('end', () => res.end('ok')));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => {
      server.closeAllConnections();
      server.close();
    });
    const sent = await createHttpClient()
      .send({
        method: 'PUT',
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
        headers: { 'content-length': '10' },
        body: open(`${path}.missing`, bucket),
      })
      .catch((e: unknown) => e);
    expect(sent).toBeInstanceOf(PermanentError);
    expect((sent as Error).message).toMatch(/recording file is gone/);
    expect(requestOutcome(sent)).toBe('not-sent');
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
