import { describe, expect, it } from 'vitest';
import { DEFAULT_VENDOR_NAMESPACE, ScimPath, vendorPath } from '../../../src-main/core/model';
import { capabilities, group, link, planConfig, sourceUser, targetUser } from '../../../src-main/core/testing/builders';
import { change, opFor, run } from './helpers';

const ns = DEFAULT_VENDOR_NAMESPACE;
const dept = ScimPath.department;
const perms = vendorPath(ns, 'permissionTypes');
const jobProfile = vendorPath(ns, 'jobProfile');

describe('change toggles', () => {
  const user = sourceUser('a', { displayName: null, department: 'Support' });
  const mapping = { changeDepartments: false, changeJobProfiles: false, changePermissions: false, jobProfile: { defaultJobProfile: 'Everyone' }, permissions: { groupMap: [{ groupId: 'g-admin', permissionType: 'Admin' }] } };
  const groups = [group('g-admin', 'Admins', ['a'])];

  it('sets department, job profile and permissions on create even when the toggles are off', () => {
    const op = opFor(run({ users: [user], groups, config: planConfig({ mapping }) }), 'a');
    expect(change(op, dept)?.to).toEqual(['Support']);
    expect(change(op, jobProfile)?.to).toBe('Everyone');
    expect(change(op, perms)?.to).toEqual(['Admin']);
  });

  it('does not change them on update when the toggles are off', () => {
    const t = targetUser('t-a', { externalId: 'a', userName: 'a@contoso.com', attributes: { [dept]: ['Sales'], [jobProfile]: 'Old', [perms]: [] } });
    const p = run({ users: [user], groups, targets: [t], links: [link('a', 't-a')], config: planConfig({ mapping }) });
    expect(opFor(p, 'a')).toBeUndefined();
    expect(p.summary.unchanged).toBe(1);
  });

  it('changes them on update when the toggles are on', () => {
    const t = targetUser('t-a', { externalId: 'a', userName: 'a@contoso.com', attributes: { [dept]: ['Sales'] } });
    const p = run({ users: [user], targets: [t], links: [link('a', 't-a')] });
    expect(change(opFor(p, 'a'), dept)).toEqual({ from: ['Sales'], to: ['Support'] });
  });
});

describe('permission types (owned only)', () => {
  it('adds granted types and removes owned ones, keeping types the integration does not own', () => {
    const cfg = planConfig({ mapping: { permissions: { groupMap: [{ groupId: 'g-admin', permissionType: 'Admin' }, { groupId: 'g-rep', permissionType: 'Reporter' }] } } });
    const t = targetUser('t-a', { externalId: 'a', userName: 'a@contoso.com', attributes: { [perms]: ['Reporter', 'Course Creator'] } });
    const p = run({ users: [sourceUser('a', { displayName: null })], groups: [group('g-admin', 'Admins', ['a']), group('g-rep', 'Reporters', [])], targets: [t], links: [link('a', 't-a')], config: cfg });
    expect(change(opFor(p, 'a'), perms)).toEqual({ from: ['Reporter', 'Course Creator'], to: ['Admin', 'Course Creator'] });
  });

  it("is no change when the mapping spells a type in another case than the LMS (the LMS writes its own)", () => {
    const cfg = planConfig({ mapping: { permissions: { groupMap: [{ groupId: 'g-admin', permissionType: 'admin' }] } } });
    const t = targetUser('t-a', { externalId: 'a', userName: 'a@contoso.com', attributes: { [perms]: ['Admin'] } });
    const permissionTypes = [{ id: 'p1', name: 'Admin' }];
    const p = run({ users: [sourceUser('a', { displayName: null })], groups: [group('g-admin', 'Admins', ['a'])], targets: [t], links: [link('a', 't-a')], config: cfg, target: { permissionTypes } });
    expect(opFor(p, 'a')).toBeUndefined();
    expect(p.summary.unchanged).toBe(1);
  });
});

