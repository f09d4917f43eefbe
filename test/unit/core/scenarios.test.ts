/**
 * The troubleshooting questions admins ask (reference articles 000 and 004), each as the plan
 * Rollcall produces for it.
 */
import { describe, expect, it } from 'vitest';
import { buildGroupIndex } from '../../../src-main/core/groups';
import { DEFAULT_VENDOR_NAMESPACE, ScimPath, vendorPath, type TargetJobProfile } from '../../../src-main/core/model';
import { showHidden } from '../../../src-main/core/normalise';
import { evaluateScope } from '../../../src-main/core/scope';
import { group, link, planConfig, sourceUser, targetUser } from '../../../src-main/core/testing/builders';
import { change, opFor, run } from './helpers';

const ns = DEFAULT_VENDOR_NAMESPACE;
const allStaff = [group('g-all', 'All Staff', [], ['g-sales']), group('g-sales', 'Sales EMEA', ['anna'])];
const byGroup = { include: [{ kind: 'group' as const, groupId: 'g-all' }] };
const anna = sourceUser('anna', { displayName: 'Anna Berg', mail: 'anna@contoso.com', userPrincipalName: 'anna@contoso.com', department: 'Sales' });
const annaLms = (over = {}) => targetUser('t-anna', { externalId: 'anna', userName: 'anna@contoso.com', attributes: { [ScimPath.displayName]: 'Anna Berg', [ScimPath.department]: ['Sales'] }, ...over });

describe('000: why is my user not showing up in the LMS?', () => {
  it('is created on the next sync when active, in the group and not excluded', () => {
    expect(opFor(run({ users: [anna], groups: allStaff, config: planConfig({ scope: byGroup }) }), 'anna')?.kind).toBe('create');
  });

  it('is not created while inactive in the source system', () => {
    expect(run({ users: [{ ...anna, accountEnabled: false }], groups: allStaff, config: planConfig({ scope: byGroup }) }).ops).toEqual([]);
  });

  it('is not created when not in the included security group, and the explanation says so', () => {
    const cfg = planConfig({ scope: { include: [{ kind: 'group', groupId: 'g-other' }] } });
    expect(run({ users: [anna], groups: [...allStaff, group('g-other', 'Other', [])], config: cfg }).ops).toEqual([]);
    expect(evaluateScope(anna, cfg.scope, buildGroupIndex(allStaff)).sentence).toBe('Matches none of the include rules.');
  });

  it('is not created when excluded directly by e-mail', () => {
    const cfg = planConfig({ scope: { ...byGroup, exclude: [{ kind: 'user', value: 'ANNA@contoso.com' }] } });
    expect(run({ users: [anna], groups: allStaff, config: cfg }).ops).toEqual([]);
  });
});

describe('000: why is my user being excluded?', () => {
  it('reports a user included by e-mail but excluded by department, in the deactivation sentence', () => {
    const cfg = planConfig({
      scope: { include: [{ kind: 'attribute', attribute: 'mail', value: 'anna@contoso.com' }], exclude: [{ kind: 'attribute', attribute: 'department', value: 'Sales' }] },
      deactivation: { deactivateUsers: true, thresholdPercent: 100 },
    });
    const op = opFor(run({ users: [anna], targets: [annaLms()], links: [link('anna', 't-anna')], config: cfg }), 'anna');
    expect(op?.reason).toBe('left_scope');
    expect(op?.detail).toContain('excluded by the rule department equals "Sales" although it also matches the include rule mail equals "anna@contoso.com"');
  });
});

