import { describe, expect, it } from 'vitest';
import { group, link, planConfig, sourceUser, targetUser } from '../../../src-main/core/testing/builders';
import { change, opFor, run } from './helpers';
import { DEFAULT_VENDOR_NAMESPACE, vendorPath } from '../../../src-main/core/model';

const inGroup = planConfig({ scope: { include: [{ kind: 'group', groupId: 'g' }] }, deactivation: { deactivateUsers: true, thresholdCount: 500, thresholdPercent: 100 } });
const members = (...ids: string[]) => [group('g', 'All Staff', ids)];
const owned = (id: string) => targetUser(`t-${id}`, { externalId: id, userName: `${id}@contoso.com` });

describe('deactivation with "Deactivate users" on', () => {
  it('deactivates an owned user who left the scope, saying which rule decided', () => {
    const p = run({ users: [sourceUser('a')], groups: members(), targets: [owned('a')], links: [link('a', 't-a')], config: inGroup });
    const op = opFor(p, 'a');
    expect(op?.kind).toBe('deactivate');
    expect(op?.reason).toBe('left_scope');
    expect(op?.detail).toContain('is outside the scope (matches none of the include rules)');
    expect(change(op, 'active')).toEqual({ from: 'true', to: 'false' });
  });

  it("keeps an LMS administrator's account active when its person leaves the scope (reference 000: \"I can't see my users anymore\"), not when they are leaving", () => {
    const perms = vendorPath(DEFAULT_VENDOR_NAMESPACE, 'permissionTypes');
    const holding = (id: string, types: string[]) => targetUser(`t-${id}`, { externalId: id, userName: `${id}@contoso.com`, attributes: { [perms]: types } });
    const admin = (id: string) => holding(id, ['Learner', 'LMS Administrator']);
    const p = run({ users: [sourceUser('it'), sourceUser('off', { accountEnabled: false })], groups: members('off'), targets: [admin('it'), admin('off'), admin('gone')], links: [link('it', 't-it'), link('off', 't-off'), link('gone', 't-gone')], config: inGroup });
    // Out of the scope: kept, and said why. Disabled or deleted in Entra: deactivated as anyone.
    expect(p.ops.map((o) => [o.targetId, o.kind, o.reason]).sort()).toEqual([
      ['t-gone', 'deactivate', 'gone_from_entra'],
      ['t-it', 'skip', 'administrator_kept'],
      ['t-off', 'deactivate', 'disabled_in_entra'],
    ]);
    expect(opFor(p, 'it')?.detail).toBe('it is outside the scope (matches none of the include rules), but the LMS account holds "LMS Administrator", an administrator\'s permission type, so it stays active: Rollcall never takes an LMS administrator\'s access away on its own. Take that permission type away in the LMS (the next sync then deactivates the account), or deactivate it by hand.');
    // An HR leave date is a decision about the person: it deactivates an administrator too.
    const lastDay = planConfig({ scope: { include: [{ kind: 'group', groupId: 'g' }] }, deactivation: { deactivateUsers: true, useLastDay: true, thresholdCount: 500, thresholdPercent: 100 } });
    const left = run({ users: [sourceUser('it', { employeeLeaveDateTime: '2026-01-01T00:00:00Z' })], groups: members('it'), targets: [admin('it')], links: [link('it', 't-it')], config: lastDay });
    expect(opFor(left, 'it')).toMatchObject({ kind: 'deactivate', reason: 'last_day_reached' });
    // Not an administrator by a word inside another ("Administrative staff"), nor by a type the
    // integration grants itself (its own to take away).
    const granting = planConfig({ scope: { include: [{ kind: 'group', groupId: 'g' }] }, deactivation: { deactivateUsers: true, thresholdCount: 500, thresholdPercent: 100 }, mapping: { permissions: { groupMap: [{ groupId: 'g-leads', permissionType: 'Team Admin' }] } } });
    const others = run({ users: [sourceUser('staff'), sourceUser('lead')], groups: members(), targets: [holding('staff', ['Administrative Staff']), holding('lead', ['team admin'])], links: [link('staff', 't-staff'), link('lead', 't-lead')], config: granting });
    expect(others.ops.map((o) => [o.targetId, o.kind]).sort()).toEqual([
      ['t-lead', 'deactivate'],
      ['t-staff', 'deactivate'],
    ]);
  });

  it('deactivates an owned user disabled in Entra, even while still in the group', () => {
    const p = run({ users: [sourceUser('a', { accountEnabled: false })], groups: members('a'), targets: [owned('a')], links: [link('a', 't-a')], config: inGroup });
    expect(opFor(p, 'a')?.reason).toBe('disabled_in_entra');
  });

  it('deactivates an owned user who is gone from Entra', () => {
    const p = run({ users: [sourceUser('b')], groups: members('b'), targets: [owned('a'), owned('b')], links: [link('a', 't-a'), link('b', 't-b')], config: inGroup });
    expect(opFor(p, 'a')?.reason).toBe('gone_from_entra');
  });

  it('deactivates an account that a damaged link table links to two gone people once, counting it once', () => {
    const p = run({ users: [], targets: [owned('a')], links: [link('gone-1', 't-a'), link('gone-2', 't-a')], config: inGroup });
    expect(p.ops.map((op) => [op.kind, op.targetId])).toEqual([['deactivate', 't-a']]);
    expect(p.summary.deactivate).toBe(1);
  });

  it('leaves an account linked to a gone person and to someone in scope (linked twice) to the admin, then deactivates it after the relink', () => {
    // z is linked to t-a and t-z: which is z's is the admin's call (a conflict naming both), and
    // t-a, which the table also gives to a gone person, is not deactivated meanwhile.
    const world = { users: [sourceUser('z')], groups: members('z'), targets: [owned('a'), owned('z')], config: inGroup };
    const p = run({ ...world, links: [link('a-gone', 't-a'), link('z', 't-a'), link('z', 't-z')] });
    expect(p.ops.map((op) => [op.kind, op.reason, op.candidates?.targetIds])).toEqual([['conflict', 'duplicate_lms_accounts', ['t-a', 't-z']]]);
    expect(p.summary.deactivate).toBe(0);
    // Relink z to t-z: the relink drops z's other links (run-handlers resolveConflict).
    const relinked = run({ ...world, links: [link('a-gone', 't-a'), link('z', 't-z')] });
    expect(relinked.ops.filter((op) => op.targetId === 't-a').map((op) => [op.kind, op.reason])).toEqual([['deactivate', 'gone_from_entra']]);
    expect(relinked.summary.deactivate).toBe(1);
  });

  it('leaves alone an account a damaged link table gives to a disabled person and to someone in scope', () => {
    // z's other link names an account gone from the LMS, so t-z is the one z's links lead to; but
    // the table also gives t-z to a, so z's is a conflict, and a's link must not deactivate it.
    const p = run({
      users: [sourceUser('a', { accountEnabled: false }), sourceUser('z')],
      groups: members('a', 'z'),
      targets: [owned('z')],
      links: [link('a', 't-z'), link('z', 't-z'), link('z', 't-zz')],
      config: inGroup,
    });
    expect(p.ops.filter((op) => op.targetId === 't-z' || op.candidates?.targetIds.includes('t-z')).map((op) => [op.kind, op.reason, op.sourceId])).toEqual([['conflict', 'duplicate_entra_accounts', 'z']]);
    expect(p.summary.deactivate).toBe(0);
  });

  it('never deactivates an LMS user this integration does not own', () => {
    const p = run({ users: [sourceUser('a')], groups: members(), targets: [owned('a'), targetUser('manual')], config: inGroup });
    expect(p.ops).toEqual([]);
  });

  it('does not touch an already inactive owned account', () => {
    const p = run({ users: [], targets: [{ ...owned('a'), active: false }], links: [link('a', 't-a')], config: inGroup });
    expect(p.ops).toEqual([]);
  });

  it('leaves an owned account also claimed by another integration to Last Day', () => {
    const p = run({ users: [sourceUser('a')], groups: members(), targets: [owned('a')], links: [link('a', 't-a')], others: [link('x', 't-a', 'int-2')], config: inGroup });
    expect(opFor(p, 'a')?.kind).toBe('skip');
    expect(opFor(p, 'a')?.reason).toBe('shared_with_other_integration');
  });
});

