/**
 * One test per item of reference article 003 (SCIM troubleshooting: assignment scope,
 * provisioning on, attribute mapping, deprovisioning, manual / on-demand sync).
 */
import { describe, expect, it } from 'vitest';
import { ScimPath } from '../../../src-main/core/model';
import { group, link, planConfig, sourceUser, targetUser } from '../../../src-main/core/testing/builders';
import { check, diag, evidence } from './diagnose-helpers';

const groups = [group('g-app', 'Learnster users', ['anna'])];
const assigned = { include: [{ kind: 'group' as const, groupId: 'g-app' }] };
const anna = sourceUser('anna', { displayName: 'Anna Berg', mail: 'anna@contoso.com', jobTitle: 'Lead', department: 'Sales' });
const annaLms = (over = {}) => targetUser('t-anna', { externalId: 'anna', userName: 'anna@contoso.com', attributes: { [ScimPath.displayName]: 'Anna Berg', [ScimPath.department]: ['Sales'], [ScimPath.title]: 'Lead' }, ...over });
const linked = [link('anna', 't-anna')];

describe('003: users are not being created', () => {
  it('assignment scope: the user (or their group) is not assigned', () => {
    const c = diag('anna@contoso.com', { users: [anna], groups: [group('g-app', 'Learnster users')], config: planConfig({ scope: assigned }) });
    expect(c.verdictKind).toBe('not_included');
    expect(check(c, 'included')).toMatchObject({ status: 'fail', title: 'Included by a rule (assignment scope)' });
    expect(check(c, 'included').fix).toBe('Add Anna Berg to the group "Learnster users" (or a group nested in it) in Entra, then wait for the next sync or provision on demand.');
  });

  it('provisioning is not on: the integration is disabled', () => {
    const c = diag('anna@contoso.com', { users: [anna], groups, config: planConfig({ scope: assigned }), integration: { status: 'disabled', enabled: false }, nextRunAt: null });
    expect(c.verdict).toBe('Will be created once the integration is enabled (it is disabled now)');
    expect(check(c, 'enabled').status).toBe('fail');
    expect(check(c, 'enabled').fix).toContain('rollcall integration enable --integration int-1');
  });
});

describe('003: user attributes are not mapping correctly', () => {
  it('shows each mapped value against the LMS and the change the next sync writes', () => {
    const c = diag('anna@contoso.com', { users: [anna], groups, targets: [annaLms({ attributes: { [ScimPath.displayName]: 'Anna Berg', [ScimPath.department]: ['Sales'], [ScimPath.title]: 'Trainee' } })], links: linked, config: planConfig({ scope: assigned }) });
    expect(c.verdict).toBe('Will be updated at the next sync (in 2 h 10 min): title');
    const a = check(c, 'attributes');
    expect(a.detail).toContain('differs from the mapping in title');
    expect(a.fix).toContain('Provision on demand');
    expect(evidence(c, 'attributes')).toContain('Change title: "Trainee" → "Lead"');
    expect(evidence(c, 'attributes')).toContain('title: Entra → "Lead"; LMS now "Trainee"');
  });
});

describe('003: users are not deactivated when they leave', () => {
  it('a disabled account alone does not deprovision while "Deactivate users" is off', () => {
    const c = diag('anna@contoso.com', { users: [{ ...anna, accountEnabled: false }], groups, targets: [annaLms()], links: linked, config: planConfig({ scope: assigned }) });
    expect(c.verdict).toBe('Disabled in Entra; the LMS account stays active ("Deactivate users" is off)');
    expect(check(c, 'account-enabled').fix).toContain('turn on "Deactivate users"');
    expect(check(c, 'next-action').fix).toContain('a disabled account alone does not deprovision');
  });

  it('removed from the assignment with deprovisioning on: deactivated at the next sync', () => {
    const c = diag('anna@contoso.com', { users: [anna], groups: [group('g-app', 'Learnster users')], targets: [annaLms()], links: linked, config: planConfig({ scope: assigned, deactivation: { deactivateUsers: true, thresholdPercent: 100 } }) });
    expect(c.verdict).toBe('Not in scope: does not match the include rule member of group "Learnster users"; the LMS account is deactivated at the next sync (in 2 h 10 min)');
    expect(check(c, 'next-action').evidence[0]).toEqual({ label: 'deactivate (left_scope)', value: expect.stringContaining('Anna Berg is outside the scope') });
  });
});

