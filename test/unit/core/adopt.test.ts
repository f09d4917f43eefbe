import { describe, expect, it } from 'vitest';
import { adoptionOf, describeNotAdopted, linkConsequences } from '../../../src-main/core/adopt';
import { DEFAULT_VENDOR_NAMESPACE, vendorPath } from '../../../src-main/core/model';
import { unmanagedAccounts, type UnmanagedAccount } from '../../../src-main/core/unmanaged';
import { link, planConfig, sourceSnapshot, sourceUser, targetSnapshot, targetUser } from '../../../src-main/core/testing/builders';
import { opFor, run, type World } from './helpers';

const contractors = { exclude: [{ kind: 'attribute' as const, attribute: 'department', value: 'Contractors' }] };

function unmanagedOf(w: World): UnmanagedAccount[] {
  const r = unmanagedAccounts(sourceSnapshot(w.users ?? []), targetSnapshot(w.targets ?? [], w.target), run(w).ops, w.links ?? [], w.others ?? [], w.config?.scope);
  if (!r) throw new Error('incomplete read');
  return r.accounts;
}

const nothingLinked = { targetIds: new Set<string>(), sourceIds: new Set<string>() };
const why = (accounts: UnmanagedAccount[]) => Object.fromEntries(accounts.map((a) => [a.id, a.whyNotLinkable]));

