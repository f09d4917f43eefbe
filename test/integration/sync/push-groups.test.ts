/**
 * Pushed groups end to end (reference 002, Okta's "Push Groups"): through the Graph and SCIM
 * simulators, a dry run says what each LMS group gets, an apply creates one group and links
 * another by its name, a later change in Entra moves exactly the member it should, and people
 * added to the LMS group by hand stay.
 */
import { afterEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { auditLines, type AuditLine } from '../../../src-main/sync/audit';
import { runIntegration } from '../../../src-main/sync/run';
import { describeApplied } from '../../../src-main/core/reports';
import type { NewTargetUser } from '../../../src-main/core/directories';
import { appError, fail } from '../../../src-main/core/errors';
import type { Json } from '../../../src-main/demo/lms/store';
import { aroundLmsCalls, startSyncEnv, type SyncEnv } from '../../helpers/sync-env';

let env: SyncEnv | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});

const membersOf = (e: SyncEnv, name: string): string[] | null => {
  const g = (e.lms.store.orgList('groups') as Json[]).find((x) => x.displayName === name);
  if (!g) return null;
  return ((g.members as Array<{ value: string }> | undefined) ?? []).map((m) => m.value).sort();
};

describe('pushed groups', () => {
  it('creates one LMS group, links another by name, keeps both in step with Entra and leaves hand-added members alone', async () => {
    env = await startSyncEnv({
      users: 200,
      config: (base, tenant) => ({
        ...base,
        // Sales EMEA is in scope on its own too, so taking it out of Sales (below) changes groups only.
        scope: { include: [...(base.scope?.include ?? []), { kind: 'group', groupId: tenant.groupIds.salesEmea, groupName: 'Sales EMEA' }] },
        mapping: {
          pushGroups: [
            { groupId: tenant.groupIds.sales, groupName: 'Sales', lmsGroup: 'Sales team' },
            { groupId: tenant.groupIds.engineering, groupName: 'Engineering', lmsGroup: 'engineering' },
          ],
        },
      }),
    });
    const e = env;
    // The LMS already has an Engineering group, with someone an admin put there by hand.
    const outsider = e.lms.store.createUser({ userName: 'visiting.lecturer@partner.example', active: true, emails: [{ value: 'visiting.lecturer@partner.example', type: 'work', primary: true }] });
    e.lms.store.putGroup(null, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Engineering', members: [{ value: String(outsider.id) }] });

    const dry = await runIntegration(e, { integrationId: e.integrationId, kind: 'dry-run', trigger: 'manual' });
    expect(dry.error).toBeNull();
    const [sales, engineering] = dry.plan?.groups ?? [];
    expect(sales).toMatchObject({ groupName: 'Sales', lmsGroup: 'Sales team', action: 'create', lmsGroupId: null, remove: [] });
    expect(engineering).toMatchObject({ groupName: 'Engineering', lmsGroup: 'engineering', action: 'update', remove: [] });
    expect(sales?.add.length).toBeGreaterThan(3);
    // Everyone added gets their account in this apply (the LMS starts empty), and is in Sales in Entra (nested groups too).
    const creates = new Set(dry.plan?.ops.filter((o) => o.kind === 'create').map((o) => o.sourceId));
    expect(sales?.add.every((m) => m.targetId === null && creates.has(m.sourceId))).toBe(true);
    // A dry run writes nothing.
    expect(membersOf(e, 'Sales team')).toBeNull();

    const applied = await runIntegration(e, { integrationId: e.integrationId, kind: 'apply', trigger: 'manual' });
    expect(applied.run.outcome).toBe('succeeded');
    const links = (await e.store.links(e.integrationId)).data.links;
    const accountOf = (sourceId: string | null) => links.find((l) => l.sourceId === sourceId)?.targetId ?? '';
    expect(membersOf(e, 'Sales team')).toEqual((sales?.add ?? []).map((m) => accountOf(m.sourceId)).sort());
    expect(membersOf(e, 'Engineering')).toEqual([String(outsider.id), ...(engineering?.add ?? []).map((m) => accountOf(m.sourceId))].sort());

    // In step: a full read finds nothing to do for either group.
    const again = await runIntegration(e, { integrationId: e.integrationId, kind: 'dry-run', trigger: 'manual', full: true });
    expect(again.plan?.groups?.map((g) => g.action)).toEqual(['unchanged', 'unchanged']);

    // Someone leaves Engineering in Entra: they are taken out; the hand-added member stays.
    const leaver = engineering?.add[0];
    if (!leaver?.sourceId) throw new Error('nobody in Engineering');
    const direct = e.tenant.fixture.groups.find((g) => g.id === e.tenant.groupIds.engineering);
    if (!direct?.memberUserIds.includes(leaver.sourceId)) throw new Error('the first member is not a direct one');
    e.graph.removeGroupMember(e.tenant.groupIds.engineering, leaver.sourceId);
    const moved = await runIntegration(e, { integrationId: e.integrationId, kind: 'apply', trigger: 'manual' });
    expect(moved.run.outcome).toBe('succeeded');
    const update = moved.plan?.groups?.[1];
    expect(update).toMatchObject({ action: 'update', add: [] });
    expect(update?.remove.map((m) => m.sourceId)).toEqual([leaver.sourceId]);
    expect(membersOf(e, 'Engineering')).toContain(String(outsider.id));
    expect(membersOf(e, 'Engineering')).not.toContain(accountOf(leaver.sourceId));
    // Sales EMEA taken out of Sales in Entra: its people would all leave "Sales team" at once, so
    // the apply waits for a confirmation of that number, as a mass deactivation does.
    const before = membersOf(e, 'Sales team');
    e.graph.removeGroupMember(e.tenant.groupIds.sales, e.tenant.groupIds.salesEmea);
    const held = await runIntegration(e, { integrationId: e.integrationId, kind: 'apply', trigger: 'manual' });
    expect(held.run.outcome).toBe('blocked');
    expect(held.error?.code).toBe('GUARD_GROUP_REMOVAL_THRESHOLD');
    const leaving = held.plan?.groups?.[0]?.remove.length ?? 0;
    expect(leaving).toBeGreaterThan(10);
    expect(held.plan?.guards.find((g) => g.code === 'group_removal_threshold')?.count).toBe(leaving);
    expect(membersOf(e, 'Sales team')).toEqual(before);
    // A deactivation confirmation, however large, does not lift it: it has its own number.
    const wrongOne = await runIntegration(e, { integrationId: e.integrationId, kind: 'apply', trigger: 'manual', confirmedDeactivations: 100_000 });
    expect(wrongOne.error?.code).toBe('GUARD_GROUP_REMOVAL_THRESHOLD');
    expect(membersOf(e, 'Sales team')).toEqual(before);
    const confirmed = await runIntegration(e, { integrationId: e.integrationId, kind: 'apply', trigger: 'manual', confirmedGroupRemovals: leaving });
    expect(confirmed.run.outcome).toBe('succeeded');
    expect(membersOf(e, 'Sales team')).toHaveLength((before?.length ?? 0) - leaving);

    // The audit log says what was written to the group, by name.
    const lines: AuditLine[] = [];
    for await (const line of auditLines(path.join(e.store.auditDir, moved.run.auditLog ?? ''))) lines.push(line);
    expect(lines.filter((l) => l.op === 'group')).toMatchObject([
      { reason: 'group_members_changed', sourceId: e.tenant.groupIds.engineering, targetId: update?.lmsGroupId, result: 'ok', fields: [{ field: 'LMS group', to: 'engineering' }, { field: 'members added', to: [] }, { field: 'members removed', from: [leaver.name] }] },
    ]);
  });

  it('leaves out of the group someone whose account the LMS refused, names only who was sent, and adds them at the next run', async () => {
    env = await startSyncEnv({ users: 60, config: (base, tenant) => ({ ...base, mapping: { pushGroups: [{ groupId: tenant.groupIds.sales, groupName: 'Sales', lmsGroup: 'Sales team' }] } }) });
    const e = env;
    const dry = await runIntegration(e, { integrationId: e.integrationId, kind: 'dry-run', trigger: 'manual' });
    const refused = dry.plan?.groups?.[0]?.add[0];
    if (!refused?.sourceId) throw new Error('nobody in Sales');
    // The LMS refuses that one person's account (a real SCIM client, one answer replaced).
    const refusing = aroundLmsCalls(new Set(['createUser']), (_method, args, call) => {
      const user = args[0] as NewTargetUser;
      return user.externalId === refused.sourceId ? Promise.resolve(fail(appError('LMS_REJECTED', 'The LMS refused this account.', 'Fix it in the LMS.'))) : call();
    });
    const applied = await runIntegration(e, { integrationId: e.integrationId, kind: 'apply', trigger: 'manual', connectors: refusing });
    expect(applied.run.outcome).toBe('partial');
    // One refused account, one failure: the manager writes naming them (and their own) are held
    // back with a note, not failed one by one.
    expect(applied.apply?.failures.map((f) => [f.op.kind, f.op.sourceId])).toEqual([['create', refused.sourceId]]);
    const planned = applied.plan?.groups?.[0]?.add.map((m) => m.name) ?? [];
    expect(membersOf(e, 'Sales team')).toHaveLength(planned.length - 1);
    const lines: AuditLine[] = [];
    for await (const line of auditLines(path.join(e.store.auditDir, applied.run.auditLog ?? ''))) lines.push(line);
    const heldBack = lines.filter((l) => l.error?.code === 'RELATION_HELD_BACK');
    expect(heldBack.length).toBeGreaterThan(0);
    expect(heldBack.every((l) => l.result === 'not-executed' && /no account \(the create failed above\)|their own account was not created/.test(l.error?.message ?? ''))).toBe(true);
    const group = lines.find((l) => l.op === 'group');
    expect(group?.fields?.find((f) => f.field === 'members added')?.to).toEqual(planned.filter((n) => n !== refused.name));
    // The run's history record says so too, for the apply page, the dashboard and the CLI.
    const stored = (await e.store.runs(e.integrationId)).data.runs.find((r) => r.id === applied.run.id);
    expect(stored).toMatchObject({ applied: applied.apply?.applied, failed: 1, groupsWritten: 1, heldBack: heldBack.length });
    const said = describeApplied(applied.run);
    expect(said.written).toBe(`${applied.apply?.applied.toLocaleString('en-US')} changes applied, 1 LMS group written, 1 failed`);
    expect(said.heldBack).toMatch(new RegExp(`^${heldBack.length} manager or approver writes? waits? for an account whose create failed`));

    const next = await runIntegration(e, { integrationId: e.integrationId, kind: 'apply', trigger: 'manual' });
    expect(next.run.outcome).toBe('succeeded');
    expect(next.run).toMatchObject({ groupsWritten: 1, heldBack: 0 });
    expect(next.plan?.groups?.[0]).toMatchObject({ action: 'update', add: [{ targetId: null, sourceId: refused.sourceId }], remove: [] });
    expect(membersOf(e, 'Sales team')).toHaveLength(planned.length);
  });

  it('a token that may not read groups leaves the pushed groups alone, says why, and syncs the people', async () => {
    env = await startSyncEnv({ users: 40, lmsFaults: { groupsForbiddenStatus: 403 }, config: (base, tenant) => ({ ...base, mapping: { pushGroups: [{ groupId: tenant.groupIds.sales, groupName: 'Sales', lmsGroup: 'Sales team' }] } }) });
    const e = env;
    const applied = await runIntegration(e, { integrationId: e.integrationId, kind: 'apply', trigger: 'manual' });
    expect(applied.run.outcome).toBe('succeeded');
    expect(applied.plan?.summary.create).toBeGreaterThan(10);
    expect(e.lms.users().length).toBe(applied.plan?.summary.create);
    expect(applied.plan?.groups?.[0]).toMatchObject({ action: 'blocked', problem: expect.stringContaining("The LMS's groups could not be read, so Sales is left alone: The LMS token may read users but not groups") });
    // Not a bad token: the integration stays healthy.
    const record = e.store.settings.data.integrations.find((i) => i.id === e.integrationId);
    expect(record?.status).toBe('active');
  });

  it('a group made in the LMS between the read and the create is linked, its members kept, and the audit line says so', async () => {
    env = await startSyncEnv({ users: 40, config: (base, tenant) => ({ ...base, mapping: { pushGroups: [{ groupId: tenant.groupIds.sales, groupName: 'Sales', lmsGroup: 'Sales team' }] } }) });
    const e = env;
    const outsider = e.lms.store.createUser({ userName: 'guest@partner.example', active: true, emails: [{ value: 'guest@partner.example', type: 'work', primary: true }] });
    // Someone makes "Sales team" in the LMS just before Rollcall creates it.
    const racing = aroundLmsCalls(new Set(['createGroup']), (_method, _args, call) => {
      e.lms.store.putGroup(null, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Sales team', members: [{ value: String(outsider.id) }] });
      return call();
    });
    const applied = await runIntegration(e, { integrationId: e.integrationId, kind: 'apply', trigger: 'manual', connectors: racing });
    expect(applied.run.outcome).toBe('succeeded');
    expect(applied.plan?.groups?.[0]?.action).toBe('create');
    expect(membersOf(e, 'Sales team')).toHaveLength((applied.plan?.groups?.[0]?.add.length ?? 0) + 1);
    expect(membersOf(e, 'Sales team')).toContain(String(outsider.id));
    const lines: AuditLine[] = [];
    for await (const line of auditLines(path.join(e.store.auditDir, applied.run.auditLog ?? ''))) lines.push(line);
    expect(lines.filter((l) => l.op === 'group').map((l) => [l.reason, l.result])).toEqual([['group_found_made_and_linked', 'ok']]);
  });

  it('makes no empty group when everyone it was to hold could not be created, and claims no write', async () => {
    env = await startSyncEnv({ users: 30, config: (base, tenant) => ({ ...base, mapping: { pushGroups: [{ groupId: tenant.groupIds.sales, groupName: 'Sales', lmsGroup: 'Sales team' }] } }) });
    const e = env;
    const refuseAll = aroundLmsCalls(new Set(['createUser']), () => Promise.resolve(fail(appError('LMS_REJECTED', 'The LMS refused this account.', 'Fix it in the LMS.'))));
    const applied = await runIntegration(e, { integrationId: e.integrationId, kind: 'apply', trigger: 'manual', connectors: refuseAll });
    expect(applied.plan?.groups?.[0]?.action).toBe('create');
    expect(applied.apply?.groupsWritten).toBe(0);
    expect(membersOf(e, 'Sales team')).toBeNull();
    const lines: AuditLine[] = [];
    for await (const line of auditLines(path.join(e.store.auditDir, applied.run.auditLog ?? ''))) lines.push(line);
    expect(lines.filter((l) => l.op === 'group')).toEqual([]);
  });
});
