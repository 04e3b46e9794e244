// The per-user data folder, computed the way Electron's app.getPath('userData') does, so the
// desktop app and `callrelay serve` share one outbox and config unless told otherwise.
import os from 'node:os';
import path from 'node:path';

export const APP_NAME = 'CallRelay';

export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_NAME);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_NAME);
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_NAME);
}

export function outboxFile(dataDir: string): string {
  return path.join(dataDir, 'outbox.db');
}

export function configFile(dataDir: string): string {
  return path.join(dataDir, 'config.json');
}
