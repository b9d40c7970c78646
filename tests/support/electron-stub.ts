import { EventEmitter } from 'node:events';
import Module from 'node:module';

// A stand-in for the `electron` module, for running the BUNDLED main process under plain Node
// (the Electron runtime cannot be downloaded on the build machines). It keeps what main.cjs
// registers — IPC handlers, the window and what it is sent — so a test can drive the app the way
// its renderer does: through ipcMain handlers, from the window's own page.
export interface ElectronStub {
  userData: string;
  /** ipcMain.handle registrations by channel. */
  handlers: Map<string, (event: unknown, input: unknown) => Promise<unknown>>;
  /** The window main.cjs opened, once it has loaded its page. */
  window: Promise<StubWindow>;
  /** What main.cjs asked the app to do: 'quit', 'exit:N'. */
  exits: string[];
  app: EventEmitter;
}

export interface StubWindow {
  url: string;
  webContents: EventEmitter & { id: number; sent: { name: string; payload: unknown }[]; send(ch: string, msg: unknown): void; isDestroyed(): boolean };
}

export function installElectronStub(userData: string): ElectronStub {
  const handlers = new Map<string, (event: unknown, input: unknown) => Promise<unknown>>();
  const exits: string[] = [];
  let shown: (w: StubWindow) => void = () => undefined;
  const window = new Promise<StubWindow>((r) => (shown = r));
  const windows: StubWindow[] = [];
  const app = Object.assign(new EventEmitter(), {
    enableSandbox() {},
    requestSingleInstanceLock: () => true,
    whenReady: () => Promise.resolve(),
    getPath: (name: string) => {
      if (name !== 'userData') throw new Error(`stub electron: no path ${name}`);
      return userData;
    },
    quit: () => exits.push('quit'),
    exit: (code: number) => exits.push(`exit:${code}`),
  });
  let nextId = 1;
  class BrowserWindow extends EventEmitter implements StubWindow {
    url = '';
    webContents: StubWindow['webContents'];
    constructor() {
      super();
      const wc = Object.assign(new EventEmitter(), {
        id: nextId++,
        sent: [] as { name: string; payload: unknown }[],
        send(_ch: string, msg: { name: string; payload: unknown }) {
          wc.sent.push(msg);
        },
        isDestroyed: () => false,
        setWindowOpenHandler() {},
      });
      this.webContents = wc;
      windows.push(this);
      app.emit('web-contents-created', {}, wc);
    }
    static getAllWindows = () => windows;
    show() {}
    async loadURL(url: string) {
      this.url = url;
      shown(this);
    }
  }
  const session = {
    defaultSession: {
      protocol: { handle() {} },
      setPermissionRequestHandler() {},
      setPermissionCheckHandler() {},
      webRequest: { onHeadersReceived() {} },
    },
  };
  const electron = {
    app,
    BrowserWindow,
    ipcMain: { handle: (ch: string, fn: never) => handlers.set(ch, fn), removeHandler: (ch: string) => handlers.delete(ch) },
    net: { fetch: () => Promise.reject(new Error('stub electron: no net')) },
    protocol: { registerSchemesAsPrivileged() {} },
    session,
  };
  const M = Module as unknown as { _load(request: string, parent: unknown, isMain: boolean): unknown };
  const load = M._load;
  M._load = function (request, parent, isMain) {
    if (request === 'electron') return electron;
    return load.call(this, request, parent, isMain);
  };
  return { userData, handlers, window, exits, app };
}
