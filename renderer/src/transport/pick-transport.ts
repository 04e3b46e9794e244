// Desktop or browser: the Electron preload exposes `window.callrelay` with the transport's exact
// shape; anywhere else the page was served by `callrelay serve` and talks HTTP + server-sent events.
import type { ContractTransport } from '../../../shared/contract-client.js';
import { createHttpTransport } from './http-transport.js';
import { readTokenFromLocation, splitSignInFragment } from './session-token.js';

export interface DesktopBridge extends ContractTransport {
  /** Optional: the preload may expose Electron's webUtils.getPathForFile for dropped files. */
  getPathForFile?: (file: File) => string;
}

declare global {
  interface Window {
    callrelay?: DesktopBridge;
  }
}

export function isDesktopBridge(value: unknown): value is DesktopBridge {
  const candidate = value as Partial<DesktopBridge> | null | undefined;
  return typeof candidate?.invoke === 'function' && typeof candidate.subscribe === 'function';
}

export function pickTransport(
  win: Window,
  onConnectionChange?: (connected: boolean) => void,
): { transport: ContractTransport; mode: 'desktop' | 'browser' } {
  if (isDesktopBridge(win.callrelay)) return { transport: win.callrelay, mode: 'desktop' };
  let storage: Storage | null = null;
  try {
    storage = win.sessionStorage;
  } catch {
    storage = null;
  }
  let token = readTokenFromLocation(win.location, storage);
  // Take the token out of the address bar (history, bookmarks, screen shares), keeping the route.
  const stripToken = () => {
    const { token: fromHash, rest } = splitSignInFragment(win.location.hash);
    if (fromHash === null) return;
    token = readTokenFromLocation(win.location, storage);
    win.history.replaceState(null, '', `${win.location.pathname}${win.location.search}${rest}`);
  };
  stripToken();
  // A sign-in link opened in a tab that already shows the app changes only the fragment.
  win.addEventListener('hashchange', stripToken);
  return { transport: createHttpTransport({ token: () => token, onConnectionChange }), mode: 'browser' };
}
