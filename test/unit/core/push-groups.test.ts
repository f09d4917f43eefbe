/**
 * Pushed groups (reference 002, Okta's "Push Groups"): what the plan says each LMS group gets.
 */
import { describe, expect, it } from 'vitest';
import type { GroupPush, TargetGroup } from '../../../src-main/core/model';
import { planWithMemo, type PlanConfig } from '../../../src-main/core/plan';
import { describeGroupPush, groupRemovalGuard, pushGroupsAfterPlan } from '../../../src-main/core/push-groups';
import { DeactivationSchema } from '../../../src-main/core/config';
import { replan } from '../../../src-main/core/replan';
import { group, link, planConfig, sourceSnapshot, sourceUser, targetSnapshot, targetUser } from '../../../src-main/core/testing/builders';
import { NOW, type World } from './helpers';
import { check, diag, evidence } from './diagnose-helpers';

const push = { groupId: 'g-sales', groupName: 'Sales', lmsGroup: 'Sales' };
const withPush = (over: Parameters<typeof planConfig>[0] = {}, pushes = [push]): PlanConfig => planConfig({ ...over, mapping: { ...over.mapping, pushGroups: pushes } });

// Anna is linked (in Sales EMEA, nested in Sales); Ben is new; Cara is in Sales but excluded; Dan
// is linked but not in Sales; Fay is in Sales but disabled in Entra; Eve's account is nobody's.
const users = [
  sourceUser('anna'),
  sourceUser('ben'),
  sourceUser('cara'),
  sourceUser('dan'),
  sourceUser('fay', { accountEnabled: false }),
];
const groups = [group('g-sales', 'Sales', ['ben', 'cara', 'fay'], ['g-emea']), group('g-emea', 'Sales EMEA', ['anna'])];
const targets = ['anna', 'cara', 'dan', 'fay', 'eve'].map((id) => targetUser(`t-${id}`, { externalId: id === 'eve' ? null : id }));
const links = ['anna', 'cara', 'dan', 'fay'].map((id) => link(id, `t-${id}`));
const lmsSales = (memberIds: string[] | null, over: Partial<TargetGroup> = {}): TargetGroup => ({ id: 'lg-sales', displayName: 'sales', memberIds, ...over });

function pushed(w: World & { lmsGroups?: TargetGroup[] | null }): GroupPush[] {
  const source = sourceSnapshot(w.users ?? users, w.groups ?? groups, w.source);
  const target = targetSnapshot(w.targets ?? targets, { ...w.target, ...(w.lmsGroups === undefined ? {} : { groups: w.lmsGroups }) });
  const config = w.config ?? withPush({ scope: { exclude: [{ kind: 'user', value: 'cara' }] } });
  return pushGroupsAfterPlan(planWithMemo(source, target, config, w.links ?? links, NOW).memo, config.mapping.pushGroups);
}
const names = (members: GroupPush['add']) => members.map((m) => m.name);

