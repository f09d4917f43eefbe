/**
 * Runs read the LMS by its changes between daily full reads: an edit made by hand in the LMS is
 * still seen and put right, an account removed by hand makes the run read in full (and say why),
 * and the admin's "full read" and a day-old full read both read every account.
 */
import { readFile, rm, stat } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { runIntegration, type RunProgress } from '../../../src-main/sync/run';
import { cacheFile } from '../../../src-main/sync/cache-files';
import { forgetParsed, loadCached } from '../../../src-main/sync/snapshot-cache';
import { ageLmsAccounts as age, startSyncEnv, type SyncEnv } from '../../helpers/sync-env';

let env: SyncEnv | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});

/** After a first apply, and a run that read the accounts it created (by their changes). */
async function appliedEnv(): Promise<SyncEnv> {
  const e = await startSyncEnv({ users: 120 });
  const first = await runIntegration(e, { integrationId: e.integrationId, kind: 'apply', trigger: 'manual' });
  expect(first.run.outcome).toBe('succeeded');
  expect(first.run.lmsRead).toEqual({ mode: 'full', reason: 'the integration is new, re-enabled or connected elsewhere' });
  const second = await dryRun(e);
  expect(second.run.lmsRead).toEqual({ mode: 'changes', reason: null });
  // The accounts the apply created were read as changes: nothing left to do.
  expect(second.plan?.summary).toMatchObject({ create: 0, update: 0, deactivate: 0, reactivate: 0 });
  return e;
}

const dryRun = (e: SyncEnv, full = false, onProgress?: (p: RunProgress) => void) => runIntegration(e, { integrationId: e.integrationId, kind: 'dry-run', trigger: 'schedule', full, onProgress });


/** How many changed accounts the LMS side of a run read, from its progress. */
function changedAccountsRead(seen: RunProgress[]): number | null {
  const last = seen.flatMap((p) => (p.reads?.lms.phase === 'changed users' ? [p.reads.lms.done] : [])).at(-1);
  return last ?? null;
}
/** The pages of accounts a run asked for (not the one-account count queries), by their filter. */
const userPages = (e: SyncEnv) => e.lms.requests().filter((r) => r.path.endsWith('/Users') && r.method === 'GET' && r.query.count !== '1').map((r) => String(r.query.filter ?? 'every account'));

