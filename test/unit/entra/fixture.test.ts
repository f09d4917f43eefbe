import { describe, expect, it } from 'vitest';
import { generateTenant, NAMED_CASES } from '../../../src-main/demo/graph';

const now = new Date('2026-06-01T00:00:00Z');

describe('generated demo tenant', () => {
  it('is deterministic for a seed', () => {
    const a = generateTenant({ users: 500, seed: 3, now });
    const b = generateTenant({ users: 500, seed: 3, now });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(generateTenant({ users: 500, seed: 4, now }).fixture.tenantId).not.toBe(a.fixture.tenantId);
  });

  it('has every named case, findable by e-mail, with a story', () => {
    const t = generateTenant({ users: 200, seed: 1, now });
    expect(t.cases.map((c) => c.key)).toEqual(NAMED_CASES.map((c) => c.key));
    const ids = new Set(t.fixture.users.map((u) => u.id));
    for (const c of t.cases) {
      expect(c.story.length).toBeGreaterThan(20);
      expect(ids.has(c.userIds[0] as string)).toBe(true);
      const u = t.fixture.users.find((x) => x.id === c.userIds[0]);
      const addresses = [u?.mail, ...(u?.otherMails ?? []), ...(u?.proxyAddresses ?? []).map((p) => p.replace(/^smtp:/i, ''))];
      expect(addresses).toContain(c.email);
    }
    const byKey = new Map(t.cases.map((c) => [c.key, c]));
    const user = (key: string) => t.fixture.users.find((u) => u.id === byKey.get(key)?.userIds[0]);
    expect(user('bom-department')?.department).toBe('\uFEFFSales');
    expect(user('disabled')?.accountEnabled).toBe(false);
    expect(Date.parse(user('leave-date-past')?.employeeLeaveDateTime ?? '')).toBeLessThan(now.getTime());
    expect(Date.parse(user('leave-date-future')?.employeeLeaveDateTime ?? '')).toBeGreaterThan(now.getTime());
    expect(user('missing-country')?.country).toBeNull();
    const recreated = byKey.get('recreated');
    expect(t.fixture.deletedUsers.map((u) => u.id)).toContain(recreated?.userIds[1]);
    const twins = byKey.get('two-accounts-one-email')?.userIds ?? [];
    expect(new Set(twins.map((id) => t.fixture.users.find((u) => u.id === id)?.mail)).size).toBe(1);
  });

  it('nests groups three deep and keeps managers acyclic', () => {
    const t = generateTenant({ users: 2_000, seed: 9, now });
    const g = new Map(t.fixture.groups.map((x) => [x.id, x]));
    expect(g.get(t.groupIds.allStaff)?.memberGroupIds).toContain(t.groupIds.sales);
    expect(g.get(t.groupIds.sales)?.memberGroupIds).toContain(t.groupIds.salesEmea);
    expect(g.get(t.groupIds.salesEmea)?.memberUserIds.length).toBeGreaterThan(10);
    const index = new Map(t.fixture.users.map((u, i) => [u.id, i]));
    const withManager = t.fixture.users.filter((u) => u.managerId);
    expect(withManager.length / t.fixture.users.length).toBeGreaterThan(0.8);
    for (const u of withManager) expect(index.get(u.managerId as string)).toBeLessThan(index.get(u.id) as number);
  });

  it('makes 100,000 users in a few seconds', () => {
    const t0 = performance.now();
    const t = generateTenant({ users: 100_000, seed: 5, now });
    expect(t.fixture.users).toHaveLength(100_000);
    expect(performance.now() - t0).toBeLessThan(5_000);
  });
});
