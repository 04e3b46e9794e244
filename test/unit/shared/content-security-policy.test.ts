// One Content-Security-Policy for the renderer wherever it is served: the desktop app's app://
// protocol, `callrelay serve`, and the <meta> tag in renderer/index.html.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import {
  CONTENT_SECURITY_POLICY,
  META_CONTENT_SECURITY_POLICY,
  WAVEFORM_STYLE_HASH,
} from '../../../shared/content-security-policy.js';
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

  it("allows media from its own origin only, and of inline styles only wavesurfer.js's one stylesheet", () => {
    const byName = Object.fromEntries(CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d]));
    expect(byName['media-src']).toBe("media-src 'self'");
    expect(byName['style-src']).toBe(`style-src 'self' '${WAVEFORM_STYLE_HASH}'`);
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
    expect(CONTENT_SECURITY_POLICY).not.toContain('blob:');
    // The stylesheet as the installed wavesurfer.js writes it, at the player's height (56 px).
    const bundle = fs.readFileSync(path.join(root, 'node_modules/wavesurfer.js/dist/wavesurfer.esm.js'), 'utf8');
    const open = '<style${i?` nonce="${i}"`:""}>';
    const start = bundle.indexOf(open);
    expect(start, 'wavesurfer.js still writes its <style> this way').toBeGreaterThan(0);
    const css = bundle
      .slice(start + open.length, bundle.indexOf('</style>', start))
      .replace('${this.getHeight(this.options.height,this.options.splitChannels)}', '56')
      .replace(/\\n/g, '\n');
    expect(`sha256-${createHash('sha256').update(css).digest('base64')}`).toBe(WAVEFORM_STYLE_HASH);
  });
});
