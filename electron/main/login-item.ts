// Start at login. macOS and Windows keep the setting in the OS (app.setLoginItemSettings); Linux
// has no such API in Electron, so an XDG autostart entry is written. Started at login, the app
// opens in the tray (--hidden) instead of putting a window in front of the person.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { App } from 'electron';

export const HIDDEN_ARG = '--hidden';

export interface LoginItem {
  isEnabled(): boolean;
  setEnabled(on: boolean): void;
}

type AppPort = Pick<App, 'getLoginItemSettings' | 'setLoginItemSettings'>;

export function autostartFile(env: NodeJS.ProcessEnv, home: string): string {
  const base =
    env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(home, '.config');
  return path.join(base, 'autostart', 'callrelay.desktop');
}

/** Quotes one Exec argument the way the Desktop Entry spec asks. */
function quoteExec(arg: string): string {
  return /^[A-Za-z0-9_./:=+-]+$/.test(arg) ? arg : `"${arg.replace(/(["`$\\])/g, '\\$1')}"`;
}

export function autostartEntry(executable: string): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=CallRelay',
    'Comment=Delivers call recordings to call-analytics platforms',
    `Exec=${quoteExec(executable)} ${HIDDEN_ARG}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export function createLoginItem(deps: {
  app: AppPort;
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  home?: string;
  /** The program to start; an AppImage must be started through its own file, not the mount. */
  executable?: string;
}): LoginItem {
  const platform = deps.platform ?? process.platform;
  const env = deps.env ?? process.env;
  if (platform === 'linux') {
    const file = autostartFile(env, deps.home ?? os.homedir());
    const executable = deps.executable ?? env.APPIMAGE ?? process.execPath;
    return {
      isEnabled: () => fs.existsSync(file),
      setEnabled(on) {
        if (on) {
          fs.mkdirSync(path.dirname(file), { recursive: true });
          fs.writeFileSync(file, autostartEntry(executable), { mode: 0o644 });
        } else {
          fs.rmSync(file, { force: true });
        }
      },
    };
  }
  return {
    isEnabled: () => deps.app.getLoginItemSettings({ args: [HIDDEN_ARG] }).openAtLogin,
    setEnabled: (on) => deps.app.setLoginItemSettings({ openAtLogin: on, args: [HIDDEN_ARG] }),
  };
}
