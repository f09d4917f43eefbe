/**
 * Applies that never finished. An apply is in the history as "running" from before its first
 * write; if its process dies (closed, crashed, killed, the machine lost power) the record stays
 * "running" with no process behind it. The next time the run lock can be taken — the next run,
 * the app starting, `rollcall history` — such records become "interrupted", with what their
 * audit logs show was written, so the admin sees what happened and what to do.
 */
import path from 'node:path';
import type { RunRecord } from '../core/reports';
import { acquireRunLock } from '../store/run-lock';
import type { Store } from '../store/store';
import { auditLines } from './audit';

type AuditCounts = { applied: number; failed: number; groupsWritten: number; heldBack: number; lastAt: string | null; capped: boolean };
const nothingCounted = (): AuditCounts => ({ applied: 0, failed: 0, groupsWritten: 0, heldBack: 0, lastAt: null, capped: false });

/** What an interrupted apply's audit log shows: writes that reached the LMS, failures, the last time. */
async function auditCounts(file: string): Promise<AuditCounts> {
  const counts = nothingCounted();
  try {
    for await (const entry of auditLines(file)) {
      // A log capped at its size limit (sync/audit.ts) holds only the first changes.
      if (typeof entry.note === 'string') counts.capped = true;
      // Counted as the apply counts them: departments made and group writes are not people's changes.
      if (entry.result === 'ok' && entry.op !== 'department' && entry.op !== 'group') counts.applied++;
      else if (entry.result === 'ok' && entry.op === 'group') counts.groupsWritten++;
      else if (entry.result === 'failed') counts.failed++;
      else if (entry.error?.code === 'RELATION_HELD_BACK') counts.heldBack++;
      if (typeof entry.at === 'string' && (counts.lastAt === null || entry.at > counts.lastAt)) counts.lastAt = entry.at;
    }
  } catch {
    // No log (killed before the first write) or unreadable: nothing is known to have been written.
  }
  return counts;
}

export function interruptedError(applied: number, capped: boolean): NonNullable<RunRecord['error']> {
  const n = `${capped ? 'at least ' : ''}${applied.toLocaleString('en-US')} change${applied === 1 ? '' : 's'}`;
  // A capped log (sync/audit.ts) shows only the first changes: how many were written is not known.
  const written = applied > 0 ? `after ${n} had reached the LMS` : capped ? 'part-way (its audit log had reached its size limit, so how many changes were written is not known)' : 'before it wrote anything';
  return {
    code: 'RUN_INTERRUPTED',
    message: `This apply did not finish: it stopped ${written}, and its end was never recorded (Rollcall or the computer was closed, or its process ended, while it ran).`,
    fix: 'Run a dry run to see what is left, then apply: the next apply finishes the rest without creating anyone twice. The audit log shows each change that was written.',
  };
}

/**
 * Marks this integration's "running" records as interrupted. Only for a caller that holds the
 * integration's run lock: then no run of it is alive anywhere. Returns how many were marked.
 */
export async function markInterruptedRuns(store: Store, integrationId: string): Promise<number> {
  const runs = await store.runs(integrationId);
  const stale = runs.data.runs.filter((r) => r.outcome === 'running');
  if (stale.length === 0) return 0;
  const settled = new Map<string, Pick<RunRecord, 'applied' | 'failed' | 'groupsWritten' | 'heldBack' | 'finishedAt' | 'error'>>();
  for (const r of stale) {
    const c = r.auditLog ? await auditCounts(path.join(store.auditDir, path.basename(r.auditLog))) : nothingCounted();
    // Only what the log proves: the time of its last entry, or none at all.
    const applied = Math.max(r.applied, c.applied);
    settled.set(r.id, { applied, failed: Math.max(r.failed, c.failed), groupsWritten: Math.max(r.groupsWritten, c.groupsWritten), heldBack: Math.max(r.heldBack, c.heldBack), finishedAt: c.lastAt, error: interruptedError(applied, c.capped) });
  }
  await runs.update((file) => {
    for (const r of file.runs) {
      const s = r.outcome === 'running' ? settled.get(r.id) : undefined;
      if (s) Object.assign(r, { outcome: 'interrupted' as const, ...s });
    }
  });
  return settled.size;
}

/**
 * For readers of the history (the app starting, `rollcall history`): marks interrupted runs of
 * every integration whose run lock is free. One whose lock is held has a live run; it is left.
 */
export async function settleInterruptedRuns(store: Store, integrationIds: readonly string[] = store.settings.data.integrations.map((i) => i.id)): Promise<void> {
  for (const id of integrationIds) {
    try {
      const runs = await store.runs(id);
      if (!runs.data.runs.some((r) => r.outcome === 'running')) continue;
      // Held for a moment only; a run refused meanwhile is told who holds it and why.
      const lock = await acquireRunLock(store.dataDir, id, 'marking an apply that did not finish as interrupted');
      if (!lock.ok) continue;
      try {
        await markInterruptedRuns(store, id);
      } finally {
        await lock.value.release();
      }
    } catch {
      // Best effort for readers: an unreadable history is reported by Store.loadAll, a data
      // folder that cannot be written leaves the record "running" until the next run.
    }
  }
}
