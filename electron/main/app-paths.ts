// Where the desktop app finds its own files and keeps the person's data. CALLRELAY_DATA_DIR
// moves all data (outbox, config, logs, Chromium profile) elsewhere: tests give each run its own.
import path from 'node:path';

export interface AppPaths {
  dataDir: string;
  configFile: string;
  logDir: string;
  rendererDir: string;
  preloadPath: string;
  resourcesDir: string;
  trayIconDir: string;
  appIcon: string;
}

export function resolveAppPaths(deps: {
  /** app.getAppPath(): the folder (or app.asar) holding package.json. */
  appRoot: string;
  /** app.getPath('userData') after any override. */
  userData: string;
  /** app.getPath('logs'). */
  logs: string;
  /** Folder of the bundled main script (dist-electron/main). */
  mainDir: string;
}): AppPaths {
  const resourcesDir = path.join(deps.appRoot, 'resources');
  return {
    dataDir: deps.userData,
    configFile: path.join(deps.userData, 'config.json'),
    logDir: deps.logs,
    rendererDir: path.join(deps.appRoot, 'dist', 'renderer'),
    preloadPath: path.join(deps.mainDir, '..', 'preload', 'preload.cjs'),
    resourcesDir,
    trayIconDir: path.join(resourcesDir, 'tray'),
    appIcon: path.join(resourcesDir, 'icon.png'),
  };
}

/** The data folder to use instead of the default, from CALLRELAY_DATA_DIR, made absolute. */
export function dataDirOverride(env: NodeJS.ProcessEnv, cwd: string): string | null {
  const dir = env.CALLRELAY_DATA_DIR?.trim();
  return dir ? path.resolve(cwd, dir) : null;
}
