/**
 * SCIM Groups for "Push groups", over real HTTP against the simulator: every group's name with
 * the members of those asked for only, a group created with its members, members added and
 * removed by PATCH in requests of at most 500 changes, the same by PUT when the LMS has no PATCH
 * (or refuses it), an LMS without Groups, and a group removed in the LMS since the dry run.
 * Each test reads what the LMS holds afterwards.
 */
import { describe, expect, it } from 'vitest';
import type { TargetGroup } from '../../../src-main/core/model';
import type { Json } from '../../../src-main/demo/lms/store';
import { createScimTarget } from '../../../src-main/lms';
import { MAX_MEMBER_CHANGES } from '../../../src-main/lms/groups';
import { lmsSettings, TOKEN, unwrap } from './helpers';
import { groupMembers as members, groupRequests, groupTestSetup, scimPath, seedGroup, stored, userIds } from './group-kit';

const start = groupTestSetup((s) => expect(s.requests().filter((r) => r.method === 'DELETE')).toEqual([]));
const lastModified = (g: Json | undefined): string => String((g?.meta as { lastModified?: string } | undefined)?.lastModified);
const sorted = (ids: readonly string[] | null): string[] | null => (ids === null ? null : [...ids].sort());

describe('readGroups', () => {
  it('lists every group without members, over several pages, and reads the members of the groups asked for only', async () => {
    // Pages of 2: the four groups take two pages.
    const { sim, ids, t } = await start(8, {}, (url) => createScimTarget(lmsSettings(url), TOKEN, { pageSize: 2 }));
    const [a = '', b = '', c = ''] = ids;
    const sales = seedGroup(sim, 'Sales', [{ value: a }, { value: b, type: 'User' }]);
    const eng = seedGroup(sim, 'Engineering', [{ value: c }]);
    const empty = seedGroup(sim, 'Empty');
    // A group inside Sales: a member, but not a user.
    const nested = seedGroup(sim, 'Sales EMEA', [{ value: c }]);
    sim.store.putGroup(sales, { ...stored(sim, sales), members: [...members(stored(sim, sales)), { value: nested, type: 'Group' }] });
    sim.clearRequests();

    const groups = unwrap(await t.readGroups(['  sales ', 'EMPTY', 'Not in the LMS']));
    expect(groups).not.toBeNull();
    const byName = new Map((groups ?? []).map((g): [string, TargetGroup] => [g.displayName, g]));
    expect([...byName.keys()].sort()).toEqual(['Empty', 'Engineering', 'Sales', 'Sales EMEA']);
    expect(sorted(byName.get('Sales')?.memberIds ?? null)).toEqual([a, b].sort());
    expect(byName.get('Sales')?.id).toBe(sales);
    expect(byName.get('Empty')).toEqual({ id: empty, displayName: 'Empty', memberIds: [] });
    // Not asked for: no members, even though the LMS has some.
    expect(byName.get('Engineering')).toEqual({ id: eng, displayName: 'Engineering', memberIds: null });
    expect(byName.get('Sales EMEA')?.memberIds).toBeNull();

    const lists = groupRequests(sim, 'GET').filter((r) => r.path === '/Groups');
    expect(lists.length).toBe(2);
    for (const r of lists) expect(r.query.excludedAttributes).toBe('members');
    expect(groupRequests(sim, 'GET').filter((r) => r.path !== '/Groups').map((r) => r.path).sort()).toEqual([`/Groups/${empty}`, `/Groups/${sales}`].sort());
  });

  it('is null when the LMS has no Groups resource type', async () => {
    const { sim, t, ids } = await start(3, { capabilities: { groups: false } });
    expect(unwrap(await t.discover()).groups).toBe(false);
    expect(unwrap(await t.readGroups(['Sales']))).toBeNull();
    const made = await t.createGroup('Sales', ids);
    expect(made.ok ? null : made.error.code).toBe('LMS_UNSUPPORTED');
    const changed = await t.updateGroupMembers('some-id', [ids[0] ?? ''], []);
    expect(changed.ok ? null : changed.error.fix).toMatch(/Remove the pushed groups/);
    expect(sim.requests().filter((r) => scimPath(r.path).startsWith('/Groups'))).toEqual([]);
    // Nothing to change: fine, and nothing is sent.
    sim.clearRequests();
    expect(await t.updateGroupMembers('some-id', [], [])).toEqual({ ok: true, value: undefined });
    expect(sim.requests()).toEqual([]);
  });
});

