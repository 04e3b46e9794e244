// The headless host may require a token. `callrelay serve` prints a URL with `#token=...`: the
// fragment never reaches server logs, and sessionStorage keeps it for reloads of this tab only.
const key = 'callrelay.token';

export interface TokenStore {
  get(): string | null;
}

export function readTokenFromLocation(location: Pick<Location, 'hash'>, storage: Storage | null): string | null {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (match?.[1]) {
    const token = decodeURIComponent(match[1]);
    try {
      storage?.setItem(key, token);
    } catch {
      // Storage may be disabled; the token still works for this page load.
    }
    return token;
  }
  try {
    return storage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

/** Removes `token=...` from the fragment so it is not bookmarked or shared by accident. */
export function hashWithoutToken(hash: string): string {
  const rest = hash
    .replace(/^#/, '')
    .split('&')
    .filter((part) => part && !part.startsWith('token='))
    .join('&');
  return rest ? `#${rest}` : '';
}
