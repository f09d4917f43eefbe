import { describe, expect, it } from 'vitest';
import type { TargetSnapshot, TargetUser } from '../../../src-main/core/model';
import { CHANGES_OVERLAP_MS, changesSince, mergeTargetChanges, trustedChangesFrom, unmarkedWrites, type TargetChangesRead } from '../../../src-main/core/target-changes';
import { capabilities, targetSnapshot, targetUser } from '../../../src-main/core/testing/builders';

const at = (iso: string) => ({ lastModified: iso });
const cachedUsers = [targetUser('a', at('2026-11-01T10:00:00Z')), targetUser('b', at('2026-11-02T10:00:00Z')), targetUser('c', at('2026-11-03T10:00:00Z'))];
const cached: TargetSnapshot = targetSnapshot(cachedUsers, { changesFrom: '2026-11-20T08:00:00.000Z' });
const since = new Date(Date.parse('2026-11-20T08:00:00Z') - CHANGES_OVERLAP_MS).toISOString();

function read(users: TargetUser[], total: number, over: Partial<TargetChangesRead> = {}): TargetChangesRead {
  return { since, users, total, changesFrom: '2026-11-23T08:00:00.000Z', departments: cached.departments, jobProfiles: cached.jobProfiles, permissionTypes: cached.permissionTypes, capabilities: cached.capabilities, readAt: '2026-11-23T08:00:01.000Z', ...over };
}
const recent = at('2026-11-22T12:00:00Z');

describe('changesSince', () => {
  it('starts a little before the last read began, on the LMS clock', () => {
    expect(changesSince(cached)).toBe(since);
  });
  it('cannot tell without the LMS clock, or when an account has no modification time', () => {
    expect(changesSince({ ...cached, changesFrom: null })).toBeNull();
    expect(changesSince({ ...cached, users: [...cachedUsers, targetUser('d')] })).toBeNull();
    expect(changesSince({ ...cached, users: [] })).toBe(since);
  });
});

describe('trustedChangesFrom', () => {
  it('keeps the LMS clock when the accounts agree with it, and drops it when their times run ahead', () => {
    expect(trustedChangesFrom('Mon, 23 Nov 2026 08:00:00 GMT', cachedUsers)).toBe('2026-11-23T08:00:00.000Z');
    expect(trustedChangesFrom(null, cachedUsers)).toBeNull();
    const ahead = targetUser('x', at('2026-11-23T08:20:00Z'));
    expect(trustedChangesFrom('2026-11-23T08:00:00.000Z', [...cachedUsers, ahead])).toBeNull();
    // Within the overlap is a clock's ordinary jitter.
    expect(trustedChangesFrom('2026-11-23T08:00:00.000Z', [targetUser('y', at('2026-11-23T08:01:00Z'))])).toBe('2026-11-23T08:00:00.000Z');
  });
});

