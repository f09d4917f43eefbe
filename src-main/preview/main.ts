/**
 * `npm run preview` / the fallback of `npm start`: the real renderer in a browser, backed by the
 * real main-process services.
 * Usage: node out/main/preview.js [--port N] [--data-dir DIR] [--demo-if-empty] [--no-scheduler] [--demo-users N]
 * (the last two are for tests: no scheduled runs beside the test's own, a small demo tenant).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHandlerContext, startBackgroundWork, startDemoIfEmpty } from '../app-context';
import { AppErrorException } from '../core/errors';
import { startPreviewServer } from './server';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const rendererDir = arg('--renderer-dir') ?? path.join(here, '../renderer');
  const portText = arg('--port');
  const demoUsers = arg('--demo-users');
  const ctx = await createHandlerContext({ runtime: 'preview', dataDir: arg('--data-dir'), demoUsers: demoUsers ? Number(demoUsers) : undefined });
  const server = await startPreviewServer({ ctx, rendererDir, port: portText ? Number(portText) : 0 });
  const stopBackground = await startBackgroundWork(ctx, { scheduler: !process.argv.includes('--no-scheduler') });
  if (process.argv.includes('--demo-if-empty') && (await startDemoIfEmpty(ctx))) console.log('Nothing was configured, so the built-in demo tenant is running, with a first dry run.');
  console.log(`Rollcall preview: ${server.url}  (data: ${ctx.store.dataDir}; Ctrl+C to stop)`);
  const stop = () => void Promise.all([server.close(), stopBackground()]).then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(`Rollcall preview could not start: ${err instanceof AppErrorException ? `${err.error.message} ${err.error.fix}` : err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
