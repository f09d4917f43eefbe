/**
 * A run after another in the same process plans only the people who changed (replan.ts), and its
 * plan is the one a full plan of the same snapshots gives; when it cannot build on the last plan
 * it plans everyone and the run record says why. Real Graph and SCIM simulators, real runs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { plan } from '../../../src-main/core/plan';
import { planBasis } from '../../../src-main/core/plan-basis';
import { unmanagedAccounts } from '../../../src-main/core/unmanaged';
import { DELTA_LINK_MAX_AGE_MS } from '../../../src-main/entra';
import { runIntegration, type RunProgress } from '../../../src-main/sync/run';
import { forgetParsed, loadCached, readParsedCache, type ParsedCache } from '../../../src-main/sync/snapshot-cache';
import { ageLmsAccounts as age, startSyncEnv, type SyncEnv } from '../../helpers/sync-env';

let env: SyncEnv | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});

const dryRun = (e: SyncEnv) => runIntegration(e, { integrationId: e.integrationId, kind: 'dry-run', trigger: 'schedule' });


/** The plan plan() makes, in full, of the snapshots the last run saved (read back as another process would). */
async function fullPlanOfSaved(e: SyncEnv, at: string) {
  forgetParsed(e.store.dataDir, e.integrationId);
  const [source, target] = [await loadCached(e.store.dataDir, e.integrationId, 'source'), await loadCached(e.store.dataDir, e.integrationId, 'target')];
  if (!source || !target) throw new Error('nothing saved');
  const record = e.store.settings.data.integrations.find((i) => i.id === e.integrationId);
  if (!record) throw new Error('no integration');
  const links = (await e.store.links(e.integrationId)).data.links;
  const others = await e.store.otherIntegrationsLinks(e.integrationId);
  const full = plan(source, target, { ...record.config, id: record.id }, links, new Date(at), others);
  // A run counts the LMS accounts nothing manages on the plan it made, replanned or not, and
  // records what it was made from.
  return { ...full, basis: planBasis({ ...record.config, id: record.id }, links, others), unmanaged: unmanagedAccounts(source, target, full.ops, links, others, record.config.scope)?.summary ?? null };
}

/** When to look: as reading starts, once one side has finished reading, or as planning starts. */
type Moment = 'reading' | 'entra read' | 'lms read' | 'planning';

function isAt(p: RunProgress, moment: Moment): boolean {
  if (moment === 'entra read') return p.reads?.entra.finished === true;
  if (moment === 'lms read') return p.reads?.lms.finished === true;
  return p.stage === moment;
}

/**
 * A dry run that, at a moment of it, asks for the parsed cache as a diagnosis would: the copy the
 * last run kept in memory when the run still holds it, else a fresh parse of the files.
 */
async function dryRunLookingAtTheKeptCopy(e: SyncEnv, full: boolean, moment: Moment) {
  let seen: Promise<ParsedCache | null> | null = null;
  const outcome = await runIntegration(e, {
    integrationId: e.integrationId,
    kind: 'dry-run',
    trigger: 'manual',
    full,
    onProgress: (p) => {
      if (isAt(p, moment)) seen ??= readParsedCache(e.store.dataDir, e.integrationId);
    },
  });
  if (!seen) throw new Error(`the run never got to "${moment}"`);
  return { outcome, seen: await (seen as Promise<ParsedCache | null>) };
}

