import { beforeEach, describe, expect, it } from 'vitest';
import type { BrowserWindow } from 'electron';
import { mainWindowOptions, secureWebPreferences, setupMainWindow } from '../../../electron/main/main-window.js';
import { FakeBrowserWindow } from './electron-mock.js';

type WindowClass = new (options: object) => BrowserWindow;

describe('main window', () => {
  beforeEach(() => {
    FakeBrowserWindow.instances = [];
  });

  it('uses the secure web preferences of the Electron checklist', () => {
    const prefs = secureWebPreferences('/app/preload.cjs');
    expect(prefs).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
    });
    expect(mainWindowOptions('/app/preload.cjs').webPreferences).toEqual(prefs);
  });

  it('creates the window with those options and loads the app protocol, not file://', () => {
    const handle = setupMainWindow({
      BrowserWindow: FakeBrowserWindow as unknown as WindowClass,
      preloadPath: '/app/preload.cjs',
      isQuitting: () => false,
    });
    handle.show();
    const [win] = FakeBrowserWindow.instances;
    expect(win).toBeDefined();
    expect(win!.options.webPreferences).toEqual(secureWebPreferences('/app/preload.cjs'));
    expect(win!.loadedUrl).toBe('app://callrelay/index.html');
  });

  it('hides instead of closing while the app runs, and closes when quitting', () => {
    let quitting = false;
    const handle = setupMainWindow({
      BrowserWindow: FakeBrowserWindow as unknown as WindowClass,
      preloadPath: '/p.cjs',
      isQuitting: () => quitting,
    });
    handle.show();
    const win = FakeBrowserWindow.instances[0]!;
    win.show();
    expect(win.close().defaultPrevented).toBe(true);
    expect(win.visible).toBe(false);
    expect(handle.get()).toBe(win as unknown as BrowserWindow);

    quitting = true;
    expect(win.close().defaultPrevented).toBe(false);
    expect(handle.get()).toBeNull();
    handle.show();
    expect(FakeBrowserWindow.instances).toHaveLength(2);
  });
});
