// Sandboxed preload: bundled to one CommonJS file (scripts/build-electron.mjs) because a
// sandboxed preload cannot load modules. It only publishes the bridge.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createBridge } from './bridge.js';

contextBridge.exposeInMainWorld('callrelay', createBridge(ipcRenderer, webUtils));
