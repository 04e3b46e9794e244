// Which URLs may leave the app for the system browser, and which count as the app's own page.
// Pure and small on purpose: it is the whole decision behind openExternal and navigation guards.

export const APP_SCHEME = 'app';
export const APP_HOST = 'callrelay';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

function parse(url: unknown): URL | null {
  if (typeof url !== 'string' || url.length > 4096) return null;
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * True for plain http(s) links to a named host. Refused: every other scheme (file:, javascript:,
 * data:, smb:, custom handlers that launch programs), and URLs carrying credentials, which are
 * a phishing trick and would hand a password to the browser's history.
 */
export function isTrustedExternalUrl(url: unknown): boolean {
  const parsed = parse(url);
  if (!parsed) return false;
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  if (parsed.username !== '' || parsed.password !== '') return false;
  return parsed.hostname !== '';
}

/** True when the URL is a page of the app itself, served by its own protocol. */
export function isAppUrl(url: unknown): boolean {
  const parsed = parse(url);
  return parsed !== null && parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
}
