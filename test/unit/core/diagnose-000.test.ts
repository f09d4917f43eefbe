/**
 * One test per troubleshooting question of reference article 000 (the LMS vendor's FAQ): each
 * builds the situation, and asserts the verdict and the failing check's evidence and fix.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_VENDOR_NAMESPACE, ScimPath, vendorPath } from '../../../src-main/core/model';
import { capabilities, group, link, planConfig, sourceUser, targetUser } from '../../../src-main/core/testing/builders';
import { check, diag, evidence } from './diagnose-helpers';

const ns = DEFAULT_VENDOR_NAMESPACE;
const groups = [group('g-sales', 'All Sales', [], ['g-emea']), group('g-emea', 'Sales EMEA', ['anna'])];
const bySales = { include: [{ kind: 'group' as const, groupId: 'g-sales' }] };
const anna = sourceUser('anna', { displayName: 'Anna Berg', mail: 'anna@contoso.com', userPrincipalName: 'anna@contoso.com', department: 'Sales' });
const annaLms = (over = {}) => targetUser('t-anna', { externalId: 'anna', userName: 'anna@contoso.com', attributes: { [ScimPath.displayName]: 'Anna Berg', [ScimPath.department]: ['Sales'] }, ...over });
const linked = [link('anna', 't-anna', 'int-1', { emailAtLink: 'anna@contoso.com' })];
const cfg = (over: Parameters<typeof planConfig>[0] = {}) => planConfig({ scope: bySales, ...over });

describe("000: I can't see my users anymore (my own admin account)", () => {
  it('says the account is deactivated because it left the scope, and offers the skip list', () => {
    const admin = sourceUser('admin', { displayName: 'Ada Admin', userPrincipalName: 'ada@contoso.com', mail: 'ada@contoso.com' });
    const c = diag('ada@contoso.com', { users: [anna, admin], groups, targets: [targetUser('t-ada', { externalId: 'admin', userName: 'ada@contoso.com' })], links: [link('admin', 't-ada')], config: cfg({ deactivation: { deactivateUsers: true, thresholdPercent: 100 } }) });
    expect(c.verdictKind).toBe('not_included');
    expect(c.verdict).toBe('Not in scope: does not match the include rule member of group "All Sales"; the LMS account is deactivated at the next sync (in 2 h 10 min)');
    expect(check(c, 'included').fix).toContain('add ada@contoso.com to the skip list');
  });

  it('says why the account of someone gone from Entra stays active: another integration claims it (not "Deactivate users")', () => {
    const c = diag('ada@contoso.com', { users: [anna], groups, targets: [targetUser('t-ada', { externalId: 'admin', userName: 'ada@contoso.com' })], links: [link('admin', 't-ada')], others: [link('x-1', 't-ada', 'int-2')], config: cfg({ deactivation: { deactivateUsers: true, thresholdPercent: 100 } }) });
    expect(c.verdict).toMatch(/^Not in Entra \(deleted, or never there\): LMS account t-ada \(ada@contoso\.com, active\) stays active \(another integration also claims it\)$/);
  });

  it("keeps an LMS administrator's account active, and says how to let it go on purpose", () => {
    const admin = sourceUser('admin', { displayName: 'Ada Admin', userPrincipalName: 'ada@contoso.com', mail: 'ada@contoso.com' });
    const adminLms = targetUser('t-ada', { externalId: 'admin', userName: 'ada@contoso.com', attributes: { [vendorPath(ns, 'permissionTypes')]: ['LMS Administrator'] } });
    const c = diag('ada@contoso.com', { users: [anna, admin], groups, targets: [adminLms], links: [link('admin', 't-ada')], config: cfg({ deactivation: { deactivateUsers: true, thresholdPercent: 100 } }) });
    expect(c.verdict).toBe('Not in scope: does not match the include rule member of group "All Sales"; the LMS account stays active (it holds an LMS administrator\'s permission type)');
    expect(check(c, 'next-action').detail).toContain('but the LMS account holds "LMS Administrator", an administrator\'s permission type, so it stays active');
    expect(check(c, 'next-action').fix).toBe("If they should lose LMS access, take the administrator's permission type away in the LMS (the next sync then deactivates the account), or deactivate it by hand. If they should keep it, bring them back into scope or put them on the skip list.");
  });
});

describe('000: I have too many users after setting up the integration', () => {
  it("offers linking someone's unmanaged account only where linking would take it", () => {
    const perms = vendorPath(ns, 'permissionTypes');
    const kim = sourceUser('kim', { displayName: 'Kim Lee', mail: 'kim@contoso.com', userPrincipalName: 'kim@contoso.com', otherMails: ['kim.old@contoso.com'] });
    const fixFor = (account: ReturnType<typeof targetUser>) => check(diag('kim@contoso.com', { users: [anna, kim], groups, targets: [account], config: cfg({ deactivation: { deactivateUsers: true } }) }), 'lms-account').fix;
    // Her own address, no other object id: the fix says how to link it.
    expect(fixFor(targetUser('t-kim', { userName: 'kim@contoso.com' }))).toMatch(/^If LMS account t-kim is theirs, link it to them so that the integration deactivates it while they are not synced: /);
    // Only an alias, another object id, an administrator's type, or inactive: nothing to offer.
    expect(fixFor(targetUser('t-kim', { userName: 'kim.old@contoso.com' }))).toBeNull();
    expect(fixFor(targetUser('t-kim', { userName: 'kim@contoso.com', externalId: 'okta-123' }))).toBeNull();
    expect(fixFor(targetUser('t-kim', { userName: 'kim@contoso.com', attributes: { [perms]: ['LMS Administrator'] } }))).toBeNull();
    expect(fixFor(targetUser('t-kim', { userName: 'kim@contoso.com', active: false }))).toBeNull();
  });

  it('shows that an empty include list includes everyone, and how to narrow it', () => {
    const c = diag('anna@contoso.com', { users: [anna], config: planConfig() });
    expect(check(c, 'included').detail).toContain('every user in the tenant is included');
    expect(check(c, 'included').fix).toContain('security group');
  });

  it('says an account out of scope stays active while "Deactivate users" is off, and what to turn on', () => {
    const c = diag('anna@contoso.com', { users: [anna], groups: [group('g-sales', 'All Sales')], targets: [annaLms()], links: linked, config: cfg() });
    expect(c.verdict).toContain('the LMS account stays active ("Deactivate users" is off)');
    expect(check(c, 'next-action').fix).toContain('Turn on "Deactivate users"');
  });

  it('says of an extra account whether any integration manages it: none means Rollcall leaves it alone', () => {
    const extra = targetUser('t-extra', { userName: 'old.hand@contoso.com' });
    const c = diag('old.hand@contoso.com', { users: [anna], groups, targets: [annaLms(), extra], links: linked, config: cfg() });
    expect(c.verdict).toBe('Not in Entra (deleted, or never there): LMS account t-extra (old.hand@contoso.com, active) is managed by no integration, so Rollcall leaves it alone');
    const theirs = diag('old.hand@contoso.com', { users: [anna], groups, targets: [annaLms(), extra], links: linked, others: [link('gone', 't-extra', 'int-2')], config: cfg() });
    expect(theirs.verdict).toContain('is managed by another integration (int-2)');
    // Said of the query: it is no person's.
    expect(check(c, 'lms-duplicates')).toMatchObject({ status: 'pass', detail: 'One LMS account answers to "old.hand@contoso.com".' });
    // Several accounts: each with whoever manages it.
    const two = diag('old.hand@contoso.com', { users: [anna], groups, targets: [annaLms(), extra, targetUser('t-extra-2', { userName: 'old.hand@contoso.com' })], links: linked, others: [link('gone', 't-extra-2', 'int-2')], config: cfg() });
    expect(two.verdict).toBe(
      'Not in Entra (deleted, or never there): LMS account t-extra (old.hand@contoso.com, active) is managed by no integration, so Rollcall leaves it alone; LMS account t-extra-2 (old.hand@contoso.com, active) is managed by another integration (int-2)',
    );
    // Someone out of scope whose alias is the user name of an account this integration links to someone else.
    const carl = sourceUser('carl', { displayName: 'Carl', mail: 'carl@contoso.com', userPrincipalName: 'carl@contoso.com', otherMails: ['anna@contoso.com'] });
    const theirsToo = diag('carl@contoso.com', { users: [anna, carl], groups, targets: [annaLms()], links: linked, config: cfg() });
    expect(theirsToo.verdict).toContain('the LMS account is linked by this integration to someone else');
    const twice = diag('old.hand@contoso.com', { users: [anna], groups, targets: [annaLms(), extra, targetUser('t-extra-2', { userName: 'OLD.HAND@contoso.com ' })], links: linked, config: cfg() });
    expect(check(twice, 'lms-duplicates')).toMatchObject({ status: 'warn', detail: '2 LMS accounts answer to "old.hand@contoso.com", and nobody in Entra does.' });
  });
});

describe('000: can I swap a private e-mail for the work e-mail?', () => {
  it('follows the change by object id and says so', () => {
    const c = diag('anna@contoso.com', { users: [anna], groups, targets: [annaLms({ emails: ['anna@gmail.example'], userName: 'anna@gmail.example' })], links: [link('anna', 't-anna', 'int-1', { emailAtLink: 'anna@gmail.example' })], config: cfg() });
    expect(c.verdictKind).toBe('will_update');
    expect(check(c, 'email-changed').detail).toContain('changed from anna@gmail.example to anna@contoso.com');
    expect(check(c, 'email-changed').detail).toContain('link is by Entra object id');
  });
});

describe('000: why is my user not showing up?', () => {
  it('recently created: will be created at the next sync, with the group path that includes her', () => {
    const c = diag('anna@contoso.com', { users: [anna], groups, config: cfg() });
    expect(c.verdict).toBe('Will be created at the next sync (in 2 h 10 min)');
    expect(c.verdictKind).toBe('will_create');
    expect(evidence(c, 'included')).toContain('Anna Berg → Sales EMEA → All Sales (included)');
    expect(check(c, 'next-action').evidence[0]?.label).toBe('create (new_in_scope)');
  });

  it('inactive in the source system', () => {
    const c = diag('anna@contoso.com', { users: [{ ...anna, accountEnabled: false }], groups, config: cfg() });
    expect(c.verdict).toBe('Disabled in Entra; no LMS account is created');
    expect(check(c, 'account-enabled')).toMatchObject({ status: 'fail', evidence: [{ label: 'accountEnabled', value: 'false' }] });
    expect(check(c, 'account-enabled').fix).toContain('enable the account in Entra');
  });

  it('not in the security group', () => {
    const c = diag('anna@contoso.com', { users: [anna], groups: [group('g-sales', 'All Sales', ['someone-else'])], config: cfg() });
    expect(c.verdictKind).toBe('not_included');
    expect(check(c, 'included').status).toBe('fail');
    expect(evidence(c, 'included')).toContain('member of group "All Sales" — not a member, directly or through nested groups');
    expect(check(c, 'included').fix).toContain('Add Anna Berg to the group "All Sales"');
  });

  it('excluded directly by id or e-mail', () => {
    const c = diag('anna', { users: [anna], groups, config: cfg({ scope: { ...bySales, exclude: [{ kind: 'user', value: 'ANNA@contoso.com' }] } }) });
    expect(c.verdict).toBe('Excluded by rule user "ANNA@contoso.com"; no LMS account is created');
    expect(check(c, 'excluded').fix).toContain('remove "ANNA@contoso.com" from the excluded users');
  });
});

describe('000: why is my user being excluded?', () => {
  it('a person included by e-mail: not in the include list yet says which rule would name them', () => {
    const c = diag('anna@contoso.com', { users: [anna], groups: [group('g-sales', 'All Sales', [])], config: cfg({ scope: { include: [{ kind: 'user', value: 'bo@contoso.com' }] } }) });
    expect(check(c, 'included')).toMatchObject({ status: 'fail', fix: expect.stringContaining('"Include one person"') });
    expect(evidence(c, 'included')).toContain('the person "bo@contoso.com" — not Anna Berg\'s object id, sign-in name or e-mail');
    const included = diag('anna@contoso.com', { users: [anna], groups: [group('g-sales', 'All Sales', [])], config: cfg({ scope: { include: [{ kind: 'user', value: 'ANNA@contoso.com' }] } }) });
    expect(check(included, 'included')).toMatchObject({ status: 'pass', detail: 'Included by the rule user "ANNA@contoso.com".' });
  });

  const connor = sourceUser('connor', { displayName: 'Connor Contract', mail: 'connor@contoso.com', userPrincipalName: 'connor@contoso.com', department: 'Contractors' });
  const contractors = { exclude: [{ kind: 'attribute' as const, attribute: 'department', value: 'Contractors' }] };

  it('by an exclude rule on the department', () => {
    const c = diag('connor@contoso.com', { users: [connor], config: planConfig({ scope: contractors }) });
    expect(c.verdict).toBe('Excluded by rule department equals "Contractors"; no LMS account is created');
    expect(check(c, 'excluded').detail).toContain('(department is "Contractors")');
    expect(check(c, 'excluded').fix).toContain('remove or narrow the exclude rule 1 department equals "Contractors"');
  });

  it('by an excluded security group, with the path', () => {
    const c = diag('anna@contoso.com', { users: [anna], groups: [...groups, group('g-x', 'Leavers', [], ['g-emea'])], config: cfg({ scope: { ...bySales, exclude: [{ kind: 'group', groupId: 'g-x' }] } }) });
    expect(evidence(c, 'excluded')).toContain('Anna Berg → Sales EMEA → Leavers (excluded)');
    expect(check(c, 'excluded').fix).toContain('remove Anna Berg from the group "Leavers"');
  });

  it('matches both an include rule (e-mail) and an exclude rule (department)', () => {
    const c = diag('anna@contoso.com', { users: [anna], config: planConfig({ scope: { include: [{ kind: 'attribute', attribute: 'mail', value: 'anna@contoso.com' }], exclude: [{ kind: 'attribute', attribute: 'department', value: 'sales' }] } }) });
    expect(c.verdictKind).toBe('excluded');
    expect(check(c, 'include-and-exclude').status).toBe('warn');
    expect(check(c, 'include-and-exclude').detail).toBe('Included by mail equals "anna@contoso.com" but excluded by department equals "sales": the exclude rule wins.');
  });

  it('on the skip list', () => {
    const c = diag('anna@contoso.com', { users: [anna], groups, config: cfg({ scope: { ...bySales, skipList: ['Anna@Contoso.com'] } }) });
    expect(c.verdict).toBe('On the skip list ("Anna@Contoso.com"): the integration never touches Anna Berg');
    expect(check(c, 'skip-list').fix).toBe('If the integration should manage this user, remove "Anna@Contoso.com" from the skip list.');
  });
});

describe('000: why do I see duplicate users or an old account?', () => {
  it('the person exists in the LMS under another (old) address', () => {
    const c = diag('anna@contoso.com', { users: [{ ...anna, otherMails: ['anna.svensson@contoso.com'] }], groups, targets: [targetUser('t-old', { userName: 'anna.svensson@contoso.com' })], config: cfg() });
    expect(c.verdictKind).toBe('alias_match');
    expect(c.verdict).toContain('t-old (anna.svensson@contoso.com, active)');
    expect(check(c, 'email-changed').fix).toContain('relink LMS account t-old to this Entra user');
    expect(check(c, 'next-action').fix).toContain('choose "Not theirs: create a new account" on this person\'s conflict');
  });

  it('under another address with "Create users" off: "Not theirs" is named as the dry run shows it, and creates nothing', () => {
    const c = diag('anna@contoso.com', { users: [{ ...anna, otherMails: ['anna.svensson@contoso.com'] }], groups, targets: [targetUser('t-old', { userName: 'anna.svensson@contoso.com' })], config: cfg({ mapping: { createUsers: false } }) });
    expect(c.verdictKind).toBe('alias_match');
    expect(c.verdict).toMatch(/relink it if it is theirs, or mark it not theirs \("Create users" is off, so no new account is created\)$/);
    const fix = check(c, 'next-action').fix ?? '';
    expect(fix).toContain('choose "Not theirs" on this person\'s conflict in the dry run');
    expect(fix).toContain('no LMS account is created for them while "Create users" is off');
    expect(fix).not.toContain('create a new account');
  });

  it('the person exists in the LMS under another address and username, made by hand: a warning before a second is created', () => {
    // "Check whether the person already exists in Learningbank under another email address, username".
    const byHand = targetUser('t-hand', { userName: 'anna.b', emails: ['anna.private@example.org'], attributes: { [ScimPath.displayName]: 'Anna  Berg' } });
    const c = diag('anna@contoso.com', { users: [anna], groups, targets: [byHand], config: cfg() });
    expect(c.verdictKind).toBe('will_create');
    const dup = check(c, 'lms-duplicates');
    expect(dup.status).toBe('warn');
    expect(dup.detail).toBe("The LMS has an account named Anna Berg under another address that no integration links: LMS account t-hand (anna.b, externalId (none), active). It may be Anna Berg's, made by hand or under an old address; Rollcall matches by id and e-mail, not by name, so at the next sync (in 2 h 10 min) it creates a second account.");
    expect(dup.fix).toBe("If it is Anna Berg's and has learning history, set its e-mail in the LMS to anna@contoso.com before the next sync: Rollcall then links it instead of creating one. If it is someone else with the same name, nothing to do.");
    expect(dup.evidence[0]?.value).toContain('found by same name');
  });

  it('the same name on an account linked to someone else, or also found by address, is not "another account of hers"', () => {
    const otherAnna = sourceUser('anna-2', { displayName: 'Anna Berg', mail: 'anna.berg2@contoso.com', userPrincipalName: 'anna.berg2@contoso.com' });
    const theirs = targetUser('t-2', { externalId: 'anna-2', userName: 'anna.berg2@contoso.com', attributes: { [ScimPath.displayName]: 'Anna Berg' } });
    const c = diag('anna@contoso.com', { users: [anna, otherAnna], groups, targets: [annaLms(), theirs], links: [...linked, link('anna-2', 't-2')], config: cfg() });
    expect(check(c, 'lms-duplicates')).toMatchObject({ status: 'pass', detail: 'One LMS account answers to this person.' });
    // Before the first sync nothing is linked: the other Anna's address on it still makes it hers.
    const namesake = targetUser('t-3', { userName: 'anna.berg2@contoso.com', attributes: { [ScimPath.displayName]: 'Anna Berg' } });
    const first = diag('anna@contoso.com', { users: [anna, otherAnna], groups, targets: [namesake], config: cfg() });
    expect(check(first, 'lms-duplicates').status).toBe('pass');
    // Nor does a name alone make an account "the person's" anywhere else in the answer.
    const out = diag('anna@contoso.com', { users: [anna], groups: [group('g-sales', 'All Sales', [])], targets: [targetUser('t-4', { userName: 'a.b', attributes: { [ScimPath.displayName]: 'Anna Berg' } })], config: cfg() });
    expect(out.verdict).not.toContain('managed by no integration');
    expect(out.candidates.target).toEqual([]);
  });

  it('an old account with her name beside the linked one: check it, then deactivate it', () => {
    const old = targetUser('t-old', { userName: 'aberg', emails: ['aberg@old-domain.example'], attributes: { [ScimPath.displayName]: 'anna berg' } });
    const c = diag('anna@contoso.com', { users: [anna], groups, targets: [annaLms(), old], links: linked, config: cfg() });
    expect(check(c, 'lms-duplicates')).toMatchObject({ status: 'warn', fix: "If it is an old account of Anna Berg's, check it for learning history, then deactivate it in the LMS (or delete it, if empty); Rollcall keeps using LMS account t-anna. If it is someone else with the same name, nothing to do." });
    expect(check(c, 'lms-duplicates').detail).not.toContain('creates a second');
  });

  it('the user was recreated in the source system instead of updated', () => {
    const c = diag('anna@contoso.com', { users: [{ ...anna, id: 'anna-2', createdDateTime: '2026-02-20T00:00:00Z' }], groups: [group('g-sales', 'All Sales', ['anna-2'])], targets: [annaLms()], links: linked, config: cfg() });
    expect(c.verdict).toBe('Recreated in Entra: LMS account t-anna (anna@contoso.com, active) still belongs to the deleted object id anna');
    expect(evidence(c, 'recreated')).toContain('Old object id: anna');
    expect(check(c, 'recreated').fix).toContain('Relink LMS account t-anna to this Entra user (new object id anna-2)');
  });

  it('more than one account for the person in the source system', () => {
    const admin = { ...anna, id: 'anna-admin', displayName: 'Anna Berg (admin)', userPrincipalName: 'adm.anna@contoso.com' };
    const c = diag('anna@contoso.com', { users: [anna, admin], groups: [group('g-sales', 'All Sales', ['anna', 'anna-admin'])], config: cfg() });
    expect(c.verdictKind).toBe('duplicate_entra_accounts');
    expect(c.verdict).toContain('Anna Berg (anna@contoso.com, anna)');
    expect(c.verdict).toContain('Anna Berg (admin) (adm.anna@contoso.com, anna-admin)');
    expect(check(c, 'entra-duplicates').status).toBe('fail');
    // The query is Anna's UPN, so she is the subject; the admin account is listed as a candidate.
    expect(c.user.sourceId).toBe('anna');
    expect(c.candidates.source.map((s) => `${s.id}:${s.matchedBy}`)).toEqual(['anna:userPrincipalName', 'anna-admin:mail']);
  });

  it('two LMS accounts for one person: the verdict names both', () => {
    const c = diag('anna@contoso.com', { users: [anna], groups, targets: [targetUser('t1', { userName: 'anna@contoso.com' }), targetUser('t2', { userName: 'a.berg@contoso.com', emails: ['a.berg@contoso.com', 'anna@contoso.com'] })], config: cfg() });
    expect(c.verdict).toBe('Two LMS accounts for this person: t1 (anna@contoso.com, active) and t2 (a.berg@contoso.com, active)');
    expect(check(c, 'lms-duplicates').fix).toContain('Check both in the LMS (LMS accounts t1 and t2) and keep the one with the learning history: relink it to this Entra user');
  });

  it("the e-mail changed while the old identifier is still used: the link by id follows it", () => {
    const c = diag('anna.berg@contoso.com', { users: [{ ...anna, mail: 'anna.berg@contoso.com' }], groups, targets: [annaLms()], links: linked, config: cfg() });
    expect(c.verdict).toContain('Will be updated at the next sync (in 2 h 10 min): e-mail');
    expect(check(c, 'email-changed').detail).toContain('from anna@contoso.com to anna.berg@contoso.com');
  });
});

describe('000: why is my user not being updated?', () => {
  it('created manually in the LMS with different identifying data (another externalId)', () => {
    const c = diag('anna@contoso.com', { users: [anna], groups, targets: [targetUser('manual', { userName: 'anna@contoso.com', externalId: 'hr-1234' })], config: cfg() });
    expect(c.verdictKind).toBe('conflict');
    expect(check(c, 'email-changed').detail).toContain('externalId (hr-1234)');
    expect(check(c, 'email-changed').fix).toContain('relink LMS account manual to this Entra user');
  });

  it("the identifier used no longer matches: the address belongs to someone else's account", () => {
    const bob = sourceUser('bob', { mail: 'bob@contoso.com' });
    const c = diag('anna@contoso.com', { users: [anna, bob], groups, targets: [targetUser('t-bob', { userName: 'anna@contoso.com', externalId: 'bob' })], links: [link('bob', 't-bob')], config: cfg() });
    expect(c.verdictKind).toBe('email_taken');
    expect(check(c, 'email-changed').fix).toContain('relink LMS account t-bob to this Entra user');
  });

  it('an older duplicate with the same data exists next to the linked account', () => {
    const c = diag('anna@contoso.com', { users: [anna], groups, targets: [annaLms(), targetUser('t-older', { userName: 'anna@contoso.com' })], links: linked, config: cfg() });
    expect(c.verdictKind).toBe('up_to_date');
    expect(check(c, 'lms-duplicates').status).toBe('warn');
    expect(evidence(c, 'lms-duplicates')).toContain('LMS account t-older (anna@contoso.com, externalId (none), active), not linked');
  });
});

describe('000: why is my user inactive or deactivated?', () => {
  const off = cfg({ deactivation: { deactivateUsers: true, useLastDay: true, thresholdPercent: 100 } });

  it('inactive in the source system', () => {
    const c = diag('anna@contoso.com', { users: [{ ...anna, accountEnabled: false }], groups, targets: [annaLms()], links: linked, config: off });
    expect(c.verdict).toBe('Disabled in Entra; the LMS account is deactivated at the next sync (in 2 h 10 min)');
  });

  it('reactivated in the source system, not synced yet', () => {
    const c = diag('anna@contoso.com', { users: [anna], groups, targets: [annaLms({ active: false })], links: linked, config: off });
    expect(c.verdict).toBe('Will be reactivated at the next sync (in 2 h 10 min)');
    expect(check(c, 'lms-account').detail).toContain('inactive in the LMS. It is reactivated at the next sync');
  });

  it('an end date (Last Day) has passed', () => {
    const c = diag('anna@contoso.com', { users: [{ ...anna, employeeLeaveDateTime: '2026-02-20T00:00:00Z' }], groups, targets: [annaLms()], links: linked, config: off });
    expect(c.verdict).toBe('Last Day passed on 2026-02-20 00:00 UTC; the LMS account is deactivated at the next sync (in 2 h 10 min)');
    expect(check(c, 'last-day').status).toBe('fail');
    expect(evidence(c, 'last-day')).toContain('employeeLeaveDateTime: 2026-02-20 00:00 UTC (9 days 12 h ago)');
  });

  it('Last Day is used but could not be read (no User-LifecycleInfo.Read.All): a warning with the consent to give, not "no Last Day"', () => {
    const c = diag('anna@contoso.com', { users: [anna], groups, source: { lastDayUnread: true }, targets: [annaLms()], links: linked, config: cfg({ deactivation: { useLastDay: true } }) });
    expect(check(c, 'last-day')).toMatchObject({ status: 'warn', detail: expect.stringContaining('Last Day could not be read'), fix: expect.stringContaining('User-LifecycleInfo.Read.All') });
  });
});

describe('000: the Create users and Update user attributes switches', () => {
  it('"Create users" off: not created, says so, and how to get the account', () => {
    const c = diag('anna@contoso.com', { users: [anna], groups, config: cfg({ mapping: { createUsers: false } }) });
    expect(c.verdictKind).toBe('not_created');
    expect(c.verdict).toBe('Not created: "Create users" is off');
    expect(check(c, 'next-action')).toMatchObject({ status: 'warn', fix: expect.stringContaining('Turn on "Create users"') });
  });

  it('"Update user attributes" off: the account keeps its values, and the check names the fields', () => {
    const c = diag('anna@contoso.com', { users: [{ ...anna, jobTitle: 'Lead' }], groups, targets: [annaLms()], links: linked, config: cfg({ mapping: { updateUsers: false } }) });
    expect(check(c, 'attributes')).toMatchObject({ status: 'fail', fix: expect.stringContaining('Turn on "Update user attributes"') });
    expect(check(c, 'attributes').detail).toContain('title');
  });

  describe('"Update user attributes" off: no check claims the LMS has what Entra says', () => {
    const jp = vendorPath(ns, 'jobProfile');
    const jobProfiles = [{ id: 'j1', name: 'Employee', isDefault: true }, { id: 'j2', name: 'Sales Representative', isDefault: false }];
    const boss = sourceUser('boss', { displayName: 'Boss', mail: 'boss@contoso.com', userPrincipalName: 'boss@contoso.com' });
    const bossLms = targetUser('t-boss', { externalId: 'boss', userName: 'boss@contoso.com' });
    const world = (updateUsers: boolean) =>
      diag('anna@contoso.com', {
        users: [{ ...anna, department: 'Marketing', jobTitle: 'Sales Rep', managerId: 'boss' }, boss],
        groups: [group('g-sales', 'All Sales', ['anna', 'boss'])],
        targets: [annaLms({ attributes: { [ScimPath.displayName]: 'Anna Berg', [ScimPath.department]: ['Sales'], [jp]: 'Employee' } }), bossLms],
        links: [...linked, link('boss', 't-boss')],
        target: { jobProfiles },
        config: cfg({ mapping: { updateUsers, jobProfile: { attribute: 'jobTitle', valueMap: [{ value: 'Sales Rep', jobProfile: 'Sales Representative' }] } } }),
      });

    it('off: department, job profile and manager fail with the switch as the fix; the verdict and next action say nothing is written', () => {
      const c = world(false);
      expect(c.verdictKind).toBe('not_updated');
      expect(c.verdict).toBe('Not updated: "Update user attributes" is off, and the LMS account differs from the mapping in title, department, jobProfile, manager');
      for (const id of ['department', 'job-profile', 'manager'] as const) {
        expect(check(c, id)).toMatchObject({ status: 'fail', fix: expect.stringContaining('Turn on "Update user attributes"') });
      }
      expect(check(c, 'department').detail).toBe('"Update user attributes" is off, so the LMS keeps Sales instead of Marketing.');
      expect(check(c, 'job-profile').detail).toContain('keeps "Employee" instead of "Sales Representative"');
      expect(check(c, 'manager').detail).toContain('keeps manager (empty) instead of "boss@contoso.com"');
      expect(check(c, 'next-action')).toMatchObject({ status: 'warn', detail: expect.stringContaining('"Update user attributes" is off') });
      expect(c.ops).toEqual([]);
    });

    it('on: the same differences are pending changes, not failures', () => {
      const c = world(true);
      expect(c.verdictKind).toBe('will_update');
      for (const id of ['department', 'job-profile', 'manager'] as const) expect(check(c, id).status).toBe('info');
    });

    it('off, and Entra no longer names a manager: the manager the account keeps is a difference', () => {
      // With the switch on, the plan would clear the manager; off, the LMS keeps Boss.
      const c = diag('anna@contoso.com', {
        users: [anna],
        groups,
        targets: [annaLms({ attributes: { [ScimPath.manager]: 'boss@contoso.com' } })],
        links: linked,
        config: cfg({ mapping: { updateUsers: false } }),
      });
      expect(c.verdictKind).toBe('not_updated');
      expect(c.verdict).toContain('manager');
      expect(check(c, 'next-action').status).toBe('warn');
    });

    it('off, and the account already has the mapped values: up to date', () => {
      const c = diag('anna@contoso.com', { users: [anna], groups, targets: [annaLms()], links: linked, config: cfg({ mapping: { updateUsers: false } }) });
      expect(c.verdictKind).toBe('up_to_date');
      expect(check(c, 'department').status).toBe('pass');
      expect(check(c, 'next-action').status).toBe('pass');
    });
  });

  it('"Create users" off and the manager not created: the fix is an account for the manager, not the scope', () => {
    const boss = sourceUser('boss', { displayName: 'Boss', mail: 'boss@contoso.com', userPrincipalName: 'boss@contoso.com' });
    const c = diag('anna@contoso.com', { users: [{ ...anna, managerId: 'boss' }, boss], groups: [group('g-sales', 'All Sales', ['anna', 'boss'])], targets: [annaLms()], links: linked, config: cfg({ mapping: { createUsers: false } }) });
    expect(check(c, 'manager').status).toBe('warn');
    expect(check(c, 'manager').fix).toContain('Create an LMS account for Boss by hand');
    expect(check(c, 'manager').fix).not.toContain('into scope');
  });
});

describe('000: why is my user in the wrong department?', () => {
  it('"Change departments" is off', () => {
    const c = diag('anna@contoso.com', { users: [anna], groups, targets: [annaLms({ attributes: { [ScimPath.department]: ['Marketing'] } })], links: linked, config: cfg({ mapping: { changeDepartments: false } }) });
    expect(check(c, 'department')).toMatchObject({ status: 'fail', fix: expect.stringContaining('Turn on "Change departments"') });
    expect(evidence(c, 'department')).toContain('LMS now: Marketing');
  });

  it('hidden characters (a BOM) in the department name are made visible', () => {
    const bo = sourceUser('bo', { displayName: 'Bo Mark', mail: 'bo@contoso.com', department: 'Sales\uFEFF' });
    const c = diag('bo@contoso.com', { users: [anna, bo], config: planConfig() });
    const dep = check(c, 'department');
    expect(dep.status).toBe('warn');
    expect(dep.detail).toContain('"Sales⟨U+FEFF⟩"');
    expect(dep.detail).toContain('U+FEFF BYTE ORDER MARK');
    expect(dep.fix).toBe('Retype the department of Bo Mark in Entra as "Sales" (remove the hidden characters), so rules and other systems that compare it exactly see the same value.');
    expect(evidence(c, 'department')).toContain('Spellings in Entra: "Sales" (1 user), "Sales⟨U+FEFF⟩" (1 user)');
  });

  it('"Below the LMS department" on an LMS with one level of departments: a warning that it is not used, and the last level as written', () => {
    const flat = { capabilities: capabilities({ flatDepartments: true }), departments: [{ id: 'd1', name: 'EMEA', parentId: null }] };
    const c = diag('anna@contoso.com', { users: [{ ...anna, department: 'Sales/EMEA' }], groups, targets: [annaLms({ attributes: { [ScimPath.displayName]: 'Anna Berg', [ScimPath.department]: ['EMEA'] } })], links: linked, target: flat, config: cfg({ mapping: { department: { pathDelimiter: '/', under: ['Contoso'] } } }) });
    expect(check(c, 'department')).toMatchObject({ status: 'warn', detail: '"Below the LMS department" (Contoso) is not used: this LMS\'s departments have one level, so EMEA is written at the top.', fix: expect.stringContaining('Clear "Below the LMS department"') });
    expect(evidence(c, 'department')).toContain('LMS departments: one level');
    expect(c.verdictKind).toBe('up_to_date');
    // Nobody's department in Entra: that is what to fix first, not the unused setting.
    const none = diag('anna@contoso.com', { users: [{ ...anna, department: null }], groups, target: flat, config: cfg({ mapping: { department: { pathDelimiter: '/', under: ['Contoso'] } } }) });
    expect(check(none, 'department').detail).toContain('has no department in Entra');
  });

  it('the department does not exist in the LMS yet: it is created first', () => {
    const c = diag('anna@contoso.com', { users: [anna], groups, config: cfg() });
    expect(evidence(c, 'department')).toContain('In the LMS: missing: created at the next sync (in 2 h 10 min), before the users');
  });

  it('the user has no department in the source system', () => {
    const c = diag('anna@contoso.com', { users: [{ ...anna, department: null }], groups, config: cfg() });
    expect(check(c, 'department')).toMatchObject({ status: 'warn', fix: 'Set the department of Anna Berg in Entra.' });
  });

  it('duplicate departments with one name in the LMS are pointed out', () => {
    const departments = [{ id: 'd1', name: 'Sales', parentId: null }, { id: 'd2', name: 'Sales', parentId: 'd9' }, { id: 'd9', name: 'Old', parentId: null }];
    const c = diag('anna@contoso.com', { users: [anna], groups, targets: [annaLms()], links: linked, target: { departments }, config: cfg() });
    expect(evidence(c, 'department')).toContain('Same name in the LMS: 2 departments are called "Sales" (ids d1, d2)');
  });

  it("names whom a found account is linked to, not only their id", () => {
    const bo = sourceUser('bo', { displayName: 'Bo Berg', mail: 'bo@contoso.com' });
    // Anna's address is on Bo's linked account as a second e-mail.
    const boLms = targetUser('t-bo', { externalId: 'bo', userName: 'bo@contoso.com', emails: ['bo@contoso.com', 'anna@contoso.com'] });
    const c = diag('anna@contoso.com', { users: [anna, bo], groups, targets: [annaLms(), boLms], links: [...linked, link('bo', 't-bo')], config: cfg() });
    const lines = evidence(c, 'lms-account');
    expect(lines).toContain('linked to this person by this integration');
    expect(lines).toContain('linked to Bo Berg (bo) by this integration');
  });

  it('two LMS departments at one level differing only in case, neither spelled as mapped: a warning naming both, not a pass', () => {
    const departments = [{ id: 'd1', name: 'SALES', parentId: null }, { id: 'd2', name: 'sales', parentId: null }, { id: 'd3', name: 'Sales', parentId: 'd9' }, { id: 'd9', name: 'Old', parentId: null }];
    const c = diag('anna@contoso.com', { users: [anna], groups, targets: [annaLms({ attributes: { [ScimPath.displayName]: 'Anna Berg', [ScimPath.department]: ['SALES'] } })], links: linked, target: { departments }, config: cfg() });
    expect(check(c, 'department')).toMatchObject({ status: 'warn', fix: 'Merge these LMS departments into one, or rename one to exactly "Sales"; the next sync then uses it.' });
    expect(check(c, 'department').detail).toBe('The LMS has "SALES" (d1) and "sales" (d2) at the same level, differing only in case, and none is spelled Sales: Rollcall cannot tell which is meant, so it uses neither and creates Sales at the next sync (in 2 h 10 min).');
    // One of them spelled as mapped: that one is used, nothing to warn about.
    const exact = diag('anna@contoso.com', { users: [anna], groups, targets: [annaLms()], links: linked, target: { departments: [...departments, { id: 'd4', name: 'Sales', parentId: null }] }, config: cfg() });
    expect(check(exact, 'department').status).toBe('pass');
  });
});

describe("000: why is my user's permission or job profile not syncing as expected?", () => {
  const jobProfiles = [{ id: 'j1', name: 'Employee', isDefault: true }, { id: 'j2', name: 'Sales Representative', isDefault: false }];
  const jp = vendorPath(ns, 'jobProfile');
  const pt = vendorPath(ns, 'permissionTypes');

  it('"Change job profiles" is off', () => {
    const c = diag('anna@contoso.com', { users: [{ ...anna, jobTitle: 'Sales Rep' }], groups, targets: [annaLms({ attributes: { [ScimPath.department]: ['Sales'], [jp]: 'Employee' } })], links: linked, target: { jobProfiles }, config: cfg({ mapping: { changeJobProfiles: false, jobProfile: { attribute: 'jobTitle', valueMap: [{ value: 'Sales Rep', jobProfile: 'Sales Representative' }] } } }) });
    expect(check(c, 'job-profile')).toMatchObject({ status: 'fail', fix: 'Turn on "Change job profiles" in the integration\'s mapping settings.' });
    expect(evidence(c, 'job-profile')).toContain('Chosen by: the value map: jobTitle "Sales Rep" → "Sales Representative"');
  });

  it('nothing maps and the default is for new accounts only: the job profile set in the LMS is kept, and said so', () => {
    const byHand = annaLms({ attributes: { [ScimPath.displayName]: 'Anna Berg', [ScimPath.title]: 'Astronaut', [ScimPath.department]: ['Sales'], [jp]: 'Sales Representative' } });
    const c = diag('anna@contoso.com', { users: [{ ...anna, jobTitle: 'Astronaut' }], groups, targets: [byHand], links: linked, target: { jobProfiles }, config: cfg({ mapping: { jobProfile: { attribute: 'jobTitle', defaultJobProfile: 'Employee' } } }) });
    expect(check(c, 'job-profile')).toMatchObject({ status: 'info', fix: expect.stringContaining('"Default job profile for new accounts only"') });
    expect(check(c, 'job-profile').detail).toBe('No mapping gives Anna Berg a job profile, and the default "Employee" goes to new accounts only, so the LMS keeps "Sales Representative": it may have been set by hand there.');
    expect(c.verdictKind).toBe('up_to_date');
    // An account with no job profile gets the default: a pending change, not "keeps (empty)".
    const empty = diag('anna@contoso.com', { users: [{ ...anna, jobTitle: 'Astronaut' }], groups, targets: [annaLms({ attributes: { [ScimPath.displayName]: 'Anna Berg', [ScimPath.title]: 'Astronaut', [ScimPath.department]: ['Sales'] } })], links: linked, target: { jobProfiles }, config: cfg({ mapping: { jobProfile: { attribute: 'jobTitle', defaultJobProfile: 'Employee' } } }) });
    expect(check(empty, 'job-profile')).toMatchObject({ status: 'info', detail: expect.stringContaining('to "Employee"') });
  });

  it('the value in the source system maps to a job profile the LMS does not have', () => {
    const c = diag('anna@contoso.com', { users: [{ ...anna, jobTitle: 'Sales Rep' }], groups, target: { jobProfiles }, config: cfg({ mapping: { jobProfile: { attribute: 'jobTitle', valueMap: [{ value: 'Sales Rep', jobProfile: 'Account Executive' }] } } }) });
    expect(check(c, 'job-profile').status).toBe('fail');
    expect(check(c, 'job-profile').fix).toContain('Create the job profile "Account Executive" in the LMS');
  });

  it('an older value is still in the LMS: the change is shown, from → to', () => {
    const c = diag('anna@contoso.com', { users: [{ ...anna, jobTitle: 'Sales Representative' }], groups, targets: [annaLms({ attributes: { [ScimPath.department]: ['Sales'], [jp]: 'Employee' } })], links: linked, target: { jobProfiles }, config: cfg({ mapping: { jobProfile: { attribute: 'jobTitle' } } }) });
    expect(check(c, 'job-profile').detail).toBe('The job profile changes from "Employee" to "Sales Representative" at the next sync (in 2 h 10 min).');
    expect(evidence(c, 'job-profile')).toContain('an LMS job profile with the same name as jobTitle "Sales Representative"');
  });

  it('permission types from a role attribute: the evidence names the value that grants each', () => {
    const c = diag('anna@contoso.com', { users: [{ ...anna, employeeType: 'Team Lead' }], groups, targets: [annaLms({ attributes: { [ScimPath.department]: ['Sales'] } })], links: linked, config: cfg({ mapping: { permissions: { attribute: 'employeeType', valueMap: [{ value: 'team lead', permissionType: 'Manager' }, { value: 'Trainer', permissionType: 'Course Creator' }] } } }) });
    expect(evidence(c, 'permissions')).toContain('Manager (owned): granted through employeeType "Team Lead"');
    expect(evidence(c, 'permissions')).toContain('Course Creator (owned): not granted: not in any group mapped to it, and employeeType does not map to it');
    expect(check(c, 'permissions')).toMatchObject({ status: 'info', detail: expect.stringContaining('Manager') });
  });

  it('permission types: owned ones come from groups, others are left alone; "Change permissions" off', () => {
    const c = diag('anna@contoso.com', { users: [anna], groups, targets: [annaLms({ attributes: { [ScimPath.department]: ['Sales'], [pt]: ['LMS Administrator'] } })], links: linked, config: cfg({ mapping: { changePermissions: false, permissions: { groupMap: [{ groupId: 'g-sales', permissionType: 'Learner' }, { groupId: 'g-mgr', permissionType: 'Manager' }] } } }) });
    expect(check(c, 'permissions').status).toBe('fail');
    expect(check(c, 'permissions').fix).toContain('Turn on "Change permissions"');
    const e = evidence(c, 'permissions');
    expect(e).toContain('Learner (owned): granted through Anna Berg → Sales EMEA → All Sales');
    expect(e).toContain('Manager (owned): not granted');
    expect(e).toContain('LMS Administrator (not owned): set in the LMS by someone else: left alone');
    expect(e).toContain('Wanted in the LMS: LMS Administrator, Learner');
  });

  it('permission types: a mapped type the LMS lacks is named, with the fix; one spelled in another case is found', () => {
    const permissionTypes = [{ id: 'p1', name: 'Learner' }, { id: 'p2', name: 'LMS Administrator' }];
    const c = diag('anna@contoso.com', { users: [anna], groups, targets: [annaLms({ attributes: { [ScimPath.department]: ['Sales'], [pt]: ['Learner'] } })], links: linked, target: { permissionTypes }, config: cfg({ mapping: { permissions: { groupMap: [{ groupId: 'g-sales', permissionType: 'learner' }, { groupId: 'g-sales', permissionType: 'Sales Lead' }] } } }) });
    expect(check(c, 'permissions')).toMatchObject({ status: 'fail', detail: 'The permission type "Sales Lead" does not exist in the LMS, so it is not given; create it in the LMS or correct the permission mapping.' });
    expect(check(c, 'permissions').fix).toContain('Create the permission type in the LMS');
    expect(evidence(c, 'permissions')).toContain('Learner (owned): granted through Anna Berg → Sales EMEA → All Sales');
  });
});

describe('000: integration status', () => {
  it("'invalid' (red): the credentials need updating", () => {
    const c = diag('anna@contoso.com', { users: [anna], groups, config: cfg(), integration: { status: 'invalid', statusReason: { code: 'ENTRA_SECRET_EXPIRED', message: 'The client secret has expired.', fix: 'Choose Update credentials and paste a new secret Value.' } } });
    expect(c.verdict).toBe('Will be created once the credentials are updated (the integration is invalid now)');
    expect(check(c, 'credentials')).toMatchObject({ status: 'fail', fix: 'Choose Update credentials and paste a new secret Value.' });
    expect(evidence(c, 'credentials')).toContain('The client secret has expired. [ENTRA_SECRET_EXPIRED]');
  });

  it('grey (disabled): enable it', () => {
    const c = diag('anna@contoso.com', { users: [anna], groups, config: cfg(), integration: { status: 'disabled', enabled: false }, nextRunAt: null });
    expect(check(c, 'enabled')).toMatchObject({ status: 'fail', fix: expect.stringContaining('enable the integration') });
    expect(check(c, 'next-run').status).toBe('warn');
  });
});
