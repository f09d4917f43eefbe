/**
 * The simulated directory: users, groups and app registrations, plus a change log so
 * /users/delta answers with real tokens. Mutations go through the control API (addUser,
 * mutateUser, deleteUser, …); each bumps a sequence number that delta tokens remember.
 */
import { randomUUID } from 'node:crypto';
import type { Fixture, FixtureApp, FixtureGroup, FixtureUser } from './fixture';

export type UserPatch = Partial<Omit<FixtureUser, 'id'>>;

export class TenantState {
  readonly tenantId: string;
  readonly domain: string;
  readonly users = new Map<string, FixtureUser>();
  /** Listing order (creation order), for stable paging. */
  order: string[] = [];
  readonly groups = new Map<string, FixtureGroup>();
  readonly apps = new Map<string, FixtureApp>();
  private byUpn = new Map<string, string>();
  /** Ordered by seq: which user changed at which step. */
  private log: Array<{ seq: number; id: string }> = [];
  /** Ordered by seq: which membership (group, member) changed at which step, for /groups/delta. */
  private memberLog: Array<{ seq: number; groupId: string; memberId: string; kind: 'user' | 'group' }> = [];
  seq = 0;
  /** Bumped by expireDeltaTokens(): older tokens answer 410. */
  generation = 1;

  constructor(fixture: Fixture) {
    this.tenantId = fixture.tenantId;
    this.domain = fixture.domain;
    for (const u of fixture.users) this.insert(structuredClone(u));
    for (const g of fixture.groups) this.groups.set(g.id, structuredClone(g));
    for (const a of fixture.apps) this.apps.set(a.clientId, structuredClone(a));
  }

  private insert(u: FixtureUser): void {
    this.users.set(u.id, u);
    this.order.push(u.id);
    this.byUpn.set(u.userPrincipalName.toLowerCase(), u.id);
  }

  private touch(id: string): void {
    this.seq++;
    this.log.push({ seq: this.seq, id });
  }

  knowsTenant(tenant: string): boolean {
    const t = tenant.toLowerCase();
    return t === this.tenantId.toLowerCase() || t === this.domain.toLowerCase();
  }

  findUser(idOrUpn: string): FixtureUser | undefined {
    return this.users.get(idOrUpn) ?? this.users.get(this.byUpn.get(idOrUpn.toLowerCase()) ?? '');
  }

  addUser(partial: Partial<FixtureUser> & { userPrincipalName: string }): FixtureUser {
    const u: FixtureUser = {
      id: partial.id ?? randomUUID(),
      accountEnabled: true,
      displayName: null,
      givenName: null,
      surname: null,
      mail: null,
      otherMails: [],
      proxyAddresses: [],
      department: null,
      jobTitle: null,
      companyName: null,
      employeeType: null,
      employeeId: null,
      country: null,
      usageLocation: null,
      preferredLanguage: null,
      officeLocation: null,
      employeeLeaveDateTime: null,
      createdDateTime: new Date().toISOString(),
      managerId: null,
      extra: {},
      ...partial,
    };
    this.insert(u);
    this.touch(u.id);
    return u;
  }

  mutateUser(id: string, patch: UserPatch): FixtureUser {
    const u = this.users.get(id);
    if (!u) throw new Error(`no user ${id}`);
    if (patch.userPrincipalName && patch.userPrincipalName !== u.userPrincipalName) {
      this.byUpn.delete(u.userPrincipalName.toLowerCase());
      this.byUpn.set(patch.userPrincipalName.toLowerCase(), id);
    }
    Object.assign(u, patch);
    this.touch(id);
    return u;
  }

  deleteUser(id: string): void {
    const u = this.users.get(id);
    if (!u) throw new Error(`no user ${id}`);
    this.users.delete(id);
    this.byUpn.delete(u.userPrincipalName.toLowerCase());
    this.order = this.order.filter((x) => x !== id);
    // Entra drops a deleted user's group memberships (and /groups/delta reports each removal).
    for (const g of this.groups.values()) {
      if (!g.memberUserIds.includes(id)) continue;
      g.memberUserIds = g.memberUserIds.filter((m) => m !== id);
      this.touchMember(g.id, id, 'user');
    }
    this.touch(id);
  }