describe('departments to create', () => {
  const cfg = planConfig({ mapping: { department: { pathDelimiter: '/' } } });

  it('lists missing paths parents first, and not the ones the LMS has', () => {
    const p = run({
      users: [sourceUser('a', { department: 'Sales/EMEA/Nordics' }), sourceUser('b', { department: 'Sales' }), sourceUser('c', { department: 'Support' })],
      config: cfg,
      target: { departments: [{ id: 'd1', name: 'Sales', parentId: null }] },
    });
    expect(p.departmentsToCreate).toEqual([['Support'], ['Sales', 'EMEA'], ['Sales', 'EMEA', 'Nordics']]);
  });

  it('puts the departments below the LMS department the setting names (the top unit), creating only what is missing below it', () => {
    const departments = [
      { id: 'd0', name: 'Contoso', parentId: null },
      { id: 'd1', name: 'Sales', parentId: 'd0' },
    ];
    const under = planConfig({ mapping: { department: { pathDelimiter: '/', under: ['contoso'] } } });
    const t = targetUser('t-a', { externalId: 'a', userName: 'a@contoso.com', attributes: { [dept]: ['Contoso', 'Sales'] } });
    const p = run({ users: [sourceUser('a', { displayName: null, department: 'Sales' }), sourceUser('b', { department: 'Sales/EMEA' })], targets: [t], links: [link('a', 't-a')], config: under, target: { departments } });
    expect(opFor(p, 'a')).toBeUndefined();
    expect(change(opFor(p, 'b'), dept)?.to).toEqual(['Contoso', 'Sales', 'EMEA']);
    expect(p.departmentsToCreate).toEqual([['Contoso', 'Sales', 'EMEA']]);
    expect(p.guards).toEqual([]);
  });

  it('says, without blocking, when "Below the LMS department" names one the LMS lacks (a typo would move everyone below a new one)', () => {
    const departments = [{ id: 'd0', name: 'Contoso', parentId: null }];
    const typo = planConfig({ mapping: { department: { under: ['Contosso'] } } });
    const p = run({ users: [sourceUser('a', { department: 'Sales' }), sourceUser('b', { department: 'Support' }), sourceUser('c', { department: null })], config: typo, target: { departments } });
    expect(p.departmentsToCreate).toEqual([['Contosso'], ['Contosso', 'Sales'], ['Contosso', 'Support']]);
    expect(p.guards).toEqual([expect.objectContaining({ code: 'under_department_missing', blocking: false, count: 2 })]);
    expect(p.guards[0]?.message).toBe('"Below the LMS department" names Contosso, which the LMS does not have: this run creates it and writes 2 people\'s departments below it.');
  });

  it('writes only the last level where the LMS has one level of departments, and no department above it', () => {
    // The LMS client writes the last level at the top and reads back just that; a longer path churned on every run.
    const flat = { departments: [{ id: 'd1', name: 'EMEA', parentId: null }], capabilities: capabilities({ flatDepartments: true }) };
    const under = planConfig({ mapping: { department: { pathDelimiter: '/', under: ['Contoso'] } } });
    const t = targetUser('t-a', { externalId: 'a', userName: 'a@contoso.com', attributes: { [dept]: ['EMEA'] } });
    const p = run({ users: [sourceUser('a', { displayName: null, department: 'Sales/EMEA' }), sourceUser('b', { department: 'Support/Nordics' })], targets: [t], links: [link('a', 't-a')], config: under, target: flat });
    expect(opFor(p, 'a')).toBeUndefined();
    expect(change(opFor(p, 'b'), dept)?.to).toEqual(['Nordics']);
    expect(p.departmentsToCreate).toEqual([['Nordics']]);
    expect(p.guards).toEqual([]);
  });

  it('does not say "Below the LMS department" is missing where the LMS has one level, even when a department has its name', () => {
    // There the setting is not written, so a department that happens to be called the same is just a department.
    const flat = { departments: [], capabilities: capabilities({ flatDepartments: true }) };
    const under = planConfig({ mapping: { department: { pathDelimiter: '/', under: ['Contoso'] } } });
    const p = run({ users: [sourceUser('a', { department: 'Contoso' }), sourceUser('b', { department: 'Sales' })], config: under, target: flat });
    expect(p.departmentsToCreate).toEqual([['Contoso'], ['Sales']]);
    expect(p.guards).toEqual([]);
  });

  it("uses the LMS's spelling of a department it has in another case: no change, nothing to create", () => {
    const departments = [
      { id: 'd1', name: 'SALES', parentId: null },
      { id: 'd2', name: 'emea', parentId: 'd1' },
    ];
    const t = targetUser('t-a', { externalId: 'a', userName: 'a@contoso.com', attributes: { [dept]: ['SALES', 'emea'] } });
    const p = run({ users: [sourceUser('a', { displayName: null, department: 'Sales/EMEA' }), sourceUser('b', { department: 'sales/Emea/Nordics' })], targets: [t], links: [link('a', 't-a')], config: cfg, target: { departments } });
    expect(opFor(p, 'a')).toBeUndefined();
    expect(change(opFor(p, 'b'), dept)?.to).toEqual(['SALES', 'emea', 'Nordics']);
    expect(p.departmentsToCreate).toEqual([['SALES', 'emea', 'Nordics']]);
  });

  it('keeps the mapped name where the LMS has two departments differing only in case (the LMS cannot tell either)', () => {
    const departments = [
      { id: 'd1', name: 'SALES', parentId: null },
      { id: 'd2', name: 'sales', parentId: null },
    ];
    const p = run({ users: [sourceUser('a', { department: 'Sales' }), sourceUser('b', { department: 'sales' })], config: cfg, target: { departments } });
    expect(change(opFor(p, 'a'), dept)?.to).toEqual(['Sales']);
    expect(change(opFor(p, 'b'), dept)?.to).toEqual(['sales']);
    expect(p.departmentsToCreate).toEqual([['Sales']]);
  });

  it('leaves alone a userName the LMS sets itself: sent on create, never "changed" after', () => {
    const fixed = { capabilities: capabilities({ userNameFixed: true }) };
    const t = targetUser('t-a', { externalId: 'a', userName: 'lms-generated-0042', emails: ['a@contoso.com'] });
    const p = run({ users: [sourceUser('a', { displayName: null }), sourceUser('b')], targets: [t], links: [link('a', 't-a')], config: cfg, target: fixed });
    expect(opFor(p, 'a')).toBeUndefined();
    expect(change(opFor(p, 'b'), 'userName')?.to).toBe('b@contoso.com');
    // Where the LMS lets it change, the sign-in name is written.
    expect(change(opFor(run({ users: [sourceUser('a', { displayName: null })], targets: [t], links: [link('a', 't-a')], config: cfg }), 'a'), 'userName')?.to).toBe('a@contoso.com');
  });

  // Article 000, "hidden BOM characters": the LMS's own department may be the one carrying it.
  it('says when a department it creates looks like one the LMS has, but for a hidden character', () => {
    const departments = [{ id: 'd1', name: 'Sales\uFEFF', parentId: null }, { id: 'd2', name: 'EMEA', parentId: 'd1' }];
    const p = run({ users: [sourceUser('a', { department: 'Sales/EMEA' }), sourceUser('b', { department: 'Support' })], config: cfg, target: { departments } });
    expect(p.departmentsToCreate).toEqual([['Sales'], ['Support'], ['Sales', 'EMEA']]);
    const guard = p.guards.find((g) => g.code === 'department_lookalike');
    expect(guard).toMatchObject({ blocking: false, count: 1 });
    expect(guard?.message).toBe('A department this run creates looks like one the LMS has, differing only by hidden characters or spaces: "Sales" beside the LMS\'s "Sales⟨U+FEFF⟩". Applied, the LMS would have both.');
    // The LMS's plain "Sales" is simply used: nothing to create, nothing to say.
    const plain = run({ users: [sourceUser('a', { department: 'Sales/EMEA' })], config: cfg, target: { departments: [{ id: 'd1', name: 'Sales', parentId: null }, { id: 'd2', name: 'EMEA', parentId: 'd1' }] } });
    expect(plain.departmentsToCreate).toEqual([]);
    expect(plain.guards).toEqual([]);
  });

  it('creates none when the LMS has no department resource', () => {
    const p = run({ users: [sourceUser('a', { department: 'Sales' })], config: cfg, target: { departments: null, capabilities: capabilities({ departments: false }) } });
    expect(p.departmentsToCreate).toEqual([]);
    expect(change(opFor(p, 'a'), dept)?.to).toEqual(['Sales']);
  });

  // There the path is one text, "R / D", which reads back as two levels (lms/mapping.ts).
  it('plans a department named with " / " as it reads back from an LMS without a department resource: not rewritten at every sync', () => {
    // No delimiter set: "R / D" is one department's name in Entra.
    const oneLevel = planConfig();
    const text = { departments: null, capabilities: capabilities({ departments: false }) };
    const t = targetUser('t-a', { externalId: 'a', userName: 'a@contoso.com', attributes: { [dept]: ['R', 'D'] } });
    const p = run({ users: [sourceUser('a', { displayName: null, department: 'R / D' }), sourceUser('b', { department: 'R / D' })], targets: [t], links: [link('a', 't-a')], config: oneLevel, target: text });
    expect(opFor(p, 'a')).toBeUndefined();
    expect(change(opFor(p, 'b'), dept)?.to).toEqual(['R', 'D']);
    // With a department resource it stays one department of that name.
    const withResource = run({ users: [sourceUser('b', { department: 'R / D' })], config: oneLevel, target: { departments: [] } });
    expect(change(opFor(withResource, 'b'), dept)?.to).toEqual(['R / D']);
  });
});

