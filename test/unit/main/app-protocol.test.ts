import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  createAppProtocolHandler,
  resolveAppFile,
} from '../../../electron/main/app-protocol.js';

let root: string;
let outside: string;

beforeAll(() => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-protocol-'));
  root = path.join(base, 'renderer');
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>CallRelay</title>');
  fs.writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log(1)');
  outside = path.join(base, 'secret.txt');
  fs.writeFileSync(outside, 'outside the renderer');
  fs.writeFileSync(path.join(base, 'renderer-evil.txt'), 'sibling with a shared prefix');
});

afterAll(() => {
  fs.rmSync(path.dirname(root), { recursive: true, force: true });
});

describe('resolveAppFile (path guard)', () => {
  it('maps app URLs to files inside the renderer folder', () => {
    expect(resolveAppFile(root, 'app://callrelay/')).toBe(path.join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://callrelay/assets/app.js?v=1#x')).toBe(path.join(root, 'assets', 'app.js'));
  });

  it.each([
    'app://callrelay/../secret.txt',
    'app://callrelay/%2e%2e/secret.txt',
    'app://callrelay/assets/%2e%2e/%2e%2e/secret.txt',
    'app://callrelay/..%2fsecret.txt',
    'app://callrelay/..%5csecret.txt',
    'app://callrelay/%2e%2e%5c%2e%2e%5csecret.txt',
    'app://callrelay/index.html%00.js',
    'app://callrelay/C:/Windows/win.ini',
    'app://callrelay/%E0%A4%A',
    'app://callrelay/../renderer-evil.txt',
    'app://other/index.html',
    'file:///etc/passwd',
  ])('refuses %s', (url) => {
    const file = resolveAppFile(root, url);
    if (file !== null) expect(file.startsWith(root + path.sep)).toBe(true);
    expect(file === outside || file === path.join(path.dirname(root), 'renderer-evil.txt')).toBe(false);
  });

  it('refuses encoded separators and NUL outright; dot segments the URL parser resolves stay inside', () => {
    // The URL standard itself turns %2e%2e into a dot segment and clamps it at the root.
    expect(resolveAppFile(root, 'app://callrelay/%2e%2e/secret.txt')).toBe(path.join(root, 'secret.txt'));
    expect(resolveAppFile(root, 'app://callrelay/..%2fsecret.txt')).toBeNull();
    expect(resolveAppFile(root, 'app://callrelay/assets%5c..%5c..%5csecret.txt')).toBeNull();
    expect(resolveAppFile(root, 'app://callrelay/index.html%00.js')).toBeNull();
  });
});

describe('app protocol handler', () => {
  const handler = () => createAppProtocolHandler(root);

  it('serves the page with the CSP and a content type', async () => {
    const response = await handler()(new Request('app://callrelay/index.html'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await response.text()).toContain('<title>CallRelay</title>');
  });

  it('answers 404 for traversal, missing files and other hosts, with the CSP too', async () => {
    for (const url of ['app://callrelay/%2e%2e/secret.txt', 'app://callrelay/missing.js', 'app://evil/index.html']) {
      const response = await handler()(new Request(url));
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('outside the renderer');
      expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    }
  });

  it('refuses methods other than GET and HEAD', async () => {
    const response = await handler()(new Request('app://callrelay/index.html', { method: 'POST', body: 'x' }));
    expect(response.status).toBe(405);
  });

  it('has a CSP without inline code, eval or remote sources', () => {
    const script = CONTENT_SECURITY_POLICY.split('; ').find((d) => d.startsWith('script-src'));
    expect(script).toBe("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-|https?:/);
  });
});

describe('app://callrelay/recording/<job id> (the desktop player)', () => {
  const opened: { id: string; range: string | undefined }[] = [];
  const bytes = Buffer.from('RIFF....WAVEfmt the recording bytes');
  const recordings = {
    async open(id: string, request: { range?: string | undefined; head?: boolean }) {
      opened.push({ id, range: request.range });
      if (id !== 'job-1') return { ok: false as const, status: 404 as const, message: `No job ${id}` };
      const { Readable } = await import('node:stream');
      return {
        ok: true as const,
        status: 206 as const,
        headers: { 'content-type': 'audio/wav', 'accept-ranges': 'bytes', 'content-range': 'bytes 0-3/35' },
        body: request.head ? null : Readable.from([bytes.subarray(0, 4)]),
      };
    },
  };

  it('hands the job id and the Range header to the recording source and streams its answer', async () => {
    const handler = createAppProtocolHandler(root, recordings);
    const response = await handler(new Request('app://callrelay/recording/job-1', { headers: { range: 'bytes=0-3' } }));
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe('bytes 0-3/35');
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await response.arrayBuffer()).toString()).toBe('RIFF');
    expect(opened.at(-1)).toEqual({ id: 'job-1', range: 'bytes=0-3' });
  });

  it('takes nothing but a job id: parameters, other hosts and unknown ids are refused', async () => {
    const handler = createAppProtocolHandler(root, recordings);
    const before = opened.length;
    expect((await handler(new Request('app://callrelay/recording/job-1?path=/etc/passwd'))).status).toBe(400);
    expect((await handler(new Request('app://evil/recording/job-1'))).status).toBe(404);
    expect(opened.length).toBe(before);
    expect((await handler(new Request('app://callrelay/recording/job-2'))).status).toBe(404);
    // ../ leaves the recording prefix: it is an app file lookup, and finds none.
    expect((await handler(new Request('app://callrelay/recording/../secret.txt'))).status).toBe(404);
    expect((await handler(new Request('app://callrelay/recording/job-1', { method: 'POST' }))).status).toBe(405);
  });

  it('without a recording source (the renderer alone) the prefix is just a missing file', async () => {
    const handler = createAppProtocolHandler(root);
    expect((await handler(new Request('app://callrelay/recording/job-1'))).status).toBe(404);
  });
});
