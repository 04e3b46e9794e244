// One Content-Security-Policy for the renderer wherever it is served: the desktop app's app://
// protocol, `callrelay serve`, and the <meta> tag in renderer/index.html.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY } from '../../../shared/content-security-policy.js';
import { CONTENT_SECURITY_POLICY as appProtocolPolicy } from '../../../electron/main/app-protocol.js';
import { CONTENT_SECURITY_POLICY as servePolicy } from '../../../electron/headless/serve/http-host.js';

const root = path.resolve(import.meta.dirname, '..', '..', '..');

describe('the Content-Security-Policy', () => {
  it('is the same constant in both hosts', () => {
    expect(appProtocolPolicy).toBe(CONTENT_SECURITY_POLICY);
    expect(servePolicy).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
  });

  it('index.html carries the same policy in its meta tag (without frame-ancestors, which meta ignores)', () => {
    const html = fs.readFileSync(path.join(root, 'renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBe(META_CONTENT_SECURITY_POLICY);
    expect(`${META_CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`.split('; ').sort()).toEqual(
      CONTENT_SECURITY_POLICY.split('; ').sort(),
    );
  });
});
