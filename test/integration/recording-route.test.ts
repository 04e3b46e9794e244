// GET /api/recording/<job id> of a real `callrelay serve --demo`: the job's own recording with
// range requests, behind the request guard (bearer token, or the page's session cookie, which an
// <audio> element sends by itself), and nothing else: every other path, parameter or file is
// refused. Requests go out raw (node:http) so "../" and encoded paths reach the server as written.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelOutput } from '../../shared/contract.js';
import { makeWav } from '../fixtures/audio/wav.js';
import { startServe, type ServeProcess } from '../fixtures/serve-process.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-recording-route-'));
let serve: ServeProcess;
let jobId: string;
let file: string;
let bytes: Buffer;

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function get(rawPath: string, headers: Record<string, string> = {}): Promise<Answer> {
  const base = new URL(serve.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: base.hostname, port: base.port, path: rawPath, method: 'GET', headers: { host: base.host, ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const bearer = () => ({ authorization: `Bearer ${serve.token}` });

async function waitForJob(name: string): Promise<string> {
  for (let i = 0; i < 120; i++) {
    const page = await serve.envelope<ChannelOutput<'queue:list'>>('queue:list', { search: name });
    const job = page.value?.items.find((j) => j.fileName === name && j.state !== 'waiting-file');
    if (job) return job.id;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`no job for ${name} after 60 s:\n${serve.output()}`);
}

beforeAll(async () => {
  serve = await startServe(['--demo', '--data', dataDir, '--port', '0']);
  // The demo's cx folder holds every call for review, so the file stays where it was written.
  bytes = makeWav({ seconds: 2, frequency: 523 });
  file = path.join(dataDir, 'recordings-cx', 'route-test.wav');
  fs.writeFileSync(`${file}.part`, bytes);
  fs.renameSync(`${file}.part`, file);
  jobId = await waitForJob('route-test.wav');
}, 90_000);

afterAll(async () => {
  await serve?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('the recording route of callrelay serve', () => {
  it('serves the job’s own recording: whole (200) and by range (206, Content-Range, Accept-Ranges)', async () => {
    const whole = await get(`/api/recording/${jobId}`, bearer());
    expect(whole.status).toBe(200);
    expect(whole.headers['accept-ranges']).toBe('bytes');
    expect(whole.headers['content-type']).toBe('audio/wav');
    expect(whole.body.equals(bytes)).toBe(true);
    const part = await get(`/api/recording/${jobId}`, { ...bearer(), range: 'bytes=100-199' });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 100-199/${bytes.length}`);
    expect(part.body.equals(bytes.subarray(100, 200))).toBe(true);
    const past = await get(`/api/recording/${jobId}`, { ...bearer(), range: `bytes=${bytes.length}-` });
    expect(past.status).toBe(416);
  });

  it('lets the page’s session cookie in (what an <audio> element sends), and nobody without one', async () => {
    const session = await fetch(`${serve.url}api/session`, {
      method: 'POST',
      headers: { ...bearer(), 'content-type': 'application/json' },
      body: '{}',
    });
    const cookie = (session.headers.get('set-cookie') ?? '').split(';')[0]!;
    expect(cookie).toMatch(/^callrelay_session_\d+=/);
    const withCookie = await get(`/api/recording/${jobId}`, { cookie, range: 'bytes=0-3' });
    expect(withCookie.status).toBe(206);
    expect(withCookie.body.toString('latin1')).toBe('RIFF');
    expect((await get(`/api/recording/${jobId}`)).status).toBe(401);
    expect((await get(`/api/recording/${jobId}`, { cookie: 'callrelay_session_1=forged' })).status).toBe(401);
    // Another site's page cannot embed it either: the guard checks Origin and Sec-Fetch-Site.
    const crossSite = await get(`/api/recording/${jobId}`, { cookie, 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    expect((await get(`/api/recording/${jobId}`, { ...bearer(), origin: 'https://evil.example' })).status).toBe(403);
  });

  it('refuses every path other than a job id: ../, encoded paths, absolute paths, parameters, unknown ids', async () => {
    const passwd = '/etc/passwd';
    const attempts = [
      `/api/recording/../../../etc/passwd`,
      `/api/recording/..%2f..%2f..%2fetc%2fpasswd`,
      `/api/recording/%2e%2e%2f%2e%2e%2fetc%2fpasswd`,
      `/api/recording/${encodeURIComponent(passwd)}`,
      `/api/recording/${encodeURIComponent(file)}`,
      `/api/recording/${encodeURIComponent(path.relative(process.cwd(), file))}`,
      `/api/recording/${jobId}/../../../../etc/passwd`,
      `/api/recording/${jobId}%2f..%2f..%2fetc%2fpasswd`,
      `/api/recording/${jobId}?path=${encodeURIComponent(passwd)}`,
      `/api/recording/?path=${encodeURIComponent(file)}`,
      `/api/recording/${jobId}?file=${encodeURIComponent(file)}`,
      `/api/recording//etc/passwd`,
      `/api/recording/C:%5CWindows%5Cwin.ini`,
      `/api/recording/00000000-0000-4000-8000-000000000000`,
      `/api/recording/`,
    ];
    for (const attempt of attempts) {
      const answer = await get(attempt, bearer());
      if (answer.status === 200) {
        // A literal ../ is resolved by the URL parser before routing: it leaves /api/ and gets the
        // app's own page (the single-page fallback), never a file from outside the build.
        expect(answer.headers['content-type'], attempt).toMatch(/^text\/html/);
      } else if (answer.status === 503) {
        // The same fallback where the UI is not built yet (Vitest runs before the e2e build).
        expect(answer.body.toString(), attempt).toContain('The user interface is not built');
      } else {
        expect([400, 404], attempt).toContain(answer.status);
      }
      expect(answer.body.includes(Buffer.from('root:')), attempt).toBe(false);
      expect(answer.body.includes(Buffer.from('RIFF')), attempt).toBe(false);
    }
  });

  it('refuses the job’s path once it holds other bytes (same size), a longer file, or nothing', async () => {
    const original = fs.readFileSync(file);
    try {
      const other = Buffer.from(original);
      other[500] = (other[500]! + 7) % 256;
      fs.rmSync(file);
      fs.writeFileSync(file, other);
      const replaced = await get(`/api/recording/${jobId}`, bearer());
      expect(replaced.status).toBe(409);
      expect(replaced.body.includes(Buffer.from('RIFF'))).toBe(false);
      fs.writeFileSync(file, Buffer.concat([original, Buffer.alloc(100)]));
      expect((await get(`/api/recording/${jobId}`, bearer())).status).toBe(409);
      fs.rmSync(file);
      const gone = await get(`/api/recording/${jobId}`, bearer());
      expect(gone.status).toBe(410);
      expect(JSON.parse(gone.body.toString()).error.message).toMatch(/no longer at/);
    } finally {
      fs.writeFileSync(file, original);
    }
    expect((await get(`/api/recording/${jobId}`, { ...bearer(), range: 'bytes=0-3' })).status).toBe(206);
  });
});
