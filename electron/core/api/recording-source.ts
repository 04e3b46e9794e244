// Plays a job's own recording to the page, for both hosts (serve's HTTP route, the desktop's app://
// protocol). The client names a job, never a path: the path comes from the outbox, and the file is
// served only while it is still the file the job describes — same size, same sha256 as when it was
// queued (the rule the engine applies before it sends a byte, engine/throttled-body.ts). Hashing a
// long call on every range request would cost a full read each time, so a verified file is
// remembered by its identity (device, inode, size, mtime) and hashed again only when that changes.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { RecordingInfo } from '../../../shared/model.js';
import { samplePeaks } from '../metadata/waveform-peaks.js';

export interface RecordingSourceDeps {
  /** The job's recording as the outbox holds it, or null when there is no such job. */
  recordingOf(jobId: string): RecordingInfo | null;
}

export type RecordingAnswer =
  | {
      ok: true;
      status: 200 | 206;
      headers: Record<string, string>;
      /** The bytes to send; null for HEAD. The stream closes the file when it ends. */
      body: Readable | null;
    }
  | { ok: false; status: 400 | 404 | 409 | 410 | 416; message: string; headers?: Record<string, string> };

export interface RecordingSource {
  open(jobId: string, request: { range?: string | undefined; head?: boolean }): Promise<RecordingAnswer>;
  /** A few hundred peaks (0..1) for the waveform, read host-side; null peaks when the format is not PCM WAV. */
  waveform(
    jobId: string,
    points: number,
  ): Promise<{ ok: true; peaks: number[] | null } | { ok: false; message: string }>;
}

/** Job ids are UUIDs; anything with a separator, a dot or a percent sign is not one of ours. */
export const JOB_ID_PATTERN = /^[A-Za-z0-9_-]{1,100}$/;

export type ByteRange = { start: number; end: number };

/**
 * One `bytes=` range (RFC 9110 §14.1.2) within a file of `size` bytes: null for no or an ignorable
 * header (several ranges, another unit: the whole file is sent), 'unsatisfiable' for one past the end.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | null | 'unsatisfiable' {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

const MAX_VERIFIED = 64;

async function hashOf(handle: FileHandle): Promise<string> {
  const hash = createHash('sha256');
  const buffer = Buffer.alloc(1024 * 1024);
  let position = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) break;
    hash.update(buffer.subarray(0, bytesRead));
    position += bytesRead;
  }
  return hash.digest('hex');
}

export function createRecordingSource(deps: RecordingSourceDeps): RecordingSource {
  // jobId → the identity of the file last found to hold the job's bytes.
  const verified = new Map<string, string>();

  function remember(jobId: string, identity: string) {
    verified.delete(jobId);
    verified.set(jobId, identity);
    if (verified.size > MAX_VERIFIED) verified.delete(verified.keys().next().value!);
  }

  type Opened = { handle: FileHandle; size: number; recording: RecordingInfo };
  type Refusal = Extract<RecordingAnswer, { ok: false }>;

  /** The job's file, opened and checked to be the job's own bytes; the caller closes it. */
  async function openVerified(jobId: string): Promise<Opened | Refusal> {
    if (!JOB_ID_PATTERN.test(jobId)) {
      return { ok: false, status: 400, message: 'That is not a job id; open the recording from its job.' };
    }
    const recording = deps.recordingOf(jobId);
    if (!recording) return { ok: false, status: 404, message: `No job ${jobId}; it may have been removed.` };
    let handle: FileHandle;
    try {
      // The checks below are on the opened file itself (fstat, its bytes), so a swap of the path
      // after them cannot change what is sent.
      handle = await fs.promises.open(recording.path, 'r');
    } catch {
      return {
        ok: false,
        status: 410,
        message: `The recording is no longer at ${recording.path} (moved, archived or deleted), so it cannot be played here.`,
      };
    }
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) throw { ok: false, status: 410, message: `${recording.path} is no longer a file.` };
      if (stat.size !== recording.sizeBytes) {
        throw {
          ok: false,
          status: 409,
          message: `The file at ${recording.path} has changed since it was queued (it is now ${stat.size} bytes, it was ${recording.sizeBytes}); it is not played as this job's recording.`,
        };
      }
      const identity = `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeMs}`;
      if (verified.get(jobId) !== identity) {
        if ((await hashOf(handle)) !== recording.sha256) {
          verified.delete(jobId);
          throw {
            ok: false,
            status: 409,
            message: `The file at ${recording.path} is not this job's recording any more (its content changed since it was queued); it is not played.`,
          };
        }
        remember(jobId, identity);
      }
      return { handle, size: stat.size, recording };
    } catch (error) {
      await handle.close();
      if (typeof error === 'object' && error !== null && 'status' in error) return error as Refusal;
      throw error;
    }
  }

  return {
    async open(jobId, request) {
      const opened = await openVerified(jobId);
      if ('ok' in opened) return opened;
      const { handle, size, recording } = opened;
      let handedOver = false;
      try {
        const range = parseRange(request.range, size);
        if (range === 'unsatisfiable') {
          return {
            ok: false,
            status: 416,
            message: 'The requested range is outside the recording.',
            headers: { 'content-range': `bytes */${size}` },
          };
        }
        const { start, end } = range ?? { start: 0, end: size - 1 };
        const headers: Record<string, string> = {
          'content-type': recording.contentType,
          'accept-ranges': 'bytes',
          'cache-control': 'no-store',
          'x-content-type-options': 'nosniff',
          'content-disposition': 'inline',
          'content-length': String(Math.max(0, end - start + 1)),
        };
        if (range) headers['content-range'] = `bytes ${start}-${end}/${size}`;
        let body: Readable | null = null;
        if (!request.head && size > 0) {
          body = handle.createReadStream({ start, end, autoClose: true });
          handedOver = true;
        }
        return { ok: true, status: range ? 206 : 200, headers, body };
      } finally {
        if (!handedOver) await handle.close();
      }
    },
    async waveform(jobId, points) {
      const opened = await openVerified(jobId);
      if ('ok' in opened) return { ok: false, message: opened.message };
      try {
        return { ok: true, peaks: await samplePeaks(opened.handle, opened.size, points) };
      } finally {
        await opened.handle.close();
      }
    },
  };
}
