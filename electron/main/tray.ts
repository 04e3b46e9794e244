// The tray: the app's face while the window is closed. Its icon says idle / sending / needs
// attention / offline, its menu opens the window, pauses or resumes all deliveries, and quits.
// It reads state only through the contract, like the renderer, and refreshes at most every 2 s;
// its tooltip is the window's status line (shared/status-summary.ts).
import path from 'node:path';
import type { Menu, MenuItemConstructorOptions, NativeImage, Tray } from 'electron';
import type { ContractDispatcher } from '../../shared/contract-host.js';
import type { EventName, QueueChanged, StatusSnapshot } from '../../shared/contract.js';
import type { Logger } from '../core/logger.js';
import { trayStatus, trayTooltip, type TrayInputs, type TrayStatus } from './tray-status.js';

export const TRAY_STATUSES: readonly TrayStatus[] = ['idle', 'sending', 'attention', 'offline'];

export function trayIconFile(iconDir: string, status: TrayStatus): string {
  return path.join(iconDir, `tray-${status}.png`);
}

export interface TrayDeps {
  Tray: new (image: NativeImage) => Tray;
  Menu: Pick<typeof Menu, 'buildFromTemplate'>;
  nativeImage: { createFromPath(path: string): NativeImage };
  iconDir: string;
  dispatcher: Pick<ContractDispatcher, 'dispatch'>;
  core: { on(event: EventName, listener: (payload: unknown) => void): unknown };
  showWindow: () => void;
  quit: () => void;
  loginItem: { isEnabled(): boolean; setEnabled(on: boolean): void };
  logger: Logger;
  /** Periodic refresh, for destinations that go offline while nothing else changes. */
  pollMs?: number;
  setTimer?: (fn: () => void, ms: number) => { unref?(): void };
  clearTimer?: (handle: unknown) => void;
}

export interface TrayHandle {
  status(): TrayStatus;
  refresh(): Promise<void>;
  dispose(): void;
}

export function setupTray(deps: TrayDeps): TrayHandle {
  const setTimer = deps.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = deps.clearTimer ?? ((h) => clearTimeout(h as NodeJS.Timeout));
  const images = new Map(TRAY_STATUSES.map((s) => [s, deps.nativeImage.createFromPath(trayIconFile(deps.iconDir, s))]));
  const tray = new deps.Tray(images.get('idle')!);
  let inputs: TrayInputs = { counts: {}, paused: false, destinations: [], reviewWaiting: 0, failingDestinations: [] };
  let current: TrayStatus = 'idle';
  let disposed = false;

  const render = () => {
    if (disposed) return;
    current = trayStatus(inputs);
    tray.setImage(images.get(current)!);
    tray.setToolTip(trayTooltip(current, inputs));
    const template: MenuItemConstructorOptions[] = [
      { label: 'Open CallRelay', click: () => deps.showWindow() },
      {
        label: inputs.paused ? 'Resume all deliveries' : 'Pause all deliveries',
        click: () => void togglePause(),
      },
      { type: 'separator' },
      {
        label: 'Start at login',
        type: 'checkbox',
        checked: safeLoginState(),
        click: (item) => {
          try {
            deps.loginItem.setEnabled(item.checked);
          } catch (error) {
            deps.logger.warn({ err: error }, 'could not change the start-at-login setting');
          }
          render();
        },
      },
      { type: 'separator' },
      { label: 'Quit CallRelay', click: () => deps.quit() },
    ];
    tray.setContextMenu(deps.Menu.buildFromTemplate(template));
  };

  const safeLoginState = () => {
    try {
      return deps.loginItem.isEnabled();
    } catch {
      return false;
    }
  };

  const togglePause = async () => {
    const reply = await deps.dispatcher.dispatch(inputs.paused ? 'engine:resume' : 'engine:pause', {});
    if (reply.ok) inputs = { ...inputs, paused: (reply.value as { paused: boolean }).paused };
    else deps.logger.warn({ error: reply.error }, 'pause/resume from the tray failed');
    render();
  };

  const refresh = async () => {
    const reply = await deps.dispatcher.dispatch('status:get', {});
    if (!reply.ok) {
      deps.logger.debug({ error: reply.error }, 'tray could not read the status');
      return;
    }
    const d = reply.value as StatusSnapshot;
    inputs = {
      ...inputs,
      counts: d.counts,
      paused: d.paused,
      destinations: d.destinations,
      deliveredToday: d.deliveredToday,
      etaSec: d.backlog.etaSec,
    };
    render();
  };

  // Events can come hundreds of times a minute; one dashboard read per 2 s is plenty for an icon.
  let pending: unknown = null;
  const scheduleRefresh = () => {
    if (pending !== null || disposed) return;
    pending = setTimer(() => {
      pending = null;
      refresh().catch((error: unknown) => deps.logger.debug({ err: error }, 'tray refresh failed'));
    }, 2000);
  };

  deps.core.on('queue:changed', (payload) => {
    const counts = (payload as Partial<QueueChanged> | null)?.counts;
    if (counts) {
      inputs = { ...inputs, counts };
      render();
    }
    scheduleRefresh();
  });
  deps.core.on('attention:changed', (payload) => {
    const p = payload as { reviewWaiting?: number; failingDestinations?: string[] } | null;
    inputs = { ...inputs, reviewWaiting: p?.reviewWaiting ?? 0, failingDestinations: p?.failingDestinations ?? [] };
    render();
  });

  tray.on('click', () => deps.showWindow());
  render();

  let poll: unknown = null;
  const loop = () => {
    poll = setTimer(() => {
      scheduleRefresh();
      loop();
    }, deps.pollMs ?? 30_000);
    (poll as { unref?(): void }).unref?.();
  };
  loop();

  return {
    status: () => current,
    refresh,
    dispose() {
      disposed = true;
      if (pending !== null) clearTimer(pending);
      if (poll !== null) clearTimer(poll);
      tray.destroy();
    },
  };
}