describe('mergeTargetChanges', () => {
  it('replaces changed accounts in place and adds new ones, keeping the others', () => {
    const b2 = targetUser('b', { ...recent, attributes: { displayName: 'Bee' } });
    const d = targetUser('d', recent);
    const r = mergeTargetChanges(cached, read([b2, d], 4));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.snapshot.users.map((u) => u.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(r.snapshot.users[1]).toBe(b2);
    expect(r.snapshot).toMatchObject({ readMode: 'changes', complete: true, changesFrom: '2026-11-23T08:00:00.000Z', readAt: '2026-11-23T08:00:01.000Z' });
    // The cached snapshot is left as it was.
    expect(cached.users.map((u) => u.id)).toEqual(['a', 'b', 'c']);
  });

  it('with no changes gives the cached accounts', () => {
    const r = mergeTargetChanges(cached, read([], 3));
    expect(r.ok && r.snapshot.users).toEqual(cachedUsers);
  });

  it('wants a full read when the count shows removed accounts, or accounts it cannot explain', () => {
    expect(mergeTargetChanges(cached, read([], 2))).toEqual({ ok: false, fullReadBecause: '1 account was removed from the LMS since the last full read' });
    expect(mergeTargetChanges(cached, read([targetUser('d', recent)], 2))).toEqual({ ok: false, fullReadBecause: '2 accounts were removed from the LMS since the last full read' });
    expect(mergeTargetChanges(cached, read([], 5)).ok).toBe(false);
  });

  it('wants a full read after a rename, since others name the account as manager or approver', () => {
    const r = mergeTargetChanges(cached, read([targetUser('a', { ...recent, userName: 'alias@contoso.com' })], 3));
    expect(r).toEqual({ ok: false, fullReadBecause: 'the account a@contoso.com was renamed to alias@contoso.com' });
  });

  it('wants a full read when the server ignored the filter', () => {
    const r = mergeTargetChanges(cached, read(cachedUsers, 3));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.fullReadBecause).toMatch(/does not filter by modification time/);
  });

  it('wants a full read when a department, job profile or permission type was renamed, moved or removed', () => {
    const withOrg = {
      ...cached,
      departments: [{ id: 'd1', name: 'Sales', parentId: null }, { id: 'd2', name: 'Nordics', parentId: 'd1' }],
      jobProfiles: [{ id: 'j1', name: 'Engineer', isDefault: false }],
      permissionTypes: [{ id: 'p1', name: 'Learner' }],
    };
    const same = { departments: withOrg.departments, jobProfiles: withOrg.jobProfiles, permissionTypes: withOrg.permissionTypes };
    // Added ones (an apply creates departments) and a new default job profile change nobody's mapping.
    const added = mergeTargetChanges(withOrg, read([], 3, { ...same, departments: [...withOrg.departments, { id: 'd3', name: 'Oslo', parentId: 'd2' }], jobProfiles: [{ id: 'j1', name: 'Engineer', isDefault: true }] }));
    expect(added.ok && added.snapshot.departments).toHaveLength(3);
    const moved = [{ id: 'd1', name: 'Sales', parentId: null }, { id: 'd2', name: 'Nordics', parentId: null }];
    expect(mergeTargetChanges(withOrg, read([], 3, { ...same, departments: moved }))).toEqual({ ok: false, fullReadBecause: 'a department in the LMS was renamed, moved or removed' });
    expect(mergeTargetChanges(withOrg, read([], 3, { ...same, departments: [withOrg.departments[0] as (typeof moved)[0]] })).ok).toBe(false);
    expect(mergeTargetChanges(withOrg, read([], 3, { ...same, jobProfiles: [{ id: 'j1', name: 'Developer', isDefault: false }] }))).toEqual({ ok: false, fullReadBecause: 'a job profile in the LMS was renamed or removed' });
    expect(mergeTargetChanges(withOrg, read([], 3, { ...same, permissionTypes: [] }))).toEqual({ ok: false, fullReadBecause: 'a permission type in the LMS was renamed or removed' });
    expect(mergeTargetChanges(withOrg, read([], 3, { ...same, permissionTypes: null })).ok).toBe(false);
  });

  it('wants a full read when capabilities changed, or the cache was incomplete', () => {
    expect(mergeTargetChanges(cached, read([], 3, { capabilities: capabilities({ patch: false }) }))).toEqual({ ok: false, fullReadBecause: 'the LMS changed what it supports' });
    expect(mergeTargetChanges({ ...cached, complete: false }, read([], 3))).toEqual({ ok: false, fullReadBecause: 'the last LMS read was incomplete' });
  });
});

describe('unmarkedWrites', () => {
  it('counts the accounts Rollcall wrote that the changes read did not list', () => {
    expect(unmarkedWrites(['a', 'b', 'c'], ['a', 'c'])).toBe(0);
    expect(unmarkedWrites(['a'], ['a', 'b', 'd'])).toBe(2);
    expect(unmarkedWrites([], [])).toBe(0);
  });
});
