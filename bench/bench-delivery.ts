// What the upload benches share to drive a destination the way the engine does, without the
// engine: the sandbox in its own process (so this process's memory is the client's alone), the
// engine's own request body (token bucket unlimited, stall watchdog on), a step store and the
// delivery context around one recording.
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { DestinationConfig } from '../shared/config.js';
import type { RecordingInfo } from '../shared/model.js';
import type { DeliveryContext, StepStore } from '../electron/core/destinations/destination.js';
import { openThrottledBody } from '../electron/core/engine/throttled-body.js';
import { createTokenBucket } from '../electron/core/engine/token-bucket.js';
import { systemClock } from '../electron/core/clock.js';
import { createSilentLogger } from '../electron/core/logger.js';

export interface SandboxChild {
  url: string;
  configs: DestinationConfig[];
  stop(): void;
}

/** Starts bench/upload-sandbox-child.ts with its data in `dataDir`, once it prints its configs. */
export async function startSandboxChild(dataDir: string): Promise<SandboxChild> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'upload-sandbox-child.ts'), dataDir],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`sandbox exited early (${code})`)));
  });
  const info = JSON.parse(line) as { url: string; configs: DestinationConfig[] };
  return { ...info, stop: () => child.kill('SIGTERM') };
}

const unlimited = createTokenBucket({ config: { defaultBytesPerSec: null, schedule: [] }, clock: systemClock });

/** The body the app sends: the engine's throttled body, unlimited here. */
export function engineBody(file: string, start: number): Readable {
  return openThrottledBody({
    path: file,
    start,
    bucket: unlimited,
    clock: systemClock,
    signal: new AbortController().signal,
    stallTimeoutMs: 60_000,
    onBytes: () => {},
    onStall: () => {},
  });
}

export function stepsWith(entries: Record<string, unknown>): StepStore {
  const data = new Map(Object.entries(entries));
  return {
    get: <T>(s: string) => data.get(s) as T | undefined,
    commit: (s, v) => void data.set(s, v),
    clear: (s) => void data.delete(s),
  };
}

/** One recording's delivery context; its body is the engine's unless `openBody` says otherwise. */
export function benchContext(
  recording: RecordingInfo,
  steps: StepStore,
  openBody: (start: number) => Readable = (start) => engineBody(recording.path, start),
): DeliveryContext {
  return {
    job: {
      id: recording.fileName,
      destination: 'bench',
      recording,
      call: { callId: `bench-${recording.fileName}`, startTime: '2025-01-01T00:00:00Z', groupingId: 'bench' },
    },
    steps,
    signal: new AbortController().signal,
    log: createSilentLogger(),
    now: () => Date.now(),
    openBody: (start = 0) => openBody(start),
  };
}
