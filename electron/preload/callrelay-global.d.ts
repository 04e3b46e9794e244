// The renderer's view of what the preload exposes. Reference it from the renderer with
//   /// <reference path="../../electron/preload/callrelay-global.d.ts" />
// (adjust the relative path) or add it to tsconfig.web.json's "include".
import type { ContractTransport } from '../../shared/contract-client.js';

export interface CallRelayDesktopBridge extends ContractTransport {
  /** Path of a file dropped on the window, for files:enqueue (Electron's webUtils.getPathForFile). */
  getPathForFile?: (file: File) => string;
}

declare global {
  interface Window {
    /** Present only in the desktop app; the headless UI talks HTTP instead. */
    callrelay?: CallRelayDesktopBridge;
  }
}
