// What the page gets as window.callrelay: the contract transport and nothing else. Names are
// checked against the contract before anything reaches ipcRenderer, listeners never see
// Electron's event object, and ipcRenderer itself is never handed out.
import { isChannelName, isEventName, type ChannelName, type EventName } from '../../shared/contract.js';

export interface IpcRendererPort {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export interface WebUtilsPort {
  getPathForFile(file: never): string;
}

export interface CallRelayBridge {
  invoke(channel: ChannelName, input: unknown): Promise<unknown>;
  subscribe(event: EventName, listener: (payload: unknown) => void): () => void;
  /**
   * The path of a file the person dropped on the window (Electron no longer puts it on File),
   * for files:enqueue. Only files the person chose ever reach the page, so this reveals nothing.
   */
  getPathForFile(file: unknown): string;
}

export function createBridge(ipc: IpcRendererPort, webUtils: WebUtilsPort): CallRelayBridge {
  return {
    invoke(channel, input) {
      if (!isChannelName(channel)) {
        return Promise.reject(new Error(`Unknown channel ${String(channel).slice(0, 60)}: not in the contract.`));
      }
      return ipc.invoke(channel, input);
    },
    subscribe(event, listener) {
      if (!isEventName(event)) throw new Error(`Unknown event ${String(event).slice(0, 60)}: not in the contract.`);
      if (typeof listener !== 'function') throw new Error('subscribe needs a listener function.');
      const forward = (_event: unknown, payload: unknown) => listener(payload);
      ipc.on(event, forward);
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        ipc.removeListener(event, forward);
      };
    },
    getPathForFile(file) {
      return webUtils.getPathForFile(file as never);
    },
  };
}