describe('"Create users" and "Update user attributes" switches (Okta\'s three functions)', () => {
  const anna = sourceUser('anna', { displayName: 'Anna', jobTitle: 'Lead', managerId: 'boss' });
  const boss = sourceUser('boss', { displayName: null, userPrincipalName: 'boss@contoso.com' });
  const tAnna = targetUser('t-anna', { externalId: 'anna', userName: 'anna@contoso.com', emails: ['anna@contoso.com'] });

  it('with Create users off, lists each person who would be created as a skip saying why, and creates nobody', () => {
    const p = run({ users: [anna, boss], config: planConfig({ mapping: { createUsers: false } }) });
    expect(p.summary).toMatchObject({ create: 0, skip: 2 });
    expect(opFor(p, 'anna')).toMatchObject({ kind: 'skip', reason: 'create_users_off', targetId: null });
    expect(opFor(p, 'anna')?.detail).toContain('"Create users" is off');
    // Nobody is created, so nobody's manager is written either.
    expect(p.ops.filter((o) => o.phase === 'relations')).toEqual([]);
  });

  it('with Create users off, still links and updates an existing account that matches by e-mail', () => {
    const unlinked = targetUser('t-anna', { externalId: null, userName: 'anna@contoso.com', emails: ['anna@contoso.com'] });
    const p = run({ users: [anna], targets: [unlinked], config: planConfig({ mapping: { createUsers: false } }) });
    expect(opFor(p, 'anna')).toMatchObject({ kind: 'update', reason: 'link_existing' });
  });

  it('with Update user attributes off, leaves existing accounts as they are but links, reactivates and creates', () => {
    const cfg = planConfig({ mapping: { updateUsers: false } });
    const linked = run({ users: [anna, boss], targets: [tAnna], links: [link('anna', 't-anna')], config: cfg });
    expect(opFor(linked, 'anna')).toBeUndefined(); // the title and the manager differ, and are left alone
    expect(linked.ops.filter((o) => o.sourceId === 'anna')).toEqual([]);
    expect(opFor(linked, 'boss')).toMatchObject({ kind: 'create' });
    const inactive = run({ users: [anna], targets: [{ ...tAnna, active: false }], links: [link('anna', 't-anna')], config: cfg });
    expect(opFor(inactive, 'anna')).toMatchObject({ kind: 'reactivate', changes: [{ field: 'active', from: 'false', to: 'true' }] });
    const unlinked = run({ users: [anna], targets: [{ ...tAnna, externalId: null }], config: cfg });
    expect(opFor(unlinked, 'anna')).toMatchObject({ kind: 'update', reason: 'link_existing', changes: [{ field: 'externalId', from: null, to: 'anna' }] });
  });
});

