// electron/main/main.ts itself, on the fake electron module: the order of setup, and a call from
// the window all the way into the real core and back.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { channelNames } from '../../../shared/contract.js';
import { createFakeElectron, FakeBrowserWindow, FakeTray, invokeEvent } from './electron-mock.js';

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-main-'));
const appRoot = path.join(base, 'app');
const dataDir = path.join(base, 'data');
fs.mkdirSync(path.join(appRoot, 'dist', 'renderer'), { recursive: true });
fs.writeFileSync(path.join(appRoot, 'dist', 'renderer', 'index.html'), '<!doctype html><h1>Queue</h1>');

const fake = createFakeElectron({ appRoot, userData: path.join(base, 'default-user-data') });
vi.mock('electron', () => fake.module);

const previousDataDir = process.env.CALLRELAY_DATA_DIR;
// main.ts turns SIGINT/SIGTERM into app.quit(); on the fake app that would keep this worker alive.
const signalsBefore = new Map(
  (['SIGINT', 'SIGTERM'] as const).map((signal) => [signal, new Set(process.listeners(signal))]),
);
process.env.CALLRELAY_DATA_DIR = dataDir;

afterAll(async () => {
  fake.module.app.quit();
  await vi.waitFor(() => expect(fake.module.app.quitted).toBe(true), { timeout: 20_000 });
  for (const [signal, before] of signalsBefore) {
    for (const listener of process.listeners(signal)) if (!before.has(listener)) process.off(signal, listener);
  }
  if (previousDataDir === undefined) delete process.env.CALLRELAY_DATA_DIR;
  else process.env.CALLRELAY_DATA_DIR = previousDataDir;
  fs.rmSync(base, { recursive: true, force: true });
});

describe('main process', () => {
  it('before ready: moves the data folder, registers the app scheme, takes the single-instance lock', async () => {
    await import('../../../electron/main/main.js');
    const { app, protocol } = fake.module;
    expect(app.setPath).toHaveBeenCalledWith('userData', dataDir);
    expect(protocol.registerSchemesAsPrivileged).toHaveBeenCalledTimes(1);
    expect(protocol.schemes).toEqual([expect.objectContaining({ scheme: 'app' })]);
    expect(app.requestSingleInstanceLock).toHaveBeenCalled();
    expect(app.listenerCount('web-contents-created')).toBe(1);
    expect(FakeBrowserWindow.instances).toHaveLength(0);
  });

  it('on ready: window, IPC, tray and protocol are set up, and a call reaches the real core', async () => {
    fake.markReady();
    await vi.waitFor(() => expect(FakeBrowserWindow.instances).toHaveLength(1), { timeout: 20_000 });
    const win = FakeBrowserWindow.instances[0]!;
    expect(win.loadedUrl).toBe('app://callrelay/index.html');
    expect(win.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true });
    expect(String((win.options.webPreferences as { preload: string }).preload)).toMatch(/preload\.cjs$/);

    const { ipcMain, protocol, session } = fake.module;
    expect([...ipcMain.handlers.keys()].sort()).toEqual([...channelNames].sort());
    expect(session.defaultSession.setPermissionRequestHandler).toHaveBeenCalled();
    expect(FakeTray.instances).toHaveLength(1);

    const reply = await ipcMain.invoke('queue:stats', invokeEvent(win.webContents), {});
    expect(reply).toMatchObject({ ok: true, value: { paused: false } });
    const settings = await ipcMain.invoke('settings:get', invokeEvent(win.webContents), {});
    expect(settings).toMatchObject({ ok: true, value: { source: path.join(dataDir, 'config.json') } });
    expect(fs.existsSync(path.join(dataDir, 'outbox.db'))).toBe(true);

    // The native folder picker answers dialog:pick-folder on the desktop.
    const picked = await ipcMain.invoke('dialog:pick-folder', invokeEvent(win.webContents), {});
    expect(picked).toEqual({ ok: true, value: { path: '/srv/recordings' } });
    expect(fake.module.dialog.showOpenDialog).toHaveBeenCalledTimes(1);

    const page = await protocol.handlers.get('app')!(new Request('app://callrelay/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
  });
});