describe('000: why do I see duplicate users or an old account?', () => {
  it('does not create a second account when the person exists under an old address: it asks', () => {
    const p = run({ users: [{ ...anna, proxyAddresses: ['SMTP:anna@contoso.com', 'smtp:anna.svensson@contoso.com'] }], targets: [targetUser('t-old', { userName: 'anna.svensson@contoso.com' })] });
    expect(p.summary.create).toBe(0);
    expect(opFor(p, 'anna')?.reason).toBe('alias_match');
  });

  it('reports a person recreated in the source system instead of creating a duplicate', () => {
    const p = run({ users: [{ ...anna, id: 'anna-2' }], targets: [annaLms()], links: [link('anna', 't-anna')] });
    expect(opFor(p, 'anna-2')?.reason).toBe('recreated_in_entra');
    expect(p.summary.create).toBe(0);
  });

  it('reports two source accounts for one person', () => {
    const p = run({ users: [anna, { ...anna, id: 'anna-contractor', userPrincipalName: 'anna.ext@contoso.com' }] });
    expect(p.ops.map((o) => o.reason)).toEqual(['duplicate_entra_accounts', 'duplicate_entra_accounts']);
  });

  it('follows an e-mail change by id instead of creating a new account', () => {
    const p = run({ users: [{ ...anna, mail: 'anna.berg@contoso.com' }], targets: [annaLms()], links: [link('anna', 't-anna')] });
    expect(p.summary.create).toBe(0);
    expect(change(opFor(p, 'anna'), ScimPath.email)?.to).toBe('anna.berg@contoso.com');
  });
});

describe('000: why is my user not being updated?', () => {
  it('links and updates an account created manually in the LMS with the same e-mail', () => {
    const op = opFor(run({ users: [{ ...anna, jobTitle: 'Lead' }], targets: [targetUser('manual', { userName: 'Anna@Contoso.com' })] }), 'anna');
    expect(op?.reason).toBe('link_existing');
    expect(change(op, ScimPath.title)?.to).toBe('Lead');
  });

  it('explains that an older duplicate account blocks the update', () => {
    const p = run({ users: [anna], targets: [targetUser('t1', { userName: 'anna@contoso.com' }), targetUser('t2', { userName: 'anna.b', emails: ['anna@contoso.com'] })] });
    expect(opFor(p, 'anna')?.reason).toBe('duplicate_lms_accounts');
    expect(opFor(p, 'anna')?.detail).toContain('2 LMS accounts answer to anna@contoso.com');
  });
});

describe('000: why is my user inactive?', () => {
  const cfg = planConfig({ deactivation: { deactivateUsers: true, useLastDay: true, thresholdPercent: 100 } });

  it('is deactivated because the account is disabled in the source system', () => {
    expect(opFor(run({ users: [{ ...anna, accountEnabled: false }], targets: [annaLms()], links: [link('anna', 't-anna')], config: cfg }), 'anna')?.reason).toBe('disabled_in_entra');
  });

  it('is deactivated because the end date has passed', () => {
    const p = run({ users: [{ ...anna, employeeLeaveDateTime: '2026-02-28' }], targets: [annaLms()], links: [link('anna', 't-anna')], config: cfg });
    expect(opFor(p, 'anna')?.reason).toBe('last_day_reached');
  });

  it('is reactivated by the next sync once active again in the source system', () => {
    expect(opFor(run({ users: [anna], targets: [annaLms({ active: false })], links: [link('anna', 't-anna')], config: cfg }), 'anna')?.kind).toBe('reactivate');
  });
});

describe('000: why is my user in the wrong department?', () => {
  it('puts a user whose department has a hidden BOM into the existing "Sales", and says what was removed', () => {
    const p = run({ users: [{ ...anna, department: 'Sales\uFEFF' }], target: { departments: [{ id: 'd1', name: 'Sales', parentId: null }] } });
    const op = opFor(p, 'anna');
    expect(change(op, ScimPath.department)?.to).toEqual(['Sales']);
    expect(p.departmentsToCreate).toEqual([]);
    expect(op?.notices?.[0]?.found).toEqual(['U+FEFF BYTE ORDER MARK']);
    expect(showHidden(op?.notices?.[0]?.raw ?? '')).toBe('Sales⟨U+FEFF⟩');
  });

  it('moves a user out of a look-alike "Sales⟨U+FEFF⟩" department an earlier tool created', () => {
    const p = run({ users: [anna], targets: [annaLms({ attributes: { [ScimPath.displayName]: 'Anna Berg', [ScimPath.department]: ['Sales\uFEFF'] } })], links: [link('anna', 't-anna')] });
    expect(change(opFor(p, 'anna'), ScimPath.department)).toEqual({ from: ['Sales\uFEFF'], to: ['Sales'] });
  });

  it('leaves the department alone when "change departments" is off', () => {
    const p = run({ users: [{ ...anna, department: 'Support' }], targets: [annaLms()], links: [link('anna', 't-anna')], config: planConfig({ mapping: { changeDepartments: false } }) });
    expect(p.ops).toEqual([]);
  });
});

