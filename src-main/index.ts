/**
 * Electron main process: one hardened window showing the renderer, the typed API served over
 * one IPC channel with every sender checked, and nothing else reachable.
 */
import { app, BrowserWindow, dialog, ipcMain, session, shell } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_CHANNEL } from '../src-preload/api';
import { createHandlerContext, startBackgroundWork, startDemoIfEmpty } from './app-context';
import { AppErrorException, appError } from './core/errors';
import { installTray } from './desktop/tray';
import { dispatch } from './ipc/dispatch';
import { hardenSession, hardenWebContents, isAppUrl, secureWindowOptions, type AppOrigin } from './window/security';

const here = path.dirname(fileURLToPath(import.meta.url));

function parseDataDirArg(argv: string[]): string | undefined {
  const i = argv.indexOf('--data-dir');
  return i >= 0 ? argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  app.setName('Rollcall');
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  // Hardening that applies before any window exists.
  app.enableSandbox();
  await app.whenReady();

  const devUrl = process.env.ELECTRON_RENDERER_URL;
  const indexPath = path.join(here, '../renderer/index.html');
  const appOrigin: AppOrigin = devUrl ? { kind: 'dev', origin: new URL(devUrl).origin } : { kind: 'file', indexPath };

  const ctx = await createHandlerContext({ runtime: 'electron', dataDir: parseDataDirArg(process.argv) ?? app.getPath('userData') });

  ipcMain.handle(API_CHANNEL, async (event, message: unknown) => {
    // Only our own top-level page may call the API.
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null || !isAppUrl(frame.url, appOrigin)) {
      return { ok: false, error: appError('SENDER_REFUSED', 'A page that is not Rollcall tried to use the app.', 'Restart Rollcall.') };
    }
    const { method, input } = (typeof message === 'object' && message !== null ? message : {}) as { method?: unknown; input?: unknown };
    return dispatch(method, input, ctx);
  });

  hardenSession(session.defaultSession);
  app.on('web-contents-created', (_event, contents) => {
    hardenWebContents(contents, appOrigin, (url) => void shell.openExternal(url));
  });

  const stopBackground = await startBackgroundWork(ctx);
  if (process.argv.includes('--demo-if-empty')) await startDemoIfEmpty(ctx);
  app.on('before-quit', () => void stopBackground());

  const window = new BrowserWindow(secureWindowOptions(path.join(here, '../preload/index.cjs')));
  window.once('ready-to-show', () => window.show());
  if (devUrl) await window.loadURL(devUrl);
  else await window.loadFile(indexPath);

  // Closing the window keeps Rollcall in the tray so scheduled syncs go on (unless turned off).
  let quitting = false;
  app.on('before-quit', () => (quitting = true));
  window.on('close', (event) => {
    if (!quitting && ctx.store.settings.data.preferences.minimiseToTray) {
      event.preventDefault();
      window.hide();
    }
  });
  installTray(ctx, () => window, path.join(here, '../../resources'));

  app.on('second-instance', () => {
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  });
  app.on('window-all-closed', () => app.quit());
}

main().catch((err: unknown) => {
  console.error('[rollcall] failed to start:', err instanceof Error ? err.message : err);
  // Said in a window too: started from a shortcut, nobody reads the console (a data folder
  // written by a newer Rollcall, say, with what to do).
  if (err instanceof AppErrorException) dialog.showErrorBox('Rollcall could not start', `${err.error.message}\n\n${err.error.fix}`);
  app.exit(1);
});