describe('pushed groups', () => {
  it('keeps an existing LMS group of that name in step: adds the synced members (new accounts too), removes only accounts this integration links', () => {
    const [g] = pushed({ lmsGroups: [lmsSales(['t-anna', 't-cara', 't-dan', 't-fay', 't-eve'])] });
    expect(g).toMatchObject({ groupName: 'Sales', lmsGroup: 'Sales', lmsGroupId: 'lg-sales', action: 'update', members: 2, problem: null });
    // Ben gets his account in this apply: named by his Entra id, found after the creates.
    expect(g?.add).toEqual([{ targetId: null, sourceId: 'ben', name: 'ben@contoso.com' }]);
    // Cara (out of scope), Dan (not in the group) and Fay (disabled) are linked: out. Eve's
    // account was put there by hand and is nobody's in this integration: it stays.
    expect(names(g?.remove ?? [])).toEqual(['cara@contoso.com', 'dan@contoso.com', 'fay@contoso.com']);
    expect(g?.remove.map((m) => m.targetId)).toEqual(['t-cara', 't-dan', 't-fay']);
    expect(describeGroupPush(g as GroupPush)).toBe('LMS group "Sales" (from Sales): add 1, remove 3; 2 synced members after');
  });

  it('creates the group when the LMS has none of that name, and says nothing is to do once it is in step', () => {
    const [created] = pushed({ lmsGroups: [{ id: 'lg-other', displayName: 'Marketing', memberIds: null }] });
    expect(created).toMatchObject({ action: 'create', lmsGroupId: null, members: 2, remove: [] });
    expect(names(created?.add ?? [])).toEqual(['anna@contoso.com', 'ben@contoso.com']);
    expect(describeGroupPush(created as GroupPush)).toBe('create the LMS group "Sales" with 2 members (from Sales)');
    // Once Ben has his account and both are members: unchanged.
    const synced = pushed({ targets: [...targets, targetUser('t-ben', { externalId: 'ben' })], links: [...links, link('ben', 't-ben')], lmsGroups: [lmsSales(['t-anna', 't-ben', 't-eve'])] });
    expect(synced[0]).toMatchObject({ action: 'unchanged', add: [], remove: [], members: 2 });
  });

  it('adds nobody without an account: a conflict, "Create users" off, a skip-listed account is never touched', () => {
    const config = withPush({ mapping: { createUsers: false }, scope: { skipList: ['dan@contoso.com'] } });
    const [g] = pushed({ config, lmsGroups: [lmsSales(['t-anna', 't-cara', 't-dan'])] });
    // Ben is not created, so not added; Dan is skip-listed, so not removed though he is not in Sales.
    expect(g).toMatchObject({ action: 'unchanged', add: [], remove: [], members: 2 });
    const clash = [...targets, targetUser('t-ben1', { userName: 'ben@contoso.com' }), targetUser('t-ben2', { userName: 'b2', emails: ['ben@contoso.com'] })];
    const [h] = pushed({ targets: clash, lmsGroups: [lmsSales(['t-anna'])] });
    expect(h?.add).toEqual([]);
  });

  it('leaves the LMS group alone, saying why and what to do, whenever it cannot tell what the group should hold', () => {
    const problem = (w: Parameters<typeof pushed>[0]) => {
      const [g] = pushed(w);
      expect(g?.action).toBe('blocked');
      expect(g?.add).toEqual([]);
      expect(g?.remove).toEqual([]);
      return g?.problem ?? '';
    };
    expect(problem({ lmsGroups: null })).toBe('The LMS has no groups (it lists no SCIM Group resource), so Sales cannot be pushed. Remove it from the pushed groups, or ask the LMS vendor to turn groups on.');
    expect(problem({})).toContain('were not read in this run');
    expect(problem({ target: { groupsUnreadBecause: 'The LMS token may read users but not groups. Give it access to groups.' } })).toBe(
      "The LMS's groups could not be read, so Sales is left alone: The LMS token may read users but not groups. Give it access to groups.",
    );
    expect(problem({ lmsGroups: [lmsSales(['t-anna']), lmsSales([], { id: 'lg-2', displayName: ' SALES' })] })).toContain('The LMS has 2 groups named "Sales"');
    expect(problem({ lmsGroups: [lmsSales(null)] })).toContain('The members of the LMS group "Sales" were not read');
    expect(problem({ lmsGroups: [], source: { complete: false, incompleteReason: 'the group read failed' } })).toContain('Entra was not read completely (the group read failed)');
    expect(problem({ lmsGroups: [], groups: [] })).toBe('The Entra group Sales (g-sales) was not found: it was deleted, or the app cannot read it. Its LMS group is left alone; pick the group again in the settings, or remove it.');
    // One read finding the Entra group empty does not take everyone out of the LMS group …
    expect(problem({ groups: [group('g-sales', 'Sales')], lmsGroups: [lmsSales(['t-anna', 't-dan'])] })).toContain('has no members in this read, so Rollcall does not take the 2 synced members out');
    // … but an empty group with nothing to take out is simply created empty.
    expect(pushed({ groups: [group('g-sales', 'Sales')], lmsGroups: [] })[0]).toMatchObject({ action: 'create', members: 0 });
    // Two Entra groups pushed to one LMS group: the second is not pushed.
    // (The settings refuse this; a plan made from settings that were not checked says so too.)
    const pushes = [push, { groupId: 'g-emea', groupName: 'Sales EMEA', lmsGroup: ' sales ' }];
    expect(() => withPush({}, pushes)).toThrow(/another Entra group already pushes to the LMS group/);
    const unchecked = withPush();
    const twice = pushed({ config: { ...unchecked, mapping: { ...unchecked.mapping, pushGroups: pushes } }, lmsGroups: [] });
    expect(twice.map((g) => g.action)).toEqual(['create', 'blocked']);
    expect(twice[1]?.problem).toBe('The LMS group "sales" is already pushed from the Entra group Sales, so Sales EMEA is not pushed: give it its own LMS group in the settings.');
  });

  it('gives the same groups after a replan as after planning everyone', () => {
    const config = withPush();
    const target = targetSnapshot(targets, { groups: [lmsSales(['t-anna', 't-dan'])] });
    const first = planWithMemo(sourceSnapshot(users, groups), target, config, links, NOW);
    // Dan joins Sales; Anna's title changes.
    const source = sourceSnapshot(users.map((u) => (u.id === 'anna' ? { ...u, jobTitle: 'Lead' } : u)), [group('g-sales', 'Sales', ['ben', 'cara', 'fay', 'dan'], ['g-emea']), groups[1]!]);
    const again = replan(first.memo, source, target, config, links, NOW);
    const full = planWithMemo(source, target, config, links, NOW);
    const memo = again.ok ? again.memo : full.memo;
    expect(pushGroupsAfterPlan(memo, config.mapping.pushGroups)).toEqual(pushGroupsAfterPlan(full.memo, config.mapping.pushGroups));
    expect(names(pushGroupsAfterPlan(full.memo, config.mapping.pushGroups)[0]?.add ?? [])).toEqual(['ben@contoso.com', 'cara@contoso.com']);
  });

  it('Diagnose says, per pushed group, whether the person is in it, in its LMS group, and what the next sync does', () => {
    const config = withPush({ scope: { exclude: [{ kind: 'user', value: 'cara' }] } });
    const world = { users, groups, targets, links, config, target: { groups: [lmsSales(['t-cara'])] } };
    // Anna: in Sales through Sales EMEA, not yet in the LMS group: added at the next sync.
    const anna = diag('anna@contoso.com', world);
    expect(check(anna, 'groups')).toMatchObject({ status: 'warn', detail: 'The next sync: added to "Sales" (at the next sync (in 2 h 10 min)).' });
    expect(evidence(anna, 'groups')).toBe('Sales → LMS group "Sales": in the Entra group (anna → Sales EMEA → Sales); added to the LMS group at the next sync (in 2 h 10 min)');
    // Cara: in Sales but excluded, and in the LMS group: taken out.
    expect(evidence(diag('cara@contoso.com', world), 'groups')).toContain('in the Entra group (cara → Sales), but no longer synced; taken out of the LMS group');
    // Dan: not in Sales, not in the LMS group: as it should be.
    expect(check(diag('dan@contoso.com', world), 'groups')).toMatchObject({ status: 'pass', evidence: [{ value: 'not in the Entra group; not in the LMS group, as it should be' }] });
    // Dan's account, claimed by another integration too, is in a conflict: left in the LMS group.
    const claimed = diag('dan@contoso.com', { ...world, others: [link('dan-elsewhere', 't-dan', 'int-2')], target: { groups: [lmsSales(['t-dan'])] } });
    expect(evidence(claimed, 'groups')).toContain('not in the Entra group; in the LMS group, and left there: the account is in a conflict, which is settled first');
    // A group left alone says why.
    const blocked = diag('anna@contoso.com', { ...world, target: { groups: null } });
    expect(check(blocked, 'groups')).toMatchObject({ status: 'fail', detail: expect.stringContaining('The LMS has no groups') });
    // No pushed groups: no line.
    expect(diag('anna@contoso.com', { users, groups, targets, links }).checks.some((c) => c.id === 'groups')).toBe(false);
  });

  it('holds a mass removal from a pushed group for a confirmation, as a mass deactivation is held', () => {
    const member = (i: number) => ({ targetId: `t${i}`, sourceId: `s${i}`, name: `p${i}@contoso.com` });
    const group = (removed: number, members: number, action: GroupPush['action'] = 'update'): GroupPush => ({ groupId: 'g', groupName: 'Sales', lmsGroup: 'Sales', lmsGroupId: 'lg', action, add: [], remove: Array.from({ length: removed }, (_, i) => member(i)), members, problem: null });
    const defaults = DeactivationSchema.parse({});
    // A few leavers from a small group never wait (10 % of 20 would be 2).
    expect(groupRemovalGuard([group(10, 10)], defaults)).toBeNull();
    const small = groupRemovalGuard([group(11, 9)], defaults);
    expect(small).toMatchObject({ code: 'group_removal_threshold', blocking: true, confirmable: true, count: 11, limit: 10 });
    expect(small?.message).toBe('11 people would be taken out of LMS groups at once: 11 of the 20 synced members of "Sales" (limit 10). The limit is the deactivation threshold (500 people or 10 % of the group, whichever is smaller, and never under 10).');
    expect(small?.fix).toContain('--max-group-removals N');
    // A large group: 10 % of 9,000 is 900, the count of 500 is smaller.
    expect(groupRemovalGuard([group(500, 8500)], defaults)).toBeNull();
    expect(groupRemovalGuard([group(501, 8499), group(3, 40)], defaults)).toMatchObject({ count: 501, limit: 500 });
    // A group being created takes nobody out.
    expect(groupRemovalGuard([group(0, 5000, 'create')], defaults)).toBeNull();
  });
});
