/**
 * Builds the main-process services once per process: the desktop app, the browser preview and
 * the CLI all run these same services against the same data directory and keychain entries.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HandlerContext } from './ipc/context';
import { DemoAwareSecretStore, DemoService } from './demo/demo-service';
import { KeytarSecretStore } from './secrets/keytar-store';
import { settleInterruptedRuns } from './sync/interrupted';
import { RunManager } from './sync/run-manager';
import { Scheduler } from './sync/scheduler';
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
  /** Size of the demo tenant "Try with a demo tenant" starts (default 2,000 users). */
  demoUsers?: number;
}

export async function createHandlerContext(options: ContextOptions): Promise<HandlerContext> {
  const store = await Store.open(options.dataDir ?? defaultDataDir());
  await store.loadAll();
  // Applies that died with an earlier process show as interrupted, not forever "running".
  await settleInterruptedRuns(store).catch(() => undefined);
  const secrets = new DemoAwareSecretStore(options.secrets ?? new KeytarSecretStore());
  const now = options.now ?? (() => new Date());
  const demo = new DemoService(store, secrets, now, options.demoUsers);
  return {
    store,
    secrets,
    runtime: options.runtime,
    appVersion: appVersion(),
    now,
    runs: new RunManager({ store, secrets, now }),
    demo,
  };
}

/**
 * What the app does while it runs (desktop or preview): bring the demo tenant back if there is
 * one, and run each enabled integration when it is due. Returns a stop function.
 */
export async function startBackgroundWork(ctx: HandlerContext, options: { scheduler: boolean } = { scheduler: true }): Promise<() => Promise<void>> {
  await ctx.demo.resume().catch((err: unknown) => console.error('[rollcall] the demo tenant could not be restarted:', err instanceof Error ? err.message : err));
  const scheduler = new Scheduler({ store: ctx.store, runs: ctx.runs, now: ctx.now });
  if (options.scheduler) scheduler.start();
  return async () => {
    scheduler.stop();
    await ctx.demo.close();
  };
}

/**
 * `npm start` with nothing configured (an evaluator's first look): start the demo tenant and its
 * first dry run, so the dashboard, the diff viewer and the troubleshooting page have something to
 * show. The installed app does not do this: there the empty dashboard offers the demo instead.
 */
export async function startDemoIfEmpty(ctx: HandlerContext): Promise<string | null> {
  if (ctx.store.settings.data.integrations.length > 0) return null;
  const demo = await ctx.demo.start();
  if (!demo.ok) {
    console.error(`[rollcall] the demo tenant could not start: ${demo.error.message}`);
    return null;
  }
  ctx.runs.start({ integrationId: demo.value.id, kind: 'dry-run', trigger: 'manual' });
  return demo.value.id;
}
