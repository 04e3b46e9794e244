// The player's source: a job's own recording by job id, with range requests, refused when the file
// is not (any more) the bytes the job was queued with. Real files in a temp folder.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRecordingSource, parseRange } from '../../../electron/core/api/recording-source.js';
import { samplePeaks } from '../../../electron/core/metadata/waveform-peaks.js';
import type { RecordingInfo } from '../../../shared/model.js';
import { makeWav } from '../../fixtures/audio/wav.js';

let dir: string;
let jobs: Map<string, RecordingInfo>;

function recordingFor(file: string): RecordingInfo {
  const bytes = fs.readFileSync(file);
  return {
    path: file,
    fileName: path.basename(file),
    sizeBytes: bytes.length,
    mtimeMs: fs.statSync(file).mtimeMs,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    contentType: 'audio/wav',
    durationSec: 1,
    channels: 1,
    sampleRate: 8000,
    codec: 'PCM',
  };
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cr-recording-'));
  jobs = new Map();
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function source() {
  return createRecordingSource({ recordingOf: (id) => jobs.get(id) ?? null });
}

function put(name: string, bytes: Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

describe('parseRange', () => {
  it('reads one bytes= range, an open end and a suffix; ignores what it cannot honour', () => {
    expect(parseRange('bytes=0-99', 1000)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=900-', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange('bytes=-100', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange('bytes=990-5000', 1000)).toEqual({ start: 990, end: 999 });
    expect(parseRange('bytes=1000-', 1000)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-1,5-9', 1000)).toBeNull();
    expect(parseRange('items=0-1', 1000)).toBeNull();
    expect(parseRange(undefined, 1000)).toBeNull();
  });
});

describe('recording source', () => {
  it('serves the whole file (200) and a range (206, Content-Range, Accept-Ranges)', async () => {
    const bytes = makeWav({ seconds: 1 });
    jobs.set('job-1', recordingFor(put('a.wav', bytes)));
    const whole = await source().open('job-1', {});
    expect(whole).toMatchObject({ ok: true, status: 200 });
    if (!whole.ok) return;
    expect(whole.headers['accept-ranges']).toBe('bytes');
    expect(whole.headers['content-length']).toBe(String(bytes.length));
    whole.body?.destroy();
    const part = await source().open('job-1', { range: 'bytes=4-11' });
    expect(part).toMatchObject({ ok: true, status: 206 });
    if (!part.ok) return;
    expect(part.headers['content-range']).toBe(`bytes 4-11/${bytes.length}`);
    expect(await text(part.body!)).toBe(bytes.subarray(4, 12).toString());
    const past = await source().open('job-1', { range: `bytes=${bytes.length}-` });
    expect(past).toMatchObject({ ok: false, status: 416, headers: { 'content-range': `bytes */${bytes.length}` } });
  });

  it('takes job ids only: no path, no separator, no unknown id', async () => {
    jobs.set('job-1', recordingFor(put('a.wav', makeWav({ seconds: 1 }))));
    for (const id of ['../a.wav', '/etc/passwd', path.join(dir, 'a.wav'), 'job-1/../job-1', '%2e%2e', 'job 1', '']) {
      expect(await source().open(id, {}), id).toMatchObject({ ok: false, status: 400 });
    }
    expect(await source().open('job-2', {})).toMatchObject({ ok: false, status: 404 });
  });

  it('refuses a file that was moved, replaced with other bytes of the same size, or grew', async () => {
    const bytes = makeWav({ seconds: 1 });
    const file = put('a.wav', bytes);
    jobs.set('job-1', recordingFor(file));
    const s = source();
    const first = await s.open('job-1', {});
    expect(first.ok).toBe(true);
    if (first.ok) first.body?.destroy();
    // Same size, other content, in a new file (a new inode) at the same path.
    const other = Buffer.from(bytes);
    other[100] = (other[100]! + 1) % 256;
    fs.rmSync(file);
    fs.writeFileSync(file, other);
    expect(await s.open('job-1', {})).toMatchObject({ ok: false, status: 409 });
    // Bigger: refused before any hashing.
    fs.writeFileSync(file, Buffer.concat([bytes, Buffer.alloc(10)]));
    expect(await s.open('job-1', {})).toMatchObject({ ok: false, status: 409 });
    fs.rmSync(file);
    expect(await s.open('job-1', {})).toMatchObject({ ok: false, status: 410 });
    // The job's own bytes back in place: served again.
    fs.writeFileSync(file, bytes);
    const back = await s.open('job-1', { head: true });
    expect(back).toMatchObject({ ok: true, status: 200, body: null });
  });

  it('refuses a same-size change in place even when the size and inode stay (the hash is checked again)', async () => {
    const bytes = makeWav({ seconds: 1 });
    const file = put('a.wav', bytes);
    jobs.set('job-1', recordingFor(file));
    const s = source();
    const first = await s.open('job-1', {});
    if (first.ok) first.body?.destroy();
    const handle = fs.openSync(file, 'r+');
    fs.writeSync(handle, Buffer.from([1, 2, 3]), 0, 3, 200);
    fs.closeSync(handle);
    // A new mtime makes it another identity, so it is hashed again.
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(await s.open('job-1', {})).toMatchObject({ ok: false, status: 409 });
  });

  it('gives the waveform as bounded peaks for PCM WAV, none for other formats', async () => {
    jobs.set('job-1', recordingFor(put('a.wav', makeWav({ seconds: 2 }))));
    const answer = await source().waveform('job-1', 100);
    expect(answer.ok).toBe(true);
    if (!answer.ok) return;
    expect(answer.peaks).toHaveLength(100);
    expect(Math.max(...answer.peaks!)).toBeGreaterThan(0.1);
    jobs.set('job-2', { ...recordingFor(put('b.mp3', Buffer.from('ID3 not really'))), contentType: 'audio/mpeg' });
    expect(await source().waveform('job-2', 100)).toEqual({ ok: true, peaks: null });
  });

  it('reads at most one small block per point, however long the recording', async () => {
    // A 100 MB sparse WAV: only a header and a hole. Counting reads bounds the work.
    const file = path.join(dir, 'long.wav');
    const { wavHeader } = await import('../../fixtures/audio/wav.js');
    const dataBytes = 100 * 1024 * 1024;
    fs.writeFileSync(file, wavHeader(dataBytes));
    fs.truncateSync(file, 44 + dataBytes);
    const handle = await fs.promises.open(file, 'r');
    let bytesRead = 0;
    const counting = new Proxy(handle, {
      get(target, prop, receiver) {
        if (prop === 'read') {
          return async (...args: Parameters<typeof handle.read>) => {
            const result = await (target.read as (...a: unknown[]) => Promise<{ bytesRead: number }>)(...args);
            bytesRead += result.bytesRead;
            return result;
          };
        }
        const value = Reflect.get(target, prop, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    try {
      const peaks = await samplePeaks(counting, 44 + dataBytes, 600);
      expect(peaks).toHaveLength(600);
      expect(bytesRead).toBeLessThan(600 * 4096 + 64 * 1024 + 1);
    } finally {
      await handle.close();
    }
  });
});