describe('manager and approvers (second pass)', () => {
  const boss = sourceUser('boss', { displayName: null, userPrincipalName: 'boss@contoso.com' });
  const anna = sourceUser('anna', { displayName: null, managerId: 'boss' });

  it('writes the manager in the relations phase, after the manager is created in the same plan', () => {
    const p = run({ users: [anna, boss] });
    const rel = opFor(p, 'anna', 'relations');
    expect(rel).toMatchObject({ kind: 'update', phase: 'relations', reason: 'relations_changed', targetId: null });
    expect(change(rel, ScimPath.manager)).toEqual({ from: null, to: 'boss@contoso.com' });
    expect(change(opFor(p, 'anna'), ScimPath.manager)).toBeUndefined();
    const kinds = p.ops.map((o) => `${o.kind}/${o.phase}`);
    expect(kinds.indexOf('update/relations')).toBeGreaterThan(kinds.lastIndexOf('create/users'));
  });

  it('also writes approvers from the manager when asked and advertised', () => {
    const p = run({ users: [anna, boss], config: planConfig({ mapping: { approversFromManager: true } }) });
    expect(change(opFor(p, 'anna', 'relations'), vendorPath(ns, 'approvers'))?.to).toEqual(['boss@contoso.com']);
  });

  it("writes approvers as the manager's e-mail where the LMS takes e-mail addresses, however the sign-in name differs", () => {
    // Learnerbly documents approvers as "an array of the user's approvers emails".
    const byEmail = { capabilities: capabilities({ approversByEmail: true }) };
    const bossWithMail = { ...boss, mail: 'Boss.Person@contoso.com', userPrincipalName: 'boss@contoso.onmicrosoft.com' };
    const cfg = planConfig({ mapping: { approversFromManager: true } });
    const p = run({ users: [anna, bossWithMail], config: cfg, target: byEmail });
    expect(change(opFor(p, 'anna', 'relations'), vendorPath(ns, 'approvers'))?.to).toEqual(['boss.person@contoso.com']);
    expect(change(opFor(p, 'anna', 'relations'), ScimPath.manager)?.to).toBe('boss@contoso.onmicrosoft.com');
    // A manager out of scope but owned: their account's e-mail.
    const out = planConfig({ scope: { exclude: [{ kind: 'user', value: 'boss' }] }, mapping: { approversFromManager: true } });
    const t = targetUser('t-boss', { externalId: 'boss', userName: 'b.oss', emails: ['b.oss@contoso.com'] });
    const owned = run({ users: [anna, bossWithMail], targets: [t], links: [link('boss', 't-boss')], config: out, target: byEmail });
    expect(change(opFor(owned, 'anna', 'relations'), vendorPath(ns, 'approvers'))?.to).toEqual(['b.oss@contoso.com']);
    // Where approvers reference LMS users, the userName, as before.
    const byRef = run({ users: [anna, bossWithMail], config: cfg });
    expect(change(opFor(byRef, 'anna', 'relations'), vendorPath(ns, 'approvers'))?.to).toEqual(['boss@contoso.onmicrosoft.com']);
  });

  it("names a manager whose account the plan does not update by the account's own e-mail, not Entra's", () => {
    const byEmail = { capabilities: capabilities({ approversByEmail: true }) };
    const bossWithMail = { ...boss, mail: 'boss.person@contoso.com' };
    const t = targetUser('t-boss', { externalId: 'boss', userName: 'boss@contoso.com', emails: ['b.oss@contoso.com'] });
    const approvers = (p: ReturnType<typeof run>) => change(opFor(p, 'anna', 'relations'), vendorPath(ns, 'approvers'))?.to;
    // "Update user attributes" off: the LMS keeps b.oss@ (anna is new, so her approvers are written).
    const off = run({ users: [anna, bossWithMail], targets: [t], links: [link('boss', 't-boss')], config: planConfig({ mapping: { approversFromManager: true, updateUsers: false } }), target: byEmail });
    expect(approvers(off)).toEqual(['b.oss@contoso.com']);
    // The account's work address, which the plan compares, not whichever address the LMS lists first.
    const twoAddresses = targetUser('t-boss', { externalId: 'boss', userName: 'boss@contoso.com', emails: ['home@example.com'], attributes: { [ScimPath.email]: 'b.oss@contoso.com' } });
    const work = run({ users: [anna, bossWithMail], targets: [twoAddresses], links: [link('boss', 't-boss')], config: planConfig({ mapping: { approversFromManager: true, updateUsers: false } }), target: byEmail });
    expect(approvers(work)).toEqual(['b.oss@contoso.com']);
    // The boss's last day has passed: their account is deactivated, not updated.
    const leaving = { ...bossWithMail, employeeLeaveDateTime: '2026-01-01T00:00:00Z' };
    const gone = run({ users: [anna, leaving], targets: [t], links: [link('boss', 't-boss')], config: planConfig({ mapping: { approversFromManager: true }, deactivation: { useLastDay: true } }), target: byEmail });
    expect(approvers(gone)).toEqual(['b.oss@contoso.com']);
    // Updated: the e-mail the plan writes.
    const on = run({ users: [anna, bossWithMail], targets: [t], links: [link('boss', 't-boss')], config: planConfig({ mapping: { approversFromManager: true } }), target: byEmail });
    expect(approvers(on)).toEqual(['boss.person@contoso.com']);
  });

  it('leaves the manager alone, with a warning, when the manager has no LMS account', () => {
    const p = run({ users: [anna], config: planConfig() });
    expect(opFor(p, 'anna', 'relations')).toBeUndefined();
    expect(opFor(p, 'anna')?.warnings?.[0]?.code).toBe('manager_not_in_lms');
  });

  it('uses the LMS userName of a manager who is out of scope but owned', () => {
    const cfg = planConfig({ scope: { exclude: [{ kind: 'user', value: 'boss' }] } });
    const t = targetUser('t-boss', { externalId: 'boss', userName: 'b.oss' });
    const p = run({ users: [anna, boss], targets: [t], links: [link('boss', 't-boss')], config: cfg });
    expect(change(opFor(p, 'anna', 'relations'), ScimPath.manager)?.to).toBe('b.oss');
  });

  it('clears the LMS manager when Entra no longer has one', () => {
    const ta = targetUser('t-anna', { externalId: 'anna', userName: 'anna@contoso.com', attributes: { [ScimPath.manager]: 'boss@contoso.com' } });
    const p = run({ users: [{ ...anna, managerId: null }], targets: [ta], links: [link('anna', 't-anna')] });
    expect(change(opFor(p, 'anna', 'relations'), ScimPath.manager)).toEqual({ from: 'boss@contoso.com', to: null });
  });

  it('counts a user whose only change is the manager as an update, not unchanged', () => {
    const ta = targetUser('t-anna', { externalId: 'anna', userName: 'anna@contoso.com' });
    const tb = targetUser('t-boss', { externalId: 'boss', userName: 'boss@contoso.com' });
    const p = run({ users: [anna, boss], targets: [ta, tb], links: [link('anna', 't-anna'), link('boss', 't-boss')] });
    expect(p.summary).toMatchObject({ update: 1, unchanged: 1 });
    // Her manager write is that update: nothing to add beside the count.
    expect(p.relationWrites).toBe(0);
    // A first sync counts people created; their manager writes come on top.
    const first = run({ users: [anna, boss] });
    expect(first.summary.create).toBe(2);
    expect(first.relationWrites).toBe(first.ops.filter((o) => o.phase === 'relations').length);
    expect(first.relationWrites).toBeGreaterThan(0);
  });
});

