// Desktop or browser: the Electron preload exposes `window.callrelay` with the transport's exact
// shape; anywhere else the page was served by `callrelay serve` and talks HTTP + server-sent events.
import type { ContractTransport } from '../../../shared/contract-client.js';
import { createHttpTransport } from './http-transport.js';
import { hashWithoutToken, readTokenFromLocation } from './session-token.js';

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
  const token = readTokenFromLocation(win.location, storage);
  if (/(?:^#|&)token=/.test(win.location.hash)) {
    win.history.replaceState(
      null,
      '',
      `${win.location.pathname}${win.location.search}${hashWithoutToken(win.location.hash)}`,
    );
  }
  return { transport: createHttpTransport({ token, onConnectionChange }), mode: 'browser' };
}
