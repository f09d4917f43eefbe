/**
 * Damaged data files (test/unit/store.test.ts covers the settings file on the Store): here the
 * link table and the run history — truncated, empty, not JSON — are restored from their last
 * good copy with nothing lost, and every recovery reaches the admin through the typed API
 * (getAppInfo().notices), for the settings file too, until dismissed.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AppInfo } from '../../../src-preload/api-types';
import { IntegrationConfigSchema } from '../../../src-main/core/config';
import { dispatch } from '../../../src-main/ipc/dispatch';
import { createIntegration } from '../../../src-main/store/integrations';
import type { RunRecord } from '../../../src-main/store/records';
import { Store } from '../../../src-main/store/store';
import { runIntegration } from '../../../src-main/sync/run';
import { testContext, VALID_CONFIG } from '../../helpers/context';
import { startSyncEnv } from '../../helpers/sync-env';
import { withTempDir } from '../../helpers/tmp';

const NOW = new Date('2026-11-23T10:00:00Z');
const DAMAGE = [
  ['truncated', (text: string) => text.slice(0, Math.floor(text.length / 2))],
  ['empty', () => ''],
  ['not JSON', () => '\u0000\u0001garbage'],
  ['the wrong shape', () => JSON.stringify({ schemaVersion: 1, links: 'nope', runs: 'nope' })],
] as const;

function aRun(integrationId: string, i: number): RunRecord {
  return {
    id: `run-${i}`,
    integrationId,
    kind: 'apply',
    trigger: 'schedule',
    via: null,
    readMode: 'delta',
    lmsRead: { mode: 'changes', reason: null }, planMode: null,
    startedAt: NOW.toISOString(),
    finishedAt: NOW.toISOString(),
    outcome: 'succeeded',
    planned: { create: i, update: 0, deactivate: 0, reactivate: 0, conflict: 0, skip: 0, unchanged: 0 },
    applied: i,
    failed: 0,
    groupsWritten: 0,
    heldBack: 0,
    error: null,
    auditLog: null,
  };
}

/** A data directory with one integration, 50 links and 3 runs, all written through the store. */
async function seed(dir: string) {
  const store = await Store.open(dir);
  const record = await createIntegration(store, IntegrationConfigSchema.parse(VALID_CONFIG), NOW);
  await (await store.links(record.id)).update((f) => {
    for (let i = 0; i < 50; i++) f.links.push({ integrationId: record.id, sourceId: `entra-${i}`, targetId: `lms-${i}`, origin: 'created', linkedAt: NOW.toISOString(), emailAtLink: `user${i}@contoso.com` });
  });
  await (await store.runs(record.id)).update((f) => void f.runs.push(aRun(record.id, 1), aRun(record.id, 2), aRun(record.id, 3)));
  return { id: record.id, links: (await store.links(record.id)).data.links, runs: (await store.runs(record.id)).data.runs };
}

async function appInfo(ctx: Awaited<ReturnType<typeof testContext>>): Promise<AppInfo> {
  const r = await dispatch('getAppInfo', undefined, ctx);
  if (!r.ok) throw new Error(r.error.message);
  return r.value as AppInfo;
}

