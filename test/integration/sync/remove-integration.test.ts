/**
 * Removing an integration removes what it kept: run history, audit logs, link table and the
 * people data of its cached snapshots and plan. Another integration's files stay, and an
 * integration with a run going on is not removed.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireRunLock } from '../../../src-main/store/run-lock';
import { removeIntegration } from '../../../src-main/store/integrations';
import { runIntegration } from '../../../src-main/sync/run';
import { startSyncEnv, type SyncEnv } from '../../helpers/sync-env';

let env: SyncEnv | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});

const filesOf = async (dir: string) => (await fs.readdir(dir)).sort();

describe('removing an integration', () => {
  it('deletes its history, audit logs, links and cached people, and nothing of another integration', async () => {
    env = await startSyncEnv({ users: 30 });
    const id = env.integrationId;
    const applied = await runIntegration(env, { integrationId: id, kind: 'apply', trigger: 'manual' });
    expect(applied.run.outcome).toBe('succeeded');
    const integrations = path.join(env.dataDir, 'integrations');
    // Another integration's files, which must survive.
    const other = ['other-1.links.json', 'other-1.runs.json', 'other-1.source.json'];
    for (const f of other) await fs.writeFile(path.join(integrations, f), '{}');
    const otherLog = path.join(env.store.auditDir, 'other-1.run-20261101000000-abcdef.jsonl');
    await fs.writeFile(otherLog, '{}\n');
    // An apply killed part-way leaves an audit log no run record names.
    const orphan = path.join(env.store.auditDir, `${id}.run-20261123000000-0badf0.jsonl`);
    await fs.writeFile(orphan, JSON.stringify({ op: 'create', email: 'left.behind@contoso.com' }));
    const before = await filesOf(integrations);
    expect(before).toEqual(expect.arrayContaining([`${id}.links.json`, `${id}.runs.json`, `${id}.source.json`, `${id}.target.json`, `${id}.plan.json`, `${id}.plan-rows.json`]));
    expect(await filesOf(env.store.auditDir)).toContain(applied.run.auditLog);
    const somebody = (env.tenant.fixture.users[0] as { userPrincipalName: string }).userPrincipalName;
    const everything = async () => (await Promise.all([...(await filesOf(integrations)).map((f) => path.join(integrations, f)), ...(await filesOf(env?.store.auditDir ?? '')).map((f) => path.join(env?.store.auditDir ?? '', f))].map((f) => fs.readFile(f, 'utf8')))).join('');
    expect(await everything()).toContain(somebody);

    expect(await removeIntegration(env.store, env.secrets, id)).toEqual({ ok: true, value: undefined });
    expect(await filesOf(integrations)).toEqual(other);
    expect(await filesOf(env.store.auditDir)).toEqual([path.basename(otherLog)]);
    expect(env.store.settings.data.integrations).toEqual([]);
    // No trace of the people it read is left in the data directory.
    expect(await everything()).not.toContain(somebody);
    expect(await everything()).not.toContain('left.behind@contoso.com');
  });

  it('is refused while a run of the integration is going on, and keeps everything', async () => {
    env = await startSyncEnv({ users: 10 });
    const id = env.integrationId;
    const lock = await acquireRunLock(env.dataDir, id, 'apply (schedule)');
    if (!lock.ok) throw new Error(lock.error.message);
    try {
      const r = await removeIntegration(env.store, env.secrets, id);
      expect(r).toMatchObject({ ok: false, error: { code: 'RUN_IN_PROGRESS' } });
      if (!r.ok) expect(r.error.message).toMatch(/^The integration was not removed: one of its runs is in progress \(apply \(schedule\), process \d+/);
      expect(env.store.settings.data.integrations.map((i) => i.id)).toEqual([id]);
      expect((await env.secrets.get(id, 'lmsToken')).ok).toBe(true);
    } finally {
      await lock.value.release();
    }
  });
});