describe('linking unmanaged accounts to their people in Entra ("too many users", reference 000)', () => {
  it('links the active account of someone out of scope, found by their address or object id; the next plan deactivates it as its own', () => {
    const w: World = {
      users: [sourceUser('anna'), sourceUser('contractor', { department: 'Contractors' }), sourceUser('moved', { department: 'Contractors' })],
      targets: [
        targetUser('t-contractor', { userName: 'contractor@contoso.com' }),
        // Made by another tool with the person's object id, under an address Entra no longer has.
        targetUser('t-moved', { userName: 'old.address@contoso.com', externalId: 'MOVED' }),
        targetUser('t-admin', { userName: 'lms.admin@contoso.com' }),
      ],
      config: planConfig({ scope: contractors, deactivation: { deactivateUsers: true } }),
    };
    // Before: the hand-made accounts are nobody's, so nothing deactivates them.
    expect(run(w).ops.some((o) => o.targetId === 't-contractor' || o.targetId === 't-moved')).toBe(false);
    const accounts = unmanagedOf(w);
    expect(why(accounts)).toEqual({ 't-contractor': null, 't-moved': null, 't-admin': 'nobody_in_entra' });
    const adoption = adoptionOf(accounts, nothingLinked);
    expect(adoption.links).toEqual([
      { sourceId: 'contractor', targetId: 't-contractor', userName: 'contractor@contoso.com', entraUser: 'contractor@contoso.com' },
      { sourceId: 'moved', targetId: 't-moved', userName: 'old.address@contoso.com', entraUser: 'moved@contoso.com' },
    ]);
    expect(adoption.notAdopted).toEqual({ nobody_in_entra: 1 });

    const linked = adoption.links.map((l) => link(l.sourceId, l.targetId, 'int-1', { origin: 'relinked' }));
    const after = run({ ...w, links: linked });
    expect(opFor(after, 'contractor')).toMatchObject({ kind: 'deactivate', targetId: 't-contractor' });
    // With "Deactivate users" off the account is kept, and said why.
    const kept = run({ ...w, config: planConfig({ scope: contractors, deactivation: { deactivateUsers: false } }), links: linked });
    expect(opFor(kept, 'contractor')).toMatchObject({ kind: 'skip', reason: 'left_scope_deactivation_off' });
    // Back in scope, the person keeps the account (reactivated when it was deactivated), no second one.
    const back = run({ ...w, users: [sourceUser('anna'), sourceUser('contractor'), sourceUser('moved', { department: 'Contractors' })], links: linked, targets: [targetUser('t-contractor', { userName: 'contractor@contoso.com', active: false })] });
    expect(opFor(back, 'contractor')).toMatchObject({ kind: 'reactivate', targetId: 't-contractor' });
  });

  it('links nothing on weak evidence: an alias, an address two people share, another object id on the account, a "Not theirs" answer', () => {
    const w: World = {
      users: [
        sourceUser('alias-only', { department: 'Contractors', otherMails: ['nick@contoso.com'] }),
        // Jo's address is also an old alias of a disabled account listed first.
        sourceUser('old-jo', { accountEnabled: false, otherMails: ['jo@contoso.com'] }),
        sourceUser('jo', { department: 'Contractors' }),
        sourceUser('stale', { department: 'Contractors' }),
        sourceUser('not-theirs', { department: 'Contractors' }),
      ],
      targets: [
        targetUser('t-nick', { userName: 'nick@contoso.com' }),
        targetUser('t-jo', { userName: 'jo@contoso.com' }),
        // A deleted Entra user's object id, and the address of someone out of scope now.
        targetUser('t-stale', { userName: 'stale@contoso.com', externalId: '0b1c2d3e-0000-4617-8a9b-0c1d2e3f4a5b' }),
        targetUser('t-not-theirs', { userName: 'not-theirs@contoso.com' }),
      ],
      config: planConfig({ scope: { ...contractors, confirmedNewAccounts: ['not-theirs'] } }),
    };
    const accounts = unmanagedOf(w);
    expect(why(accounts)).toEqual({ 't-nick': 'uncertain_owner', 't-jo': 'uncertain_owner', 't-stale': 'uncertain_owner', 't-not-theirs': 'uncertain_owner' });
    // The list still names whose each most likely is (the stronger claim: Jo's own address).
    expect(accounts.find((a) => a.id === 't-jo')?.entraUser).toBe('jo@contoso.com');
    expect(adoptionOf(accounts, nothingLinked)).toEqual({ links: [], notAdopted: { uncertain_owner: 4 } });
  });

  it('leaves second accounts, people in scope, the skip list (as the plan reads it), inactive accounts, LMS administrators and people with two', () => {
    const w: World = {
      users: [
        sourceUser('anna', { proxyAddresses: ['SMTP:anna@contoso.com', 'smtp:anna.old@contoso.com'] }),
        // In scope, told "Not theirs" with Create users off: the plan decides (a skip), not linking.
        sourceUser('kim', { otherMails: ['kim.old@contoso.com'] }),
        sourceUser('max', { department: 'Contractors' }),
        sourceUser('by-mail', { department: 'Contractors', mail: 'b.mail@contoso.com' }),
        sourceUser('by-second', { department: 'Contractors' }),
        sourceUser('by-ext', { department: 'Contractors' }),
        sourceUser('leaver', { department: 'Contractors' }),
        // IT's own Entra account, not a learner: its address is the LMS administrator's account.
        sourceUser('it.admin', { department: 'Contractors' }),
      ],
      targets: [
        targetUser('t-anna', { userName: 'anna@contoso.com' }),
        targetUser('t-anna-old', { userName: 'anna.old@contoso.com' }),
        targetUser('t-kim-old', { userName: 'kim.old@contoso.com' }),
        targetUser('t-max-1', { userName: 'max@contoso.com' }),
        targetUser('t-max-2', { userName: 'MAX@contoso.com ', externalId: 'max' }),
        targetUser('t-by-mail', { userName: 'by-mail@contoso.com' }),
        targetUser('t-by-second', { userName: 'by-second@contoso.com', emails: ['listed@contoso.com'] }),
        targetUser('t-by-ext', { userName: 'by-ext@contoso.com', externalId: 'EXT-7' }),
        targetUser('t-leaver', { userName: 'leaver@contoso.com', active: false }),
        targetUser('t-lms-admin', { userName: 'it.admin@contoso.com', attributes: { [vendorPath(DEFAULT_VENDOR_NAMESPACE, 'permissionTypes')]: ['Learner', 'LMS Administrator'] } }),
      ],
      config: planConfig({
        scope: { ...contractors, confirmedNewAccounts: ['kim'], skipList: ['b.mail@contoso.com', 'listed@contoso.com', 'ext-7'] },
        mapping: { createUsers: false },
      }),
    };
    const accounts = unmanagedOf(w);
    expect(why(accounts)).toEqual({
      't-anna-old': 'second_account',
      't-kim-old': 'in_scope',
      't-max-1': 'several_accounts',
      't-max-2': 'several_accounts',
      't-by-mail': 'skip_listed',
      't-by-second': 'skip_listed',
      't-by-ext': 'skip_listed',
      't-leaver': 'already_inactive',
      't-lms-admin': 'lms_administrator',
    });
    // Linked since the dry run (another integration took t-max-1; this one linked by-mail): said so.
    const adoption = adoptionOf([...accounts, { ...(accounts[0] as UnmanagedAccount), id: 't-x', whyNotLinkable: null, entraUserId: 'x', entraUser: 'x@contoso.com' }], { targetIds: new Set(['t-x']), sourceIds: new Set() });
    expect(adoption.links).toEqual([]);
    expect(describeNotAdopted(adoption.notAdopted)).toEqual([
      '1 is a second account of someone already synced: merge or remove it in the LMS.',
      '1 belongs to someone in scope, whose account the dry run decides (a conflict to settle, or a "Not theirs" answer).',
      '3 are on the skip list, so Rollcall leaves them alone.',
      "1 holds an administrator's permission type in the LMS: Rollcall never takes over an LMS administrator's account.",
      '1 is inactive already: linking would change nothing (and the next sync finds it by e-mail if its person comes into scope).',
      '2 accounts belong to people with more than one: merge or remove the extra ones in the LMS, then run a dry run again.',
      '1 was linked since the dry run.',
    ]);
  });

  it('links nothing from a list made before accounts were judged', () => {
    const old: UnmanagedAccount = { id: 't-1', userName: 'a@contoso.com', email: null, displayName: null, active: true, department: null, permissionTypes: null, created: null, lastModified: null, entraUser: 'a@contoso.com', secondAccount: false };
    const adoption = adoptionOf([old, { ...old, id: 't-2', entraUserId: 'a' }], nothingLinked);
    expect(adoption).toEqual({ links: [], notAdopted: { owner_unknown: 2 } });
    expect(describeNotAdopted(adoption.notAdopted)).toEqual(['2 were listed by an older dry run: run a dry run again.']);
  });

  it('says what linking leads to with the settings as they are: one text for the app and the CLI', () => {
    const base = { deactivateUsers: true, useLastDay: false, enabled: false, nextRunAt: null, pushesGroups: false };
    expect(linkConsequences(base, 2)[0]).toBe('With "Deactivate users" on, the next sync deactivates them: their people are outside the scope or disabled in Entra. The next dry run shows them first, and the deactivation threshold still stops a sync that would deactivate many.');
    // Enabled: the scheduled sync does it on its own, and when.
    expect(linkConsequences({ ...base, enabled: true, nextRunAt: '2026-12-06T12:00:00.000Z' }, 1)[1]).toBe('This integration is enabled: its next scheduled sync (next: 2026-12-06 12:00 UTC) does this without asking, within the threshold. To look first, run a dry run right after linking.');
    // Off, but Last Day on: those past their Last Day are deactivated all the same.
    expect(linkConsequences({ ...base, deactivateUsers: false, useLastDay: true }, 2)[0]).toBe('"Deactivate users" is off, so they stay active, except when the person\'s Last Day has passed: the next sync deactivates those.');
    expect(linkConsequences({ ...base, deactivateUsers: false, enabled: true, pushesGroups: true }, 1)).toEqual([
      '"Deactivate users" is off, so it stays active; with it on, the next sync deactivates it.',
      // Pushed groups take out the accounts the integration links of people it does not sync, and
      // an enabled integration's scheduled sync does that on its own.
      'Where it is a member of the LMS groups this integration pushes, the next sync takes it out: its person is not synced.',
      'This integration is enabled: its next scheduled sync does this without asking, within the threshold. To look first, run a dry run right after linking.',
      'Someone who comes into scope keeps this account instead of getting a new one. Nothing is written to the LMS now.',
      'A link is not undone from here: to have Rollcall leave someone alone again, put them on the skip list.',
    ]);
  });
});