describe('reading the LMS by its changes', () => {
  it('sees an edit made by hand in the LMS and puts it right', async () => {
    env = await appliedEnv();
    age(env);
    const lmsUser = env.lms.users()[0];
    if (!lmsUser) throw new Error('nothing applied');
    // An LMS admin changes a synced person's job title by hand.
    env.lms.store.replaceUser(String(lmsUser.id), { ...structuredClone(lmsUser), title: 'Edited in the LMS' });
    env.lms.clearRequests();

    const seen: RunProgress[] = [];
    const next = await dryRun(env, false, (p) => seen.push(p));
    expect(next.error).toBeNull();
    expect(next.run.lmsRead).toEqual({ mode: 'changes', reason: null });
    expect(next.plan?.targetReadMode).toBe('changes');
    // Entra is the source: the hand edit is put back, and nobody else changes.
    expect(next.plan?.summary).toMatchObject({ create: 0, update: 1, deactivate: 0, reactivate: 0 });
    expect(next.plan?.ops.find((o) => o.kind === 'update')?.targetId).toBe(lmsUser.id);
    // One page of changed accounts, not every account: the edited one alone.
    expect(userPages(env)).toEqual([expect.stringMatching(/^meta\.lastModified gt "/)]);
    expect(changedAccountsRead(seen)).toBe(1);
  });

  it('saves only the people that changed, and a run in a new process builds on them', async () => {
    env = await appliedEnv();
    const e = env;
    age(e);
    const files = (what: 'source' | 'target' | 'source-changes' | 'target-changes') => cacheFile(e.store.dataDir, e.integrationId, what);
    const stamp = async (what: 'source' | 'target') => (await stat(files(what))).mtimeMs;
    const bases = [await stat(files('source')), await stat(files('target'))];
    const link = (await e.store.links(e.integrationId)).data.links[3];
    const lmsUser = e.lms.users()[0];
    if (!link || !lmsUser) throw new Error('nothing applied');
    e.graph.mutateUser(link.sourceId, { jobTitle: 'Head of Learning' });
    e.lms.store.replaceUser(String(lmsUser.id), { ...structuredClone(lmsUser), title: 'Edited in the LMS' });

    const next = await dryRun(e);
    expect(next.run.readMode).toBe('delta');
    expect(next.run.lmsRead).toEqual({ mode: 'changes', reason: null });
    // The bases are as the last full save left them; the changes files hold the changed people.
    expect([await stamp('source'), await stamp('target')]).toEqual(bases.map((b) => b.mtimeMs));
    await expect(stat(files('source-changes'))).resolves.toBeTruthy();
    await expect(stat(files('target-changes'))).resolves.toBeTruthy();

    // Another process (the CLI, or the app after a restart) reads what this run saw.
    forgetParsed(e.store.dataDir, e.integrationId);
    const source = await loadCached(e.store.dataDir, e.integrationId, 'source');
    const target = await loadCached(e.store.dataDir, e.integrationId, 'target');
    expect(source?.users.find((u) => u.id === link.sourceId)?.jobTitle).toBe('Head of Learning');
    expect(target?.users.find((u) => u.id === lmsUser.id)?.attributes.title).toBe('Edited in the LMS');
    const again = await dryRun(e);
    expect(again.run.readMode).toBe('delta');
    expect(again.run.lmsRead).toEqual({ mode: 'changes', reason: null });
    expect(again.plan?.ops).toEqual(next.plan?.ops);
    // The changes add up across runs: the second one, which saw nothing new, still carries both.
    const held = async (what: 'source-changes' | 'target-changes') => (JSON.parse(await readFile(files(what), 'utf8')) as { data: { users: Array<{ id: string }> } }).data.users.map((u) => u.id);
    expect(await held('source-changes')).toContain(link.sourceId);
    expect(await held('target-changes')).toContain(lmsUser.id);

    // Changes files lost (a power cut: caches are not flushed) or deleted by hand: the bases alone
    // are older than the delta link, so the next run reads both sides in full.
    await rm(files('source-changes'));
    await rm(files('target-changes'));
    forgetParsed(e.store.dataDir, e.integrationId);
    const after = await dryRun(e);
    expect(after.run.readMode).toBe('full');
    expect(after.run.lmsRead).toEqual({ mode: 'full', reason: 'the kept LMS snapshot is not the one the last run saved' });
    expect(after.plan?.ops).toEqual(next.plan?.ops);
  });

  it('reads in full when the LMS does not mark Rollcall’s own writes as modified, and does not repeat them', async () => {
    env = await appliedEnv();
    age(env);
    env.lms.setFaults({ keepLastModifiedOnUpdate: true });
    const link = (await env.store.links(env.integrationId)).data.links[0];
    if (!link) throw new Error('no link');
    env.graph.mutateUser(link.sourceId, { jobTitle: 'Head of Learning' });
    const applied = await runIntegration(env, { integrationId: env.integrationId, kind: 'apply', trigger: 'schedule' });
    expect(applied.plan?.summary).toMatchObject({ update: 1 });
    expect(applied.run.outcome).toBe('succeeded');

    const next = await dryRun(env);
    expect(next.run.lmsRead).toEqual({ mode: 'full', reason: 'the LMS did not mark 1 account Rollcall changed as modified, so changes reads would miss edits' });
    // Read in full, the LMS shows the update applied: nothing to do again.
    expect(next.plan?.summary).toMatchObject({ create: 0, update: 0, deactivate: 0, reactivate: 0 });
  });

  it('reads in full, and says why, when an account was removed inside the LMS; the plan is the full read’s', async () => {
    env = await appliedEnv();
    const gone = env.lms.users()[5];
    if (!gone) throw new Error('nothing applied');
    env.lms.store.removeUser(String(gone.id));

    env.lms.clearRequests();
    const next = await dryRun(env);
    expect(next.run.lmsRead).toEqual({ mode: 'full', reason: '1 account was removed from the LMS since the last full read' });
    expect(userPages(env)).toContain('every account');
    const forced = await dryRun(env, true);
    expect(forced.run.lmsRead).toEqual({ mode: 'full', reason: 'a full read was asked for' });
    expect(next.plan?.summary).toEqual(forced.plan?.summary);
  });

  it('reads in full once a day whatever the changes say', async () => {
    env = await appliedEnv();
    const id = env.integrationId;
    await env.store.settings.update((s) => {
      const r = s.integrations.find((i) => i.id === id);
      if (r) r.lmsFullReadAt = new Date(Date.now() - 25 * 3_600_000).toISOString();
    });
    const next = await dryRun(env);
    expect(next.run.lmsRead).toEqual({ mode: 'full', reason: 'the last full read of the LMS is a day old' });
    expect(Date.parse(env.store.settings.data.integrations[0]?.lmsFullReadAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
    expect((await dryRun(env)).run.lmsRead?.mode).toBe('changes');
  });
});
