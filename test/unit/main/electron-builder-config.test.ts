// The packaging config is checked against electron-builder's own schema, and for the settings
// the security and native-module story depend on.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '../../..');
const yaml = require('js-yaml') as { load(text: string): unknown };
const config = yaml.load(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;

describe('electron-builder.yml', () => {
  it('matches electron-builder’s schema', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
      validateConfiguration(c: unknown, logger: unknown): Promise<void>;
    };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('sets the fuses', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableCookieEncryption: true,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
    });
  });

  it('unpacks better-sqlite3 and rebuilds it before packing, never on install', () => {
    expect(config.asarUnpack).toContain('**/node_modules/better-sqlite3/**');
    expect(config.npmRebuild).toBe(false);
    expect(config.beforePack).toBe('./scripts/before-pack.mjs');
    expect(fs.existsSync(path.join(root, 'scripts', 'before-pack.mjs'))).toBe(true);
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    for (const name of ['install', 'postinstall', 'preinstall', 'prepare']) {
      expect(pkg.scripts[name] ?? '').not.toMatch(/rebuild|electron-builder install-app-deps/);
    }
  });

  it('installs per machine with NSIS (silent /S), includes the policy script, and publishes to a generic server', () => {
    const nsis = config.nsis as { perMachine: boolean; oneClick: boolean; include: string };
    expect(nsis.perMachine).toBe(true);
    expect(nsis.oneClick).toBe(false);
    const script = fs.readFileSync(path.join(root, nsis.include), 'utf8');
    expect(script).toMatch(/!macro customInstall[\s\S]*\/POLICY=[\s\S]*policy\.json[\s\S]*!macroend/);
    expect(config.publish).toEqual([{ provider: 'generic', url: expect.stringMatching(/^https:\/\//) }]);
    const win = config.win as { target: Array<{ target: string }> };
    expect(win.target.map((t) => t.target)).not.toContain('msi');
  });

  it('targets AppImage and deb, NSIS, and dmg for x64 and arm64, with icons that exist', () => {
    const linux = config.linux as { target: string[]; icon: string };
    expect(linux.target).toEqual(['AppImage', 'deb']);
    const win = config.win as { target: Array<{ target: string }>; icon: string };
    expect(win.target.map((t) => t.target)).toEqual(['nsis']);
    const mac = config.mac as { target: Array<{ target: string; arch: string[] }>; icon: string };
    expect(mac.target).toEqual([{ target: 'dmg', arch: ['x64', 'arm64'] }]);
    for (const icon of [linux.icon, win.icon, mac.icon]) expect(fs.existsSync(path.join(root, icon))).toBe(true);
    // The app icon must be at least 512×512 for macOS and Windows installers (PNG IHDR width/height).
    const png = fs.readFileSync(path.join(root, 'resources', 'icon.png'));
    expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(512);
    expect(png.readUInt32BE(20)).toBeGreaterThanOrEqual(512);
    for (const status of ['idle', 'sending', 'attention', 'offline']) {
      expect(fs.existsSync(path.join(root, 'resources', 'tray', `tray-${status}.png`))).toBe(true);
    }
  });
});
