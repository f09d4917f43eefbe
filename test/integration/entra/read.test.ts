import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRig, type Rig } from './helpers';
import { COST_CENTER_ATTRIBUTE } from '../../../src-main/demo/graph';

function expectedUsers(rig: Rig): Map<string, { mail: string | null; department: string | null; managerId: string | null }> {
  return new Map(rig.tenant.fixture.users.map((u) => [u.id, { mail: u.mail, department: u.department, managerId: u.managerId }]));
}

describe('full read against the simulator over HTTPS', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig(5_000);
  });
  afterAll(() => rig.close());

  it('pages through 5,000 users with $select, manager and raw values', async () => {
    const source = rig.source();
    const progress: number[] = [];
    const r = await source.readFull({ groupIds: [], extraAttributes: [COST_CENTER_ATTRIBUTE], onProgress: (p) => progress.push(p.done) });
    if (!r.ok) throw new Error(r.error.message);
    const { snapshot, deltaLink } = r.value;
    expect(snapshot.complete).toBe(true);
    expect(snapshot.readMode).toBe('full');
    expect(snapshot.users).toHaveLength(5_000);
    expect(new Set(snapshot.users.map((u) => u.id)).size).toBe(5_000);
    const want = expectedUsers(rig);
    for (const u of snapshot.users) {
      const w = want.get(u.id);
      expect(w).toBeDefined();
      expect(u.mail).toBe(w?.mail);
      expect(u.department).toBe(w?.department);
      expect(u.managerId).toBe(w?.managerId);
    }
    const bom = snapshot.users.find((u) => u.mail === 'bo.mark@contoso.example');
    expect(bom?.department).toBe('\uFEFFSales');
    expect(bom?.extra[COST_CENTER_ATTRIBUTE]).toMatch(/^CC-/);
    expect(progress.at(-1)).toBe(5_000);
    expect(deltaLink).toMatch(/\/v1\.0\/users\/delta\?.*deltatoken=/);
    // $expand caps pages at 100 → 50 user pages, + token + delta-latest.
    expect(source.stats.requests).toBeGreaterThanOrEqual(51);
    expect(source.stats.requests).toBeLessThan(60);
  });

  it('signs in once for a whole read, and counts every request the simulator saw', async () => {
    const before = { ...rig.sim.stats };
    const source = rig.source();
    const r = await source.readFull({ groupIds: [rig.tenant.groupIds.allStaff], extraAttributes: [] });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.snapshot.users).toHaveLength(5_000);
    expect(rig.sim.stats.tokenRequests - before.tokenRequests).toBe(1);
    expect(rig.sim.stats.graphRequests - before.graphRequests).toBe(source.stats.requests);
    expect(source.stats.retries).toBe(0);
  });

  it('reads the group tree with direct members so nested paths can be shown', async () => {
    const source = rig.source();
    const { allStaff, sales, salesEmea } = rig.tenant.groupIds;
    const r = await source.readGroups([allStaff]);
    if (!r.ok) throw new Error(r.error.message);
    const groups = new Map(r.value.map((g) => [g.id, g]));
    const anna = rig.tenant.cases.find((c) => c.key === 'nested-group')?.userIds[0] as string;
    // Anna → Sales EMEA → Sales → All Staff
    expect(groups.get(salesEmea)?.memberUserIds).toContain(anna);
    expect(groups.get(sales)?.memberGroupIds).toContain(salesEmea);
    expect(groups.get(allStaff)?.memberGroupIds).toContain(sales);
    expect(groups.get(allStaff)?.memberUserIds).not.toContain(anna);
    expect(groups.size).toBe(8);
  });

  it('survives a membership cycle', async () => {
    const { sales, allStaff } = rig.tenant.groupIds;
    rig.sim.addGroupMember(sales, allStaff);
    try {
      const r = await rig.source().readGroups([allStaff]);
      expect(r.ok).toBe(true);
      if (r.ok) expect(new Set(r.value.map((g) => g.id)).size).toBe(r.value.length);
    } finally {
      rig.sim.removeGroupMember(sales, allStaff);
    }
  });

  it('readFull carries the configured groups and fails for a deleted group', async () => {
    const source = rig.source();
    const ok = await source.readFull({ groupIds: [rig.tenant.groupIds.sales], extraAttributes: [] });
    expect(ok.ok && ok.value.snapshot.groups.map((g) => g.displayName).sort()).toEqual(['Sales', 'Sales Americas', 'Sales EMEA']);
    const gone = await source.readFull({ groupIds: ['00000000-0000-4000-8000-000000000000'], extraAttributes: [] });
    expect(gone.ok).toBe(false);
    if (!gone.ok) expect(gone.error.code).toBe('ENTRA_GROUP_NOT_FOUND');
  });

  it('searches groups for the picker with counts and nesting', async () => {
    const r = await rig.source().searchGroups('sal');
    if (!r.ok) throw new Error(r.error.message);
    const sales = r.value.find((g) => g.displayName === 'Sales');
    expect(r.value.map((g) => g.displayName)).toEqual(['Sales', 'Sales Americas', 'Sales EMEA']);
    const emea = r.value.find((g) => g.displayName === 'Sales EMEA');
    const americas = r.value.find((g) => g.displayName === 'Sales Americas');
    expect(sales?.hasNestedGroups).toBe(true);
    expect(sales?.memberCount).toBeGreaterThanOrEqual(2);
    // Sales holds Sales EMEA and Sales Americas; its people are its own users and theirs.
    expect(sales?.nestedGroupCount).toBe(2);
    expect(sales?.memberCount).toBe((sales?.nestedGroupCount ?? 0) + (sales?.peopleCount ?? 0) - (emea?.peopleCount ?? 0) - (americas?.peopleCount ?? 0));
    expect(sales?.peopleCount).toBeGreaterThan(emea?.peopleCount ?? 0);
    expect(emea?.hasNestedGroups).toBe(false);
    expect(emea?.nestedGroupCount).toBe(0);
    expect(emea?.peopleCount).toBe(emea?.memberCount);
  });

  it('finds one user by id, UPN or e-mail', async () => {
    const source = rig.source();
    const carla = rig.tenant.cases.find((c) => c.key === 'email-changed');
    const byMail = await source.readUser(carla?.email as string, []);
    expect(byMail.ok && byMail.value?.id).toBe(carla?.userIds[0]);
    const u = rig.sim.getUser(carla?.userIds[0] as string);
    const byUpn = await source.readUser(u?.userPrincipalName as string, []);
    expect(byUpn.ok && byUpn.value?.proxyAddresses).toContain('smtp:carla.oldname@contoso.example');
    const none = await source.readUser('nobody@contoso.example', []);
    expect(none.ok && none.value).toBeNull();
  });

  it('finds a user by an alias the admin knows them by: an old address in otherMails, a secondary proxy address', async () => {
    const source = rig.source();
    const old = rig.tenant.cases.find((c) => c.key === 'email-changed-old-address');
    const byOtherMail = await source.readUser(old?.email.toUpperCase() as string, []);
    expect(byOtherMail.ok && byOtherMail.value?.id).toBe(old?.userIds[0]);
    const someone = rig.tenant.fixture.users[5];
    if (!someone) throw new Error('no user');
    rig.sim.mutateUser(someone.id, { proxyAddresses: [`SMTP:${someone.mail}`, 'smtp:sales.desk@contoso.example'] });
    const byProxy = await source.readUser('sales.desk@contoso.example', []);
    expect(byProxy.ok && byProxy.value?.id).toBe(someone.id);
    // The same alias on two people: Rollcall says so instead of picking one.
    const other = rig.tenant.fixture.users[6];
    if (!other) throw new Error('no user');
    rig.sim.mutateUser(other.id, { otherMails: ['shared.inbox@contoso.example'] });
    rig.sim.mutateUser(someone.id, { otherMails: ['shared.inbox@contoso.example'] });
    const ambiguous = await source.readUser('shared.inbox@contoso.example', []);
    expect(ambiguous).toMatchObject({ ok: false, error: { code: 'ENTRA_ALIAS_AMBIGUOUS' } });
    if (!ambiguous.ok) expect(ambiguous.error.fix).toMatch(/UPN|object id/);
  });
});

describe('group search where Graph will not count', () => {
  for (const status of [400, 429]) {
    it(`still lists the groups, with counts unknown (every $count answered ${status})`, async () => {
      const rig = await startRig(200, { countStatus: status, retryAfterSeconds: 0 });
      try {
        const r = await rig.source().searchGroups('sal');
        if (!r.ok) throw new Error(r.error.message);
        expect(r.value.map((g) => g.displayName)).toEqual(['Sales', 'Sales Americas', 'Sales EMEA']);
        for (const g of r.value) expect(g).toMatchObject({ memberCount: null, nestedGroupCount: null, peopleCount: null, hasNestedGroups: false });
      } finally {
        await rig.close();
      }
    });
  }
});