describe('vendor attributes', () => {
  it('writes only vendor attributes the LMS advertises', () => {
    const cfg = planConfig({ mapping: { contentRegion: { enabled: true }, jobProfile: { defaultJobProfile: 'Everyone' }, customFields: { customField1: 'jobTitle' } } });
    const p = run({ users: [sourceUser('a', { jobTitle: 'Dev' })], config: cfg, target: { capabilities: capabilities({ vendorAttributes: ['customField1'] }) } });
    const fields = opFor(p, 'a')?.changes.map((c) => c.field) ?? [];
    expect(fields).toContain(vendorPath(ns, 'customField1'));
    expect(fields.filter((f) => f.startsWith(ns))).toEqual([vendorPath(ns, 'customField1')]);
  });
});

describe('skip list', () => {
  it('keeps both sides out when the entry names the person (Entra user and their LMS account)', () => {
    const cfg = planConfig({ scope: { skipList: ['Admin@Contoso.com'] } });
    const p = run({ users: [sourceUser('x', { mail: 'admin@contoso.com', jobTitle: 'Boss' })], targets: [targetUser('t-admin', { userName: 'admin@contoso.com' })], config: cfg });
    expect(p.ops).toEqual([]);
  });

  it('puts a skip-listed user in no op at all, even owned and out of scope with deactivation on', () => {
    const cfg = planConfig({ scope: { include: [{ kind: 'group', groupId: 'g' }], skipList: ['a@contoso.com'] }, deactivation: { deactivateUsers: true } });
    const p = run({ users: [sourceUser('a')], groups: [group('g', 'G', [])], targets: [targetUser('t-a', { externalId: 'a' })], links: [link('a', 't-a')], config: cfg });
    expect(p.ops).toEqual([]);
  });

  it('never matches into a skip-listed LMS account, and does not create a second one either', () => {
    // The LMS's own admin account is skip-listed by its LMS userName; an Entra user has its e-mail.
    const cfg = planConfig({ scope: { skipList: ['lms-admin'] } });
    const p = run({ users: [sourceUser('x', { mail: 'Admin@contoso.com', userPrincipalName: 'x@contoso.com' })], targets: [targetUser('t-admin', { userName: 'lms-admin', emails: ['admin@contoso.com'] })], config: cfg });
    const op = opFor(p, 'x');
    expect(op?.reason).toBe('email_taken_by_skip_listed_account');
    expect(op?.candidates?.targetIds).toEqual([]);
    expect(JSON.stringify(p)).not.toContain('t-admin');
  });
});