describe('createGroup', () => {
  it('creates the group with its members, and a second one of the same name takes up the first, removing nobody', async () => {
    const { sim, t, ids } = await start(5);
    const made = unwrap(await t.createGroup('Sales team', [ids[0] ?? '', ids[1] ?? '', ids[0] ?? '']));
    expect(made.displayName).toBe('Sales team');
    expect(sorted(made.memberIds)).toEqual([ids[0], ids[1]].sort());
    const g = stored(sim, made.id);
    expect(g?.displayName).toBe('Sales team');
    expect(userIds(g)).toEqual([ids[0], ids[1]].sort());
    const back = unwrap(await t.readGroups(['sales TEAM']));
    expect(back?.map((x) => [x.id, x.displayName, sorted(x.memberIds)])).toEqual([[made.id, 'Sales team', [ids[0], ids[1]].sort()]]);

    const none = unwrap(await t.createGroup('Nobody yet', []));
    expect(none.memberIds).toEqual([]);
    expect(members(stored(sim, none.id))).toEqual([]);

    // The LMS answers 409: the one group of that name is the group meant (a create whose answer
    // was lost, or made by a crashed run). Its members are added to; none is removed. The caller
    // tells it from a group created by memberIds: null (not read) instead of a list.
    const again = unwrap(await t.createGroup('SALES team', [ids[2] ?? '']));
    expect(again).toEqual({ id: made.id, displayName: 'Sales team', memberIds: null });
    expect(unwrap(await t.createGroup('sales team', [])).memberIds).toBeNull();
    expect(userIds(stored(sim, made.id))).toEqual([ids[0], ids[1], ids[2]].sort());
    expect(sim.groups().length).toBe(2);
  });

  it('creates a group of more than 500 members: the first 500 with the group, the rest in a PATCH', async () => {
    const { sim, t, ids } = await start(730);
    sim.clearRequests();
    const made = unwrap(await t.createGroup('Everyone', ids));
    expect(sorted(made.memberIds)).toEqual([...ids].sort());
    expect(userIds(stored(sim, made.id))).toEqual([...ids].sort());
    expect(groupRequests(sim, 'POST').length).toBe(1);
    expect(groupRequests(sim, 'PATCH').length).toBe(1);
  });

  it('names a member the LMS does not have in words about the members', async () => {
    const { sim, t, ids } = await start(2);
    const r = await t.createGroup('Sales', [ids[0] ?? '', 'no-such-account']);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatchObject({ code: 'LMS_INVALID_VALUE', details: { httpStatus: 400 } });
      expect(r.error.message).toMatch(/refused the group's members/);
      expect(r.error.message).toContain('no-such-account');
    }
    expect(sim.groups()).toEqual([]);
  });
});

