import os from 'node:os';
import path from 'node:path';

export const APP_DIR_NAME = 'Rollcall';
export const DATA_DIR_ENV = 'ROLLCALL_DATA_DIR';

/**
 * The desktop app's data directory (what Electron calls userData for an app named Rollcall), so
 * the CLI and the preview share it without loading Electron. --data-dir or ROLLCALL_DATA_DIR win.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const override = env[DATA_DIR_ENV];
  if (override && override.trim() !== '') return path.resolve(override);
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_DIR_NAME);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_DIR_NAME);
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_DIR_NAME);
}
