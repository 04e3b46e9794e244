import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DestinationConfig } from '../../../shared/config.js';
import { createDestination } from '../../../electron/core/destinations/create-destination.js';
import type { DeliveryContext, StepStore } from '../../../electron/core/destinations/destination.js';
import type { Logger } from '../../../electron/core/logger.js';
import { createRedactingLogger } from '../../../electron/core/secrets/redacting-logger.js';
import { REDACTED, redactSecrets, redactText } from '../../../electron/core/secrets/secret-scrubbing.js';
import { startSandbox, type Sandbox } from '../../../electron/headless/sandbox/sandbox.js';

/** A pino logger at debug level whose every line lands in `lines`, wrapped like the hosts do. */
function capture(getSecrets: () => readonly string[]) {
  const lines: string[] = [];
  const p = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  const adapt = (l: pino.Logger): Logger => ({
    debug: (o, m) => (typeof o === 'string' ? l.debug(o) : l.debug(o, m)),
    info: (o, m) => (typeof o === 'string' ? l.info(o) : l.info(o, m)),
    warn: (o, m) => (typeof o === 'string' ? l.warn(o) : l.warn(o, m)),
    error: (o, m) => (typeof o === 'string' ? l.error(o) : l.error(o, m)),
    child: (b) => adapt(l.child(b)),
  });
  return { lines, logger: createRedactingLogger(adapt(p), getSecrets) };
}

describe('redaction', () => {
  const secret = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';

  it('removes a secret from text, also URL-encoded and base64', () => {
    const b64 = Buffer.from(secret).toString('base64').replace(/=+$/, '');
    const out = redactSecrets(
      { a: `Bearer ${secret}`, b: `?key=${encodeURIComponent(secret + '/')}`, c: `Basic ${b64}` },
      [secret + '/', secret],
    );
    expect(JSON.stringify(out)).not.toContain(secret);
    expect(JSON.stringify(out)).not.toContain(b64);
  });

  it('walks nested objects, arrays, maps, errors and causes without changing the input', () => {
    const error = new Error(`request failed with ${secret}`, { cause: new Error(`inner ${secret}`) });
    const input = {
      list: [`x${secret}x`, { deep: { deeper: [secret] } }],
      map: new Map([['k', secret]]),
      error,
      n: 42,
      when: new Date(0),
    };
    const out = redactSecrets(input, [secret]);
    expect(JSON.stringify(out)).not.toContain(secret);
    expect(input.list[0]).toBe(`x${secret}x`);
    expect((out as { n: number }).n).toBe(42);
  });

  it('redacts values under credential-like keys whatever they are', () => {
    const out = redactSecrets({ headers: { Authorization: 'Bearer unknown-but-secret', 'X-API-Key': 'k' } }, []);
    expect(out).toEqual({ headers: { Authorization: REDACTED, 'X-API-Key': REDACTED } });
  });

  it('survives cycles', () => {
    const a: Record<string, unknown> = { s: secret };
    a.self = a;
    expect(JSON.stringify(redactSecrets(a, [secret]))).toContain('[circular]');
  });

  it('removes the longer of two overlapping secrets whole', () => {
    expect(redactSecrets('abc-123456-xyz', ['123456', 'abc-123456-xyz'])).toBe(REDACTED);
    expect(redactText('a 123456 b', ['123456'])).toBe(`a ${REDACTED} b`);
  });

  it('redacts messages, objects and child bindings, and follows secrets that change', () => {
    let secrets = [secret];
    const { lines, logger } = capture(() => secrets);
    logger.info({ token: 'x', url: `https://h/?t=${secret}` }, `sending with ${secret}`);
    logger.child({ auth: secret }).warn(`child ${secret}`);
    secrets = ['rotated-secret-value'];
    logger.error({ detail: 'rotated-secret-value' }, 'after rotation');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).not.toContain(secret);
    expect(lines[2]).not.toContain('rotated-secret-value');
    expect(lines.join('')).toContain(REDACTED);
  });
});

describe('a delivery with a known secret', () => {
  let sandbox: Sandbox;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-redact-'));
    sandbox = await startSandbox({ dataDir: path.join(dir, 'sandbox'), resultDelayMs: 0 });
  });
  afterAll(async () => {
    await sandbox?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function context(file: string, log: Logger): DeliveryContext {
    const data = new Map<string, unknown>();
    const steps: StepStore = {
      get: <T>(step: string) => data.get(step) as T | undefined,
      commit: (step, output) => void data.set(step, JSON.parse(JSON.stringify(output ?? null))),
      clear: (step) => void data.delete(step),
    };
    const bytes = fs.readFileSync(file);
    const stat = fs.statSync(file);
    return {
      job: {
        id: 'job-1',
        destination: 'comswise',
        recording: {
          path: file,
          fileName: path.basename(file),
          sizeBytes: stat.size,
          mtimeMs: stat.mtimeMs,
          sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
          contentType: 'audio/wav',
          durationSec: 1,
          channels: 1,
          sampleRate: 8000,
          codec: 'pcm_s16le',
        },
        call: {
          callId: 'call-redaction-1',
          from: '+15550000001',
          to: '+15550000002',
          direction: 'inbound',
          startTime: '2024-02-28T10:30:00Z',
          endTime: '2024-02-28T10:30:01Z',
          status: 'completed',
        },
      },
      steps,
      signal: new AbortController().signal,
      log,
      now: () => Date.now(),
      openBody: (start = 0) => fs.createReadStream(file, { start }),
    };
  }

  it('writes no log line containing the secret, through success, failures and careless logging', async () => {
    const config = sandbox.destinationConfigs().find((d) => d.kind === 'comswise') as DestinationConfig & {
      auth: { token: string };
    };
    const token = config.auth.token;
    expect(token.length).toBeGreaterThan(8);
    const { lines, logger } = capture(() => [token]);
    const file = path.join(dir, 'call.wav');
    fs.writeFileSync(file, Buffer.alloc(8000, 1));

    const destination = createDestination(config, {
      logger: logger.child({ destination: config.name }),
      clock: { now: () => Date.now() },
    });
    // What a hurried developer might log around a delivery: the config, the headers, the errors.
    logger.debug({ config }, 'delivering with this destination');
    logger.debug({ headers: { Authorization: `Bearer ${token}` }, url: `${config.baseUrl}/calls/create` }, 'request');

    sandbox.setFaults({ error500Rate: 1, kinds: ['comswise'] });
    const failed = await destination.deliver(context(file, logger.child({ job: 'job-0' }))).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(Error);
    logger.warn({ err: failed, token }, `attempt failed for Bearer ${token}`);
    sandbox.setFaults({});

    const outcome = await destination.deliver(context(file, logger.child({ job: 'job-1' })));
    logger.info({ outcome, config }, `delivered with ${token}`);
    expect(outcome.remoteId).toBeTruthy();
    expect(sandbox.calls().comswise).toHaveLength(1);

    const wrong = createDestination({ ...config, auth: { token: `${token}-wrong` } } as DestinationConfig, {
      logger,
      clock: { now: () => Date.now() },
    });
    const test = await wrong.testConnection(new AbortController().signal);
    logger.error({ test, attempted: `${token}-wrong` }, 'connection test');

    expect(lines.length).toBeGreaterThanOrEqual(5);
    expect(lines.filter((l) => l.includes(REDACTED)).length).toBeGreaterThanOrEqual(4);
    const b64 = Buffer.from(token).toString('base64').replace(/=+$/, '');
    for (const line of lines) {
      expect(line).not.toContain(token);
      expect(line).not.toContain(b64);
    }
  });
});
