import { describe, expect, it } from 'vitest';
import { DEFAULT_VENDOR_NAMESPACE, ScimPath, vendorPath } from '../../../src-main/core/model';
import fc from 'fast-check';
import { planWithMemo } from '../../../src-main/core/plan';
import { replan } from '../../../src-main/core/replan';
import { describeUnmanaged, UNMANAGED_CSV_HEADER, unmanagedAccounts, unmanagedAfterPlan, unmanagedCsvRow } from '../../../src-main/core/unmanaged';
import { toCsv } from '../../../src-main/core/csv';
import { link, planConfig, sourceSnapshot, sourceUser, targetSnapshot, targetUser } from '../../../src-main/core/testing/builders';
import { NOW, run, type World } from './helpers';
import { groupsOf, lmsOf, worldArb } from './world';

/** The plan of a world, then what it leaves unmanaged: as a run does it. */
function unmanagedOf(w: World) {
  const p = run(w);
  return unmanagedAccounts(sourceSnapshot(w.users ?? []), targetSnapshot(w.targets ?? [], w.target), p.ops, w.links ?? [], w.others ?? []);
}

const ids = (r: ReturnType<typeof unmanagedOf>) => (r?.accounts ?? []).map((a) => a.id).sort();

describe('LMS accounts no integration manages ("too many users", reference 000)', () => {
  it('leaves out what this plan links, what a link names (ours or another integration’s) and what a conflict holds', () => {
    const w: World = {
      users: [
        sourceUser('matched'), // first sync: matched by e-mail, the plan links it
        sourceUser('linked'),
        sourceUser('twice'), // two LMS accounts answer to one person: a conflict
        sourceUser('contractor', { department: 'Contractors' }),
      ],
      targets: [
        targetUser('t-matched', { userName: 'matched@contoso.com' }),
        targetUser('t-linked', { userName: 'old-name@contoso.com' }),
        targetUser('t-twice-1', { userName: 'twice@contoso.com' }),
        targetUser('t-twice-2', { userName: 'TWICE@contoso.com ' }),
        targetUser('t-theirs', { userName: 'elsewhere@contoso.com' }),
        targetUser('t-contractor', { userName: 'contractor@contoso.com' }),
        targetUser('t-hand', { userName: 'hand.made@contoso.com', active: false, attributes: { [ScimPath.displayName]: 'Hand Made', [ScimPath.department]: ['Contoso', 'Sales'] } }),
      ],
      links: [link('linked', 't-linked')],
      others: [link('someone', 't-theirs', 'int-2')],
      config: planConfig({ scope: { exclude: [{ kind: 'attribute', attribute: 'department', value: 'Contractors' }] } }),
    };
    const r = unmanagedOf(w);
    expect(ids(r)).toEqual(['t-contractor', 't-hand']);
    expect(r?.summary).toEqual({ count: 2, active: 1, inEntra: 1, secondAccounts: 0, linkable: 1 });
    const hand = r?.accounts.find((a) => a.id === 't-hand');
    expect(hand).toEqual({ id: 't-hand', userName: 'hand.made@contoso.com', email: 'hand.made@contoso.com', displayName: 'Hand Made', active: false, department: 'Contoso / Sales', permissionTypes: null, created: null, lastModified: null, entraUser: null, entraUserId: null, secondAccount: false, whyNotLinkable: 'nobody_in_entra' });
    // The excluded contractor's account names him: Diagnose is where the admin asks why.
    expect(r?.accounts.find((a) => a.id === 't-contractor')).toMatchObject({ entraUser: 'contractor@contoso.com', entraUserId: expect.any(String) });
  });

  it('finds the Entra person of an account by e-mail, sign-in name or alias, whatever the case or hidden characters', () => {
    const w: World = {
      users: [
        sourceUser('disabled', { accountEnabled: false, userPrincipalName: 'dis@contoso.onmicrosoft.com', mail: 'Dis.Abled@contoso.com' }),
        sourceUser('alias', { userPrincipalName: 'alias@contoso.onmicrosoft.com', mail: 'new@contoso.com', proxyAddresses: ['SMTP:new@contoso.com', 'smtp:old@contoso.com'], department: 'Contractors' }),
        sourceUser('upn', { userPrincipalName: 'upn.only@contoso.com', mail: null, department: 'Contractors' }),
      ],
      targets: [
        targetUser('t-dis', { userName: 'x1', emails: ['dis.abled@contoso.com\u200b'] }),
        targetUser('t-alias', { userName: 'OLD@contoso.com' }),
        targetUser('t-upn', { userName: 'upn.only@contoso.com' }),
        targetUser('t-none', { userName: 'nobody@contoso.com' }),
      ],
      config: planConfig({ scope: { exclude: [{ kind: 'attribute', attribute: 'department', value: 'Contractors' }] } }),
    };
    const r = unmanagedOf(w);
    const byId = new Map(r?.accounts.map((a) => [a.id, a.entraUser]));
    expect(Object.fromEntries(byId)).toEqual({ 't-dis': 'dis@contoso.onmicrosoft.com', 't-alias': 'alias@contoso.onmicrosoft.com', 't-upn': 'upn.only@contoso.com', 't-none': null });
    // Found only by an alias (old@), t-alias is shown as hers but not linked on that alone.
    expect(r?.summary).toEqual({ count: 4, active: 4, inEntra: 3, secondAccounts: 0, linkable: 2 });
    expect(r?.accounts.find((a) => a.id === 't-alias')?.whyNotLinkable).toBe('uncertain_owner');
    // The work address is the one shown, else the first.
    expect(r?.accounts.find((a) => a.id === 't-dis')?.email).toBe('dis.abled@contoso.com\u200b');
  });

  it('tells a second account of someone synced, and finds an account by the Entra id in its externalId', () => {
    const perms = vendorPath(DEFAULT_VENDOR_NAMESPACE, 'permissionTypes');
    const w: World = {
      users: [sourceUser('anna', { userPrincipalName: 'anna@contoso.com', proxyAddresses: ['SMTP:anna@contoso.com', 'smtp:anna.old@contoso.com'] }), sourceUser('renamed', { userPrincipalName: 'new.name@contoso.com', department: 'Contractors' })],
      targets: [
        targetUser('t-anna', { userName: 'anna@contoso.com' }),
        // Her old account under an alias: matching leaves it alone (the plan links t-anna).
        targetUser('t-anna-old', { userName: 'anna.old@contoso.com', attributes: { [perms]: ['LMS Administrator', 'Reporter'] } }),
        // Left by another tool before the rename: only its externalId says whose it is.
        targetUser('t-renamed', { userName: 'old.name@contoso.com', externalId: 'RENAMED' }),
      ],
      config: planConfig({ scope: { exclude: [{ kind: 'attribute', attribute: 'department', value: 'Contractors' }] } }),
    };
    const r = unmanagedOf(w);
    expect(r?.summary).toEqual({ count: 2, active: 2, inEntra: 1, secondAccounts: 1, linkable: 1 });
    expect(r?.accounts.find((a) => a.id === 't-anna-old')).toMatchObject({ entraUser: 'anna@contoso.com', secondAccount: true, permissionTypes: 'LMS Administrator, Reporter' });
    expect(r?.accounts.find((a) => a.id === 't-renamed')).toMatchObject({ entraUser: 'new.name@contoso.com', secondAccount: false });
    expect(describeUnmanaged(r?.summary ?? { count: 0, active: 0, inEntra: 0, secondAccounts: 0 }, 'app').detail).toBe(
      'No integration links them and this dry run does not either, so Rollcall never changes or deactivates them. 1 is a second account of someone already synced through another account: merge or remove it in the LMS. 1 belongs to someone in Entra who is not synced: "Troubleshoot user" tells why, and linking (the button below) makes it this integration\'s own.',
    );
  });

  it('says nothing from an incomplete LMS read, and nothing is unmanaged in an LMS the plan covers', () => {
    expect(unmanagedOf({ users: [sourceUser('a')], targets: [targetUser('t-x')], target: { complete: false, incompleteReason: 'page 3 failed' } })).toBeNull();
    const covered = unmanagedOf({ users: [sourceUser('a'), sourceUser('b')], targets: [targetUser('t-a', { userName: 'a@contoso.com' })] });
    expect(covered).toEqual({ summary: { count: 0, active: 0, inEntra: 0, secondAccounts: 0, linkable: 0 }, accounts: [] });
  });

  it('exports as CSV with formulas neutralised, and describes the count in the admin’s words', () => {
    const r = unmanagedOf({ targets: [targetUser('t-1', { userName: '=HYPERLINK("x")', attributes: { [ScimPath.displayName]: 'Smith, Jo' } })] });
    const csv = toCsv(UNMANAGED_CSV_HEADER, (r?.accounts ?? []).map(unmanagedCsvRow));
    expect(csv).toBe(`lmsId,userName,email,displayName,active,department,permissionTypes,created,lastModified,entraUser,secondAccount,entraUserId,whyNotLinkable\r\nt-1,"'=HYPERLINK(""x"")","'=HYPERLINK(""x"")","Smith, Jo",true,,,,,,false,,nobody_in_entra\r\n`);

    expect(describeUnmanaged({ count: 1, active: 1, inEntra: 0, secondAccounts: 0 }, 'app')).toEqual({
      title: '1 LMS account not managed by any integration (1 active)',
      detail:
        'No integration links it and this dry run does not either, so Rollcall never changes or deactivates it. 1 belongs to nobody in Entra: made in the LMS (an administrator, a service account, a learner from elsewhere) or left by a leaver; remove only those that should not be there.',
    });
    expect(describeUnmanaged({ count: 1200, active: 1100, inEntra: 1199, secondAccounts: 0, linkable: 1199 }, 'cli').detail).toContain(
      '1,199 belong to someone in Entra who is not synced: `rollcall diagnose --user ADDRESS` tells why, and `rollcall unmanaged --link` makes them this integration\'s own. 1 belongs to nobody in Entra',
    );
  });

  it('says how many linking would link: not those of skip-listed people, nor one of several accounts of one person', () => {
    const u = { count: 5, active: 5, inEntra: 4, secondAccounts: 0 };
    expect(describeUnmanaged({ ...u, linkable: 1 }, 'cli').detail).toContain(
      '4 belong to someone in Entra who is not synced: `rollcall diagnose --user ADDRESS` tells why, and `rollcall unmanaged --link` makes 1 of them this integration\'s own (the active ones found by their person\'s object id or own address; the list says why not the others).',
    );
    expect(describeUnmanaged({ ...u, linkable: 0 }, 'app').detail).toContain('4 belong to someone in Entra who is not synced: "Troubleshoot user" tells why. ');
    // A dry run from before accounts were judged offers nothing: a new one does.
    expect(describeUnmanaged(u, 'app').detail).toContain('"Troubleshoot user" tells why; a new dry run tells which can be linked to them. ');
    const w: World = {
      users: [sourceUser('max', { department: 'Contractors', otherMails: ['maximilian@contoso.com'] }), sourceUser('skipped', { department: 'Contractors' }), sourceUser('kept', { department: 'Contractors' })],
      targets: [targetUser('t-max-1', { userName: 'max@contoso.com' }), targetUser('t-max-2', { userName: 'maximilian@contoso.com' }), targetUser('t-skipped', { userName: 'skipped@contoso.com' }), targetUser('t-kept', { userName: 'kept@contoso.com' })],
      config: planConfig({ scope: { exclude: [{ kind: 'attribute', attribute: 'department', value: 'Contractors' }], skipList: ['skipped@contoso.com'] } }),
    };
    const p = run(w);
    const r = unmanagedAccounts(sourceSnapshot(w.users ?? []), targetSnapshot(w.targets ?? []), p.ops, [], [], w.config?.scope);
    expect(r?.summary).toEqual({ count: 4, active: 4, inEntra: 4, secondAccounts: 0, linkable: 1 });
  });

  it("read off the plan's own index (as a run does) is what the links say, after a replan too, in random worlds", () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        const source = sourceSnapshot(w.users, groupsOf(w));
        const target = lmsOf(w);
        const { memo } = planWithMemo(source, target, w.config, w.links, NOW, w.others);
        expect(unmanagedAfterPlan(memo)).toEqual(unmanagedAccounts(source, target, memo.plan.ops, w.links, w.others, w.config.scope));
        const again = replan(memo, source, target, w.config, w.links, NOW, w.others);
        if (again.ok) expect(unmanagedAfterPlan(again.memo)).toEqual(unmanagedAccounts(source, target, again.plan.ops, w.links, w.others, w.config.scope));
      }),
      { numRuns: 300 },
    );
  });
});
