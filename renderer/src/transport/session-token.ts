// `callrelay serve` prints a sign-in URL with `#token=...`: the fragment never reaches a server
// log or a Referer. The page keeps the token in sessionStorage (this tab only, survives reloads)
// for the Authorization header of its calls, trades it once for the HttpOnly session cookie its
// event stream needs, and removes it from the address bar.
const key = 'callrelay.token';

/** Matches `token=...` at the start of the fragment or after `&`; it ends at `&` or a second `#`. */
const TOKEN_PART = /(^|&)token=([^&#]*)/;

export interface SignInFragment {
  token: string | null;
  /** The fragment without the token (a route such as `#/queue` may follow it). */
  rest: string;
}

export function splitSignInFragment(hash: string): SignInFragment {
  const body = hash.replace(/^#/, '');
  const match = TOKEN_PART.exec(body);
  if (!match) return { token: null, rest: hash };
  let token: string | null = null;
  try {
    token = decodeURIComponent(match[2] ?? '') || null;
  } catch {
    token = null;
  }
  const before = body.slice(0, match.index);
  let after = body.slice(match.index + match[0].length);
  // `#token=X#/queue`: what follows the second `#` is the route.
  if (after.startsWith('#')) after = after.slice(1);
  else if (after.startsWith('&')) after = after.slice(1);
  const rest = [before.replace(/&$/, ''), after].filter(Boolean).join('&');
  return { token, rest: rest ? `#${rest}` : '' };
}

export function readTokenFromLocation(location: Pick<Location, 'hash'>, storage: Storage | null): string | null {
  const { token } = splitSignInFragment(location.hash);
  if (token) {
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
  return splitSignInFragment(hash).rest;
}