describe('000 / 004: job profile and permissions', () => {
  const profiles: TargetJobProfile[] = [{ id: 'j1', name: 'Sales Rep', isDefault: false }, { id: 'j0', name: 'Newcomer', isDefault: true }];
  const jp = vendorPath(ns, 'jobProfile');
  const pt = vendorPath(ns, 'permissionTypes');

  it('applies the job profile whose name matches the role exactly', () => {
    const p = run({ users: [{ ...anna, jobTitle: 'sales rep' }], config: planConfig({ mapping: { jobProfile: { attribute: 'jobTitle' } } }), target: { jobProfiles: profiles } });
    expect(change(opFor(p, 'anna'), jp)?.to).toBe('Sales Rep');
  });

  it('falls back to the default job profile when nothing matches', () => {
    const p = run({ users: [{ ...anna, jobTitle: 'Astronaut' }], config: planConfig({ mapping: { jobProfile: { attribute: 'jobTitle', defaultJobProfile: 'Newcomer' } } }), target: { jobProfiles: profiles } });
    expect(change(opFor(p, 'anna'), jp)?.to).toBe('Newcomer');
  });

  it('gives the default job profile to new accounts only: one changed by hand in the LMS stays', () => {
    // "the default job profile will be assigned … on user creation, but can be changed manually … after creation"
    const byHand = annaLms({ attributes: { [ScimPath.displayName]: 'Anna Berg', [ScimPath.department]: ['Sales'], [jp]: 'Sales Rep' } });
    const mapping = (defaultForNewOnly: boolean) => planConfig({ mapping: { jobProfile: { attribute: 'jobTitle', defaultJobProfile: 'Newcomer', defaultForNewOnly } } });
    const world = { users: [{ ...anna, jobTitle: 'Astronaut' }], targets: [byHand], links: [link('anna', 't-anna')], target: { jobProfiles: profiles } };
    expect(change(opFor(run({ ...world, config: mapping(true) }), 'anna'), jp)).toBeUndefined();
    // Off: every sync puts the default back.
    expect(change(opFor(run({ ...world, config: mapping(false) }), 'anna'), jp)).toEqual({ from: 'Sales Rep', to: 'Newcomer' });
    // A job profile that maps is still written to the existing account.
    const mapped = run({ ...world, users: [{ ...anna, jobTitle: 'Sales Rep' }], targets: [{ ...byHand, attributes: { ...byHand.attributes, [jp]: 'Newcomer' } }], config: mapping(true) });
    expect(change(opFor(mapped, 'anna'), jp)).toEqual({ from: 'Newcomer', to: 'Sales Rep' });
    // An existing account with no job profile (matched on the first sync, say) gets the default.
    const none = run({ ...world, targets: [{ ...byHand, attributes: { ...byHand.attributes, [jp]: null } }], config: mapping(true) });
    expect(change(opFor(none, 'anna'), jp)).toEqual({ from: null, to: 'Newcomer' });
    // And a new account gets the default.
    expect(change(opFor(run({ users: [{ ...anna, jobTitle: 'Astronaut' }], config: mapping(true), target: { jobProfiles: profiles } }), 'anna'), jp)?.to).toBe('Newcomer');
  });

  it('leaves the LMS default job profile when nothing matches and no default is configured', () => {
    const p = run({ users: [{ ...anna, jobTitle: 'Astronaut' }], config: planConfig({ mapping: { jobProfile: { attribute: 'jobTitle' } } }), target: { jobProfiles: profiles } });
    expect(change(opFor(p, 'anna'), jp)).toBeUndefined();
  });

  it('says why a mapped job profile is not applied: it does not exist in the LMS', () => {
    const cfg = planConfig({ mapping: { jobProfile: { attribute: 'jobTitle', valueMap: [{ value: 'Lead', jobProfile: 'Team Lead' }] } } });
    const op = opFor(run({ users: [{ ...anna, jobTitle: 'Lead' }], config: cfg, target: { jobProfiles: profiles } }), 'anna');
    expect(op?.warnings).toEqual([expect.objectContaining({ code: 'job_profile_not_in_lms' })]);
  });

  it('matches roles to permission types: an attribute value grants the type, and those types are owned too', () => {
    // "Roles … will be matched with permission types … Ziik will only add/remove permission types that come from Ziik."
    const cfg = planConfig({ mapping: { permissions: { attribute: 'employeeType', valueMap: [{ value: 'Team Lead', permissionType: 'Manager' }, { value: 'Trainer', permissionType: 'Course Creator' }] } } });
    const lead = { ...anna, employeeType: 'team lead\u00a0' };
    const t = annaLms({ attributes: { [ScimPath.displayName]: 'Anna Berg', [ScimPath.department]: ['Sales'], [pt]: ['Course Creator', 'Reporting'] } });
    const p = run({ users: [lead], targets: [t], links: [link('anna', 't-anna')], config: cfg });
    // Manager granted by her role; Course Creator is owned and not hers, so removed; Reporting is not owned, so it stays.
    expect(change(opFor(p, 'anna'), pt)).toEqual({ from: ['Course Creator', 'Reporting'], to: ['Manager', 'Reporting'] });
    // Without the attribute the value map is not used (and owns nothing).
    const off = planConfig({ mapping: { permissions: { attribute: null, valueMap: [{ value: 'Team Lead', permissionType: 'Manager' }] } } });
    expect(change(opFor(run({ users: [lead], targets: [t], links: [link('anna', 't-anna')], config: off }), 'anna'), pt)).toBeUndefined();
  });

  it('only adds/removes the permission types it owns; ones given in the LMS stay', () => {
    const cfg = planConfig({ mapping: { permissions: { groupMap: [{ groupId: 'g-sales', permissionType: 'Sales Reporting' }, { groupId: 'g-mgr', permissionType: 'Manager' }] } } });
    const t = annaLms({ attributes: { [ScimPath.displayName]: 'Anna Berg', [ScimPath.department]: ['Sales'], [pt]: ['Manager', 'Course Creator'] } });
    const p = run({ users: [anna], groups: [...allStaff, group('g-mgr', 'Managers', [])], targets: [t], links: [link('anna', 't-anna')], config: cfg });
    expect(change(opFor(p, 'anna'), pt)).toEqual({ from: ['Manager', 'Course Creator'], to: ['Course Creator', 'Sales Reporting'] });
  });

  it('does not change job profile or permissions when those toggles are off', () => {
    const cfg = planConfig({ mapping: { changeJobProfiles: false, changePermissions: false, jobProfile: { defaultJobProfile: 'Newcomer' }, permissions: { groupMap: [{ groupId: 'g-sales', permissionType: 'Sales Reporting' }] } } });
    const p = run({ users: [anna], groups: allStaff, targets: [annaLms()], links: [link('anna', 't-anna')], config: cfg, target: { jobProfiles: profiles } });
    expect(p.ops).toEqual([]);
  });
});

describe('004: unique units', () => {
  it('appends the unit id to every department name in the path, and creates them', () => {
    const cfg = planConfig({ mapping: { department: { pathDelimiter: ' > ', uniqueUnits: true } } });
    const p = run({ users: [{ ...anna, department: 'Sales > EMEA' }], config: cfg });
    const path = change(opFor(p, 'anna'), ScimPath.department)?.to as string[];
    expect(path).toHaveLength(2);
    expect(path[1]).toMatch(/^EMEA \([0-9a-f]{8}\)$/);
    expect(p.departmentsToCreate).toEqual([path.slice(0, 1), path]);
  });
});
