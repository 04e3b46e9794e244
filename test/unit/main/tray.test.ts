import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Menu, NativeImage, Tray } from 'electron';
import type { Envelope, EventName } from '../../../shared/contract.js';
import type { ContractDispatcher } from '../../../shared/contract-host.js';
import { createSilentLogger } from '../../../electron/core/logger.js';
import { setupTray, trayIconFile } from '../../../electron/main/tray.js';
import { trayStatus, type TrayInputs } from '../../../electron/main/tray-status.js';
import { fakeMenu, fakeNativeImage, FakeTray, type FakeMenuItem } from './electron-mock.js';

const base: TrayInputs = { counts: {}, paused: false, destinations: [], reviewWaiting: 0, failingDestinations: [] };
const online = { name: 'main', online: true, paused: false };

describe('trayStatus', () => {
  it('is idle when nothing waits', () => {
    expect(trayStatus({ ...base, counts: { done: 40 }, destinations: [online] })).toBe('idle');
  });
  it('is sending while jobs are queued or running', () => {
    expect(trayStatus({ ...base, counts: { running: 1 }, destinations: [online] })).toBe('sending');
    expect(trayStatus({ ...base, counts: { queued: 3 }, destinations: [online] })).toBe('sending');
    expect(trayStatus({ ...base, counts: { queued: 3 }, paused: true, destinations: [online] })).toBe('idle');
  });
  it('is offline when every active destination is unreachable', () => {
    const off = { ...online, online: false };
    expect(trayStatus({ ...base, counts: { queued: 2 }, destinations: [off] })).toBe('offline');
    expect(trayStatus({ ...base, counts: { queued: 2 }, destinations: [off, { ...online, name: 'b' }] })).toBe(
      'sending',
    );
  });
  it('needs attention for reviews or failing destinations, before anything else', () => {
    const off = { ...online, online: false };
    expect(trayStatus({ ...base, reviewWaiting: 1, destinations: [off] })).toBe('attention');
    expect(trayStatus({ ...base, counts: { 'needs-review': 2 } })).toBe('attention');
    expect(trayStatus({ ...base, failingDestinations: ['main'], counts: { running: 1 } })).toBe('attention');
    // Old failures alone are history, not a call to act.
    expect(trayStatus({ ...base, counts: { failed: 5 }, destinations: [online] })).toBe('idle');
  });
});

describe('tray and destination health', () => {
  it('needs attention when one destination is down among working ones, and names it', async () => {
    const { trayTooltip } = await import('../../../electron/main/tray-status.js');
    const down = { ...online, name: 'comswise', health: 'down' as const };
    const inputs = { ...base, counts: { queued: 2 }, destinations: [down, { ...online, name: 'b' }] };
    expect(trayStatus(inputs)).toBe('attention');
    // Issue 14: the tooltip is the status line's wording ("comswise is down", was "comswise down").
    expect(trayTooltip('attention', inputs)).toContain('comswise is down');
    const degraded = { ...inputs, destinations: [{ ...online, health: 'degraded' as const }] };
    expect(trayStatus(degraded)).toBe('sending');
    expect(trayTooltip('sending', degraded)).toContain('main is failing some deliveries');
  });
});

function fakeCore() {
  const listeners = new Map<EventName, Array<(p: unknown) => void>>();
  return {
    on: (e: EventName, l: (p: unknown) => void) => listeners.set(e, [...(listeners.get(e) ?? []), l]),
    emit: (e: EventName, p: unknown) => listeners.get(e)?.forEach((l) => l(p)),
  };
}

