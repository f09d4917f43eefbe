/**
 * An apply whose process died leaves its history record "running" and an audit log cut short
 * (kill-apply.test.ts makes that happen for real). Whoever next takes the run lock — the app
 * starting, `rollcall history`, the next run — marks it interrupted, with what its log proves was
 * written; while a run holds the lock, its record is left alone.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../src-main/core/reports';
import { createHandlerContext } from '../../../src-main/app-context';
import { dispatch } from '../../../src-main/ipc/dispatch';
import { MemorySecretStore } from '../../../src-main/secrets/memory-store';
import { acquireRunLock } from '../../../src-main/store/run-lock';
import { Store } from '../../../src-main/store/store';
import { settleInterruptedRuns } from '../../../src-main/sync/interrupted';
import { newRunRecord, runIntegration } from '../../../src-main/sync/run';
import { runCli } from '../../helpers/cli';
import { aroundLmsCalls, startSyncEnv, type SyncEnv } from '../../helpers/sync-env';

let env: SyncEnv | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});

/** What a process killed mid-apply leaves behind: a "running" record and its log, the last line torn. */
async function leaveDeadApply(e: SyncEnv, startedAt: string, lines: object[] | null): Promise<RunRecord> {
  const run: RunRecord = { ...newRunRecord({ integrationId: e.integrationId, kind: 'apply', trigger: 'schedule', startedAt: new Date(startedAt) }), readMode: 'delta', lmsRead: { mode: 'changes', reason: null } };
  if (lines) {
    run.auditLog = `${e.integrationId}.${run.id}.jsonl`;
    await fs.writeFile(path.join(e.store.auditDir, run.auditLog), `${lines.map((l) => JSON.stringify(l)).join('\n')}\n{"at":"2026-12-0`);
  }
  await (await e.store.runs(e.integrationId)).update((f) => void f.runs.unshift(run));
  return run;
}

const entry = (at: string, result: 'ok' | 'failed' | 'not-executed', op = 'update') => ({ at, op, reason: 'attributes_changed', sourceId: 's', targetId: 't', email: null, fields: [], result });

const history = async (e: SyncEnv) => (await (await Store.open(e.dataDir)).runs(e.integrationId)).data.runs;

