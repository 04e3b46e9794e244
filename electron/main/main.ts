// Electron main process. Each concern lives in its own file and exports a setup function; this
// file only decides the order: what must happen before `ready`, then onReady().
import path from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import {
  app,
  BrowserWindow,
  dialog,
  Menu,
  nativeImage,
  Notification,
  protocol,
  safeStorage,
  session,
  shell,
  Tray,
  ipcMain,
} from 'electron';
import { createCore } from '../core/create-core.js';
import { defaultDataDir } from '../core/config/default-paths.js';
import { systemClock } from '../core/clock.js';
import { useLeanHeap } from '../core/lean-heap.js';
import { createAppLogger } from './app-logger.js';
import { registerAppScheme, setupAppProtocol } from './app-protocol.js';
import { dataDirOverride, resolveAppPaths } from './app-paths.js';
import { createFolderPicker } from './folder-picker.js';
import { setupIpc } from './ipc.js';
import { createLoginItem, HIDDEN_ARG } from './login-item.js';
import { setupMainWindow } from './main-window.js';
import { setupNotifications } from './notifications.js';
import { createSafeStorageCodec } from './safe-storage-codec.js';
import { setupShutdown } from './shutdown.js';
import { createSystemNetwork, type SystemNetworkDeps } from './system-network.js';
import { setupTray } from './tray.js';
import { setupUpdates } from './updates.js';
import { setupPermissionGuards, setupWebContentsGuards } from './web-contents-guards.js';
import type { SecretCodec } from '../core/secrets/secret-codec.js';

const mainDir = path.dirname(fileURLToPath(import.meta.url));
// The core runs in this process, as in `callrelay serve`: the same memory settings (core/lean-heap.ts).
useLeanHeap();

// scripts/build-electron.mjs defines it false for packaged builds, so the demo and the sandbox
// (fixed credentials, an HTTP server) are not in the app at all. Unbundled (tests), it is there.
declare const __CALLRELAY_DEMO__: boolean;

// Before ready: data folder override (it also scopes the single-instance lock), the privileged
// scheme, and the guards that must see every web contents from the first one on.
// The data folder is set explicitly, not left to Electron's name-based default: `electron .` in
// development would use the package name ("callrelay"), and `callrelay serve` must find the same
// outbox and config as the desktop app.
const override = dataDirOverride(process.env, process.cwd());
app.setPath('userData', override ?? defaultDataDir());
registerAppScheme(protocol);
setupWebContentsGuards(app, shell);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app
    .whenReady()
    .then(onReady)
    .catch((error: unknown) => fail('CallRelay could not start', error));
}

function fail(title: string, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`${title}: ${message}`);
  dialog.showErrorBox(title, message);
  app.exit(1);
}

/** Remembers every plain secret the codec sees, so logs and replies can be scrubbed of it. */
function recordingCodec(codec: SecretCodec, known: Set<string>): SecretCodec {
  return {
    isAvailable: () => codec.isAvailable(),
    encrypt(plain) {
      if (plain) known.add(plain);
      return codec.encrypt(plain);
    },
    decrypt(cipher) {
      const plain = codec.decrypt(cipher);
      if (plain) known.add(plain);
      return plain;
    },
    confirmPlaintextStorage: () => codec.confirmPlaintextStorage?.() ?? false,
  };
}

async function onReady(): Promise<void> {
  const paths = resolveAppPaths({
    appRoot: app.getAppPath(),
    userData: app.getPath('userData'),
    logs: path.join(app.getPath('userData'), 'logs'),
    mainDir,
  });

  const knownSecrets = new Set<string>();
  let coreSecrets: () => readonly string[] = () => [];
  const getSecrets = () => [...knownSecrets, ...coreSecrets()];
  const { logger } = createAppLogger({ logDir: paths.logDir, toStdout: !app.isPackaged, getSecrets });
  logger.info({ dataDir: paths.dataDir, version: app.getVersion() }, 'CallRelay starting');

  setupPermissionGuards(session.defaultSession);
  // Windows shows notifications only for an app with this id (the installer registers it).
  if (process.platform === 'win32') app.setAppUserModelId('com.callrelay.desktop');

  // The window is created after the core, but the codec may need it for its question.
  let getWindow: () => BrowserWindow | null = () => null;
  const pickFolder = createFolderPicker(dialog, () => getWindow());
  const codec = recordingCodec(
    createSafeStorageCodec({ safeStorage, dialog, getWindow: () => getWindow() }),
    knownSecrets,
  );
  if (!codec.isAvailable()) {
    logger.warn(
      'no system encryption for secrets (safeStorage unavailable); the person is asked before a secret is saved unencrypted',
    );
  }

  const demo =
    __CALLRELAY_DEMO__ && process.env.CALLRELAY_DEMO === '1'
      ? await (await import('./demo-mode.js')).startDesktopDemo(paths.dataDir)
      : null;
  if (demo) logger.info({ recordings: demo.recordings }, 'demo mode: delivering to the built-in sandbox');

  // The OS's proxy and trust store for the core's own requests; the config's explicit setting wins.
  const systemNetwork = createSystemNetwork({
    session: session.defaultSession,
    tls: tls as SystemNetworkDeps['tls'],
    logger,
  });
  const core = createCore({
    dataDir: paths.dataDir,
    configFile: paths.configFile,
    clock: systemClock,
    logger,
    secretCodec: codec,
    version: app.getVersion(),
    resolveProxy: systemNetwork.resolveProxy,
    systemCertificates: systemNetwork.systemCertificates,
    pickFolder: async () => (await pickFolder()).path,
    extraSecrets: () => [...knownSecrets],
    ...(demo ? { initialConfig: demo.initialConfig } : {}),
    about: () => ({ version: app.getVersion(), host: 'desktop', update: updates?.about() ?? null }),
  });
  // Packaged builds only: a development run has no installer to update.
  const updates = app.isPackaged ? setupUpdates({ core, dataDir: paths.dataDir, logger }) : null;
  coreSecrets = () => core.secretValues();

  setupAppProtocol(protocol, paths.rendererDir, core.recordings);

  let shutdown: { isQuitting(): boolean } = { isQuitting: () => false };
  const windows = setupMainWindow({
    BrowserWindow,
    preloadPath: paths.preloadPath,
    iconPath: paths.appIcon,
    isQuitting: () => shutdown.isQuitting(),
    onLoadError: (error) => logger.error({ err: error }, 'the window could not load the app page'),
  });
  getWindow = windows.get;

  const dispatcher = core.dispatcher;
  setupIpc({ ipcMain, dispatcher, core, getWindow: windows.get, logger });

  const showWindow = () => void windows.show();
  const tray = setupTray({
    Tray,
    Menu,
    nativeImage,
    iconDir: paths.trayIconDir,
    dispatcher,
    core,
    showWindow,
    quit: () => app.quit(),
    loginItem: createLoginItem({ app }),
    logger,
  });
  setupNotifications({ Notification, core, dispatcher, showWindow, iconPath: paths.appIcon, logger });

  shutdown = setupShutdown({
    app,
    stopCore: async () => {
      updates?.stop();
      await core.stop();
      await demo?.close();
    },
    logger,
    onStopped: () => tray.dispose(),
  });

  app.on('second-instance', showWindow);
  app.on('activate', showWindow);

  await core.start();

  const startedHidden =
    process.argv.includes(HIDDEN_ARG) || (process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin);
  if (!startedHidden) windows.show();
  logger.info('CallRelay ready');
}