  private touchMember(groupId: string, memberId: string, kind: 'user' | 'group'): void {
    this.seq++;
    this.memberLog.push({ seq: this.seq, groupId, memberId, kind });
  }

  /** A new, empty security group (tests nest it somewhere). */
  addGroup(displayName: string, id: string = randomUUID()): FixtureGroup {
    const g: FixtureGroup = { id, displayName, description: null, securityEnabled: true, memberUserIds: [], memberGroupIds: [] };
    this.groups.set(id, g);
    return g;
  }

  addGroupMember(groupId: string, memberId: string): void {
    const g = this.groups.get(groupId);
    if (!g) throw new Error(`no group ${groupId}`);
    if (this.groups.has(memberId)) {
      if (g.memberGroupIds.includes(memberId)) return;
      g.memberGroupIds.push(memberId);
      this.touchMember(groupId, memberId, 'group');
    } else if (!g.memberUserIds.includes(memberId)) {
      g.memberUserIds.push(memberId);
      this.touchMember(groupId, memberId, 'user');
    }
  }

  removeGroupMember(groupId: string, memberId: string): void {
    const g = this.groups.get(groupId);
    if (!g) throw new Error(`no group ${groupId}`);
    if (g.memberUserIds.includes(memberId)) {
      g.memberUserIds = g.memberUserIds.filter((m) => m !== memberId);
      this.touchMember(groupId, memberId, 'user');
    }
    if (g.memberGroupIds.includes(memberId)) {
      g.memberGroupIds = g.memberGroupIds.filter((m) => m !== memberId);
      this.touchMember(groupId, memberId, 'group');
    }
  }

  /** Memberships of the given groups changed after `afterSeq` up to `upToSeq`, each pair once, in change order. */
  memberChanges(groupIds: ReadonlySet<string>, afterSeq: number, upToSeq: number): Array<{ groupId: string; memberId: string; kind: 'user' | 'group' }> {
    const seen = new Map<string, { groupId: string; memberId: string; kind: 'user' | 'group' }>();
    for (const e of this.memberLog) {
      if (e.seq <= afterSeq || e.seq > upToSeq || !groupIds.has(e.groupId)) continue;
      const key = `${e.groupId}/${e.memberId}`;
      seen.delete(key);
      seen.set(key, { groupId: e.groupId, memberId: e.memberId, kind: e.kind });
    }
    return [...seen.values()];
  }

  /** Ids changed after `sinceSeq`, last change wins, in change order. */
  changedSince(sinceSeq: number): string[] {
    let lo = 0;
    let hi = this.log.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.log[mid] as { seq: number }).seq <= sinceSeq) lo = mid + 1;
      else hi = mid;
    }
    const seen = new Set<string>();
    for (let i = lo; i < this.log.length; i++) seen.add((this.log[i] as { id: string }).id);
    return [...seen];
  }

  /** Direct and nested members, each once (what /transitiveMembers returns). */
  transitiveMembers(groupId: string): Array<{ id: string; kind: 'user' | 'group' }> {
    const out: Array<{ id: string; kind: 'user' | 'group' }> = [];
    const seenUsers = new Set<string>();
    const seenGroups = new Set<string>([groupId]);
    const queue = [groupId];
    while (queue.length > 0) {
      const g = this.groups.get(queue.shift() as string);
      if (!g) continue;
      for (const u of g.memberUserIds) {
        if (seenUsers.has(u)) continue;
        seenUsers.add(u);
        out.push({ id: u, kind: 'user' });
      }
      for (const c of g.memberGroupIds) {
        if (seenGroups.has(c)) continue;
        seenGroups.add(c);
        out.push({ id: c, kind: 'group' });
        queue.push(c);
      }
    }
    return out;
  }
}