describe('003: manual / on-demand sync', () => {
  it('names the next scheduled sync and offers Provision on demand', () => {
    const c = diag('anna@contoso.com', { users: [anna], groups, config: planConfig({ scope: assigned }) });
    expect(check(c, 'next-run').detail).toBe('2026-03-01 14:10 UTC (in 2 h 10 min). To sync only this user now, use Provision on demand.');
  });

  // The hint is offered exactly when provision on demand would act: it refuses a name several
  // people answer to (ambiguousByName), and takes any other tie (it picks the subject shown).
  it('offers Provision on demand for a tie on an address, not for a name several people answer to', () => {
    const hint = 'To sync only this user now, use Provision on demand.';
    const shared = sourceUser('shared-1', { displayName: 'Anna Berg', givenName: 'Anna', surname: 'Berg', mail: 'team@contoso.com', userPrincipalName: 'anna.b@contoso.com' });
    const twin = sourceUser('shared-2', { displayName: 'Anna Berg', givenName: 'Anna', surname: 'Berg', mail: 'team@contoso.com', userPrincipalName: 'anna.b2@contoso.com' });
    // Two Entra accounts with the address asked about.
    const byMail = diag('team@contoso.com', { users: [shared, twin], groups });
    expect(byMail.candidates.source).toHaveLength(2);
    expect(check(byMail, 'next-run').detail).toContain(hint);
    // Two LMS accounts sharing the address asked about, each leading to its own Entra user.
    const owners = [sourceUser('own-1', { displayName: 'Bo Ek' }), sourceUser('own-2', { displayName: 'Cy Ek' })];
    const accounts = [targetUser('t-1', { userName: 'desk@contoso.com', externalId: 'own-1' }), targetUser('t-2', { userName: 'desk.2@contoso.com', emails: ['desk@contoso.com'], externalId: 'own-2' })];
    const byLms = diag('desk@contoso.com', { users: owners, targets: accounts, links: [link('own-1', 't-1'), link('own-2', 't-2')] });
    expect(byLms.candidates.source.map((s) => s.matchedBy)).toEqual(['lms account', 'lms account']);
    expect(check(byLms, 'next-run').detail).toContain(hint);
    // A name: provision refuses it, so the hint is not offered.
    const byName = diag('Anna Berg', { users: [shared, twin], groups });
    expect(byName.verdictKind).toBe('ambiguous');
    expect(check(byName, 'next-run').detail).not.toContain(hint);
  });

  it('the provisioning log: the last write for this user failed, with the LMS message', () => {
    const c = diag('anna@contoso.com', {
      users: [anna],
      groups,
      config: planConfig({ scope: assigned }),
      runs: [{ id: 'run-1', integrationId: 'int-1', kind: 'apply', trigger: 'schedule', via: null, readMode: 'full', lmsRead: null, planMode: null, startedAt: '2026-03-01T08:00:00Z', finishedAt: '2026-03-01T08:01:00Z', outcome: 'partial', planned: null, applied: 0, failed: 1, groupsWritten: 0, heldBack: 0, error: null, auditLog: 'run-1.jsonl' }],
      audit: [{ runId: 'run-1', at: '2026-03-01T08:00:30Z', op: 'create', reason: 'new_in_scope', sourceId: 'anna', targetId: null, email: 'anna@contoso.com', fields: [], result: 'failed', error: { code: 'LMS_REJECTED', message: 'The LMS refused the user.', lmsDetail: 'userName must be unique' } }],
    });
    expect(c.verdictKind).toBe('last_write_failed');
    expect(c.verdict).toBe('The last sync could not create this user (The LMS refused the user.); it is tried again at the next sync (in 2 h 10 min)');
    expect(check(c, 'last-run').status).toBe('fail');
    expect(check(c, 'last-run').detail).toContain('(the LMS said: userName must be unique)');
  });

  it('the last run was an apply that did not finish: says so, with what to do', () => {
    const c = diag('anna@contoso.com', {
      users: [anna],
      groups,
      config: planConfig({ scope: assigned }),
      runs: [{ id: 'run-2', integrationId: 'int-1', kind: 'apply', trigger: 'schedule', via: null, readMode: 'delta', lmsRead: null, planMode: null, startedAt: '2026-03-01T08:00:00Z', finishedAt: '2026-03-01T08:00:40Z', outcome: 'interrupted', planned: null, applied: 12, failed: 0, groupsWritten: 0, heldBack: 0, error: { code: 'RUN_INTERRUPTED', message: 'This apply stopped after 12 changes had reached the LMS.', fix: 'Run a dry run to see what is left, then apply.' }, auditLog: 'int-1.run-2.jsonl' }],
    });
    expect(check(c, 'last-run')).toMatchObject({ status: 'warn', detail: 'No recorded run wrote to this user, and the last run did not finish: This apply stopped after 12 changes had reached the LMS.', fix: 'Run a dry run to see what is left, then apply.' });
    expect(evidence(c, 'last-run')).toContain('run-2: apply, interrupted');
  });
});

