/**
 * SCIM Groups against LMSs that misbehave, over real HTTP against the simulator's group faults:
 * members listed only when asked or never (for every group, or for one group while the others
 * list theirs), a create whose answer is lost, a 409 with no group to
 * match, removes by filter refused, "no such member" to a remove, a token without groups, a 412
 * twice, a PUT parameter refused, a group PATCH refused (user writes still PATCH), and a 201 with
 * only a (broken) Location. Each test reads what the LMS holds afterwards.
 */
import { describe, expect, it } from 'vitest';
import type { Json } from '../../../src-main/demo/lms/store';
import { integrationStatusFor, isCredentialError } from '../../../src-main/lms';
import { ScimHttp } from '../../../src-main/lms/http';
import { TOKEN, unwrap } from './helpers';
import { groupRequests, groupTestSetup, seedGroup, stored, userIds } from './group-kit';

const start = groupTestSetup();

const sorted = (ids: ReadonlyArray<string | undefined>): string[] => ids.map((x) => x ?? '').sort();

describe('a PUT only from a list of members the LMS gave', () => {
  it('asks for the members of an LMS that lists them only when asked, and keeps the ones an admin added', async () => {
    const { sim, t, ids } = await start(4, { capabilities: { patch: false }, faults: { groupMembersOnlyWhenAsked: true } });
    const [a, b, c] = ids;
    const id = seedGroup(sim, 'Learners', sorted([a, b]));
    // The dry run's read sees the members too.
    expect(sorted(unwrap(await t.readGroups(['Learners']))?.[0]?.memberIds ?? [])).toEqual(sorted([a, b]));
    sim.clearRequests();
    unwrap(await t.updateGroupMembers(id, [c ?? ''], []));
    expect(userIds(stored(sim, id))).toEqual(sorted([a, b, c]));
    expect(groupRequests(sim, 'GET').map((r) => r.query.attributes ?? null)).toEqual([null, 'members']);
    expect(groupRequests(sim, 'PUT').map((r) => r.status)).toEqual([200]);
  });

  it('refuses to PUT when the LMS never lists members, and sends nothing', async () => {
    const { sim, t, ids } = await start(4, { capabilities: { patch: false }, faults: { omitGroupMembers: true } });
    const [a, b, c] = ids;
    const id = seedGroup(sim, 'Learners', sorted([a, b]));
    for (const [add, remove] of [
      [[c ?? ''], [a ?? '']],
      [[c ?? ''], []],
    ]) {
      const r = await t.updateGroupMembers(id, add ?? [], remove ?? []);
      expect(r.ok ? null : r.error.code).toBe('LMS_UNSUPPORTED');
      if (!r.ok) {
        expect(r.error.message).toMatch(/^The LMS did not list the group's members, so Rollcall cannot change them without PATCH/);
        expect(r.error.fix).toMatch(/list a group's members/);
      }
    }
    expect(groupRequests(sim, 'PUT')).toEqual([]);
    expect(userIds(stored(sim, id))).toEqual(sorted([a, b]));
  });

  it('refuses to PUT a group whose own answer has no members, though another group lists its members', async () => {
    const { sim, t, ids } = await start(4, { capabilities: { patch: false }, faults: { omitMembersOfGroup: 'Everyone' } });
    const [a, b, c] = ids;
    const everyone = seedGroup(sim, 'Everyone', sorted([a, b]));
    const admins = seedGroup(sim, 'Admins', [a ?? '']);
    // The session sees Admins' members: this LMS lists members, but not Everyone's.
    const read = unwrap(await t.readGroups(['Admins', 'Everyone']));
    expect(read?.find((g) => g.id === admins)?.memberIds).toEqual([a]);
    sim.clearRequests();
    const r = await t.updateGroupMembers(everyone, [c ?? ''], []);
    expect(r.ok ? null : r.error.code).toBe('LMS_UNSUPPORTED');
    if (!r.ok) expect(r.error.fix).toMatch(/"members": \[\]/);
    // Asked with attributes=members too, and nothing sent: Everyone keeps A and B.
    expect(groupRequests(sim, 'GET').map((x) => x.query.attributes ?? null)).toEqual([null, 'members']);
    expect(groupRequests(sim, 'PUT')).toEqual([]);
    expect(userIds(stored(sim, everyone))).toEqual(sorted([a, b]));
    // Admins, listed, is PUT.
    unwrap(await t.updateGroupMembers(admins, [c ?? ''], []));
    expect(userIds(stored(sim, admins))).toEqual(sorted([a, c]));
  });

  it('PUTs an empty group the LMS lists as "members": [], and refuses one whose answer leaves members out', async () => {
    const { sim, t, ids } = await start(3, { capabilities: { patch: false }, faults: { omitMembersOfGroup: 'Quiet' } });
    const [a, b] = ids;
    const empty = seedGroup(sim, 'Empty');
    const quiet = seedGroup(sim, 'Quiet');
    const answer = (await (await fetch(`${sim.baseUrl}/Groups/${empty}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as Json;
    expect(answer.members).toEqual([]);
    unwrap(await t.updateGroupMembers(empty, [a ?? ''], []));
    expect(userIds(stored(sim, empty))).toEqual([a]);
    // Empty too, but nothing in its answer says so: not to be told from a group not listed.
    const r = await t.updateGroupMembers(quiet, [b ?? ''], []);
    expect(r.ok ? null : r.error.code).toBe('LMS_UNSUPPORTED');
    expect(groupRequests(sim, 'PUT').map((x) => x.path)).toEqual([`/Groups/${empty}`]);
  });
});

describe('a create whose answer was lost, and a 409', () => {
  it('takes up its own group when the retried POST answers 409: one group, with its members', async () => {
    const { sim, t, ids } = await start(3, { faults: { loseGroupCreateAnswers: 1 } });
    const made = unwrap(await t.createGroup('Sales', ids.slice(0, 2)));
    expect(sim.groups().map((g) => g.id)).toEqual([made.id]);
    expect(userIds(stored(sim, made.id))).toEqual(sorted(ids.slice(0, 2)));
    expect(groupRequests(sim, 'POST').map((r) => r.status)).toEqual([502, 409]);
  });

  it('is LMS_GROUP_CONFLICT, not a token or user error, when no group of that name is found', async () => {
    const { sim, t, ids } = await start(2, { faults: { conflictOnGroupCreate: true } });
    const r = await t.createGroup('Sales', ids);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatchObject({ code: 'LMS_GROUP_CONFLICT', details: { httpStatus: 409, scimType: 'uniqueness' } });
      expect(r.error.message).toMatch(/already has a group named "Sales" \(HTTP 409\).*but Rollcall found no group of that name/);
      expect(integrationStatusFor(r.error)).toBe('error');
    }
    expect(sim.groups()).toEqual([]);
  });

  it('reads the group from a 201 with only a Location, and finds it by name when the Location is broken', async () => {
    for (const groupCreateAnswer of ['locationOnly', 'badLocation'] as const) {
      const { sim, t, ids } = await start(2, { faults: { groupCreateAnswer } });
      const made = unwrap(await t.createGroup('Sales', ids));
      expect(sim.groups().map((g) => g.id)).toEqual([made.id]);
      expect(made.displayName).toBe('Sales');
    }
  });
});

describe('removes the LMS does not take by PATCH', () => {
  it('falls back to PUT when the LMS refuses a member filter in the path (400 invalidPath), and then PUTs removes at once', async () => {
    const { sim, t, ids } = await start(5, { faults: { refuseMemberFilterRemove: true } });
    const [a, b, c, d, e] = ids;
    const id = seedGroup(sim, 'Learners', sorted([a, b, c]));
    unwrap(await t.updateGroupMembers(id, [d ?? ''], [a ?? '']));
    expect(userIds(stored(sim, id))).toEqual(sorted([b, c, d]));
    expect(groupRequests(sim, 'PATCH').map((r) => r.status)).toEqual([400]);
    sim.clearRequests();
    unwrap(await t.updateGroupMembers(id, [], [b ?? '']));
    unwrap(await t.updateGroupMembers(id, [e ?? ''], []));
    expect(userIds(stored(sim, id))).toEqual(sorted([c, d, e]));
    // Adds alone still go by PATCH.
    expect(groupRequests(sim, 'PATCH').map((r) => r.status)).toEqual([200]);
    expect(groupRequests(sim, 'PUT').length).toBe(1);
  });

  it('takes "no such member" (400 noTarget) for a member already gone: the others are changed, by PATCH', async () => {
    const { sim, t, ids } = await start(5);
    const [a, b, c, d] = ids;
    const id = seedGroup(sim, 'Learners', sorted([a, b, c]));
    // The simulator answers noTarget for a filter that matches no member (RFC 7644 §3.12).
    const res = await fetch(`${sim.baseUrl}/Groups/${id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'remove', path: `members[value eq "${d ?? ''}"]` }] }),
    });
    expect([res.status, ((await res.json()) as { scimType?: string }).scimType]).toEqual([400, 'noTarget']);
    sim.clearRequests();
    unwrap(await t.updateGroupMembers(id, [d ?? ''], [a ?? '', 'gone-since', b ?? '']));
    expect(userIds(stored(sim, id))).toEqual(sorted([c, d]));
    expect(groupRequests(sim, 'PATCH').map((r) => r.status)).toEqual([400, 200]);
    expect(groupRequests(sim, 'PUT')).toEqual([]);
  });

  it('sends each remove alone after noTarget when the LMS does not list members', async () => {
    const { sim, t, ids } = await start(4, { faults: { omitGroupMembers: true } });
    const [a, b, c] = ids;
    const id = seedGroup(sim, 'Learners', sorted([a, b]));
    unwrap(await t.updateGroupMembers(id, [c ?? ''], [a ?? '', 'gone-since']));
    expect(userIds(stored(sim, id))).toEqual(sorted([b, c]));
    // The chunk (noTarget), the adds, then each remove: one done, one already out.
    expect(groupRequests(sim, 'PATCH').map((r) => r.status)).toEqual([400, 200, 200, 400]);
    expect(groupRequests(sim, 'PUT')).toEqual([]);
  });

  it('after noTarget, sends each remove alone when this group\'s answer has no members, though other groups list theirs', async () => {
    const { sim, t, ids } = await start(4, { faults: { omitMembersOfGroup: 'Everyone' } });
    const [a, b, c] = ids;
    const everyone = seedGroup(sim, 'Everyone', sorted([a, b]));
    seedGroup(sim, 'Admins', [c ?? '']);
    expect(unwrap(await t.readGroups(['Admins']))?.find((g) => g.displayName === 'Admins')?.memberIds).toEqual([c]);
    sim.clearRequests();
    unwrap(await t.updateGroupMembers(everyone, [], ['gone-since', a ?? '']));
    // Not "no member is there, nothing left to remove": A is taken out.
    expect(userIds(stored(sim, everyone))).toEqual([b]);
    expect(groupRequests(sim, 'PATCH').map((r) => r.status)).toEqual([400, 400, 200]);
  });
});

