import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PermanentError, TransientError } from '../../../electron/core/delivery-errors.js';
import {
  createHttpClient,
  errorStatus,
  requestOutcome,
  serverMessage,
} from '../../../electron/core/http/http-client.js';

let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    switch (req.url) {
      case '/json':
        return send(200, { a: 1 });
      case '/echo': {
        let size = 0;
        req.on('data', (c: Buffer) => (size += c.length));
        req.on('end', () => send(200, { size, type: req.headers['content-type'] ?? null }));
        return;
      }
      case '/detail':
        return send(422, { detail: [{ loc: ['body', 'startTime'], msg: 'field required' }] });
      case '/message':
        return send(400, { message: 'agent_id is required', error: 'validation_error' });
      case '/error-object':
        return send(401, { error: { message: 'bad key' } });
      case '/text-500':
        return send(500, '<html>upstream broke</html>');
      case '/retry':
        return send(429, { detail: 'slow down' }, { 'retry-after': '3' });
      case '/slow':
        return; // never answers
      case '/cut-mid-body': {
        let seen = 0;
        req.on('data', (c: Buffer) => {
          seen += c.length;
          if (seen > 512 * 1024) req.socket.destroy();
        });
        return;
      }
      case '/cut-after-body':
        req.resume();
        req.on('end', () => req.socket.destroy());
        return;
      default:
        return send(404, { detail: 'no such route' });
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const client = createHttpClient({ now: () => 0 });
// Larger than loopback socket buffers, so a cut in the middle is seen before the last byte is handed over.
const bigBody = () =>
  Readable.from(
    (function* () {
      for (let i = 0; i < 512; i++) yield Buffer.alloc(64 * 1024, i);
    })(),
  );
const big = () =>
  Readable.from(
    (function* () {
      for (let i = 0; i < 64; i++) yield Buffer.alloc(64 * 1024, i);
    })(),
  );

describe('http client', () => {
  it('parses JSON answers with a schema and refuses unexpected shapes', async () => {
    expect(await client.json({ method: 'GET', url: `${base}/json` }, z.object({ a: z.number() }))).toEqual({ a: 1 });
    const error = await client
      .json({ method: 'GET', url: `${base}/json` }, z.object({ a: z.string() }))
      .catch((e) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toMatch(/unexpected answer from the server \(a: /);
  });

  it('streams request bodies with their length and type', async () => {
    const answer = await client.json(
      {
        method: 'PUT',
        url: `${base}/echo`,
        headers: { 'content-type': 'audio/wav', 'content-length': String(4 * 1024 * 1024) },
        body: big(),
      },
      z.object({ size: z.number(), type: z.string() }),
    );
    expect(answer).toEqual({ size: 4 * 1024 * 1024, type: 'audio/wav' });
  });

  it('lets a stream handed over as it is lend its buffers, and never an iterable’s source', async () => {
    const lendable = () => {
      const stream = Readable.from([Buffer.alloc(1000, 1)], { objectMode: false });
      const lent = { asked: false };
      Object.defineProperty(stream, Symbol.for('callrelay.body.reuse-chunks'), { value: () => (lent.asked = true) });
      return { stream, lent };
    };
    const direct = lendable();
    await client.expectOk({
      method: 'PUT',
      url: `${base}/echo`,
      headers: { 'content-length': '1000' },
      body: direct.stream,
    });
    expect(direct.lent.asked).toBe(true);

    // A generator in between may keep chunks (it cuts or frames them): its source keeps its own.
    const wrapped = lendable();
    const source = wrapped.stream;
    await client.expectOk({
      method: 'PUT',
      url: `${base}/echo`,
      headers: { 'content-length': '1000' },
      body: (async function* () {
        for await (const chunk of source) yield chunk as Buffer;
      })(),
    });
    expect(wrapped.lent.asked).toBe(false);
  });

  it('turns error answers into delivery errors carrying the server’s own words', async () => {
    const detail = await client.expectOk({ method: 'POST', url: `${base}/detail`, json: {} }).catch((e) => e);
    expect(detail).toBeInstanceOf(PermanentError);
    expect(detail.message).toBe('HTTP 422: body.startTime: field required');
    expect(requestOutcome(detail)).toBe('answered');
    expect(errorStatus(detail)).toBe(422);
    const message = await client.expectOk({ method: 'POST', url: `${base}/message`, json: {} }).catch((e) => e);
    expect(message.message).toBe('HTTP 400: agent_id is required — validation_error');
    const nested = await client.expectOk({ method: 'GET', url: `${base}/error-object` }).catch((e) => e);
    expect(nested.message).toBe('HTTP 401: bad key');
    const text = await client.expectOk({ method: 'GET', url: `${base}/text-500` }).catch((e) => e);
    expect(text).toBeInstanceOf(TransientError);
    expect(text.message).toBe('HTTP 500: <html>upstream broke</html>');
    const limited = await client.expectOk({ method: 'GET', url: `${base}/retry` }).catch((e) => e);
    expect(limited).toBeInstanceOf(TransientError);
    expect(limited.retryAfterMs).toBe(3000);
  });

  it('says whether a failed request could have reached the server', async () => {
    const refused = await client.send({ method: 'POST', url: 'http://127.0.0.1:9/x', json: {} }).catch((e) => e);
    expect(refused).toBeInstanceOf(TransientError);
    expect(refused.unreachable).toBe(true);
    expect(requestOutcome(refused)).toBe('not-sent');

    const cut = await client
      .send({
        method: 'PUT',
        url: `${base}/cut-mid-body`,
        headers: { 'content-length': String(32 * 1024 * 1024) },
        body: bigBody(),
      })
      .catch((e) => e);
    expect(cut).toBeInstanceOf(TransientError);
    expect(cut.unreachable).toBe(false);
    expect(requestOutcome(cut)).toBe('not-sent');

    const lost = await client.send({ method: 'POST', url: `${base}/cut-after-body`, json: { a: 1 } }).catch((e) => e);
    expect(lost).toBeInstanceOf(TransientError);
    expect(requestOutcome(lost)).toBe('unknown');
  });

  it('times out when no answer comes, and passes cancellation through', async () => {
    const slow = await client.send({ method: 'GET', url: `${base}/slow`, headersTimeoutMs: 200 }).catch((e) => e);
    expect(slow).toBeInstanceOf(TransientError);
    expect(slow.message).toMatch(/did not answer in time/);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('job cancelled')), 50);
    const aborted = await client
      .send({ method: 'GET', url: `${base}/slow`, signal: controller.signal })
      .catch((e) => e);
    expect(aborted.message).toBe('job cancelled');
  });

  it('reads messages from every common error shape', () => {
    expect(serverMessage('{"detail":"Invalid API key"}')).toBe('Invalid API key');
    expect(serverMessage('{"message":["customerPhone must be E.164","channel is required"]}')).toBe(
      'customerPhone must be E.164; channel is required',
    );
    expect(serverMessage('')).toBe('empty answer');
    expect(serverMessage('x'.repeat(400))).toHaveLength(301);
  });
});

describe('http client body failures', () => {
  it('names a recording that vanished mid-send instead of blaming the connection', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const missing = path.join(os.tmpdir(), `callrelay-missing-${process.pid}.wav`);
    const error = await client
      .send({
        method: 'PUT',
        url: `${base}/echo`,
        headers: { 'content-length': '10' },
        body: fs.createReadStream(missing),
      })
      .catch((e) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toMatch(/recording file is gone/);
    expect(requestOutcome(error)).toBe('not-sent');
  });
});
