// The one Content-Security-Policy of the renderer, wherever it is served: the desktop app's
// app:// protocol, `callrelay serve`, and the <meta> tag in renderer/index.html (a test keeps the
// tag equal to META_CONTENT_SECURITY_POLICY). React sets inline styles through the CSSOM, which
// CSP does not govern, so no inline <style> or script is ever needed.
/** The sha256 of wavesurfer.js's shadow-root stylesheet at height 56 (components/recording-player.tsx). */
export const WAVEFORM_STYLE_HASH = 'sha256-GDz2FZP0i7VZaDhs1mgc43IRUXU2xajPIjvThHvZvbs=';

const directives = [
  "default-src 'none'",
  "script-src 'self'",
  // wavesurfer.js puts one fixed <style> in its shadow root (its layout, for the 56 px player):
  // that one stylesheet is allowed by its hash, never inline styles in general. A unit test
  // recomputes the hash from the installed wavesurfer.js so an upgrade cannot drift from it.
  `style-src 'self' '${WAVEFORM_STYLE_HASH}'`,
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  // The recording player: <audio> reads the job's recording from the host's own origin only.
  "media-src 'self'",
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