describe('updateGroupMembers', () => {
  it('adds and removes by PATCH, at most 500 member changes a request', async () => {
    const { sim, t, ids } = await start(1400);
    const start600 = ids.slice(0, 600);
    const id = seedGroup(sim, 'Learners', start600.map((value) => ({ value })));
    const before = lastModified(stored(sim, id));
    const add = ids.slice(600, 1300);
    const remove = ids.slice(0, 400);
    sim.clearRequests();
    unwrap(await t.updateGroupMembers(id, add, remove));
    // 700 adds + 400 removes = 1,100 changes: 500, 500 and 100.
    const patches = groupRequests(sim, 'PATCH');
    expect(patches.map((r) => [r.path, r.status])).toEqual([
      [`/Groups/${id}`, 200],
      [`/Groups/${id}`, 200],
      [`/Groups/${id}`, 200],
    ]);
    expect(Math.ceil((add.length + remove.length) / MAX_MEMBER_CHANGES)).toBe(3);
    expect(groupRequests(sim, 'PUT')).toEqual([]);
    const want = [...ids.slice(400, 600), ...add].sort();
    expect(userIds(stored(sim, id))).toEqual(want);
    expect(lastModified(stored(sim, id)) > before).toBe(true);
    const back = unwrap(await t.readGroups(['Learners']));
    expect(sorted(back?.[0]?.memberIds ?? null)).toEqual(want);

    // Removing one that is not in and adding one that is: no error, nothing changes.
    unwrap(await t.updateGroupMembers(id, [add[0] ?? ''], [ids[0] ?? '']));
    expect(userIds(stored(sim, id))).toEqual(want);
  });

  it('gives the same members as SCIMMY itself when the simulator does not take its fast path', async () => {
    const results: string[][] = [];
    for (const fastWrites of [true, false]) {
      const { sim, t, ids } = await start(12, { fastWrites });
      const id = seedGroup(sim, 'Learners', ids.slice(0, 6).map((value) => ({ value })));
      unwrap(await t.updateGroupMembers(id, ids.slice(6, 9), ids.slice(0, 2)));
      unwrap(await t.updateGroupMembers(id, [ids[9] ?? '', ids[2] ?? ''], [ids[3] ?? '', ids[11] ?? '']));
      results.push(userIds(stored(sim, id)).map((m) => String(ids.indexOf(m))).sort());
    }
    expect(results[0]).toEqual(['2', '4', '5', '6', '7', '8', '9'].sort());
    expect(results[1]).toEqual(results[0]);
  });

  it('without PATCH, PUTs the whole group: other attributes and groups inside it kept', async () => {
    const { sim, t, ids } = await start(10, { capabilities: { patch: false } });
    const inner = seedGroup(sim, 'Inner');
    const id = seedGroup(sim, 'Learners', [{ value: ids[0] ?? '' }, { value: ids[1] ?? '' }, { value: inner, type: 'Group' }], { externalId: 'entra-group-1' });
    const before = lastModified(stored(sim, id));
    sim.clearRequests();
    unwrap(await t.updateGroupMembers(id, [ids[2] ?? '', ids[3] ?? ''], [ids[0] ?? '']));
    expect(groupRequests(sim, 'PATCH')).toEqual([]);
    expect(groupRequests(sim, 'PUT').map((r) => r.status)).toEqual([200]);
    const g = stored(sim, id);
    expect(userIds(g)).toEqual([ids[1], ids[2], ids[3]].sort());
    expect(members(g).filter((m) => m.type === 'Group')).toEqual([{ value: inner, type: 'Group' }]);
    expect(g).toMatchObject({ displayName: 'Learners', externalId: 'entra-group-1' });
    expect(lastModified(g) > before).toBe(true);

    // More than 500 changes are one PUT: the whole group is sent either way. The group is empty,
    // and its answer says so ("members": []).
    const { sim: big, t: bt, ids: many } = await start(700, { capabilities: { patch: false } });
    const bid = seedGroup(big, 'Everyone');
    big.clearRequests();
    unwrap(await bt.updateGroupMembers(bid, many, []));
    expect(groupRequests(big, 'PUT').length).toBe(1);
    expect(userIds(stored(big, bid))).toEqual([...many].sort());
  });

  it('falls back to PUT when the LMS advertises PATCH and refuses it, then keeps to PUT', async () => {
    const { sim, t, ids } = await start(6, { faults: { refusePatch: true } });
    const id = seedGroup(sim, 'Learners', [{ value: ids[0] ?? '' }]);
    sim.clearRequests();
    unwrap(await t.updateGroupMembers(id, [ids[1] ?? ''], []));
    unwrap(await t.updateGroupMembers(id, [ids[2] ?? ''], [ids[0] ?? '']));
    expect(groupRequests(sim, 'PATCH').map((r) => r.status)).toEqual([501]);
    expect(groupRequests(sim, 'PUT').length).toBe(2);
    expect(userIds(stored(sim, id))).toEqual([ids[1], ids[2]].sort());
  });

  it('says to run a new dry run when the group was removed in the LMS since, by PATCH and by PUT', async () => {
    for (const patch of [true, false]) {
      const { sim, t, ids } = await start(3, { capabilities: { patch } });
      const id = seedGroup(sim, 'Gone soon');
      sim.store.org.groups.delete(id);
      const r = await t.updateGroupMembers(id, [ids[0] ?? ''], []);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error).toMatchObject({ code: 'LMS_NOT_FOUND', details: { httpStatus: 404 } });
        expect(r.error.message).toContain('not there any more');
        expect(r.error.fix).toMatch(/^Run a new dry run: the LMS group was removed since/);
        expect(r.error.message + r.error.fix).not.toContain(TOKEN);
      }
      expect(sim.groups()).toEqual([]);
    }
  });
});