describe('an apply whose process died', () => {
  it('shows as interrupted, with what its audit log shows it wrote, once no run holds the lock', async () => {
    env = await startSyncEnv({ users: 20 });
    const dead = await leaveDeadApply(env, '2026-12-04T08:00:00Z', [
      entry('2026-12-04T08:00:05Z', 'ok', 'department'),
      entry('2026-12-04T08:00:06Z', 'ok', 'create'),
      entry('2026-12-04T08:00:07Z', 'failed'),
      { ...entry('2026-12-04T08:00:08Z', 'ok', 'group'), reason: 'group_created' },
      { ...entry('2026-12-04T08:00:08Z', 'not-executed'), error: { code: 'RELATION_HELD_BACK', message: 'Manager and approvers not written.' } },
      entry('2026-12-04T08:00:09Z', 'ok'),
    ]);
    const silent = await leaveDeadApply(env, '2026-12-04T07:00:00Z', null);

    // A run of it is alive (this process holds its lock): nothing is touched.
    const lock = await acquireRunLock(env.dataDir, env.integrationId, 'a live apply');
    if (!lock.ok) throw new Error(lock.error.message);
    await settleInterruptedRuns(await Store.open(env.dataDir), [env.integrationId]);
    expect((await history(env)).map((r) => r.outcome)).toEqual(['running', 'running']);
    await lock.value.release();

    // The app starting finds the lock free.
    await createHandlerContext({ dataDir: env.dataDir, runtime: 'preview', secrets: new MemorySecretStore() });
    const after = await history(env);
    const a = after.find((r) => r.id === dead.id);
    const b = after.find((r) => r.id === silent.id);
    expect(a).toMatchObject({ id: dead.id, outcome: 'interrupted', applied: 2, failed: 1, groupsWritten: 1, heldBack: 1, finishedAt: '2026-12-04T08:00:09Z' });
    expect(a?.error).toEqual({
      code: 'RUN_INTERRUPTED',
      message: 'This apply did not finish: it stopped after 2 changes had reached the LMS, and its end was never recorded (Rollcall or the computer was closed, or its process ended, while it ran).',
      fix: 'Run a dry run to see what is left, then apply: the next apply finishes the rest without creating anyone twice. The audit log shows each change that was written.',
    });
    // No log: nothing is known to have been written, and no end time is made up.
    expect(b).toMatchObject({ id: silent.id, outcome: 'interrupted', applied: 0, failed: 0, finishedAt: null });
    expect(b?.error?.message).toContain('stopped before it wrote anything');
  });

  it('is reported by rollcall history, and the next apply is in the history before its first write', async () => {
    env = await startSyncEnv({ users: 20 });
    const dead = await leaveDeadApply(env, '2026-12-04T08:00:00Z', [entry('2026-12-04T08:00:06Z', 'ok', 'create')]);
    const cli = await runCli(['--data-dir', env.dataDir, 'history', '--integration', env.integrationId, '--json']);
    expect(cli.code, cli.stderr).toBe(0);
    const shown = JSON.parse(cli.stdout) as RunRecord[];
    expect(shown.find((r) => r.id === dead.id)).toMatchObject({ id: dead.id, outcome: 'interrupted', applied: 1 });

    // Before its first write, an apply is in the history file, as running: the LMS connector
    // reads the history from disk when the first write reaches it.
    let seenAtFirstWrite: RunRecord | undefined;
    const e = env;
    const writes = new Set(['createUser', 'updateUser', 'setActive', 'ensureDepartment']);
    const applied = await runIntegration(env, {
      integrationId: env.integrationId,
      kind: 'apply',
      trigger: 'manual',
      connectors: aroundLmsCalls(writes, async (_method, _args, call) => {
        seenAtFirstWrite ??= (await history(e))[0];
        return call();
      }),
    });
    expect(applied.run.outcome).toBe('succeeded');
    expect(seenAtFirstWrite).toMatchObject({ id: applied.run.id, outcome: 'running', auditLog: applied.run.auditLog });
    expect((await history(env)).map((r) => [r.id, r.outcome])).toEqual([
      [applied.run.id, 'succeeded'],
      [dead.id, 'interrupted'],
    ]);
  });

  it('dying while the app is open shows as interrupted the next time the window lists the runs; a live run of the app is left alone', async () => {
    env = await startSyncEnv({ users: 20, lmsFaults: { latencyMs: 40 } });
    const ctx = await createHandlerContext({ dataDir: env.dataDir, runtime: 'preview', secrets: env.secrets });
    const live = ctx.runs.start({ integrationId: env.integrationId, kind: 'apply', trigger: 'manual' });
    const listed = async () => {
      const r = await dispatch('listRuns', { id: env?.integrationId ?? '' }, ctx);
      if (!r.ok) throw new Error(r.error.message);
      return r.value as RunRecord[];
    };
    // The app's own apply, writing: listed as running, however often the window asks.
    for (let i = 0; i < 100 && !(await listed()).some((r) => r.id === live.runId); i++) await new Promise((r) => setTimeout(r, 20));
    expect((await listed()).find((r) => r.id === live.runId)?.outcome).toBe('running');
    await ctx.runs.wait(live.runId);
    // A CLI apply that died meanwhile.
    const dead = await leaveDeadApply(env, '2026-12-04T09:00:00Z', [entry('2026-12-04T09:00:01Z', 'ok', 'create')]);
    const runs = await listed();
    expect(runs.find((r) => r.id === dead.id)).toMatchObject({ outcome: 'interrupted', applied: 1 });
    expect(runs.find((r) => r.id === live.runId)?.outcome).toBe('succeeded');
    // Its log, cut short mid-line, opens: what was written, without the torn line.
    const log = await dispatch('getAuditLog', { id: env.integrationId, runId: dead.id, limit: 100 }, ctx);
    expect(log.ok && log.value).toMatchObject({ entries: [{ op: 'create', result: 'ok' }], truncated: false });
  });
});

