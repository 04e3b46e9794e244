// The one Content-Security-Policy of the renderer, wherever it is served: the desktop app's
// app:// protocol, `callrelay serve`, and the <meta> tag in renderer/index.html (a test keeps the
// tag equal to META_CONTENT_SECURITY_POLICY). React sets inline styles through the CSSOM, which
// CSP does not govern, so no inline <style> or script is ever needed.
const directives = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
];

/** For response headers. */
export const CONTENT_SECURITY_POLICY = directives.join('; ');

/** The same policy for a <meta> tag, where browsers ignore (and warn about) frame-ancestors. */
export const META_CONTENT_SECURITY_POLICY = directives.filter((d) => !d.startsWith('frame-ancestors')).join('; ');