describe('the plan as data', () => {
  it('orders ops creates → reactivations → updates → relations → deactivations → conflicts → skips, and counts them', () => {
    const cfg = planConfig({ scope: { include: [{ kind: 'group', groupId: 'g' }] }, deactivation: { deactivateUsers: true, thresholdPercent: 100 } });
    const p = run({
      users: [
        sourceUser('new', { managerId: 'upd' }),
        sourceUser('upd', { jobTitle: 'Boss' }),
        sourceUser('back', { displayName: null }),
        sourceUser('gone'),
        sourceUser('dup1', { mail: 'same@contoso.com' }),
        sourceUser('dup2', { mail: 'same@contoso.com' }),
      ],
      groups: [group('g', 'G', ['new', 'upd', 'back', 'dup1', 'dup2'])],
      targets: [targetUser('t-upd', { externalId: 'upd', userName: 'upd@contoso.com' }), targetUser('t-back', { externalId: 'back', userName: 'back@contoso.com', active: false }), targetUser('t-gone', { externalId: 'gone' })],
      links: [link('upd', 't-upd'), link('back', 't-back'), link('gone', 't-gone')],
      config: cfg,
    });
    expect(p.ops.map((o) => `${o.kind}:${o.sourceId}${o.phase === 'relations' ? ':rel' : ''}`)).toEqual([
      'create:new',
      'reactivate:back',
      'update:upd',
      'update:new:rel',
      'deactivate:gone',
      'conflict:dup1',
      'conflict:dup2',
    ]);
    // The summary counts people: the manager write for 'new' is part of creating them.
    expect(p.summary).toEqual({ create: 1, update: 1, deactivate: 1, reactivate: 1, conflict: 2, skip: 0, unchanged: 0 });
    expect(p.integrationId).toBe('int-1');
    expect(p.createdAt).toBe('2026-03-01T12:00:00.000Z');
    for (const op of p.ops) expect(op.detail).toMatch(/\S.*\.$/);
  });

  it('attaches normalisation notices to the op so the admin sees the repair', () => {
    const op = opFor(run({ users: [sourceUser('a', { department: 'Sales\uFEFF' })] }), 'a');
    expect(op?.notices).toEqual([{ attribute: 'department', raw: 'Sales\uFEFF', normalised: 'Sales', found: ['U+FEFF BYTE ORDER MARK'] }]);
  });
});
