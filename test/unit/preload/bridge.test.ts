import { beforeEach, describe, expect, it, vi } from 'vitest';
import { channelNames, eventNames } from '../../../shared/contract.js';
import { createBridge } from '../../../electron/preload/bridge.js';
import { contextBridge, createFakeIpcRenderer } from '../main/electron-mock.js';

vi.mock('electron', async () => {
  const mock = await import('../main/electron-mock.js');
  return {
    contextBridge: mock.contextBridge,
    ipcRenderer: mock.createFakeIpcRenderer(),
    webUtils: { getPathForFile: () => '/dropped/file.wav' },
  };
});

const webUtils = { getPathForFile: vi.fn(() => '/home/agent/call.wav') };

describe('preload bridge', () => {
  beforeEach(() => {
    webUtils.getPathForFile.mockClear();
  });

  it('exposes window.callrelay with the transport and nothing else', async () => {
    contextBridge.exposed.clear();
    await import('../../../electron/preload/preload.js');
    expect([...contextBridge.exposed.keys()]).toEqual(['callrelay']);
    const api = contextBridge.exposed.get('callrelay') as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual(['getPathForFile', 'invoke', 'subscribe']);
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
    expect(JSON.stringify(Object.keys(api))).not.toMatch(/ipcRenderer|send|on\b|sendSync/);
  });

  it('invokes contract channels and rejects every other name without touching IPC', async () => {
    const ipc = createFakeIpcRenderer();
    const bridge = createBridge(ipc, webUtils);
    for (const name of channelNames) await bridge.invoke(name, {});
    expect(ipc.invoke.mock.calls.map((c) => c[0])).toEqual(channelNames);
    ipc.invoke.mockClear();
    for (const bad of ['ELECTRON_BROWSER_WINDOW_CLOSE', 'queue:delete', '__proto__', 'constructor', 42, null]) {
      await expect(bridge.invoke(bad as never, {})).rejects.toThrow(/not in the contract/);
    }
    expect(ipc.invoke).not.toHaveBeenCalled();
  });

  it('passes the input through and returns the envelope', async () => {
    const ipc = createFakeIpcRenderer();
    ipc.invoke.mockResolvedValueOnce({ ok: true, value: { paused: true } });
    const bridge = createBridge(ipc, webUtils);
    await expect(bridge.invoke('engine:pause', {})).resolves.toEqual({ ok: true, value: { paused: true } });
    expect(ipc.invoke).toHaveBeenCalledWith('engine:pause', {});
  });

  it('subscribes to contract events only, hides the IPC event, and unsubscribes', () => {
    const ipc = createFakeIpcRenderer();
    const bridge = createBridge(ipc, webUtils);
    const received: unknown[][] = [];
    const off = bridge.subscribe('queue:changed', (...args: unknown[]) => received.push(args));
    ipc.emitter.emit('queue:changed', { sender: 'ipc-event-with-sender' }, { ids: ['j1'] });
    expect(received).toEqual([[{ ids: ['j1'] }]]);
    off();
    off();
    ipc.emitter.emit('queue:changed', {}, { ids: ['j2'] });
    expect(received).toHaveLength(1);
    expect(ipc.removeListener).toHaveBeenCalledTimes(1);

    expect(() => bridge.subscribe('ELECTRON_GUEST_VIEW' as never, () => {})).toThrow(/not in the contract/);
    expect(() => bridge.subscribe('queue:changed', 'nope' as never)).toThrow(/listener/);
    for (const name of eventNames) bridge.subscribe(name, () => {});
    expect(ipc.on.mock.calls.map((c) => c[0]).slice(-eventNames.length)).toEqual(eventNames);
  });

  it('gives the path of a dropped file through webUtils', () => {
    const bridge = createBridge(createFakeIpcRenderer(), webUtils);
    expect(bridge.getPathForFile({ name: 'call.wav' })).toBe('/home/agent/call.wav');
  });
});