function setup(status: Record<string, unknown> = {}) {
  let paused = false;
  const dispatch = vi.fn(async (channel: unknown): Promise<Envelope> => {
    if (channel === 'engine:pause') paused = true;
    if (channel === 'engine:resume') paused = false;
    if (channel === 'dashboard:get' || channel === 'status:get') {
      return {
        ok: true,
        value: {
          counts: { queued: 0 },
          paused,
          destinations: [{ name: 'main', online: false, paused: false }],
          deliveredToday: 0,
          backlog: { jobs: 0, perMinute: 0, etaSec: null },
          ...status,
        },
      };
    }
    return { ok: true, value: { paused } };
  });
  const core = fakeCore();
  const showWindow = vi.fn();
  const quit = vi.fn();
  let loginEnabled = false;
  const timers: Array<() => void> = [];
  const handle = setupTray({
    Tray: FakeTray as unknown as new (image: NativeImage) => Tray,
    Menu: fakeMenu as unknown as Pick<typeof Menu, 'buildFromTemplate'>,
    nativeImage: fakeNativeImage as unknown as { createFromPath(p: string): NativeImage },
    iconDir: '/icons',
    dispatcher: { dispatch } as Pick<ContractDispatcher, 'dispatch'>,
    core,
    showWindow,
    quit,
    loginItem: { isEnabled: () => loginEnabled, setEnabled: (on) => (loginEnabled = on) },
    logger: createSilentLogger(),
    setTimer: (fn) => {
      timers.push(fn);
      return {};
    },
    clearTimer: () => {},
  });
  const tray = FakeTray.instances.at(-1)!;
  const item = (label: RegExp) => tray.menu.find((i: FakeMenuItem) => label.test(i.label ?? ''))!;
  return { handle, tray, item, dispatch, core, showWindow, quit, timers, isLogin: () => loginEnabled };
}

describe('tray', () => {
  beforeEach(() => {
    FakeTray.instances = [];
  });

  it('shows the icon of the current state', () => {
    const { tray, core, handle } = setup();
    expect((tray.image as unknown as { path: string }).path).toBe(trayIconFile('/icons', 'idle'));
    core.emit('queue:changed', { counts: { running: 2 } });
    expect(handle.status()).toBe('sending');
    expect((tray.image as unknown as { path: string }).path).toBe(trayIconFile('/icons', 'sending'));
    core.emit('attention:changed', { reviewWaiting: 3, failingDestinations: [] });
    expect(handle.status()).toBe('attention');
    // Issue 14: the status line's words ("3 need you", was "3 to review").
    expect(tray.tooltip).toContain('3 need you');
  });

  it('reads offline from the dashboard', async () => {
    const { handle, core } = setup();
    core.emit('queue:changed', { counts: { queued: 4 } });
    await handle.refresh();
    expect(handle.status()).toBe('offline');
  });

  it('has open, pause/resume, start at login and quit in its menu', async () => {
    const { item, dispatch, showWindow, quit, tray, isLogin } = setup();
    item(/^Open/).click!({ checked: false });
    expect(showWindow).toHaveBeenCalled();

    item(/^Pause all/).click!({ checked: false });
    await vi.waitFor(() => expect(dispatch).toHaveBeenCalledWith('engine:pause', {}));
    await vi.waitFor(() => expect(tray.menu.some((i) => i.label === 'Resume all deliveries')).toBe(true));
    item(/^Resume all/).click!({ checked: false });
    await vi.waitFor(() => expect(dispatch).toHaveBeenCalledWith('engine:resume', {}));

    const login = item(/Start at login/);
    expect(login.type).toBe('checkbox');
    login.click!({ checked: true });
    expect(isLogin()).toBe(true);

    item(/^Quit/).click!({ checked: false });
    expect(quit).toHaveBeenCalled();
  });

  it('says in its tooltip what the status line says, from status:get', async () => {
    const online = [{ name: 'main', online: true, paused: false, health: 'online' }];
    const idle = setup({ counts: { done: 29 }, destinations: online, deliveredToday: 29 });
    await idle.handle.refresh();
    expect(idle.dispatch).toHaveBeenCalledWith('status:get', {});
    expect(idle.tray.tooltip).toBe('CallRelay: All delivered · 29 today');

    const sending = setup({
      counts: { queued: 2, running: 1 },
      destinations: online,
      backlog: { jobs: 3, perMinute: 1.5, etaSec: 120 },
    });
    await sending.handle.refresh();
    expect(sending.tray.tooltip).toBe('CallRelay: Sending 3 · 2 min left');

    const since = '2026-11-20T19:41:00.000Z';
    const down = setup({ destinations: [{ name: 'comswise', online: false, paused: false, health: 'down', since }] });
    await down.handle.refresh();
    expect(down.tray.tooltip).toMatch(/^CallRelay: comswise is down since \S+/);
  });

  it('coalesces refreshes triggered by bursts of events', () => {
    const { core, timers, dispatch } = setup();
    const before = timers.length;
    for (let i = 0; i < 100; i++) core.emit('queue:changed', { counts: { queued: i } });
    expect(timers.length - before).toBe(1);
    expect(dispatch).not.toHaveBeenCalledWith('dashboard:get', {});
  });
});
