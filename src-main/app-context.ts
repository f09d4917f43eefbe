/**
 * Builds the main-process services once per process: the desktop app, the browser preview and
 * the CLI all run these same services against the same data directory and keychain entries.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HandlerContext } from './ipc/context';
import { KeytarSecretStore } from './secrets/keytar-store';
import type { SecretStore } from './secrets/secret-store';
import { defaultDataDir } from './store/data-dir';
import { Store } from './store/store';

/** Our package.json, found by walking up from this module (source tree or out/main bundle alike). */
export function appVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'rollcall' && pkg.version) return pkg.version;
    } catch {
      /* not here: keep walking up */
    }
    dir = path.dirname(dir);
  }
  return '0.0.0';
}

export interface ContextOptions {
  dataDir?: string;
  runtime: HandlerContext['runtime'];
  secrets?: SecretStore;
  now?: () => Date;
}

export async function createHandlerContext(options: ContextOptions): Promise<HandlerContext> {
  const store = await Store.open(options.dataDir ?? defaultDataDir());
  return {
    store,
    secrets: options.secrets ?? new KeytarSecretStore(),
    runtime: options.runtime,
    appVersion: appVersion(),
    now: options.now ?? (() => new Date()),
  };
}
