// A DeliveryContext of our own for driving destinations without the engine: steps in memory
// (optionally shared across "restarts"), the body straight from the file, bytes counted.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { CallDraft, RecordingInfo } from '../../../shared/model.js';
import type { DeliveryContext, DeliveryJob, StepStore } from '../../../electron/core/destinations/destination.js';
import { createSilentLogger } from '../../../electron/core/logger.js';
import type { SandboxFaultsInput } from '../../../electron/headless/sandbox/faults.js';
import type { Sandbox } from '../../../electron/headless/sandbox/sandbox.js';

export interface MemorySteps extends StepStore {
  data: Map<string, unknown>;
  commits: string[];
}

export function memorySteps(initial?: Map<string, unknown>): MemorySteps {
  // Round-trip through JSON like the outbox does, so nothing relies on object identity.
  const data = new Map<string, unknown>(initial ?? []);
  const commits: string[] = [];
  return {
    data,
    commits,
    get: <T>(step: string) => data.get(step) as T | undefined,
    commit(step, output) {
      data.set(step, JSON.parse(JSON.stringify(output ?? null)));
      commits.push(step);
    },
    clear(step) {
      data.delete(step);
    },
  };
}

export async function writeRecording(
  dir: string,
  fileName: string,
  content: Buffer | { sparseBytes: number },
  contentType = 'audio/wav',
): Promise<RecordingInfo> {
  const file = path.join(dir, fileName);
  if (Buffer.isBuffer(content)) fs.writeFileSync(file, content);
  else {
    fs.writeFileSync(file, '');
    fs.truncateSync(file, content.sparseBytes);
  }
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  const stat = fs.statSync(file);
  return {
    path: file,
    fileName,
    sizeBytes: stat.size,
    mtimeMs: stat.mtimeMs,
    sha256: hash.digest('hex'),
    contentType,
    durationSec: 12.5,
    channels: 1,
    sampleRate: 8000,
    codec: 'pcm_s16le',
  };
}

/** A few KB of bytes that look like nothing in particular; platforms here do not decode audio. */
export function someBytes(size: number, seed = 1): Buffer {
  const buf = Buffer.alloc(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    buf[i] = x & 0xff;
  }
  return buf;
}

export function makeJob(recording: RecordingInfo, call: CallDraft, destination = 'test'): DeliveryJob {
  return { id: `job-${call.callId}`, destination, recording, call };
}

export interface TestContext extends DeliveryContext {
  bytesRead(): number;
  opened: number[];
}

export function makeContext(
  job: DeliveryJob,
  options: { steps?: StepStore; signal?: AbortSignal; highWaterMark?: number } = {},
): TestContext {
  let read = 0;
  const opened: number[] = [];
  return {
    job,
    steps: options.steps ?? memorySteps(),
    signal: options.signal ?? new AbortController().signal,
    log: createSilentLogger(),
    now: () => Date.now(),
    openBody(start = 0) {
      opened.push(start);
      const stream = fs.createReadStream(job.recording.path, {
        start,
        highWaterMark: options.highWaterMark ?? 256 * 1024,
      });
      stream.on('data', (chunk) => {
        read += chunk.length;
      });
      return stream;
    },
    bytesRead: () => read,
    opened,
  };
}

/** Runs one attempt with the sandbox's faults set, and clears them afterwards whatever happens. */
export async function underFaults<T>(
  sandbox: Pick<Sandbox, 'setFaults'>,
  faults: SandboxFaultsInput,
  attempt: () => Promise<T>,
): Promise<T> {
  sandbox.setFaults(faults);
  try {
    return await attempt();
  } finally {
    sandbox.setFaults({});
  }
}
