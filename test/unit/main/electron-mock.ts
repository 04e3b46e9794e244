// The one stand-in for the `electron` module in the shell's unit tests. Each fake keeps what the
// code under test did to it (options, handlers, sent messages) so tests assert on behaviour.
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

export class FakeEvent {
  defaultPrevented = false;
  constructor(readonly url = '') {}
  preventDefault() {
    this.defaultPrevented = true;
  }
}

export class FakeFrame {
  constructor(public url: string) {}
}

export class FakeWebContents extends EventEmitter {
  readonly mainFrame: FakeFrame;
  readonly sent: Array<{ channel: string; args: unknown[] }> = [];
  windowOpenHandler: ((details: { url: string }) => { action: 'allow' | 'deny' }) | null = null;
  destroyed = false;
  constructor(url = 'app://callrelay/index.html') {
    super();
    this.mainFrame = new FakeFrame(url);
  }
  send(channel: string, ...args: unknown[]) {
    this.sent.push({ channel, args });
  }
  isDestroyed() {
    return this.destroyed;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'allow' | 'deny' }) {
    this.windowOpenHandler = handler;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  loadedUrl: string | null = null;
  visible = false;
  destroyed = false;
  constructor(readonly options: Record<string, unknown>) {
    super();
    FakeBrowserWindow.instances.push(this);
  }
  loadURL(url: string) {
    this.loadedUrl = url;
    this.webContents.mainFrame.url = url;
    return Promise.resolve();
  }
  show() {
    this.visible = true;
  }
  hide() {
    this.visible = false;
  }
  focus() {}
  restore() {}
  isMinimized() {
    return false;
  }
  isDestroyed() {
    return this.destroyed;
  }
  /** Emits `close` like Electron: listeners may cancel it. */
  close() {
    const event = new FakeEvent();
    this.emit('close', event);
    if (!event.defaultPrevented) {
      this.destroyed = true;
      this.emit('closed');
    }
    return event;
  }
}

type InvokeListener = (event: unknown, ...args: unknown[]) => unknown;

export function createFakeIpcMain() {
  const handlers = new Map<string, InvokeListener>();
  return {
    handlers,
    handle: vi.fn((channel: string, listener: InvokeListener) => {
      if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      handlers.set(channel, listener);
    }),
    removeHandler: vi.fn((channel: string) => {
      handlers.delete(channel);
    }),
    /** What ipcRenderer.invoke would get: the handler's result, or a rejection. */
    async invoke(channel: string, event: unknown, input: unknown) {
      const handler = handlers.get(channel);
      if (!handler) throw new Error(`No handler registered for '${channel}'`);
      return handler(event, input);
    },
  };
}

export function createFakeIpcRenderer() {
  const emitter = new EventEmitter();
  return {
    emitter,
    invoke: vi.fn(async (_channel: string, ..._args: unknown[]): Promise<unknown> => ({ ok: true, value: null })),
    on: vi.fn((channel: string, listener: (...args: unknown[]) => void) => emitter.on(channel, listener)),
    removeListener: vi.fn((channel: string, listener: (...args: unknown[]) => void) =>
      emitter.removeListener(channel, listener),
    ),
  };
}

export function createFakeShell() {
  return { openExternal: vi.fn(async (_url: string) => {}) };
}

export function createFakeSession() {
  return {
    setPermissionRequestHandler: vi.fn(),
    setPermissionCheckHandler: vi.fn(),
    setDevicePermissionHandler: vi.fn(),
    /** Chromium's proxy resolver: DIRECT unless a test says otherwise. */
    resolveProxy: vi.fn(async (_url: string) => 'DIRECT'),
  };
}

export class FakeApp extends EventEmitter {
  quit = vi.fn(() => {
    const event = new FakeEvent();
    this.emit('before-quit', event);
    if (!event.defaultPrevented) this.quitted = true;
  });
  exit = vi.fn();
  quitted = false;
  loginItem = { openAtLogin: false, args: [] as string[] };
  getLoginItemSettings = vi.fn(() => ({ ...this.loginItem, wasOpenedAtLogin: false }));
  setLoginItemSettings = vi.fn((settings: { openAtLogin: boolean; args?: string[] }) => {
    this.loginItem = { openAtLogin: settings.openAtLogin, args: settings.args ?? [] };
  });
}

export class FakeNativeImage {
  constructor(readonly path: string) {}
}
export const fakeNativeImage = { createFromPath: (p: string) => new FakeNativeImage(p) };

