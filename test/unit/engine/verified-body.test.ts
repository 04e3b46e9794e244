// The body checks what it reads against the job's size and sha256, in the same pass that sends
// it, and withholds the last read when the file is not the recording that was described.
import { createHash, randomBytes, type Hash } from 'node:crypto';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { RecordingChangedError } from '../../../electron/core/delivery-errors.js';
import { systemClock } from '../../../electron/core/clock.js';
import { openThrottledBody } from '../../../electron/core/engine/throttled-body.js';
import { createTokenBucket } from '../../../electron/core/engine/token-bucket.js';
import { makeRecording, makeTempDir } from '../../fixtures/engine/recordings.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

type Verify = NonNullable<Parameters<typeof openThrottledBody>[0]['verify']>;

function open(path: string, start: number, verify: Verify) {
  const bucket = createTokenBucket({ config: { defaultBytesPerSec: null, schedule: [] }, clock: systemClock });
  cleanups.push(() => bucket.close());
  return openThrottledBody({
    path,
    start,
    bucket,
    clock: systemClock,
    signal: new AbortController().signal,
    stallTimeoutMs: 5000,
    onBytes: () => {},
    onStall: () => {},
    verify,
  });
}

async function drain(body: NodeJS.ReadableStream): Promise<{ bytes: number; error: unknown }> {
  let bytes = 0;
  try {
    for await (const chunk of body) bytes += (chunk as Buffer).length;
    return { bytes, error: null };
  } catch (error) {
    return { bytes, error };
  }
}

function recording(size: number) {
  const tmp = makeTempDir();
  cleanups.push(tmp.remove);
  const content = randomBytes(size);
  return { content, path: makeRecording(tmp.dir, 'a.wav', content).path };
}

describe('verified body', () => {
  it('passes the recording it was described as, whole', async () => {
    const { content, path } = recording(700_000);
    const got = await drain(open(path, 0, { sizeBytes: content.length, sha256: sha(content) }));
    expect(got).toEqual({ bytes: content.length, error: null });
  });

  it('other bytes of the same size: the last read is withheld', async () => {
    const { content, path } = recording(700_000);
    const described = sha(content);
    fs.writeFileSync(path, randomBytes(content.length));
    const got = await drain(open(path, 0, { sizeBytes: content.length, sha256: described }));
    expect(got.error).toBeInstanceOf(RecordingChangedError);
    expect((got.error as RecordingChangedError).sizeChanged).toBe(false);
    expect(got.bytes).toBeLessThan(content.length);
  });

  it('a shorter or longer file: size changed', async () => {
    const { content, path } = recording(300_000);
    fs.writeFileSync(path, content.subarray(0, 200_000));
    const shorter = await drain(open(path, 0, { sizeBytes: content.length, sha256: sha(content) }));
    expect((shorter.error as RecordingChangedError).sizeChanged).toBe(true);
    fs.writeFileSync(path, Buffer.concat([content, Buffer.from('more')]));
    const longer = await drain(open(path, 0, { sizeBytes: content.length, sha256: sha(content) }));
    expect((longer.error as RecordingChangedError).sizeChanged).toBe(true);
    expect(longer.bytes).toBeLessThan(content.length);
  });

  it('a resumed body checks the part sent before too, continuing a hash it was handed', async () => {
    const { content, path } = recording(2_500_000);
    const states = new Map<number, Hash>();
    const verify = { sizeBytes: content.length, sha256: sha(content), states };
    // A first body cut after its first read, as a tus chunk would be.
    const first = open(path, 0, verify);
    await new Promise<void>((resolve) => first.once('data', () => resolve()));
    first.destroy();
    const [at] = [...states.keys()];
    expect(at).toBeGreaterThan(0);
    expect((await drain(open(path, at!, verify))).error).toBeNull();
    // Without a state, the prefix is read and hashed: a change in it is caught all the same.
    const changed = Buffer.from(content);
    changed[10] = changed[10]! ^ 0xff;
    fs.writeFileSync(path, changed);
    const resumed = await drain(open(path, 400_000, { sizeBytes: content.length, sha256: sha(content) }));
    expect(resumed.error).toBeInstanceOf(RecordingChangedError);
  });

  describe('a file still as it was hashed (its identity)', () => {
    const identityOf = (path: string) => {
      const s = fs.statSync(path);
      return { ino: s.ino, ctimeMs: s.ctimeMs, sizeBytes: s.size, mtimeMs: s.mtimeMs };
    };

    it('is sent without hashing again: a hash that would not match is never consulted', async () => {
      const { content, path } = recording(2_500_000);
      const wrong = sha(Buffer.from('not this recording'));
      const got = await drain(open(path, 0, { sizeBytes: content.length, sha256: wrong, identity: identityOf(path) }));
      expect(got).toEqual({ bytes: content.length, error: null });
      // A body resumed in the middle needs no prefix read either.
      const resumed = await drain(
        open(path, 1_000_000, { sizeBytes: content.length, sha256: wrong, identity: identityOf(path) }),
      );
      expect(resumed).toEqual({ bytes: content.length - 1_000_000, error: null });
    });

    it('written to while it is sent: the last read is withheld', async () => {
      const { content, path } = recording(2_500_000);
      const verify = { sizeBytes: content.length, sha256: sha(content), identity: identityOf(path) };
      const body = open(path, 0, verify);
      let bytes = 0;
      let error: unknown = null;
      try {
        for await (const chunk of body) {
          if (bytes === 0) {
            // Same bytes written in place: only the change time tells.
            const fd = fs.openSync(path, 'r+');
            fs.writeSync(fd, content.subarray(0, 10), 0, 10, 0);
            fs.closeSync(fd);
          }
          bytes += (chunk as Buffer).length;
        }
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(RecordingChangedError);
      expect(String((error as Error).message)).toMatch(/written to while it was being sent/);
      expect(bytes).toBeLessThan(content.length);
    });

    it('another file, or one changed since: hashed as it streams, and other bytes are refused', async () => {
      const { content, path } = recording(700_000);
      const identity = identityOf(path);
      fs.writeFileSync(path, randomBytes(content.length));
      fs.utimesSync(path, new Date(identity.mtimeMs), new Date(identity.mtimeMs));
      const got = await drain(open(path, 0, { sizeBytes: content.length, sha256: sha(content), identity }));
      expect(got.error).toBeInstanceOf(RecordingChangedError);
      expect((got.error as RecordingChangedError).sizeChanged).toBe(false);
    });
  });
});
