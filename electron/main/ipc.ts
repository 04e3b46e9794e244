// The single door between the renderer and the core. Every contract channel is bound here with
// ipcMain.handle; a call is served only when it comes from our window's main frame on the app's
// own origin, and its input is parsed by the contract's schema (in the dispatcher, which also
// scrubs every known secret from replies and events for both hosts). Core events go to the window.
import { channelNames, type ChannelName, type Envelope, eventNames, type EventName } from '../../shared/contract.js';
import type { ContractDispatcher } from '../../shared/contract-host.js';
import { MIN_SCRUBBED_LENGTH } from '../core/secrets/secret-scrubbing.js';
import type { Logger } from '../core/logger.js';
import { isAppUrl } from './trusted-url.js';

export interface SenderFrame {
  url: string;
}
export interface InvokeEvent {
  sender: unknown;
  senderFrame: SenderFrame | null;
}
export interface IpcMainPort {
  handle(channel: string, listener: (event: InvokeEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}
export interface WindowPort {
  isDestroyed(): boolean;
  webContents: {
    mainFrame: unknown;
    isDestroyed(): boolean;
    send(channel: string, ...args: unknown[]): void;
  };
}
export interface CoreEvents {
  on(event: EventName, listener: (payload: unknown) => void): unknown;
}

export { MIN_SCRUBBED_LENGTH };

export class RefusedSenderError extends Error {
  constructor(channel: string) {
    super(`CallRelay refused ${channel}: the request did not come from the app's own window.`);
    this.name = 'RefusedSenderError';
  }
}

/** True only for the main frame of our window while it shows an app:// page. */
export function isTrustedSender(event: InvokeEvent, win: WindowPort | null): boolean {
  if (!win || win.isDestroyed() || win.webContents.isDestroyed()) return false;
  if (event.sender !== win.webContents) return false;
  const frame = event.senderFrame;
  if (!frame || frame !== win.webContents.mainFrame) return false;
  return isAppUrl(frame.url);
}

export interface IpcBinding {
  /** Channels bound, in contract order. */
  channels: ChannelName[];
  dispose(): void;
}

export function setupIpc(deps: {
  ipcMain: IpcMainPort;
  dispatcher: ContractDispatcher;
  core: CoreEvents;
  getWindow: () => WindowPort | null;
  logger: Logger;
}): IpcBinding {
  const { ipcMain, dispatcher, logger } = deps;

  for (const name of channelNames) {
    ipcMain.handle(name, async (event, input): Promise<Envelope> => {
      if (!isTrustedSender(event, deps.getWindow())) {
        logger.warn(
          { channel: name, url: event.senderFrame?.url?.slice(0, 200) ?? null },
          'refused IPC from a foreign sender',
        );
        throw new RefusedSenderError(name);
      }
      return dispatcher.dispatch(name, input);
    });
  }

  const unsubscribers: Array<() => void> = [];
  for (const name of eventNames) {
    const off = deps.core.on(name, (payload) => {
      const win = deps.getWindow();
      if (!win || win.isDestroyed() || win.webContents.isDestroyed()) return;
      win.webContents.send(name, dispatcher.scrub(payload));
    });
    if (typeof off === 'function') unsubscribers.push(off as () => void);
  }

  return {
    channels: [...channelNames],
    dispose() {
      for (const name of channelNames) ipcMain.removeHandler(name);
      for (const off of unsubscribers) off();
    },
  };
}
