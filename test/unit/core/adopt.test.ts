import { describe, expect, it } from 'vitest';
import { adoptionOf, describeNotAdopted } from '../../../src-main/core/adopt';
import { unmanagedAccounts, type UnmanagedAccount } from '../../../src-main/core/unmanaged';
import { link, planConfig, sourceSnapshot, sourceUser, targetSnapshot, targetUser } from '../../../src-main/core/testing/builders';
import { opFor, run, type World } from './helpers';

const contractors = { exclude: [{ kind: 'attribute' as const, attribute: 'department', value: 'Contractors' }] };

function unmanagedOf(w: World): UnmanagedAccount[] {
  const r = unmanagedAccounts(sourceSnapshot(w.users ?? []), targetSnapshot(w.targets ?? [], w.target), run(w).ops, w.links ?? [], w.others ?? []);
  if (!r) throw new Error('incomplete read');
  return r.accounts;
}

const nothingLinked = { targetIds: new Set<string>(), sourceIds: new Set<string>() };

describe('linking unmanaged accounts to their people in Entra ("too many users", reference 000)', () => {
  it('links the account of someone out of scope, and the next plan deactivates it as one of its own', () => {
    const w: World = {
      users: [sourceUser('anna'), sourceUser('contractor', { department: 'Contractors' })],
      targets: [targetUser('t-contractor', { userName: 'contractor@contoso.com' }), targetUser('t-admin', { userName: 'lms.admin@contoso.com' })],
      config: planConfig({ scope: contractors, deactivation: { deactivateUsers: true } }),
    };
    // Before: the contractor's hand-made account is nobody's, so nothing deactivates it.
    expect(run(w).ops.some((o) => o.targetId === 't-contractor')).toBe(false);
    const adoption = adoptionOf(unmanagedOf(w), nothingLinked, []);
    expect(adoption.links).toEqual([{ sourceId: 'contractor', targetId: 't-contractor', userName: 'contractor@contoso.com', entraUser: 'contractor@contoso.com', active: true }]);
    expect(adoption.notAdopted).toEqual({ nobody_in_entra: 1 });

    const after = run({ ...w, links: adoption.links.map((l) => link(l.sourceId, l.targetId, 'int-1', { origin: 'relinked' })) });
    expect(opFor(after, 'contractor')).toMatchObject({ kind: 'deactivate', targetId: 't-contractor' });
    // With "Deactivate users" off the account is kept, and said why.
    const kept = run({ ...w, config: planConfig({ scope: contractors, deactivation: { deactivateUsers: false } }), links: adoption.links.map((l) => link(l.sourceId, l.targetId)) });
    expect(opFor(kept, 'contractor')).toMatchObject({ kind: 'skip', reason: 'left_scope_deactivation_off' });
  });

  it('leaves second accounts, accounts of people with two, skip-listed ones and those linked since', () => {
    const w: World = {
      users: [
        sourceUser('anna', { proxyAddresses: ['SMTP:anna@contoso.com', 'smtp:anna.old@contoso.com'] }),
        sourceUser('max', { department: 'Contractors', otherMails: ['maximilian@contoso.com'] }),
        sourceUser('skipped', { department: 'Contractors' }),
        sourceUser('owner-skipped', { department: 'Contractors' }),
        sourceUser('taken', { department: 'Contractors' }),
        sourceUser('person-taken', { department: 'Contractors' }),
      ],
      targets: [
        // Anna is synced through t-anna: her old account is a second one.
        targetUser('t-anna', { userName: 'anna@contoso.com' }),
        targetUser('t-anna-old', { userName: 'anna.old@contoso.com' }),
        targetUser('t-max-1', { userName: 'max@contoso.com' }),
        targetUser('t-max-2', { userName: 'maximilian@contoso.com' }),
        targetUser('t-skipped', { userName: 'skipped@contoso.com' }),
        targetUser('t-owner-skipped', { userName: 'OS@contoso.com', externalId: 'owner-skipped' }),
        targetUser('t-taken', { userName: 'taken@contoso.com' }),
        targetUser('t-person-taken', { userName: 'person-taken@contoso.com' }),
      ],
      config: planConfig({ scope: contractors }),
    };
    const accounts = unmanagedOf(w);
    const linkedSince = { targetIds: new Set(['t-taken']), sourceIds: new Set(['person-taken']) };
    // By the account's address, by the person's object id: either puts it on the skip list.
    const adoption = adoptionOf(accounts, linkedSince, ['Skipped@Contoso.com', 'owner-skipped']);
    expect(adoption.links).toEqual([]);
    expect(adoption.notAdopted).toEqual({ second_account: 1, several_accounts: 2, skip_listed: 2, linked_since: 2 });
    expect(describeNotAdopted(adoption.notAdopted, 'cli')).toEqual([
      '1 is a second account of someone already synced: merge or remove it in the LMS.',
      '2 accounts belong to people with more than one: `rollcall diagnose --user ADDRESS` each person and relink the right account.',
      '2 are on the skip list, so Rollcall leaves them alone.',
      '2 were linked since the dry run.',
    ]);
  });

  it('asks for a new dry run when the list is older than owners kept by object id', () => {
    const old: UnmanagedAccount = { id: 't-1', userName: 'a@contoso.com', email: null, displayName: null, active: true, department: null, permissionTypes: null, created: null, lastModified: null, entraUser: 'a@contoso.com', secondAccount: false };
    const adoption = adoptionOf([old], nothingLinked, []);
    expect(adoption).toEqual({ links: [], notAdopted: { owner_unknown: 1 } });
    expect(describeNotAdopted(adoption.notAdopted, 'app')).toEqual(['1 was listed by an older dry run that did not keep whose it is: run a dry run again.']);
  });
});
