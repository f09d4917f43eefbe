import { describe, expect, it } from 'vitest';
import { ScimPath } from '../../../src-main/core/model';
import { group, link, planConfig, sourceUser, targetUser } from '../../../src-main/core/testing/builders';
import { change, opFor, run } from './helpers';

const anna = sourceUser('s-anna', { displayName: 'Anna Berg', mail: 'anna@contoso.com', userPrincipalName: 'anna@contoso.com' });

describe('matching order: link → externalId → e-mail/userName → create', () => {
  it('creates a new in-scope user with externalId, userName and e-mail, saying why they are in scope', () => {
    const p = run({ users: [anna], groups: [group('g', 'All Staff', ['s-anna'])], config: planConfig({ scope: { include: [{ kind: 'group', groupId: 'g' }] } }) });
    const op = opFor(p, 's-anna');
    expect(op?.kind).toBe('create');
    expect(op?.reason).toBe('new_in_scope');
    expect(op?.detail).toContain('Anna Berg → All Staff');
    expect(change(op, 'externalId')).toEqual({ from: null, to: 's-anna' });
    expect(change(op, 'userName')).toEqual({ from: null, to: 'anna@contoso.com' });
    expect(change(op, ScimPath.email)).toEqual({ from: null, to: 'anna@contoso.com' });
  });

  it('follows the link even when the e-mail changed in Entra, and updates the e-mail', () => {
    const renamed = { ...anna, mail: 'anna.berg@contoso.com', userPrincipalName: 'anna.berg@contoso.com' };
    const t = targetUser('t1', { externalId: 's-anna', userName: 'anna@contoso.com', emails: ['anna@contoso.com'] });
    const p = run({ users: [renamed], targets: [t], links: [link('s-anna', 't1')] });
    const op = opFor(p, 's-anna');
    expect(op?.kind).toBe('update');
    expect(op?.reason).toBe('attributes_changed');
    expect(change(op, ScimPath.email)).toEqual({ from: 'anna@contoso.com', to: 'anna.berg@contoso.com' });
    expect(change(op, 'userName')).toEqual({ from: 'anna@contoso.com', to: 'anna.berg@contoso.com' });
    expect(p.summary.create).toBe(0);
  });

  it('matches by externalId without a link and links the account at apply', () => {
    const t = targetUser('t1', { externalId: 's-anna', userName: 'someone.else@contoso.com' });
    const op = opFor(run({ users: [anna], targets: [t] }), 's-anna');
    expect(op?.kind).toBe('update');
    expect(op?.reason).toBe('link_existing');
    expect(change(op, 'externalId')).toEqual({ from: 's-anna', to: 's-anna' });
  });

  it('matches exactly one unlinked LMS account by e-mail, ignoring case and spaces', () => {
    const t = targetUser('t1', { userName: 'ANNA@Contoso.com', emails: [' Anna@Contoso.COM'] });
    const p = run({ users: [anna], targets: [t] });
    const op = opFor(p, 's-anna');
    expect(op?.reason).toBe('link_existing');
    expect(op?.targetId).toBe('t1');
    expect(change(op, 'externalId')).toEqual({ from: null, to: 's-anna' });
    expect(change(op, 'userName')).toBeUndefined(); // case only: not churned
  });

  it('reports a conflict when two unlinked LMS accounts answer to the e-mail', () => {
    const p = run({ users: [anna], targets: [targetUser('t1', { userName: 'anna@contoso.com' }), targetUser('t2', { userName: 'a.berg', emails: ['anna@contoso.com'] })] });
    const op = opFor(p, 's-anna');
    expect(op?.kind).toBe('conflict');
    expect(op?.reason).toBe('duplicate_lms_accounts');
    expect(op?.candidates?.sourceIds).toEqual(['s-anna']);
    expect(op?.candidates?.targetIds).toEqual(['t1', 't2']);
    // The admin picks between them by who they are, not by id.
    expect(op?.candidates?.accounts?.map((a) => [a.id, a.userName, a.email, a.linkedTo])).toEqual([
      ['t1', 'anna@contoso.com', expect.anything(), []],
      ['t2', 'a.berg', 'anna@contoso.com', []],
    ]);
  });

  it('reports a conflict when two LMS accounts carry the same externalId', () => {
    const p = run({ users: [anna], targets: [targetUser('t1', { externalId: 's-anna' }), targetUser('t2', { externalId: 's-anna' })] });
    expect(opFor(p, 's-anna')?.reason).toBe('duplicate_lms_accounts');
  });

  it('reports both Entra accounts when they share one e-mail, and creates neither', () => {
    const twin = sourceUser('s-twin', { mail: 'ANNA@contoso.com', userPrincipalName: 'anna.twin@contoso.com' });
    const p = run({ users: [anna, twin] });
    for (const id of ['s-anna', 's-twin']) {
      expect(opFor(p, id)?.reason).toBe('duplicate_entra_accounts');
      expect(opFor(p, id)?.candidates?.sourceIds).toEqual(['s-anna', 's-twin']);
    }
    expect(p.summary.create).toBe(0);
  });

  it('treats one person\'s e-mail as another\'s sign-in name as a shared address, creating neither', () => {
    const other = sourceUser('s-other', { mail: 'other@contoso.com', userPrincipalName: 'Anna@contoso.com' });
    const p = run({ users: [anna, other] });
    expect(p.ops.map((o) => `${o.sourceId}:${o.reason}`)).toEqual(['s-anna:duplicate_entra_accounts', 's-other:duplicate_entra_accounts']);
    expect(opFor(p, 's-other')?.detail).toContain('anna@contoso.com (as e-mail or sign-in name)');
  });

  it('reports a person deleted and recreated in Entra, and does not deactivate the old account meanwhile', () => {
    const recreated = { ...anna, id: 's-anna-new' };
    const t = targetUser('t1', { externalId: 's-anna', userName: 'anna@contoso.com' });
    const p = run({ users: [recreated], targets: [t], links: [link('s-anna', 't1')], config: planConfig({ deactivation: { deactivateUsers: true } }) });
    const op = opFor(p, 's-anna-new');
    expect(op?.reason).toBe('recreated_in_entra');
    expect(op?.candidates).toMatchObject({ sourceIds: ['s-anna', 's-anna-new'], targetIds: ['t1'] });
    expect(op?.candidates?.accounts?.[0]?.linkedTo).toEqual([{ sourceId: 's-anna', name: null }]); // no longer in Entra
    expect(p.ops.filter((o) => o.kind === 'deactivate')).toEqual([]);
  });

  it('reports an e-mail taken by an LMS account linked to another Entra user', () => {
    const other = sourceUser('s-other', { mail: 'other@contoso.com' });
    const t = targetUser('t1', { externalId: 's-other', userName: 'anna@contoso.com', emails: ['anna@contoso.com'] });
    const p = run({ users: [anna, other], targets: [t], links: [link('s-other', 't1')] });
    expect(opFor(p, 's-anna')?.reason).toBe('email_taken');
    expect(opFor(p, 's-anna')?.candidates).toMatchObject({ sourceIds: ['s-anna', 's-other'], targetIds: ['t1'] });
  });

  it('reports an LMS account whose externalId belongs to someone else rather than overwrite it', () => {
    const t = targetUser('t1', { externalId: 'okta-00u1', userName: 'anna@contoso.com' });
    expect(opFor(run({ users: [anna], targets: [t] }), 's-anna')?.reason).toBe('external_id_mismatch');
  });

  it('reports a person claimed by another integration instead of fighting over them', () => {
    const t = targetUser('t1', { userName: 'anna@contoso.com' });
    const p = run({ users: [anna], targets: [t], others: [link('s-anna-tenant2', 't1', 'int-2')] });
    const op = opFor(p, 's-anna');
    expect(op?.kind).toBe('conflict');
    expect(op?.reason).toBe('claimed_by_other_integration');
    expect(op?.detail).toContain('claimed by integration int-2');
    expect(p.summary.update).toBe(0);
  });

  it('does not update an account it links to when another integration claims it too', () => {
    const t = targetUser('t1', { externalId: 's-anna', userName: 'anna@contoso.com' });
    const p = run({ users: [{ ...anna, jobTitle: 'Boss' }], targets: [t], links: [link('s-anna', 't1')], others: [link('x', 't1', 'int-2')] });
    expect(opFor(p, 's-anna')?.reason).toBe('claimed_by_other_integration');
  });

  it.each([
    ['otherMails', { otherMails: ['anna.old@contoso.com'] }],
    ['proxyAddresses smtp:', { proxyAddresses: ['SMTP:anna@contoso.com', 'smtp:Anna.Old@contoso.com'] }],
  ])('treats an alias (%s) as a conflict candidate, never an automatic merge', (_label, alias) => {
    const t = targetUser('t-old', { userName: 'anna.old@contoso.com' });
    const p = run({ users: [{ ...anna, ...alias }], targets: [t] });
    const op = opFor(p, 's-anna');
    expect(op?.kind).toBe('conflict');
    expect(op?.reason).toBe('alias_match');
    expect(op?.candidates?.targetIds).toEqual(['t-old']);
    expect(p.summary.create + p.summary.update).toBe(0);
  });

  it('says of an alias conflict what the admin can do: confirm a new account, or with "Create users" off only mark it not theirs', () => {
    const t = targetUser('t-old', { userName: 'anna.old@contoso.com' });
    const on = opFor(run({ users: [{ ...anna, otherMails: ['anna.old@contoso.com'] }], targets: [t] }), 's-anna');
    expect(on?.detail).toContain('relink it if it is theirs, or confirm a new account if it is not.');
    const off = opFor(run({ users: [{ ...anna, otherMails: ['anna.old@contoso.com'] }], targets: [t], config: planConfig({ mapping: { createUsers: false } }) }), 's-anna');
    expect(off?.detail).toContain('relink it if it is theirs, or mark it not theirs if it is not (no new account is created while "Create users" is off).');
    expect(off?.detail).not.toContain('confirm a new account');
  });

  it('creates a new account for someone the admin confirmed, leaving the account their alias matches alone', () => {
    const t = targetUser('t-old', { userName: 'anna.old@contoso.com' });
    const confirmed = planConfig({ scope: { confirmedNewAccounts: ['s-anna'] } });
    const p = run({ users: [{ ...anna, otherMails: ['anna.old@contoso.com'] }], targets: [t], config: confirmed });
    const op = opFor(p, 's-anna');
    expect(op?.kind).toBe('create');
    expect(change(op, 'userName')?.to).toBe('anna@contoso.com');
    expect(p.ops.filter((o) => o.targetId === 't-old')).toEqual([]);
    // Someone else's alias conflict is still a conflict.
    const other = run({ users: [{ ...anna, otherMails: ['anna.old@contoso.com'] }], targets: [t], config: planConfig({ scope: { confirmedNewAccounts: ['s-someone'] } }) });
    expect(opFor(other, 's-anna')?.reason).toBe('alias_match');
  });

  it('creates a new account when the linked LMS account was deleted', () => {
    const p = run({ users: [anna], links: [link('s-anna', 't-gone')] });
    const op = opFor(p, 's-anna');
    expect(op?.kind).toBe('create');
    expect(op?.reason).toBe('missing_in_lms');
    expect(op?.detail).toContain('t-gone');
  });

  it('reports an account that carries this person\'s id but is linked to someone else, and leaves that id alone', () => {
    const bob = sourceUser('s-bob', { displayName: null, mail: 'bob@contoso.com', userPrincipalName: 'bob@contoso.com' });
    const t = targetUser('t1', { externalId: 's-anna', userName: 'bob@contoso.com' });
    const p = run({ users: [anna, bob], targets: [t], links: [link('s-bob', 't1')] });
    expect(opFor(p, 's-anna')?.reason).toBe('external_id_taken');
    expect(opFor(p, 's-anna')?.candidates).toMatchObject({ sourceIds: ['s-anna', 's-bob'], targetIds: ['t1'] });
    expect(change(opFor(p, 's-bob'), 'externalId')).toBeUndefined();
  });

  it('reports an LMS account linked to two Entra users (a damaged link table) for both, picking neither', () => {
    const bob = sourceUser('s-bob', { mail: 'bob@contoso.com' });
    const t = targetUser('t1', { externalId: 's-anna', userName: 'anna@contoso.com' });
    const p = run({ users: [anna, bob], targets: [t], links: [link('s-bob', 't1'), link('s-anna', 't1')] });
    for (const id of ['s-anna', 's-bob']) {
      expect(opFor(p, id)?.kind).toBe('conflict');
      expect(opFor(p, id)?.candidates).toMatchObject({ sourceIds: ['s-anna', 's-bob'], targetIds: ['t1'] });
      // Both links are shown, not whichever the table listed last.
      expect(opFor(p, id)?.candidates?.accounts?.[0]?.linkedTo?.map((o) => o.sourceId)).toEqual(['s-anna', 's-bob']);
    }
  });

  // A skip list makes matching look the links up itself instead of reading them off the people.
  const withSkipList = planConfig({ scope: { skipList: ['nobody@contoso.com'] } });

  it('reports a person linked to two LMS accounts (a damaged link table) as a conflict naming both, whatever the order', () => {
    const t1 = targetUser('t1', { externalId: 's-anna', userName: 'anna@contoso.com' });
    const t2 = targetUser('t2', { externalId: 's-anna', userName: 'anna.berg@contoso.com', emails: ['anna.berg@contoso.com'] });
    for (const links of [[link('s-anna', 't1'), link('s-anna', 't2')], [link('s-anna', 't2'), link('s-anna', 't1')]]) {
      for (const config of [undefined, withSkipList]) {
        const p = run({ users: [anna], targets: [t1, t2], links, ...(config ? { config } : {}) });
        const op = opFor(p, 's-anna');
        expect(op).toMatchObject({ kind: 'conflict', reason: 'duplicate_lms_accounts', candidates: { sourceIds: ['s-anna'], targetIds: ['t1', 't2'] } });
        expect(op?.detail).toContain('links this person to 2 LMS accounts (anna.berg@contoso.com, anna@contoso.com)');
        expect(op?.candidates?.accounts?.map((a) => a.linkedTo)).toEqual([[{ sourceId: 's-anna', name: 'Anna Berg' }], [{ sourceId: 's-anna', name: 'Anna Berg' }]]);
        expect(p.ops).toHaveLength(1);
      }
    }
  });

  it('follows the link whose account is still in the LMS when a person is linked twice (not calling that account taken)', () => {
    // No externalId on it (linked by a relink): only the link leads to it.
    const t1 = targetUser('t1', { externalId: null, userName: 'anna@contoso.com', emails: ['anna@contoso.com'] });
    for (const links of [[link('s-anna', 't1'), link('s-anna', 't2-deleted')], [link('s-anna', 't2-deleted'), link('s-anna', 't1')]]) {
      for (const config of [undefined, withSkipList]) {
        const p = run({ users: [{ ...anna, jobTitle: 'Nurse' }], targets: [t1], links, ...(config ? { config } : {}) });
        expect(p.summary).toMatchObject({ create: 0, conflict: 0, update: 1 });
        expect(opFor(p, 's-anna')).toMatchObject({ kind: 'update', targetId: 't1' });
      }
    }
  });

  it('reads a link row repeated word for word (a hand edit) as one link, not two people on one account', () => {
    const t1 = targetUser('t1', { externalId: 's-anna', userName: 'anna@contoso.com', emails: ['anna@contoso.com'] });
    for (const config of [undefined, withSkipList]) {
      const p = run({ users: [{ ...anna, jobTitle: 'Nurse' }], targets: [t1], links: [link('s-anna', 't1'), link('s-anna', 't1')], ...(config ? { config } : {}) });
      expect(p.summary).toMatchObject({ create: 0, conflict: 0, update: 1 });
      expect(opFor(p, 's-anna')).toMatchObject({ kind: 'update', targetId: 't1' });
    }
  });

  it('does not let an e-mail match steal an account linked by id to someone else', () => {
    // t1 is Bob's by link; Anna's e-mail is also on t1 (left over). Whatever the order, t1 stays Bob's.
    const bob = sourceUser('s-bob', { displayName: null, mail: 'bob@contoso.com', userPrincipalName: 'bob@contoso.com' });
    const t = targetUser('t1', { externalId: 's-bob', userName: 'bob@contoso.com', emails: ['bob@contoso.com', 'anna@contoso.com'] });
    const p = run({ users: [anna, bob], targets: [t], links: [link('s-bob', 't1')] });
    expect(opFor(p, 's-anna')?.reason).toBe('email_taken');
    // Before a Relink takes it, the admin sees whose the account is now (no display name: the UPN).
    expect(opFor(p, 's-anna')?.candidates?.accounts?.map((a) => a.linkedTo)).toEqual([[{ sourceId: 's-bob', name: 'bob@contoso.com' }]]);
    expect(opFor(p, 's-bob')).toBeUndefined();
    expect(p.summary.unchanged).toBe(1);
  });
});