describe('answers worded for groups', () => {
  it('words 401/403 on /Groups, while /Users works, as a missing permission that leaves the integration valid', async () => {
    for (const status of [403, 401]) {
      const { sim, t, ids } = await start(2, { faults: { groupsForbiddenStatus: status } });
      const id = seedGroup(sim, 'Learners');
      for (const r of [await t.readGroups(['Learners']), await t.updateGroupMembers(id, ids, []), await t.createGroup('New', ids)]) {
        expect(r.ok).toBe(false);
        if (r.ok) continue;
        expect(r.error).toMatchObject({ code: 'LMS_GROUPS_FORBIDDEN', details: { httpStatus: status } });
        expect(r.error.message).toMatch(/^The LMS token may read users but not groups .*so pushed groups are left alone\./);
        expect(r.error.fix).toBe('Give the token access to groups in the LMS, or stop pushing groups.');
        expect(isCredentialError(r.error)).toBe(false);
        expect(integrationStatusFor(r.error)).toBe('error');
      }
      // Users were asked once, to tell the two apart.
      expect(sim.requests().filter((r) => r.path.endsWith('/Users')).length).toBe(1);
    }
  });

  it('words a 412 after the one retry as someone else changing the group', async () => {
    const { sim, t, ids } = await start(2, { capabilities: { patch: false }, faults: { groupPreconditionFails: true } });
    const id = seedGroup(sim, 'Learners', [ids[0] ?? '']);
    const r = await t.updateGroupMembers(id, [ids[1] ?? ''], []);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.message).toMatch(/^Someone else changed the LMS group at the same time \(HTTP 412\)/);
      expect(r.error.fix).toMatch(/^Run the sync again/);
    }
    expect(groupRequests(sim, 'PUT').map((x) => x.status)).toEqual([412, 412]);
  });
});

