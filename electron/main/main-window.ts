// The one window. Every option that matters for security is spelled out here rather than left to
// Electron's defaults, so a test can see them and an upgrade cannot silently change them.
import type { BrowserWindow, BrowserWindowConstructorOptions, WebPreferences } from 'electron';
import { APP_ORIGIN } from './trusted-url.js';

export const APP_START_URL = `${APP_ORIGIN}/index.html`;

export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
  };
}

export function mainWindowOptions(preloadPath: string, iconPath?: string): BrowserWindowConstructorOptions {
  return {
    width: 1200,
    height: 800,
    minWidth: 720,
    minHeight: 480,
    title: 'CallRelay',
    show: false,
    backgroundColor: '#ffffff',
    ...(iconPath ? { icon: iconPath } : {}),
    webPreferences: secureWebPreferences(preloadPath),
  };
}

type WindowClass = new (options: BrowserWindowConstructorOptions) => BrowserWindow;

export interface MainWindowHandle {
  get(): BrowserWindow | null;
  /** Shows the window, creating it again if it was destroyed. */
  show(): BrowserWindow;
}

/**
 * Closing the window hides it: CallRelay keeps delivering from the tray. `isQuitting` tells the
 * close handler when the close is part of quitting the app.
 */
export function setupMainWindow(deps: {
  BrowserWindow: WindowClass;
  preloadPath: string;
  iconPath?: string;
  isQuitting: () => boolean;
  url?: string;
  onLoadError?: (error: unknown) => void;
}): MainWindowHandle {
  let win: BrowserWindow | null = null;

  const create = (): BrowserWindow => {
    const created = new deps.BrowserWindow(mainWindowOptions(deps.preloadPath, deps.iconPath));
    created.once('ready-to-show', () => created.show());
    created.on('close', (event) => {
      if (!deps.isQuitting()) {
        event.preventDefault();
        created.hide();
      }
    });
    created.on('closed', () => {
      if (win === created) win = null;
    });
    created.loadURL(deps.url ?? APP_START_URL).catch((error: unknown) => deps.onLoadError?.(error));
    return created;
  };

  return {
    get: () => (win && !win.isDestroyed() ? win : null),
    show() {
      if (!win || win.isDestroyed()) win = create();
      else {
        if (win.isMinimized()) win.restore();
        win.show();
        win.focus();
      }
      return win;
    },
  };
}
