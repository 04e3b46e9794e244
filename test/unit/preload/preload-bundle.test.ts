// The preload as Electron runs it: one bundled CommonJS file in a sandboxed context whose
// require knows `electron` and nothing from node_modules. Built here to a temporary folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { buildElectron } from '../../../scripts/build-electron.mjs';

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'callrelay-bundle-'));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

describe('bundled preload', () => {
  it('loads with only electron available and exposes the bridge', async () => {
    await buildElectron({ outdir, logLevel: 'silent' });
    const code = fs.readFileSync(path.join(outdir, 'preload', 'preload.cjs'), 'utf8');
    const exposed = new Map<string, Record<string, (...args: unknown[]) => unknown>>();
    const invoked: unknown[][] = [];
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, api: never) => exposed.set(key, api) },
      ipcRenderer: {
        invoke: async (...args: unknown[]) => void invoked.push(args),
        on: () => {},
        removeListener: () => {},
      },
      webUtils: { getPathForFile: () => '/dropped.wav' },
    };
    const required: string[] = [];
    const sandboxRequire = (name: string) => {
      required.push(name);
      if (name !== 'electron') throw new Error(`a sandboxed preload cannot require ${name}`);
      return electron;
    };
    const module = { exports: {} };
    vm.runInNewContext(code, { require: sandboxRequire, module, exports: module.exports });
    expect(required).toEqual(['electron']);
    expect([...exposed.keys()]).toEqual(['callrelay']);
    const api = exposed.get('callrelay')!;
    await api.invoke!('queue:stats', {});
    expect(invoked).toEqual([['queue:stats', {}]]);
    await expect(api.invoke!('shell:open', {}) as Promise<unknown>).rejects.toThrow(/not in the contract/);
    // The main bundle is ESM and keeps npm packages external (loaded from node_modules / the asar).
    const main = fs.readFileSync(path.join(outdir, 'main', 'main.js'), 'utf8');
    expect(main).toMatch(/from "better-sqlite3"/);
    expect(main).toMatch(/from "electron"/);
  });
});