describe('damaged data files are restored and the admin is told', () => {
  for (const [what, damage] of DAMAGE) {
    it(`link table and run history ${what}: restored from the last good copy, notice through the API`, async () => {
      await withTempDir(async (dir) => {
        const { id, links, runs } = await seed(dir);
        for (const suffix of ['links', 'runs']) {
          const file = path.join(dir, 'integrations', `${id}.${suffix}.json`);
          await writeFile(file, damage(await readFile(file, 'utf8')));
        }

        // The app starts again; the dashboard lists integrations and the history (as the UI does).
        const ctx = await testContext(dir);
        expect((await dispatch('listIntegrations', undefined, ctx)).ok).toBe(true);
        const history = await dispatch('listRuns', { id }, ctx);
        expect(history).toEqual({ ok: true, value: runs });
        expect((await ctx.store.links(id)).data.links).toEqual(links);

        const notices = (await appInfo(ctx)).notices;
        const ids = notices.map((n) => n.id.split('@')[0]);
        expect(ids).toEqual(expect.arrayContaining(['link table-restored', 'run history-restored']));
        for (const n of notices) {
          expect(n.level).toBe('warning');
          expect(n.message).toMatch(/was damaged .* restored the last good copy/);
          expect(n.fix).toMatch(/damaged-/);
        }
        // The damaged files were kept for support, next to the restored ones.
        const kept = (await readdir(path.join(dir, 'integrations'))).filter((f) => f.includes('.damaged-'));
        expect(kept).toHaveLength(2);
        // And the restored files are healthy on disk: a fresh start reads them without a notice.
        const again = await Store.open(dir);
        expect((await again.links(id)).data.links).toEqual(links);
        expect((await again.runs(id)).data.runs).toEqual(runs);
        expect(again.notices).toEqual([]);
      });
    });
  }

  it('a link table damaged between two runs: the next run restores it before planning, re-creates nobody and the notice reaches the API', async () => {
    const env = await startSyncEnv({ users: 120, seed: 4 });
    try {
      const first = await runIntegration(env, { integrationId: env.integrationId, kind: 'apply', trigger: 'manual' });
      expect(first.run.outcome).toBe('succeeded');
      const links = (await env.store.links(env.integrationId)).data.links;
      const file = path.join(env.dataDir, 'integrations', `${env.integrationId}.links.json`);
      await writeFile(file, (await readFile(file, 'utf8')).slice(0, 100));

      // The app starts again (a new Store) and the scheduler runs the integration.
      const ctx = { ...(await testContext(env.dataDir)), store: await Store.open(env.dataDir) };
      const next = await runIntegration({ store: ctx.store, secrets: env.secrets, now: env.now }, { integrationId: env.integrationId, kind: 'apply', trigger: 'schedule' });
      expect(next.run.outcome).toBe('succeeded');
      expect(next.plan?.summary).toMatchObject({ create: 0, update: 0, deactivate: 0, reactivate: 0 });
      expect(env.lms.users()).toHaveLength(links.length);
      expect((await ctx.store.links(env.integrationId)).data.links).toEqual(links);
      const ids = (await appInfo(ctx)).notices.map((n) => n.id.split('@')[0]);
      expect(ids).toEqual(['link table-restored']);
    } finally {
      await env.close();
    }
  });

  it('a last-good copy that cannot be written: the apply succeeds with every link saved, and one notice says so', async () => {
    const env = await startSyncEnv({ users: 1_200, seed: 4 });
    try {
      // Something in the way of the link table's backup (here a folder where the copy goes).
      const file = path.join(env.dataDir, 'integrations', `${env.integrationId}.links.json`);
      await mkdir(`${file}.last-good`);
      const run = await runIntegration(env, { integrationId: env.integrationId, kind: 'apply', trigger: 'manual' });
      expect(run.run.outcome).toBe('succeeded');
      // Every account made is linked on disk: the next run re-creates nobody and needs no externalId match.
      const onDisk = JSON.parse(await readFile(file, 'utf8')) as { links: { targetId: string }[] };
      expect(onDisk.links.map((l) => l.targetId).sort()).toEqual(env.lms.users().map((u) => u.id).sort());
      // The link table was written in several batches, each failing its backup: one notice for them all.
      const ctx = { ...(await testContext(env.dataDir)), store: env.store };
      const notices = (await appInfo(ctx)).notices;
      expect(notices.map((n) => n.id.split('@')[0])).toEqual(['link table-backup-stale']);
      // The reason in words (on Linux a rename onto a folder is EISDIR; Windows says EPERM).
      expect(notices[0]?.message).toMatch(/^Rollcall saved the link table but could not refresh its last good copy: [a-z]/);
    } finally {
      await env.close();
    }
  });

  it('a settings backup that cannot be written: one notice, which stays dismissed, and goes once a backup is written again', async () => {
    await withTempDir(async (dir) => {
      await seed(dir);
      const backup = path.join(dir, 'settings.json.last-good');
      await rm(backup);
      await mkdir(backup);
      const ctx = await testContext(dir);
      const save = () => ctx.store.settings.update((st) => void (st.preferences.minimiseToTray = !st.preferences.minimiseToTray));
      await save();
      await save();
      const notices = (await appInfo(ctx)).notices;
      expect(notices.map((n) => n.id.split('@')[0])).toEqual(['settings-backup-stale']);
      // Dismissing is itself a settings save whose backup fails: the notice must not come back.
      expect(await dispatch('dismissNotice', { id: notices[0]?.id ?? '' }, ctx)).toEqual({ ok: true, value: { dismissed: true } });
      expect((await appInfo(ctx)).notices).toEqual([]);
      expect(ctx.store.settings.data.preferences.dismissedNotices).toHaveLength(1);
      // The folder in the way is moved: the next save writes the backup, and the notice is gone.
      await rm(backup, { recursive: true });
      await save();
      expect(ctx.store.notices).toEqual([]);
      expect(JSON.parse(await readFile(backup, 'utf8'))).toEqual(JSON.parse(await readFile(path.join(dir, 'settings.json'), 'utf8')));
    });
  });

  it('a damaged settings file: the integration comes back and the notice reaches getAppInfo until dismissed', async () => {
    await withTempDir(async (dir) => {
      const { id } = await seed(dir);
      const file = path.join(dir, 'settings.json');
      const good = JSON.parse(await readFile(file, 'utf8')) as { integrations: unknown[] };
      await writeFile(file, (await readFile(file, 'utf8')).slice(0, 40));

      const ctx = await testContext(dir);
      const listed = await dispatch('listIntegrations', undefined, ctx);
      expect(listed.ok && (listed.value as { id: string }[]).map((i) => i.id)).toEqual([id]);
      expect(ctx.store.settings.data.integrations).toEqual(good.integrations);
      const [notice] = (await appInfo(ctx)).notices;
      expect(notice?.id).toMatch(/^settings-restored@/);
      expect(notice?.message).toContain('restored the last good copy');

      expect(await dispatch('dismissNotice', { id: notice?.id ?? '' }, ctx)).toEqual({ ok: true, value: { dismissed: true } });
      expect((await appInfo(ctx)).notices).toEqual([]);
    });
  });
});
