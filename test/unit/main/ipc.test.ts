import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Config } from '../../../shared/config.js';
import { channelNames, eventNames, type EventName } from '../../../shared/contract.js';
import { createContractDispatcher, type ContractHandlers } from '../../../shared/contract-host.js';
import { createRuntimeConfig } from '../../../electron/core/config/runtime-config.js';
import { createSilentLogger } from '../../../electron/core/logger.js';
import { createSecretHandling } from '../../../electron/core/secrets/secret-handling.js';
import { createSecretScrubber } from '../../../electron/core/secrets/secret-scrubbing.js';
import { isTrustedSender, setupIpc, type WindowPort } from '../../../electron/main/ipc.js';
import { createFakeIpcMain, FakeBrowserWindow, FakeFrame, FakeWebContents, invokeEvent } from './electron-mock.js';

const SECRET = 'cw_live_9f8e7d6c5b4a39281706';

/** A handler per channel that records its calls; replies are whatever the test needs. */
function recordingHandlers(overrides: Partial<ContractHandlers> = {}) {
  const calls: Array<{ channel: string; args: unknown }> = [];
  const handlers = Object.fromEntries(
    channelNames.map((name) => [
      name,
      (args: unknown) => {
        calls.push({ channel: name, args });
        return { paused: false, updated: 0 };
      },
    ]),
  ) as unknown as ContractHandlers;
  return { handlers: { ...handlers, ...overrides }, calls };
}

function createCoreEvents() {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  return {
    on(event: EventName, listener: (payload: unknown) => void) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(listener);
      return () => listeners.get(event)!.delete(listener);
    },
    emit(event: EventName, payload: unknown) {
      for (const l of listeners.get(event) ?? []) l(payload);
    },
    count: () => [...listeners.values()].reduce((n, s) => n + s.size, 0),
  };
}

function bind(options: { handlers?: Partial<ContractHandlers>; secrets?: string[] } = {}) {
  const ipcMain = createFakeIpcMain();
  const win = new FakeBrowserWindow({});
  void win.loadURL('app://callrelay/index.html');
  const { handlers, calls } = recordingHandlers(options.handlers);
  const core = createCoreEvents();
  const binding = setupIpc({
    ipcMain,
    // Scrubbing lives in the dispatcher (shared by IPC and HTTP); the binding must still use it.
    dispatcher: createContractDispatcher(
      handlers,
      undefined,
      createSecretScrubber(() => options.secrets ?? []),
    ),
    core,
    getWindow: () => win as unknown as WindowPort,
    logger: createSilentLogger(),
  });
  return { ipcMain, win, calls, core, binding };
}

