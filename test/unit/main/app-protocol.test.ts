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
