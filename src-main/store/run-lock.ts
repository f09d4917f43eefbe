import path from 'node:path';
import { appError, fail, ok, type Result } from '../core/errors';
import { acquireLock, type HeldLock } from './file-lock';

/**
 * One run per integration at a time, across processes: the desktop app's scheduler and a CLI run
 * from cron share the data directory. The holder keeps a heartbeat; a dead holder's lock is taken over.
 */
export async function acquireRunLock(dataDir: string, integrationId: string, purpose: string, waitMs = 0): Promise<Result<HeldLock>> {
  const file = path.join(dataDir, 'integrations', `${integrationId}.run.lock`);
  const got = await acquireLock(file, { purpose, waitMs, staleMs: 60_000, heartbeatMs: 10_000 });
  if (got.acquired) return ok(got.lock);
  const h = got.holder;
  return fail(
    appError(
      'RUN_IN_PROGRESS',
      h
        ? `Another run of this integration is in progress (${h.purpose}, process ${h.pid} on ${h.host}, since ${h.since}).`
        : 'Another run of this integration is in progress.',
      'Wait for it to finish, then try again. A run whose process died is taken over automatically after a minute.',
      h ? { pid: h.pid, host: h.host, since: h.since } : undefined,
    ),
  );
}
