import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRig, type Rig } from './helpers';
import type { SourceGroup } from '../../../src-main/core/model';
import { DEMO_APPS } from '../../../src-main/demo/graph';
import { createRng } from '../../../src-main/demo/graph/prng';

/** Order does not matter to the core (it indexes groups by id and sorts nested paths). */
function normalised(groups: readonly SourceGroup[]): SourceGroup[] {
  return groups
    .map((g) => ({ ...g, memberUserIds: [...g.memberUserIds].sort(), memberGroupIds: [...g.memberGroupIds].sort() }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

describe('group membership by /groups/delta', () => {
  let rig: Rig;
  beforeAll(async () => {
    // All Staff has more direct members than one delta page (500) holds.
    rig = await startRig(900);
  });
  afterAll(() => rig.close());

  it('after random adds, removes, nesting and un-nesting, equals a full read, round after round', async () => {
    const source = rig.source();
    const { allStaff, managers, contractors } = rig.tenant.groupIds;
    const scope = [allStaff, managers];
    const rng = createRng(2026);
    const userIds = rig.tenant.fixture.users.map((u) => u.id);
    const allGroups = Object.values(rig.tenant.groupIds);
    // Everyone in one group: its members span two delta pages (500 a page), the group repeated.
    const everyone = rig.sim.addGroup('Everyone');
    for (const u of userIds) rig.sim.addGroupMember(everyone.id, u);
    rig.sim.addGroupMember(managers, everyone.id);

    const first = await source.readGroupsDelta(scope, null, null);
    if (!first.ok) throw new Error(first.error.message);
    expect(first.value.readMode).toBe('full');
    const fullAtStart = await source.readGroups(scope);
    if (!fullAtStart.ok) throw new Error(fullAtStart.error.message);
    expect(normalised(first.value.groups)).toEqual(normalised(fullAtStart.value));
    let cached = first.value.groups;
    let link = first.value.groupsDeltaLink;

    let nestedNew = 0;
    let unnested = 0;
    let outside: string | null = null;
    for (let round = 0; round < 6; round++) {
      const tree = new Map(cached.map((g) => [g.id, g]));
      const inTree = [...tree.values()];
      for (let i = 0; i < 25; i++) {
        const g = rng.pick(inTree);
        if (rng.chance(0.5)) rig.sim.addGroupMember(g.id, rng.pick(userIds));
        else if (g.memberUserIds.length > 0) rig.sim.removeGroupMember(g.id, rng.pick(g.memberUserIds));
      }
      // Changes to a group outside the tree must not leak in.
      rig.sim.addGroupMember(contractors, rng.pick(userIds));
      // A brand-new group with members, nested somewhere in the tree (its members must be read).
      const fresh = rig.sim.addGroup(`Project ${round}`);
      for (let i = 0; i < 5; i++) rig.sim.addGroupMember(fresh.id, rng.pick(userIds));
      rig.sim.addGroupMember(rng.pick(inTree).id, fresh.id);
      allGroups.push(fresh.id);
      nestedNew++;
      // Un-nest one nested group (its subtree drops out unless reachable another way).
      const parent = inTree.find((g) => g.memberGroupIds.length > 0 && g.id !== allStaff) ?? tree.get(allStaff);
      if (parent && parent.memberGroupIds.length > 0 && round % 2 === 1) {
        outside = rng.pick(parent.memberGroupIds);
        rig.sim.removeGroupMember(parent.id, outside);
        unnested++;
      } else if (outside) {
        // Changed while outside the tree, then nested again: its members must be current.
        rig.sim.addGroupMember(outside, rng.pick(userIds));
        rig.sim.addGroupMember(allStaff, outside);
        outside = null;
      }
      // Sometimes an existing group that was outside comes in (it was changed while outside).
      if (round === 3) rig.sim.addGroupMember(managers, contractors);
      // A deleted user leaves every group.
      const leaver = rng.pick(allStaffMembers(tree.get(allStaff)));
      if (leaver) rig.sim.deleteUser(leaver);

      const d = await source.readGroupsDelta(scope, cached, link);
      if (!d.ok) throw new Error(d.error.message);
      expect(d.value.readMode).toBe('delta');
      const full = await source.readGroups(scope);
      if (!full.ok) throw new Error(full.error.message);
      expect(normalised(d.value.groups)).toEqual(normalised(full.value));
      expect(d.value.groups.some((g) => g.id === fresh.id)).toBe(full.value.some((g) => g.id === fresh.id));
      cached = d.value.groups;
      link = d.value.groupsDeltaLink;
    }
    expect(nestedNew).toBe(6);
    expect(unnested).toBeGreaterThan(0);
  });

  it('nests more than 50 new groups at once (filters are chunked by 50 ids) and asks little when nothing changed', async () => {
    const source = rig.source();
    const { sales } = rig.tenant.groupIds;
    const first = await source.readGroupsDelta([sales], null, null);
    if (!first.ok) throw new Error(first.error.message);
    const users = rig.tenant.fixture.users.map((u) => u.id);
    for (let i = 0; i < 60; i++) {
      const g = rig.sim.addGroup(`Team ${i}`);
      rig.sim.addGroupMember(g.id, users[i] as string);
      rig.sim.addGroupMember(sales, g.id);
    }
    const d = await source.readGroupsDelta([sales], first.value.groups, first.value.groupsDeltaLink);
    if (!d.ok) throw new Error(d.error.message);
    const full = await source.readGroups([sales]);
    if (!full.ok) throw new Error(full.error.message);
    expect(d.value.readMode).toBe('delta');
    expect(normalised(d.value.groups)).toEqual(normalised(full.value));
    expect(d.value.groups.length).toBeGreaterThan(60);

    // Nothing changed: one request per Graph link (one per first round of ≤ 50 groups), where a
    // full read asks at least twice per group.
    const before = rig.sim.stats.graphRequests;
    const quiet = await source.readGroupsDelta([sales], d.value.groups, d.value.groupsDeltaLink);
    if (!quiet.ok) throw new Error(quiet.error.message);
    expect(normalised(quiet.value.groups)).toEqual(normalised(full.value));
    const quietRequests = rig.sim.stats.graphRequests - before;
    const fullBefore = rig.sim.stats.graphRequests;
    await source.readGroups([sales]);
    expect(rig.sim.stats.graphRequests - fullBefore).toBeGreaterThanOrEqual(2 * full.value.length);
    expect(quietRequests).toBeLessThanOrEqual(6);
  });

  it('reads in full with a fresh link when the link expired, is foreign or does not match the cached groups', async () => {
    const source = rig.source();
    const { allStaff, salesEmea } = rig.tenant.groupIds;
    const first = await source.readGroupsDelta([allStaff], null, null);
    if (!first.ok) throw new Error(first.error.message);
    rig.sim.addGroupMember(salesEmea, rig.tenant.fixture.users[3]?.id as string);
    rig.sim.expireDeltaTokens();
    const expired = await source.readGroupsDelta([allStaff], first.value.groups, first.value.groupsDeltaLink);
    if (!expired.ok) throw new Error(expired.error.message);
    expect(expired.value.readMode).toBe('full');
    const full = await source.readGroups([allStaff]);
    if (!full.ok) throw new Error(full.error.message);
    expect(normalised(expired.value.groups)).toEqual(normalised(full.value));

    const foreign = JSON.stringify({ v: 1, links: [{ link: 'https://evil.example/v1.0/groups/delta?$deltatoken=x', ids: [allStaff] }] });
    const f = await source.readGroupsDelta([allStaff], expired.value.groups, foreign);
    expect(f.ok && f.value.readMode).toBe('full');
    // The cached groups lost one the link carries: not trustworthy, so a full read.
    const short = await source.readGroupsDelta([allStaff], expired.value.groups.slice(1), expired.value.groupsDeltaLink);
    expect(short.ok && short.value.readMode).toBe('full');
    // Still usable afterwards.
    const again = await source.readGroupsDelta([allStaff], expired.value.groups, expired.value.groupsDeltaLink);
    expect(again.ok && again.value.readMode).toBe('delta');
  });

  it('says which permission is missing, and that a scope group is gone', async () => {
    const { sales } = rig.tenant.groupIds;
    const denied = await rig.source({ clientId: DEMO_APPS.noConsent.clientId, secret: DEMO_APPS.noConsent.secret }).readGroupsDelta([sales], null, null);
    expect(!denied.ok && denied.error.code).toBe('ENTRA_CONSENT_MISSING');
    expect(!denied.ok && denied.error.message).toContain('Group.Read.All');
    const gone = await rig.source().readGroupsDelta(['00000000-0000-4000-8000-000000000000'], null, null);
    expect(!gone.ok && gone.error.code).toBe('ENTRA_GROUP_NOT_FOUND');
  });

  it('stops when aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    const r = await rig.source().readGroupsDelta([rig.tenant.groupIds.allStaff], null, null, { signal: ac.signal });
    expect(r.ok).toBe(false);
  });
});

function allStaffMembers(g: SourceGroup | undefined): string[] {
  return g ? g.memberUserIds : [];
}
