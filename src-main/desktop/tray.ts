/**
 * The desktop app's tray: open the window, sync every enabled integration now, launch at login,
 * quit. Keeps the scheduler running while the window is closed (minimise to tray).
 */
import { app, Menu, nativeImage, Notification, Tray, type BrowserWindow } from 'electron';
import path from 'node:path';
import type { HandlerContext } from '../ipc/context';
import { scheduledRunToast } from './notices';

export function installTray(ctx: HandlerContext, window: () => BrowserWindow | null, resourcesDir: string): Tray {
  const tray = new Tray(nativeImage.createFromPath(path.join(resourcesDir, 'icon.png')).resize({ width: 16, height: 16 }));
  tray.setToolTip('Rollcall');
  const rebuild = () => {
    const prefs = ctx.store.settings.data.preferences;
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: 'Open Rollcall', click: () => window()?.show() },
        {
          label: 'Sync all enabled integrations now',
          click: () => {
            for (const i of ctx.store.settings.data.integrations) if (i.enabled) ctx.runs.start({ integrationId: i.id, kind: 'apply', trigger: 'manual' });
          },
        },
        { type: 'separator' },
        {
          label: 'Launch at login',
          type: 'checkbox',
          checked: prefs.launchAtLogin,
          click: async (item) => {
            app.setLoginItemSettings({ openAtLogin: item.checked, openAsHidden: true });
            await ctx.store.settings.update((s) => void (s.preferences.launchAtLogin = item.checked));
          },
        },
        { type: 'separator' },
        { label: 'Quit Rollcall', role: 'quit' },
      ]),
    );
  };
  rebuild();
  tray.on('click', () => window()?.show());
  ctx.runs.onFinished((status) => {
    const name = ctx.store.settings.data.integrations.find((i) => i.id === status.integrationId)?.config.name ?? status.integrationId;
    const toast = scheduledRunToast(status, name);
    if (toast && Notification.isSupported()) {
      const n = new Notification({ title: toast.title, body: toast.body });
      n.on('click', () => window()?.show());
      n.show();
    }
  });
  return tray;
}