const tmpDirs: string[] = [];
afterEach(() => {
  for (const dir of tmpDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('IPC binding', () => {
  it('binds every contract channel with ipcMain.handle, and nothing else', () => {
    const { ipcMain, binding } = bind();
    expect([...ipcMain.handlers.keys()].sort()).toEqual([...channelNames].sort());
    expect(binding.channels).toEqual(channelNames);
    binding.dispose();
    expect(ipcMain.handlers.size).toBe(0);
  });

  it('dispatches a call from the app window to the handler with the parsed input', async () => {
    const { ipcMain, win, calls } = bind();
    const reply = await ipcMain.invoke('job:retry', invokeEvent(win.webContents), { ids: ['j1', 'j2'] });
    expect(reply).toEqual({ ok: true, value: { paused: false, updated: 0 } });
    expect(calls).toEqual([{ channel: 'job:retry', args: { ids: ['j1', 'j2'] } }]);
  });

  it('refuses a foreign sender: another web contents, a subframe, a page not from the app', async () => {
    const { ipcMain, win, calls } = bind();
    const stranger = new FakeWebContents('app://callrelay/index.html');
    await expect(ipcMain.invoke('queue:list', invokeEvent(stranger), {})).rejects.toThrow(/refused queue:list/);
    const iframe = new FakeFrame('app://callrelay/index.html');
    await expect(ipcMain.invoke('queue:list', invokeEvent(win.webContents, iframe), {})).rejects.toThrow(/refused/);
    await expect(ipcMain.invoke('queue:list', invokeEvent(win.webContents, null), {})).rejects.toThrow(/refused/);
    win.webContents.mainFrame.url = 'https://evil.example/';
    await expect(ipcMain.invoke('job:cancel', invokeEvent(win.webContents), { ids: ['j1'] })).rejects.toThrow(
      /refused/,
    );
    expect(calls).toEqual([]);
  });

  it('refuses a destroyed window', () => {
    const win = new FakeBrowserWindow({});
    void win.loadURL('app://callrelay/index.html');
    const event = invokeEvent(win.webContents);
    expect(isTrustedSender(event, win as unknown as WindowPort)).toBe(true);
    win.destroyed = true;
    expect(isTrustedSender(event, win as unknown as WindowPort)).toBe(false);
    expect(isTrustedSender(event, null)).toBe(false);
  });

  it('refuses bad input with a bad-input envelope and never reaches the handler', async () => {
    const { ipcMain, win, calls } = bind();
    const sender = invokeEvent(win.webContents);
    const cases: Array<[string, unknown]> = [
      ['job:retry', { ids: [] }],
      ['job:retry', { ids: 'j1' }],
      ['job:get', { id: 'j1', extra: true }],
      ['queue:list', { limit: 1_000_000 }],
      ['queue:stats', { sneaky: 1 }],
      ['files:enqueue', { paths: [], destination: 'main' }],
      ['settings:update', { destinations: [{ name: 'x' }] }],
    ];
    for (const [channel, input] of cases) {
      const reply = (await ipcMain.invoke(channel, sender, input)) as { ok: boolean; error?: { code: string } };
      expect(reply.ok, `${channel} ${JSON.stringify(input)}`).toBe(false);
      expect(reply.error?.code).toBe('bad-input');
    }
    expect(calls).toEqual([]);
  });

  it('forwards core events to the window by event name, and stops on dispose', () => {
    const { win, core, binding } = bind();
    expect(core.count()).toBe(eventNames.length);
    const payload = { ids: ['j1'], reset: false, counts: {}, at: '2024-01-01T00:00:00Z' };
    core.emit('queue:changed', payload);
    expect(win.webContents.sent).toEqual([{ channel: 'queue:changed', args: [payload] }]);
    binding.dispose();
    core.emit('queue:changed', payload);
    expect(win.webContents.sent).toHaveLength(1);
  });

  it('does not send events to a destroyed window', () => {
    const { win, core } = bind();
    win.webContents.destroyed = true;
    core.emit('settings:changed', { at: '2024-01-01T00:00:00Z' });
    expect(win.webContents.sent).toEqual([]);
  });
});

describe('secrets never reach the renderer', () => {
  it('settings:get answers masked values from the settings store', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-ipc-'));
    tmpDirs.push(dir);
    const secrets = createSecretHandling({ env: { CX_PASSWORD: 'pw-from-env-0123456789' } });
    const settings = createRuntimeConfig({
      file: path.join(dir, 'config.json'),
      secrets,
      checkFolderPaths: false,
      initial: Config.parse({
        destinations: [
          { name: 'main', kind: 'comswise', baseUrl: 'https://api.comswise.in/v1', auth: { token: SECRET } },
          {
            name: 'desk',
            kind: 'cx',
            baseUrl: 'https://cx.example.com',
            auth: { username: 'agent', password: 'env:CX_PASSWORD' },
          },
        ],
      }),
    });
    // No redaction list: the masking alone must keep the values out.
    const { ipcMain, win } = bind({ handlers: { 'settings:get': () => settings.view() } });
    const reply = (await ipcMain.invoke('settings:get', invokeEvent(win.webContents), {})) as {
      ok: true;
      value: { destinations: Array<{ auth: Record<string, unknown> }> };
    };
    const text = JSON.stringify(reply);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('pw-from-env-0123456789');
    expect(reply.value.destinations[0]!.auth).toEqual({ token: { set: true, hint: SECRET.slice(-4) } });
    expect(reply.value.destinations[1]!.auth).toEqual({
      username: { set: true, hint: null },
      password: { set: true, hint: '6789' },
    });
  });

  it('scrubs a known secret from any reply or event, even if a handler leaks it', async () => {
    const leaky = vi.fn(() => ({
      status: 'error' as const,
      message: `401 from https://api.example.com?token=${SECRET} (Bearer ${SECRET})`,
      latencyMs: null,
    }));
    const { ipcMain, win, core } = bind({ handlers: { 'destination:test': leaky }, secrets: [SECRET] });
    const reply = await ipcMain.invoke('destination:test', invokeEvent(win.webContents), { name: 'main' });
    expect(leaky).toHaveBeenCalled();
    expect(JSON.stringify(reply)).not.toContain(SECRET);
    expect(JSON.stringify(reply)).toContain('[redacted]');
    core.emit('attention:changed', { reviewWaiting: 0, failingDestinations: [`dest-${SECRET}`] });
    expect(JSON.stringify(win.webContents.sent)).not.toContain(SECRET);
  });

  it('leaves very short values (user names) to masking instead of mangling file names', async () => {
    const { ipcMain, win } = bind({
      handlers: { 'destination:test': () => ({ status: 'ok', message: 'shops-call.wav', latencyMs: 1 }) },
      secrets: ['ops', SECRET],
    });
    const reply = await ipcMain.invoke('destination:test', invokeEvent(win.webContents), { name: 'main' });
    expect(reply).toEqual({ ok: true, value: { status: 'ok', message: 'shops-call.wav', latencyMs: 1 } });
  });
});