describe('what group writes ask back, and what they switch', () => {
  it('asks a PUT to leave members out of its answer, and stops asking when the LMS refuses the parameter', async () => {
    const { sim, t, ids } = await start(4, { capabilities: { patch: false } });
    const id = seedGroup(sim, 'Learners', [ids[0] ?? '']);
    unwrap(await t.updateGroupMembers(id, [ids[1] ?? ''], []));
    expect(groupRequests(sim, 'PUT').map((r) => [r.status, r.query.excludedAttributes])).toEqual([[200, 'members']]);

    const { sim: strict, t: st, ids: sids } = await start(4, { capabilities: { patch: false }, faults: { refuseGroupWriteQuery: true } });
    const sid = seedGroup(strict, 'Learners', [sids[0] ?? '']);
    unwrap(await st.updateGroupMembers(sid, [sids[1] ?? ''], []));
    unwrap(await st.updateGroupMembers(sid, [sids[2] ?? ''], []));
    expect(groupRequests(strict, 'PUT').map((r) => [r.status, r.query.excludedAttributes ?? null])).toEqual([
      [400, 'members'],
      [200, null],
      [200, null],
    ]);
    expect(userIds(stored(strict, sid))).toEqual(sorted(sids.slice(0, 3)));
  });

  it('sends no excludedAttributes with a PATCH (SCIMMY would patch the group without its members)', async () => {
    const { sim, t, ids } = await start(4, { fastWrites: false });
    const id = seedGroup(sim, 'Learners', ids.slice(0, 2));
    unwrap(await t.updateGroupMembers(id, [ids[2] ?? ''], []));
    expect(groupRequests(sim, 'PATCH').map((r) => r.query)).toEqual([{}]);
    expect(userIds(stored(sim, id))).toEqual(sorted(ids.slice(0, 3)));
  });

  it('leaves a write answer unparsed when asked (errors are still read)', async () => {
    const { sim } = await start(1);
    const http = new ScimHttp({ baseUrl: sim.baseUrl, authorization: `Bearer ${TOKEN}`, secrets: [TOKEN], concurrency: 1, rateLimitPerSecond: null });
    const okAnswer = unwrap(await http.request('GET', 'ServiceProviderConfig', undefined, undefined, undefined, { skipSuccessJson: true }));
    expect([okAnswer.status, okAnswer.isJson, okAnswer.json]).toEqual([200, true, undefined]);
    const missing = unwrap(await http.request('GET', 'Groups/nope', undefined, undefined, undefined, { skipSuccessJson: true }));
    expect([missing.status, typeof missing.json]).toEqual([404, 'object']);
    http.close();
  });

  it('keeps user writes on PATCH when only the group PATCH is refused', async () => {
    const { sim, t, ids } = await start(3, { faults: { refuseGroupPatch: true } });
    const id = seedGroup(sim, 'Learners');
    seedGroup(sim, 'Admins', [ids[2] ?? '']);
    unwrap(await t.updateGroupMembers(id, [ids[0] ?? ''], []));
    unwrap(await t.updateUser(ids[1] ?? '', [{ field: 'title', from: null, to: 'Trainer' }]));
    expect(groupRequests(sim, 'PATCH').map((r) => r.status)).toEqual([501]);
    expect(sim.requests().filter((r) => r.method === 'PATCH' && r.path.includes('/Users/')).map((r) => r.status)).toEqual([200]);
    expect(sim.requests().filter((r) => r.method === 'PUT' && r.path.includes('/Users/'))).toEqual([]);
    expect(userIds(stored(sim, id))).toEqual([ids[0]]);
  });
});