describe('planning only the people who changed', () => {
  it("the last run's kept copy is held while a run plans on it, and let go of as soon as nothing needs it", async () => {
    env = await startSyncEnv({ users: 80 });
    const e = env;
    const first = await dryRun(e);
    expect((await readParsedCache(e.store.dataDir, e.integrationId))?.plan).toBe(first.plan);

    // Both sides read by their changes: the run plans on the kept copy, held until it plans.
    const changes = await dryRunLookingAtTheKeptCopy(e, false, 'planning');
    expect(changes.outcome.run.readMode).toBe('delta');
    expect(changes.outcome.run.lmsRead?.mode).toBe('changes');
    expect(changes.outcome.run.planMode).toEqual({ mode: 'changes', reason: null });
    expect(changes.seen?.plan).toBe(first.plan);

    // Both read in full, nothing builds on it: let go of before reading, so a diagnosis meanwhile
    // parses the files (still the last run's).
    const full = await dryRunLookingAtTheKeptCopy(e, true, 'reading');
    expect(full.outcome.run.readMode).toBe('full');
    expect(full.outcome.run.planMode).toEqual({ mode: 'full', reason: 'Entra was read in full' });
    expect(full.seen?.plan).not.toBe(changes.outcome.plan);
    expect(full.seen?.plan).toEqual(changes.outcome.plan);
    expect((await readParsedCache(e.store.dataDir, e.integrationId))?.plan).toBe(full.outcome.plan);

    // The daily full LMS read beside an Entra delta: the delta takes its snapshot from the kept
    // copy, and the rest (the old LMS snapshot, plan and memo) is not carried through the reads.
    // Looked at once the delta has been read, before the run would plan.
    await e.store.settings.update((s) => {
      const r = s.integrations.find((i) => i.id === e.integrationId);
      if (r) r.lmsFullReadAt = new Date(Date.now() - 25 * 3_600_000).toISOString();
    });
    const daily = await dryRunLookingAtTheKeptCopy(e, false, 'entra read');
    expect(daily.outcome.run.readMode).toBe('delta');
    expect(daily.outcome.run.lmsRead).toEqual({ mode: 'full', reason: 'the last full read of the LMS is a day old' });
    expect(daily.outcome.run.planMode).toEqual({ mode: 'full', reason: 'the LMS was read in full' });
    expect(daily.seen?.plan).not.toBe(full.outcome.plan);
    expect(daily.seen?.plan).toEqual(full.outcome.plan);

    // And the other way round: Entra in full (its delta link too old) beside an LMS changes read.
    await e.store.settings.update((s) => {
      const r = s.integrations.find((i) => i.id === e.integrationId);
      if (r) r.deltaLinkIssuedAt = new Date(Date.now() - DELTA_LINK_MAX_AGE_MS - 60_000).toISOString();
    });
    const expired = await dryRunLookingAtTheKeptCopy(e, false, 'lms read');
    expect(expired.outcome.run.readMode).toBe('full');
    expect(expired.outcome.run.lmsRead?.mode).toBe('changes');
    expect(expired.seen?.plan).not.toBe(daily.outcome.plan);
    expect(expired.seen?.plan).toEqual(daily.outcome.plan);
  });

  it('plans a changed person again on the last plan, with the plan a full plan gives', async () => {
    env = await startSyncEnv({ users: 150 });
    const e = env;
    const applied = await runIntegration(e, { integrationId: e.integrationId, kind: 'apply', trigger: 'manual' });
    expect(applied.run.outcome).toBe('succeeded');
    expect(applied.run.planMode).toEqual({ mode: 'full', reason: 'Entra was read in full' });
    // The LMS was read in full for the first sync; this run reads the accounts it created as changes.
    const settled = await dryRun(e);
    expect(settled.run.lmsRead).toEqual({ mode: 'changes', reason: null });
    // The apply linked everyone: the link table is not the one the last plan was made with.
    expect(settled.run.planMode).toEqual({ mode: 'full', reason: 'the link table changed' });
    expect(settled.plan?.summary).toMatchObject({ create: 0, update: 0, deactivate: 0, reactivate: 0 });
    age(e);

    const links = (await e.store.links(e.integrationId)).data.links;
    const [anna, bob] = [links[3], links[7]];
    if (!anna || !bob) throw new Error('nothing applied');
    e.graph.mutateUser(anna.sourceId, { jobTitle: 'Head of Learning' });
    const lmsBob = e.lms.users().find((u) => u.id === bob.targetId);
    if (!lmsBob) throw new Error('no LMS account');
    e.lms.store.replaceUser(String(lmsBob.id), { ...structuredClone(lmsBob), title: 'Edited in the LMS' });

    const next = await dryRun(e);
    expect(next.run.readMode).toBe('delta');
    expect(next.run.lmsRead).toEqual({ mode: 'changes', reason: null });
    expect(next.run.planMode).toEqual({ mode: 'changes', reason: null });
    // Anna's new title goes to the LMS; Bob's hand edit is put back; nobody else changes.
    expect(next.plan?.summary).toMatchObject({ create: 0, update: 2, deactivate: 0, reactivate: 0 });
    // (The demo tenant's standing conflict, two Entra accounts with one address, is planned as before.)
    expect(new Set(next.plan?.ops.filter((o) => o.kind !== 'conflict').map((o) => o.sourceId))).toEqual(new Set([anna.sourceId, bob.sourceId]));
    expect(next.plan).toEqual(await fullPlanOfSaved(e, next.plan?.createdAt ?? ''));
  });

  it('plans everyone, and says why, when someone joins a scope group; an apply after a dry run builds on it', async () => {
    env = await startSyncEnv({ users: 120 });
    const e = env;
    expect((await runIntegration(e, { integrationId: e.integrationId, kind: 'apply', trigger: 'manual' })).run.outcome).toBe('succeeded');
    await dryRun(e);
    age(e);

    const hire = e.graph.addUser({ userPrincipalName: 'new.hire@contoso-demo.onmicrosoft.com', mail: 'new.hire@contoso.example', displayName: 'New Hire', department: 'Sales' });
    e.graph.addGroupMember(e.tenant.groupIds.allStaff, hire.id);
    const joined = await dryRun(e);
    expect(joined.run.readMode).toBe('delta');
    expect(joined.run.planMode).toEqual({ mode: 'full', reason: 'the groups changed' });
    expect(joined.plan?.summary.create).toBe(1);

    // The admin reviewed that dry run and applies: the same plan, built on it.
    const apply = await runIntegration(e, { integrationId: e.integrationId, kind: 'apply', trigger: 'manual', expectedSummary: joined.plan?.summary });
    expect(apply.run.planMode).toEqual({ mode: 'changes', reason: null });
    expect(apply.run.outcome).toBe('succeeded');
    expect(apply.apply?.applied).toBe(1);
    expect(e.lms.users().some((u) => u.userName === 'new.hire@contoso-demo.onmicrosoft.com')).toBe(true);
  });
});
