// tus against a real @tus/server (inside the sandbox): the exact protocol requests, chunking, a
// vanished upload, and resuming a 200 MB upload cut off in the middle from the server's offset.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DestinationConfig } from '../../shared/config.js';
import type { RecordingInfo } from '../../shared/model.js';
import { createDestination } from '../../electron/core/destinations/create-destination.js';
import { systemClock } from '../../electron/core/clock.js';
import { createSilentLogger } from '../../electron/core/logger.js';
import { startSandbox, type Sandbox } from '../../electron/headless/sandbox/sandbox.js';
import { makeContext, makeJob, memorySteps, someBytes, writeRecording } from '../unit/destinations/delivery-harness.js';

let sandbox: Sandbox;
let dir: string;
let small: RecordingInfo;
const deps = { logger: createSilentLogger(), clock: systemClock };
const MiB = 1024 * 1024;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-tus-'));
  sandbox = await startSandbox({ dataDir: path.join(dir, 'sandbox') });
  small = await writeRecording(dir, 'short call.wav', someBytes(1 * MiB + 123, 5), 'audio/wav');
});
afterAll(async () => {
  await sandbox.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function config(patch: Record<string, unknown> = {}): DestinationConfig {
  return { ...sandbox.destinationConfigs().find((d) => d.kind === 'tus')!, ...patch } as DestinationConfig;
}
const call = (callId: string) => ({
  callId,
  startTime: '2024-02-28T10:30:00Z',
  from: '+15550001111',
  to: '+15550002222',
  direction: 'inbound' as const,
});
const b64 = (s: string) => Buffer.from(s).toString('base64');

function finishedFile(uploadUrl: string): string {
  const upload = sandbox.calls().tus.find((u) => uploadUrl.endsWith(`/${String(u.id)}`));
  expect(upload, `upload ${uploadUrl} finished on the server`).toBeDefined();
  return String(upload!.file);
}

async function sha256Of(file: string): Promise<string> {
  const { createHash } = await import('node:crypto');
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

describe('tus destination against @tus/server', () => {
  it('creates the upload, HEADs its offset and PATCHes the bytes, with the configured headers', async () => {
    sandbox.clearRequests();
    const dest = createDestination(config(), deps);
    const steps = memorySteps();
    const outcome = await dest.deliver(makeContext(makeJob(small, call('tus-1')), { steps }));
    const log = sandbox.requests().filter((r) => r.kind === 'tus');
    expect(log.map((r) => `${r.method} ${r.status}`)).toEqual(['POST 201', 'HEAD 200', 'PATCH 204']);
    const [post, head, patch] = log;
    expect(post!.path).toBe('/tus/files/');
    expect(post!.headers['tus-resumable']).toBe('1.0.0');
    expect(post!.headers['upload-length']).toBe(String(small.sizeBytes));
    expect(post!.headers.authorization).toMatch(/^Bearer \*\*\*/);
    const metadata = Object.fromEntries(post!.headers['upload-metadata']!.split(',').map((p) => p.split(' ')));
    expect(metadata).toEqual({
      filename: b64('short call.wav'),
      filetype: b64('audio/wav'),
      callId: b64('tus-1'),
      sha256: b64(small.sha256),
      startTime: b64('2024-02-28T10:30:00Z'),
      from: b64('+15550001111'),
      to: b64('+15550002222'),
      direction: b64('inbound'),
    });
    expect(head!.headers.authorization).toMatch(/^Bearer \*\*\*/);
    expect(patch!.headers['content-type']).toBe('application/offset+octet-stream');
    expect(patch!.headers['upload-offset']).toBe('0');
    expect(patch!.headers['content-length']).toBe(String(small.sizeBytes));
    expect(steps.commits).toEqual(['tus-upload', 'tus-offset', 'tus-done']);
    expect(await sha256Of(finishedFile(outcome.remoteId!))).toBe(small.sha256);
  });

  it('sends at most chunkSizeBytes per PATCH, each from the offset the server confirmed', async () => {
    sandbox.clearRequests();
    const dest = createDestination(config({ chunkSizeBytes: 256 * 1024 }), deps);
    const outcome = await dest.deliver(makeContext(makeJob(small, call('tus-2'))));
    const patches = sandbox.requests().filter((r) => r.method === 'PATCH');
    expect(patches).toHaveLength(Math.ceil(small.sizeBytes / (256 * 1024)));
    expect(patches.map((p) => Number(p.headers['upload-offset']))).toEqual(patches.map((_, i) => i * 256 * 1024));
    expect(await sha256Of(finishedFile(outcome.remoteId!))).toBe(small.sha256);
  });

  it('starts a new upload when the server no longer knows the stored one', async () => {
    const dest = createDestination(config(), deps);
    const steps = memorySteps();
    steps.commit('tus-upload', { uploadUrl: `${sandbox.url}/tus/files/0123456789abcdef0123456789abcdef` });
    const outcome = await dest.deliver(makeContext(makeJob(small, call('tus-3')), { steps }));
    expect(outcome.remoteId).not.toContain('0123456789abcdef');
    expect(await sha256Of(finishedFile(outcome.remoteId!))).toBe(small.sha256);
  });

  it('refuses wrong headers and tests the connection', async () => {
    const signal = new AbortController().signal;
    expect((await createDestination(config(), deps).testConnection(signal)).status).toBe('ok');
    const wrong = createDestination(config({ auth: { headers: { authorization: 'Bearer nope' } } }), deps);
    expect((await wrong.testConnection(signal)).status).toBe('bad-credentials');
    const error = await wrong.deliver(makeContext(makeJob(small, call('tus-4')))).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/HTTP 401/);
  });

  it(
    'resumes a 200 MB upload cut off in the middle from the server offset, resending under 16 MiB',
    { timeout: 60_000 },
    async () => {
      const big = await writeRecording(dir, 'big.wav', { sparseBytes: 200 * MiB }, 'audio/wav');
      try {
        const steps = memorySteps();
        const controller = new AbortController();
        const first = makeContext(makeJob(big, call('tus-big')), { steps, signal: controller.signal });
        const openBody = first.openBody.bind(first);
        // Cut the transfer (as a crash would) once about 90 MB have left the file.
        first.openBody = (start) => {
          const stream = openBody(start);
          stream.on('data', () => {
            if (first.bytesRead() > 90 * MiB && !controller.signal.aborted)
              controller.abort(new Error('simulated crash'));
          });
          return stream;
        };
        const dest = createDestination(config(), deps);
        await expect(dest.deliver(first)).rejects.toThrow(/simulated crash/);
        expect(steps.get('tus-done')).toBeUndefined();

        // "Restart": a new destination and context; only the committed steps survive.
        const restarted = memorySteps(new Map(JSON.parse(JSON.stringify([...steps.data]))));
        const second = makeContext(makeJob(big, call('tus-big')), { steps: restarted });
        const outcome = await createDestination(config(), deps).deliver(second);

        const resumedAt = second.opened[0]!;
        expect(resumedAt).toBeGreaterThan(50 * MiB);
        expect(resumedAt).toBeLessThan(200 * MiB);
        const sentTwice = first.bytesRead() + second.bytesRead() - big.sizeBytes;
        console.log(
          `tus resume: cut after ${(first.bytesRead() / MiB).toFixed(1)} MiB read, server kept ${(resumedAt / MiB).toFixed(1)} MiB, ` +
            `re-sent ${(sentTwice / MiB).toFixed(2)} MiB`,
        );
        expect(sentTwice).toBeLessThan(16 * MiB);
        expect(await sha256Of(finishedFile(outcome.remoteId!))).toBe(big.sha256);
      } finally {
        fs.rmSync(big.path, { force: true });
      }
    },
  );

  it(
    'after SIGKILL in the middle of a 200 MB upload, a new process resumes at the server offset',
    { timeout: 60_000 },
    async () => {
      const big = await writeRecording(dir, 'killed.wav', { sparseBytes: 200 * MiB }, 'audio/wav');
      const files = {
        config: path.join(dir, 'tus-config.json'),
        recording: path.join(dir, 'tus-recording.json'),
        steps: path.join(dir, 'tus-steps.json'),
      };
      try {
        fs.writeFileSync(files.config, JSON.stringify(config()));
        fs.writeFileSync(files.recording, JSON.stringify(big));
        const child = spawn(
          process.execPath,
          [
            '--import',
            'tsx',
            path.join(import.meta.dirname, '../unit/destinations/tus-child.ts'),
            files.config,
            files.recording,
            files.steps,
          ],
          { stdio: ['ignore', 'pipe', 'pipe'] },
        );
        let readByChild = 0;
        let output = '';
        const killed = new Promise<void>((resolve, reject) => {
          child.stdout.on('data', (chunk: Buffer) => {
            output += chunk.toString();
            for (const m of chunk.toString().matchAll(/read (\d+)/g)) readByChild = Math.max(readByChild, Number(m[1]));
            if (readByChild > 80 * MiB && child.exitCode === null && !child.killed) child.kill('SIGKILL');
          });
          child.on('exit', (code, sig) => {
            if (sig === 'SIGKILL') resolve();
            else reject(new Error(`child ended by itself (code ${code}) before the kill: ${output.slice(-500)}`));
          });
        });
        await killed;
        const saved = new Map<string, unknown>(JSON.parse(fs.readFileSync(files.steps, 'utf8')));
        expect(saved.get('tus-upload')).toBeDefined();
        expect(saved.get('tus-done')).toBeUndefined();

        const second = makeContext(makeJob(big, { callId: 'tus-killed' }), { steps: memorySteps(saved) });
        const outcome = await createDestination(config(), deps).deliver(second);
        const resumedAt = second.opened[0]!;
        const sentTwice = readByChild + second.bytesRead() - big.sizeBytes;
        console.log(
          `tus SIGKILL: child read >= ${(readByChild / MiB).toFixed(1)} MiB, server kept ${(resumedAt / MiB).toFixed(1)} MiB, ` +
            `re-sent <= ${(sentTwice / MiB).toFixed(2)} MiB`,
        );
        expect(resumedAt).toBeGreaterThan(0);
        // readByChild is what the child had reported at most 20 ms before it died: allow for that window.
        expect(big.sizeBytes - resumedAt).toBeLessThanOrEqual(second.bytesRead());
        expect(resumedAt + 16 * MiB).toBeGreaterThan(readByChild);
        expect(await sha256Of(finishedFile(outcome.remoteId!))).toBe(big.sha256);
      } finally {
        fs.rmSync(big.path, { force: true });
      }
    },
  );
});
