import './threadpool';
import { app, BrowserWindow, ipcMain, net, protocol, session } from 'electron';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { bootStation } from './boot';
import { writeDemo } from './wiring/demo';
import { registerIpc } from './ipc/register';
import { windowOptions, hardenSession, hardenContents } from './window';
import { isRendererUrl, RENDERER_SCHEME_PRIVILEGES, RENDERER_URL, serveRenderer } from './renderer-protocol';

// The Electron main process: a thin adapter over the station core. It opens the station from
// the config (on first run, the demo config on the simulators), and shows the renderer in a
// locked-down window.
const rendererDir = join(__dirname, '..', 'renderer');
const isTrustedUrl = isRendererUrl;

app.enableSandbox();
protocol.registerSchemesAsPrivileged(RENDERER_SCHEME_PRIVILEGES);
// A second instance would open the same store; it leaves at once (the first keeps its window).
const firstInstance = app.requestSingleInstanceLock();
if (!firstInstance) app.exit(0);

async function main(): Promise<void> {
  await app.whenReady();
  hardenSession(session.defaultSession);
  serveRenderer(session.defaultSession.protocol, net, rendererDir);
  app.on('web-contents-created', (_e, wc) => hardenContents(wc, isTrustedUrl));

  let configPath = process.env.PERSO_CONFIG ?? join(app.getPath('userData'), 'station.json');
  if (!existsSync(configPath)) {
    const dir = join(app.getPath('userData'));
    await writeDemo({ dir, importSample: true });
    configPath = join(dir, 'station.json');
  }
  const booted = await bootStation({ configPath, origin: 'electron' });
  const win = new BrowserWindow(windowOptions(join(__dirname, 'preload.cjs')));
  const off = registerIpc({
    ipcMain, handlers: booted.handlers, auth: booted.auth, events: booted.station.events, isTrustedUrl,
    windows: () => BrowserWindow.getAllWindows().map((w) => w.webContents),
    onInternal: booted.onInternal,
  });
  win.once('ready-to-show', () => win.show());
  await win.loadURL(RENDERER_URL);
  app.on('window-all-closed', () => {
    off();
    void booted.station
      .close()
      .catch((e) => console.error('Perso Station did not close cleanly:', e instanceof Error ? e.message : e))
      .finally(() => app.quit());
  });
}

if (firstInstance) main().catch((e) => {
  console.error('Perso Station could not start:', e instanceof Error ? e.message : e);
  app.exit(1);
});