export interface FakeMenuItem {
  label?: string;
  type?: string;
  checked?: boolean;
  click?: (item: { checked: boolean }) => void;
}

export class FakeTray extends EventEmitter {
  static instances: FakeTray[] = [];
  image: FakeNativeImage;
  tooltip = '';
  menu: FakeMenuItem[] = [];
  destroyed = false;
  constructor(image: FakeNativeImage) {
    super();
    this.image = image;
    FakeTray.instances.push(this);
  }
  setImage(image: FakeNativeImage) {
    this.image = image;
  }
  setToolTip(text: string) {
    this.tooltip = text;
  }
  setContextMenu(menu: { items: FakeMenuItem[] }) {
    this.menu = menu.items;
  }
  destroy() {
    this.destroyed = true;
  }
}
export const fakeMenu = { buildFromTemplate: (items: FakeMenuItem[]) => ({ items }) };

export class FakeNotification extends EventEmitter {
  static shown: Array<{ title: string; body: string }> = [];
  static instances: FakeNotification[] = [];
  static isSupported = () => true;
  constructor(readonly options: { title: string; body: string }) {
    super();
    FakeNotification.instances.push(this);
  }
  show() {
    FakeNotification.shown.push({ title: this.options.title, body: this.options.body });
  }
}

/** safeStorage with a reversible stand-in "encryption", and a switchable backend. */
export function createFakeSafeStorage(options: { available?: boolean; backend?: string } = {}) {
  return {
    isEncryptionAvailable: vi.fn(() => options.available ?? true),
    getSelectedStorageBackend: vi.fn(() => options.backend ?? 'gnome_libsecret'),
    encryptString: vi.fn((plain: string) => Buffer.from(`enc(${plain})`, 'utf8')),
    decryptString: vi.fn((cipher: Buffer) => {
      const text = cipher.toString('utf8');
      if (!text.startsWith('enc(') || !text.endsWith(')')) throw new Error('Error while decrypting the ciphertext');
      return text.slice(4, -1);
    }),
  };
}

export function createFakeDialog(answer = 0) {
  return {
    showMessageBoxSync: vi.fn((..._args: unknown[]) => answer),
    showOpenDialog: vi.fn(async (..._args: unknown[]) => ({ canceled: false, filePaths: ['/srv/recordings'] })),
  };
}

export const contextBridge = {
  exposed: new Map<string, unknown>(),
  exposeInMainWorld: vi.fn((key: string, api: unknown) => {
    contextBridge.exposed.set(key, api);
  }),
};

/** An IPC event as Electron would pass it to ipcMain.handle listeners. */
export function invokeEvent(sender: FakeWebContents, frame: FakeFrame | null = sender.mainFrame) {
  return { sender, senderFrame: frame };
}

/**
 * A whole `electron` module for loading electron/main/main.ts itself: the app becomes ready
 * when the test says so, and every fake is reachable for assertions.
 */
export function createFakeElectron(options: { appRoot: string; userData: string }) {
  const paths = new Map<string, string>([
    ['userData', options.userData],
    ['logs', `${options.userData}/logs`],
  ]);
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const app = Object.assign(new FakeApp(), {
    // Packaged: logs go to the file only, keeping test output quiet.
    isPackaged: true,
    setPath: vi.fn((name: string, value: string) => void paths.set(name, value)),
    getPath: vi.fn((name: string) => paths.get(name) ?? `${options.userData}/${name}`),
    getAppPath: () => options.appRoot,
    getVersion: () => '0.0.0-test',
    requestSingleInstanceLock: vi.fn(() => true),
    whenReady: () => ready,
  });
  const protocol = {
    schemes: [] as unknown[],
    handlers: new Map<string, (request: Request) => Promise<Response>>(),
    registerSchemesAsPrivileged: vi.fn((schemes: unknown[]) => void protocol.schemes.push(...schemes)),
    handle: vi.fn((scheme: string, handler: (request: Request) => Promise<Response>) => {
      protocol.handlers.set(scheme, handler);
    }),
  };
  return {
    markReady,
    module: {
      app,
      BrowserWindow: FakeBrowserWindow,
      dialog: createFakeDialog(),
      Menu: fakeMenu,
      nativeImage: fakeNativeImage,
      Notification: FakeNotification,
      protocol,
      safeStorage: createFakeSafeStorage(),
      session: { defaultSession: createFakeSession() },
      shell: createFakeShell(),
      Tray: FakeTray,
      ipcMain: createFakeIpcMain(),
    },
  };
}