describe('deactivation with "Deactivate users" off', () => {
  const off = planConfig({ scope: { include: [{ kind: 'group', groupId: 'g' }] } });

  it.each([
    ['left_scope_deactivation_off', sourceUser('a')],
    ['disabled_deactivation_off', sourceUser('a', { accountEnabled: false })],
  ])('reports an owned, still active user as %s instead of deactivating', (reason, user) => {
    const p = run({ users: [user], groups: members(user.accountEnabled ? 'zzz' : 'a'), targets: [owned('a')], links: [link('a', 't-a')], config: off });
    const op = opFor(p, 'a');
    expect(op?.kind).toBe('skip');
    expect(op?.reason).toBe(reason);
    expect(op?.detail).toContain('"Deactivate users" is off');
    expect(p.summary.deactivate).toBe(0);
  });

  it('says nothing about tenant users who were never in the LMS', () => {
    const p = run({ users: [sourceUser('a'), sourceUser('b'), sourceUser('c')], groups: members(), config: off });
    expect(p.ops).toEqual([]);
  });
});

describe('Last Day', () => {
  const lastDay = planConfig({ deactivation: { useLastDay: true } });
  const leaving = (id: string, date: string) => sourceUser(id, { displayName: null, employeeLeaveDateTime: date });

  it('deactivates on employeeLeaveDateTime at or before now, even in scope and with "Deactivate users" off', () => {
    const p = run({ users: [leaving('a', '2026-03-01T12:00:00Z')], targets: [owned('a')], links: [link('a', 't-a')], config: lastDay });
    expect(opFor(p, 'a')?.kind).toBe('deactivate');
    expect(opFor(p, 'a')?.reason).toBe('last_day_reached');
    expect(opFor(p, 'a')?.detail).toContain('2026-03-01T12:00:00Z');
  });

  it('does nothing before the last day', () => {
    const p = run({ users: [leaving('a', '2026-03-02T00:00:00Z')], targets: [owned('a')], links: [link('a', 't-a')], config: lastDay });
    expect(opFor(p, 'a')).toBeUndefined();
    expect(p.summary.unchanged).toBe(1);
  });

  it('says so in the plan when Entra could not be asked for Last Day (no User-LifecycleInfo.Read.All), and only then', () => {
    const unread = { lastDayUnread: true };
    const guard = (p: ReturnType<typeof run>) => p.guards.find((g) => g.code === 'last_day_unread');
    expect(guard(run({ users: [sourceUser('a')], source: unread, config: lastDay }))).toMatchObject({ blocking: false });
    expect(guard(run({ users: [sourceUser('a')], source: unread }))).toBeUndefined(); // Last Day not used: nothing missed
    expect(guard(run({ users: [sourceUser('a')], config: lastDay }))).toBeUndefined();
  });

  it('is ignored when the Last Day setting is off', () => {
    const p = run({ users: [leaving('a', '2020-01-01T00:00:00Z')], targets: [owned('a')], links: [link('a', 't-a')] });
    expect(opFor(p, 'a')).toBeUndefined();
  });

  it('deactivates an account matched by e-mail in this run, linking it (works alongside another integration)', () => {
    const t = targetUser('t-a', { userName: 'a@contoso.com' });
    const op = opFor(run({ users: [leaving('a', '2026-01-01')], targets: [t], config: lastDay }), 'a');
    expect(op?.reason).toBe('last_day_reached');
    expect(change(op, 'externalId')).toEqual({ from: null, to: 'a' });
  });

  it('does not create someone whose last day has passed', () => {
    expect(run({ users: [leaving('a', '2026-01-01')], config: lastDay }).ops).toEqual([]);
  });

  it('applies to an owned user who is also out of scope', () => {
    const cfg = planConfig({ scope: { include: [{ kind: 'group', groupId: 'g' }] }, deactivation: { useLastDay: true } });
    const p = run({ users: [leaving('a', '2026-01-01')], groups: members(), targets: [owned('a')], links: [link('a', 't-a')], config: cfg });
    expect(opFor(p, 'a')?.reason).toBe('last_day_reached');
  });
});

