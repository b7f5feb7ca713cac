import { app, BrowserWindow, dialog, ipcMain, net, protocol, session } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, IPC_UPLOAD_CHANNEL, type UploadOp } from '../../shared/contract';
import { createCore, type Core } from '../core/core';
import { resolveDataDir } from '../core/data-dir';
import { APP_VERSION } from '../core/version';
import { createKeyFileCipher } from '../core/secrets/key-file-cipher';
import { APP_HOST, APP_ORIGIN, APP_SCHEME, resolveAppAsset } from './asset-path';
import { createIpcRouter } from './ipc-router';
import { createSafeStorageCipher } from './safe-storage-cipher';

// The thin desktop shell: lifecycle, one locked-down window, the app:// protocol and the IPC bridge.
// Everything else is main/core, which is tested under Node.

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const rendererDir = join(__dirname, '..', 'renderer');
const preloadPath = join(__dirname, '..', 'preload', 'preload.cjs');

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } }]);

if (!app.requestSingleInstanceLock()) {
  // A second copy would fight over the queue; the first one is brought forward instead.
  app.quit();
} else {
  let core: Core | null = null;
  let window: BrowserWindow | null = null;

  app.on('second-instance', () => {
    if (window) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
  });

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });

  app.whenReady().then(async () => {
    session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
    session.defaultSession.setPermissionCheckHandler(() => false);
    // No remote content, ever: anything but our own scheme is cancelled before it leaves the machine.
    session.defaultSession.webRequest.onBeforeRequest({ urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*'] }, (_details, callback) =>
      callback({ cancel: true }),
    );

    protocol.handle(APP_SCHEME, async (request) => {
      const file = resolveAppAsset(rendererDir, request.url);
      if (!file) return new Response('Not found', { status: 404 });
      const response = await net.fetch(pathToFileURL(file).toString());
      const headers = new Headers(response.headers);
      headers.set('Content-Security-Policy', CSP);
      headers.set('X-Content-Type-Options', 'nosniff');
      return new Response(response.body, { status: response.status, headers });
    });

    const dataDir = resolveDataDir(process.env.DHIS2_IE_DATA_DIR ?? null);
    const cipher = (await createSafeStorageCipher()) ?? createKeyFileCipher(dataDir);
    core = createCore({
      dataDir,
      mode: 'desktop',
      appVersion: APP_VERSION,
      cipher,
      dialogs: {
        openFiles: async ({ title }) => {
          const result = await dialog.showOpenDialog(window ?? new BrowserWindow({ show: false }), { title, properties: ['openFile', 'multiSelections'] });
          return result.canceled ? [] : result.filePaths;
        },
        chooseFolder: async ({ title, defaultPath }) => {
          const result = await dialog.showOpenDialog(window ?? new BrowserWindow({ show: false }), {
            title,
            defaultPath,
            properties: ['openDirectory', 'createDirectory'],
          });
          return result.canceled ? null : (result.filePaths[0] ?? null);
        },
      },
    });
    const router = createIpcRouter(core);
    ipcMain.handle(IPC_CALL_CHANNEL, (event, name: unknown, input: unknown) =>
      router.call({ frameUrl: event.senderFrame?.url, isMainFrame: event.senderFrame === event.sender.mainFrame }, name, input),
    );
    ipcMain.handle(IPC_UPLOAD_CHANNEL, (event, op: UploadOp) =>
      router.upload({ frameUrl: event.senderFrame?.url, isMainFrame: event.senderFrame === event.sender.mainFrame }, op),
    );
    core.bus.onAny((name, payload) => {
      if (window && !window.isDestroyed()) window.webContents.send(IPC_EVENT_CHANNEL, name, payload);
    });
    core.startBackground();

    window = new BrowserWindow({
      width: 1280,
      height: 820,
      minWidth: 900,
      minHeight: 600,
      title: 'DHIS2 Import/Export',
      show: false,
      webPreferences: {
        preload: preloadPath,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webSecurity: true,
        spellcheck: false,
      },
    });
    window.once('ready-to-show', () => window?.show());
    window.on('closed', () => {
      window = null;
    });
    await window.loadURL(`${APP_SCHEME}://${APP_HOST}/index.html`);
  });

  app.on('window-all-closed', () => app.quit());

  let closing = false;
  app.on('before-quit', (event) => {
    if (!core || closing) return;
    // Let running jobs reach a checkpoint and the database close cleanly before the process ends.
    closing = true;
    event.preventDefault();
    void core.close().finally(() => app.quit());
  });
}
