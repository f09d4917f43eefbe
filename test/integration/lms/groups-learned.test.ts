/**
 * What the SCIM Groups client learns from the LMS's answers, over real HTTP against the
 * simulator: one group's refusal (a 405 to its PATCH, a member filter, `attributes=members`) is
 * kept for that group and switches the whole session only when a second group answers the same;
 * a list refused with `excludedAttributes` is read without it from then on; and after a 409 to a
 * create, a lookup that fails is reported as itself, the 409 said once.
 */
import { describe, expect, it } from 'vitest';
import { createScimTarget } from '../../../src-main/lms';
import { lmsSettings, TOKEN, unwrap } from './helpers';
import { groupRequests, groupTestSetup, seedGroup, stored, userIds } from './group-kit';

const start = groupTestSetup();

const sorted = (ids: ReadonlyArray<string | undefined>): string[] => ids.map((x) => x ?? '').sort();
const count = (text: string, part: string): number => text.split(part).length - 1;

describe('one group refusing is that group, two are the LMS', () => {
  it('writes the next group by PATCH after another answered 405 to its PATCH, and keeps the refusing group on PUT', async () => {
    const { sim, t, ids } = await start(4, { faults: { refusePatchOfGroup: 'Learners' } });
    const [a, b, c, d] = ids;
    const learners = seedGroup(sim, 'Learners', [a]);
    const admins = seedGroup(sim, 'Admins');
    unwrap(await t.updateGroupMembers(learners, [b ?? ''], []));
    unwrap(await t.updateGroupMembers(admins, [c ?? ''], []));
    unwrap(await t.updateGroupMembers(learners, [d ?? ''], []));
    expect(groupRequests(sim, 'PATCH').map((r) => [r.path, r.status])).toEqual([
      [`/Groups/${learners}`, 405],
      [`/Groups/${admins}`, 200],
    ]);
    expect(groupRequests(sim, 'PUT').map((r) => r.path)).toEqual([`/Groups/${learners}`, `/Groups/${learners}`]);
    expect(userIds(stored(sim, learners))).toEqual(sorted([a, b, d]));
    expect(userIds(stored(sim, admins))).toEqual([c]);
  });

  it('moves every group to PUT once a second group refuses PATCH', async () => {
    const { sim, t, ids } = await start(3, { faults: { refuseGroupPatch: true } });
    const groups = ['One', 'Two', 'Three'].map((name) => seedGroup(sim, name));
    for (const [i, id] of groups.entries()) unwrap(await t.updateGroupMembers(id, [ids[i] ?? ''], []));
    expect(groupRequests(sim, 'PATCH').map((r) => r.status)).toEqual([501, 501]);
    expect(groupRequests(sim, 'PUT').length).toBe(3);
    expect(groups.map((id) => userIds(stored(sim, id)))).toEqual(ids.map((x) => [x]));
  });

  it('tries removes by member filter on another group after one refused them, and stops after the second', async () => {
    const { sim, t, ids } = await start(3, { faults: { refuseMemberFilterRemove: true } });
    const groups = ['One', 'Two', 'Three'].map((name) => seedGroup(sim, name, ids));
    for (const [i, id] of groups.entries()) unwrap(await t.updateGroupMembers(id, [], [ids[i] ?? '']));
    expect(groupRequests(sim, 'PATCH').map((r) => r.status)).toEqual([400, 400]);
    expect(groupRequests(sim, 'PUT').length).toBe(3);
    expect(groups.map((id) => userIds(stored(sim, id)))).toEqual(ids.map((x) => ids.filter((y) => y !== x).sort()));
  });

  it('asks another group for attributes=members after one refused it, and stops after the second', async () => {
    const { sim, t, ids } = await start(3, { faults: { refuseGroupAttributesParam: true } });
    const names = ['One', 'Two', 'Three'];
    for (const [i, name] of names.entries()) seedGroup(sim, name, [ids[i]]);
    const got: Array<string[] | null | undefined> = [];
    for (const name of names) got.push(unwrap(await t.readGroups([name]))?.find((g) => g.displayName === name)?.memberIds);
    expect(got).toEqual(ids.map((x) => [x]));
    const reads = groupRequests(sim, 'GET').filter((r) => r.path !== '/Groups');
    expect(reads.map((r) => [r.query.attributes ?? null, r.status])).toEqual([
      ['members', 400],
      [null, 200],
      ['members', 400],
      [null, 200],
      [null, 200],
    ]);
  });
});

describe('lists of groups', () => {
  it('reads lists without excludedAttributes once the LMS refused it there', async () => {
    const { sim, t, ids } = await start(2, { faults: { refuseGroupListExclude: true } });
    seedGroup(sim, 'Sales', ids);
    for (let i = 0; i < 2; i++) expect(unwrap(await t.readGroups([]))?.map((g) => g.displayName)).toEqual(['Sales']);
    expect(groupRequests(sim, 'GET').map((r) => [r.query.excludedAttributes ?? null, r.status])).toEqual([
      ['members', 400],
      [null, 200],
      [null, 200],
    ]);
  });
});

describe('a 409 to a create, then a lookup that fails', () => {
  it('is the lookup\'s own error (an LMS down, a token that may not list groups), the 409 said once', async () => {
    for (const [status, code] of [
      [503, 'LMS_SERVER_ERROR'],
      [403, 'LMS_GROUPS_FORBIDDEN'],
    ] as const) {
      const { sim, t, ids } = await start(2, { faults: { conflictOnGroupCreate: true, groupListStatus: status } });
      const r = await t.createGroup('Sales', ids);
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.error).toMatchObject({ code, details: { httpStatus: status } });
      expect(r.error.message).toMatch(/^The LMS answered that it already has a group named "Sales" \(HTTP 409\) while creating the LMS group "Sales", and looking that group up failed: /);
      expect(count(r.error.message, 'HTTP 409')).toBe(1);
      expect(count(r.error.message, 'The LMS says:')).toBeLessThanOrEqual(1);
      expect(r.error.message).not.toContain('uniqueness');
      if (code === 'LMS_GROUPS_FORBIDDEN') expect(r.error.fix).toBe('Give the token access to groups in the LMS, or stop pushing groups.');
      expect(sim.groups()).toEqual([]);
    }
  });

  it('stays LMS_ABORTED when the run is cancelled during the lookup', async () => {
    const cancel = new AbortController();
    const { t, ids } = await start(2, { faults: { conflictOnGroupCreate: true, groupListStatus: 503 } }, (baseUrl) =>
      // Cancelled while waiting to ask the list again.
      createScimTarget(lmsSettings(baseUrl), TOKEN, {
        maxRetries: 3,
        sleep: () => {
          cancel.abort();
          return Promise.reject(new Error('cancelled'));
        },
      }),
    );
    const r = await t.createGroup('Sales', ids, cancel.signal);
    expect(r.ok ? null : r.error.code).toBe('LMS_ABORTED');
    expect(r.ok ? '' : r.error.message).not.toContain('409');
  });
});
