/** Provision on demand over the real simulators: one user, dry run then apply, and the disabled rule. */
import { afterEach, describe, expect, it } from 'vitest';
import type { FixtureUser } from '../../../src-main/demo/graph';
import { provisionOnDemand, type ProvisionTrace } from '../../../src-main/sync/diagnose-service';
import { runIntegration } from '../../../src-main/sync/run';
import { startSyncEnv, type SyncEnv } from '../../helpers/sync-env';

let env: SyncEnv | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});

/** An ordinary enabled employee in All Staff (not one of the named cases). */
function plainUser(e: SyncEnv): FixtureUser {
  const named = new Set(e.tenant.cases.flatMap((c) => c.userIds));
  const u = e.tenant.fixture.users.find((x) => !named.has(x.id) && x.accountEnabled && x.employeeType === 'Employee' && x.department === 'Engineering' && x.employeeLeaveDateTime === null);
  if (!u) throw new Error('no plain user');
  return u;
}

function ok(r: Awaited<ReturnType<typeof provisionOnDemand>>): ProvisionTrace {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

describe('provision on demand', () => {
  it('dry run shows each step and the create, writes nothing; apply creates exactly that user and links it', async () => {
    env = await startSyncEnv({ users: 80 });
    const u = plainUser(env);
    const dry = ok(await provisionOnDemand(env, env.integrationId, u.mail ?? u.userPrincipalName, { apply: false }));
    expect(dry.steps.map((s) => `${s.id}:${s.status}`)).toEqual(['connection:pass', 'read-user:pass', 'scope:pass', 'match:info', 'action:info']);
    expect(dry.outcome).toBe('would-change');
    expect(dry.ops.map((o) => o.kind)).toEqual(['create']);
    expect(dry.steps.find((s) => s.id === 'scope')?.evidence[0]?.value).toContain('All Staff');
    expect(env.lms.users()).toHaveLength(0);
    expect(dry.run).toBeNull();

    const applied = ok(await provisionOnDemand(env, env.integrationId, u.userPrincipalName, { apply: true }));
    expect(applied.outcome).toBe('applied');
    expect(applied.steps.find((s) => s.id === 'apply')?.status).toBe('pass');
    const lmsUsers = env.lms.users();
    expect(lmsUsers).toHaveLength(1);
    expect(lmsUsers[0]?.externalId).toBe(u.id);
    expect(applied.account?.externalId).toBe(u.id);
    const links = (await env.store.links(env.integrationId)).data.links;
    expect(links).toEqual([expect.objectContaining({ sourceId: u.id, targetId: applied.account?.id, origin: 'created' })]);
    const runs = (await env.store.runs(env.integrationId)).data.runs;
    expect(runs[0]).toMatchObject({ kind: 'on-demand', outcome: 'succeeded', applied: 1, failed: 0 });
    // The department it made for them (the LMS was empty) is the integration's, as a sync's would be.
    const engineering = env.lms.departments().find((d) => d.displayName === 'Engineering');
    expect((await env.store.createdDepartments(env.integrationId)).data.created).toEqual([expect.objectContaining({ id: engineering?.id, path: ['Engineering'] })]);

    // Again: the account is found fresh by externalId, nothing left to do.
    const again = ok(await provisionOnDemand(env, env.integrationId, u.id, { apply: true }));
    expect(again.outcome).toBe('nothing-to-do');
    expect(env.lms.users()).toHaveLength(1);
  });

  it('with pushed groups: creates the LMS group with this one person (the others wait for the sync), then adds another, and says so', async () => {
    env = await startSyncEnv({ users: 80, config: (base, tenant) => ({ ...base, mapping: { pushGroups: [{ groupId: tenant.groupIds.engineering, groupName: 'Engineering', lmsGroup: 'Engineers' }] } }) });
    const e = env;
    const u = plainUser(e);
    const dry = ok(await provisionOnDemand(e, e.integrationId, u.id, { apply: false }));
    expect(dry.steps.find((s) => s.id === 'action')?.evidence).toContainEqual({ label: 'Group in the LMS', value: 'create "Engineers" with this person (the next sync adds the others)' });
    const applied = ok(await provisionOnDemand(e, e.integrationId, u.id, { apply: true }));
    expect(applied.outcome).toBe('applied');
    expect(applied.steps.find((s) => s.id === 'apply')?.detail).toBe('2 change(s) written to the LMS.');
    const members = () => ((e.lms.store.orgList('groups') as Array<{ displayName: string; members?: Array<{ value: string }> }>).find((g) => g.displayName === 'Engineers')?.members ?? []).map((m) => m.value);
    expect(members()).toEqual([applied.account?.id]);
    // The on-demand run's record counts the group write beside the person's own change.
    expect((await e.store.runs(e.integrationId)).data.runs.find((r) => r.kind === 'on-demand')).toMatchObject({ applied: 1, groupsWritten: 1, failed: 0 });
    // Someone else in Engineering: added to the group that now exists, nobody else touched.
    const named = new Set(e.tenant.cases.flatMap((c) => c.userIds));
    const other = e.tenant.fixture.users.find((x) => x.id !== u.id && !named.has(x.id) && x.accountEnabled && x.department === 'Engineering' && x.employeeLeaveDateTime === null && e.tenant.fixture.groups.find((g) => g.id === e.tenant.groupIds.engineering)?.memberUserIds.includes(x.id));
    if (!other) throw new Error('nobody else in Engineering');
    const second = ok(await provisionOnDemand(e, e.integrationId, other.id, { apply: true }));
    expect(second.outcome).toBe('applied');
    expect(members().sort()).toEqual([applied.account?.id, second.account?.id].sort());
  });

  it('never writes while the integration is disabled, and records the blocked attempt', async () => {
    env = await startSyncEnv({ users: 40, enabled: false });
    const u = plainUser(env);
    const r = ok(await provisionOnDemand(env, env.integrationId, u.id, { apply: true }));
    expect(r.outcome).toBe('blocked');
    expect(r.error?.code).toBe('INTEGRATION_DISABLED');
    expect(r.steps.find((s) => s.id === 'action')?.detail).toMatch(/^Will be created once the integration is enabled/);
    expect(env.lms.users()).toHaveLength(0);
    expect((await env.store.runs(env.integrationId)).data.runs[0]).toMatchObject({ kind: 'on-demand', outcome: 'blocked' });
  });

  it('with "Create users" off, creates nothing and says why in the action step', async () => {
    env = await startSyncEnv({ users: 40, config: (base) => ({ ...base, mapping: { ...base.mapping, createUsers: false } }) });
    const u = plainUser(env);
    const r = ok(await provisionOnDemand(env, env.integrationId, u.id, { apply: true }));
    expect(r.outcome).toBe('nothing-to-do');
    expect(r.steps.find((s) => s.id === 'action')).toMatchObject({ status: 'warn', detail: 'Not created: "Create users" is off' });
    expect(env.lms.users()).toHaveLength(0);
  });

  it('says so when Entra has nobody by that name', async () => {
    env = await startSyncEnv({ users: 20 });
    const r = ok(await provisionOnDemand(env, env.integrationId, 'nobody@contoso.example', { apply: false }));
    expect(r.outcome).toBe('not-found');
    expect(r.steps.find((s) => s.id === 'read-user')?.status).toBe('fail');
    expect(r.steps.find((s) => s.id === 'action')?.status).toBe('skipped');
  });

  it('writes nothing for a name several people answer to, and says who they are', async () => {
    env = await startSyncEnv({ users: 80 });
    const e = env;
    // A first name at least two people share (the generated tenant repeats them).
    const counts = new Map<string, number>();
    for (const u of e.tenant.fixture.users) if (u.givenName) counts.set(u.givenName, (counts.get(u.givenName) ?? 0) + 1);
    const shared = [...counts].find(([name, n]) => n >= 2 && name.length >= 3)?.[0];
    if (!shared) throw new Error('no shared first name');
    await runIntegration(e, { integrationId: e.integrationId, kind: 'dry-run', trigger: 'manual' });
    const before = e.lms.users().length;
    const r = ok(await provisionOnDemand(e, e.integrationId, shared, { apply: true }));
    expect(r.outcome).toBe('not-found');
    expect(r.steps.find((s) => s.id === 'read-user')).toMatchObject({ status: 'fail', detail: expect.stringMatching(new RegExp(`^\\d+ people in Entra answer to "${shared}"\\.$`)) as unknown, fix: expect.stringContaining('e-mail address or Entra object id') as unknown });
    expect(e.lms.users().length).toBe(before);
  });
});
