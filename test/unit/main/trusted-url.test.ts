import { describe, expect, it } from 'vitest';
import { isAppUrl, isTrustedExternalUrl } from '../../../electron/main/trusted-url.js';

describe('isTrustedExternalUrl', () => {
  it.each(['https://comswise.in/docs', 'http://example.com/', 'https://[::1]:8080/x?y=1#z'])('accepts %s', (url) => {
    expect(isTrustedExternalUrl(url)).toBe(true);
  });

  it.each([
    'file:///etc/passwd',
    'javascript:alert(1)',
    'data:text/html,<script>1</script>',
    'smb://server/share',
    'ms-msdt:/id PCWDiagnostic',
    'app://callrelay/index.html',
    'ftp://example.com/file',
    'https://user:pass@example.com/',
    'https://token@example.com/',
    'not a url',
    '',
    'HTTPS//missing-colon.example.com',
  ])('refuses %s', (url) => {
    expect(isTrustedExternalUrl(url)).toBe(false);
  });

  it('refuses values that are not strings and absurdly long URLs', () => {
    expect(isTrustedExternalUrl(undefined)).toBe(false);
    expect(isTrustedExternalUrl({ toString: () => 'https://example.com' })).toBe(false);
    expect(isTrustedExternalUrl(`https://example.com/${'a'.repeat(5000)}`)).toBe(false);
  });
});

describe('isAppUrl', () => {
  it('knows the app origin and nothing else', () => {
    expect(isAppUrl('app://callrelay/index.html')).toBe(true);
    expect(isAppUrl('app://callrelay/#/queue')).toBe(true);
    expect(isAppUrl('app://other/index.html')).toBe(false);
    expect(isAppUrl('https://callrelay/index.html')).toBe(false);
    expect(isAppUrl('file:///app/dist/renderer/index.html')).toBe(false);
  });
});
