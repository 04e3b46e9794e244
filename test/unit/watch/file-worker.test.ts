// The intake's file worker answers as fs would: stats with their error codes, a small file's
// bytes with its state before it was closed, a symlink left unopened unless links are followed,
// a large file left to the caller, and many requests at once.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileWorker, type FileWorker } from '../../../electron/core/watch/file-worker.js';
import { makeTempDir } from '../../fixtures/engine/recordings.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function setup(): { dir: string; files: FileWorker } {
  const tmp = makeTempDir();
  const files = createFileWorker();
  cleanups.push(() => files.close(), tmp.remove);
  return { dir: tmp.dir, files };
}

const small = { maxBytes: 1024 * 1024, followLinks: false };

describe('file worker', () => {
  it('states files as fs does, and fails with the same codes', async () => {
    const { dir, files } = setup();
    const file = path.join(dir, 'a.wav');
    fs.writeFileSync(file, 'abc');
    const s = await files.stat(file);
    const real = fs.statSync(file);
    expect({ size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs, ino: s.ino, isFile: s.isFile() }).toEqual({
      size: 3,
      mtimeMs: real.mtimeMs,
      ctimeMs: real.ctimeMs,
      ino: real.ino,
      isFile: true,
    });
    expect((await files.stat(dir)).isFile()).toBe(false);
    await expect(files.stat(path.join(dir, 'gone.wav'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(files.readSmall(path.join(dir, 'gone.wav'), 3, small)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('reads a small file whole, with its state before it was closed; one that grew gives no bytes', async () => {
    const { dir, files } = setup();
    const file = path.join(dir, 'a.wav');
    const content = Buffer.from('RIFF....WAVEfmt recording bytes');
    fs.writeFileSync(file, content);
    const read = await files.readSmall(file, content.length, small);
    expect(read.kind).toBe('file');
    if (read.kind !== 'file') return;
    expect(read.bytes?.equals(content)).toBe(true);
    expect(read.after.ctimeMs).toBe(fs.statSync(file).ctimeMs);
    const grown = await files.readSmall(file, content.length - 5, small);
    expect(grown).toMatchObject({ kind: 'file', bytes: null });
    expect(await files.readSmall(file, content.length, { ...small, maxBytes: 10 })).toEqual({ kind: 'large' });
  });

  it.skipIf(process.platform === 'win32')('does not open a symlink unless links are followed', async () => {
    const { dir, files } = setup();
    const outside = path.join(dir, 'secret.txt');
    fs.writeFileSync(outside, 'not a recording');
    const link = path.join(dir, 'link.wav');
    fs.symlinkSync(outside, link);
    expect(await files.readSmall(link, 15, small)).toEqual({ kind: 'link' });
    const followed = await files.readSmall(link, 15, { ...small, followLinks: true });
    expect(followed.kind === 'file' && followed.bytes?.toString()).toBe('not a recording');
  });

  it('answers hundreds of requests asked at once, each with its own file', async () => {
    const { dir, files } = setup();
    const names = Array.from({ length: 300 }, (_, n) => path.join(dir, `r${n}.wav`));
    names.forEach((name, n) => fs.writeFileSync(name, `recording ${n}`));
    const reads = await Promise.all(names.map((name, n) => files.readSmall(name, `recording ${n}`.length, small)));
    expect(reads.map((r) => (r.kind === 'file' ? r.bytes?.toString() : r.kind))).toEqual(
      names.map((_, n) => `recording ${n}`),
    );
    const stats = await Promise.all(names.map((name) => files.stat(name)));
    expect(stats.map((s) => s.size)).toEqual(names.map((_, n) => `recording ${n}`.length));
  });

  it('refuses work once closed, and a new reader starts afresh', async () => {
    const { dir, files } = setup();
    await files.close();
    // EBUSY: the gate and the intake look at the file again later, never call it unreadable.
    await expect(files.stat(dir)).rejects.toMatchObject({ code: 'EBUSY', message: expect.stringMatching(/closed/) });
    const again = createFileWorker();
    cleanups.push(() => again.close());
    expect((await again.stat(dir)).isFile()).toBe(false);
  });
});