describe('reactivation', () => {
  it('reactivates an owned inactive account when the person is back in scope and enabled', () => {
    const p = run({ users: [sourceUser('a', { displayName: null })], targets: [{ ...owned('a'), active: false }], links: [link('a', 't-a')] });
    const op = opFor(p, 'a');
    expect(op?.kind).toBe('reactivate');
    expect(op?.reason).toBe('back_in_scope');
    expect(op?.changes).toEqual([{ field: 'active', from: 'false', to: 'true' }]);
  });

  it('does not reactivate someone still disabled in Entra', () => {
    const p = run({ users: [sourceUser('a', { accountEnabled: false })], targets: [{ ...owned('a'), active: false }], links: [link('a', 't-a')] });
    expect(p.ops).toEqual([]);
  });
});

describe('safety guards', () => {
  it('never deactivates from an incomplete Entra read, and blocks apply with an unconfirmable guard', () => {
    const p = run({
      users: [],
      targets: [owned('a')],
      links: [link('a', 't-a')],
      config: inGroup,
      source: { complete: false, incompleteReason: 'Graph returned 503 on page 4' },
    });
    expect(p.summary.deactivate).toBe(0);
    const guard = p.guards.find((g) => g.code === 'incomplete_source');
    expect(guard).toMatchObject({ blocking: true, confirmable: false, count: 1 });
    expect(guard?.message).toContain('Graph returned 503 on page 4');
  });

  it('reports an incomplete Entra read without blocking when nothing would have been deactivated', () => {
    const p = run({ users: [sourceUser('a')], source: { complete: false } });
    expect(p.summary.create).toBe(1);
    expect(p.guards).toEqual([expect.objectContaining({ code: 'incomplete_source', blocking: false })]);
  });

  it('creates nobody from an incomplete LMS read (duplicate risk) but still updates', () => {
    const p = run({
      users: [sourceUser('new'), sourceUser('a', { jobTitle: 'Boss' })],
      targets: [owned('a')],
      links: [link('a', 't-a')],
      target: { complete: false },
    });
    expect(p.summary.create).toBe(0);
    expect(p.summary.update).toBe(1);
    expect(p.guards).toEqual([expect.objectContaining({ code: 'incomplete_target', count: 1 })]);
  });

  it('blocks when nobody is in scope while the integration owns LMS accounts', () => {
    const p = run({ users: [sourceUser('a')], groups: members(), targets: [owned('a')], links: [link('a', 't-a')], config: inGroup });
    expect(p.guards.find((g) => g.code === 'empty_scope')).toMatchObject({ blocking: true, confirmable: false, limit: 1 });
  });

  it('blocks above the deactivation threshold (smaller of count and percent), confirmably', () => {
    const ids = Array.from({ length: 20 }, (_, i) => `u${i}`);
    const cfg = planConfig({ scope: { include: [{ kind: 'group', groupId: 'g' }] }, deactivation: { deactivateUsers: true } });
    const p = run({ users: ids.map((id) => sourceUser(id)), groups: members(...ids.slice(3)), targets: ids.map(owned), links: ids.map((id) => link(id, `t-${id}`)), config: cfg });
    expect(p.summary.deactivate).toBe(3);
    // default: 500 users or 10 % of 20 owned = 2, whichever is smaller
    expect(p.guards).toEqual([expect.objectContaining({ code: 'deactivation_threshold', blocking: true, confirmable: true, count: 3, limit: 2 })]);
    const fewer = run({ users: ids.map((id) => sourceUser(id)), groups: members(...ids.slice(2)), targets: ids.map(owned), links: ids.map((id) => link(id, `t-${id}`)), config: cfg });
    expect(fewer.guards).toEqual([]);
  });
});
