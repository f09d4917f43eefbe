/** Finding the person, the documented JSON shape, and agreement with plan() at scale. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { diagnose, type VerdictKind } from '../../../src-main/core/diagnose';
import { duration, relative } from '../../../src-main/core/diagnose/format';
import { plan } from '../../../src-main/core/plan';
import { group, link, planConfig, sourceSnapshot, sourceUser, targetSnapshot, targetUser } from '../../../src-main/core/testing/builders';
import { syntheticTenant } from '../../../src-main/core/testing/synthetic';
import { check, diag } from './diagnose-helpers';
import { NOW } from './helpers';

const anna = sourceUser('0f1e2d3c-aaaa-4bbb-8ccc-123456789abc', { displayName: 'Anna Lindqvist', givenName: 'Anna', surname: 'Lindqvist', mail: 'anna@contoso.com', userPrincipalName: 'anna.l@contoso.onmicrosoft.com', otherMails: ['anna.old@contoso.com'], proxyAddresses: ['SMTP:anna@contoso.com', 'smtp:al@contoso.com'] });
const other = sourceUser('other', { displayName: 'Anna Svensson', givenName: 'Anna', surname: 'Svensson', mail: 'anna.s@contoso.com' });

describe('finding the person', () => {
  it.each([
    ['e-mail', 'ANNA@contoso.com ', 'mail'],
    ['UPN', 'anna.l@contoso.onmicrosoft.com', 'userPrincipalName'],
    ['object id', '0F1E2D3C-AAAA-4BBB-8CCC-123456789ABC', 'id'],
    ['otherMails alias', 'anna.old@contoso.com', 'alias'],
    ['proxyAddresses alias', 'al@contoso.com', 'alias'],
    ['full name', 'anna lindqvist', 'name'],
  ])('by %s', (_what, query, by) => {
    const c = diag(query, { users: [anna, other] });
    expect(c.user.sourceId).toBe(anna.id);
    expect(c.candidates.source[0]?.matchedBy).toBe(by);
    expect(check(c, 'in-entra').status).toBe('pass');
  });

  it('shows every candidate when a part of a name is ambiguous', () => {
    const c = diag('anna', { users: [anna, other] });
    expect(c.candidates.source.map((s) => s.displayName).sort()).toEqual(['Anna Lindqvist', 'Anna Svensson']);
    expect(check(c, 'in-entra').status).toBe('warn');
    expect(check(c, 'in-entra').detail).toContain('2 Entra users answer to "anna"');
    expect(check(c, 'in-entra').fix).toMatch(/^Pick the person you mean/);
  });

  // "Why can't Anna see her courses?" typed as "Anna": the verdict must not answer for one Anna
  // as if she were the one meant, nor give her the other Annas' LMS accounts.
  it('says a name several people answer to is ambiguous, and gives the one picked only her own accounts', () => {
    const tAnna = targetUser('t-anna', { externalId: anna.id, userName: 'anna@contoso.com', attributes: { 'name.givenName': 'Anna', displayName: 'Anna Lindqvist' } });
    const tOther = targetUser('t-other', { externalId: other.id, userName: 'anna.s@contoso.com', attributes: { displayName: 'Anna Svensson' } });
    const c = diag('Anna', { users: [anna, other], targets: [tAnna, tOther], links: [link(anna.id, 't-anna'), link(other.id, 't-other')] });
    expect(c.verdictKind).toBe('ambiguous');
    expect(c.verdict).toMatch(/^2 people in Entra answer to "Anna": pick the one you mean from the list \(this checklist is about Anna Lindqvist, anna\.l@contoso\.onmicrosoft\.com\)$/);
    expect(c.candidates.target.map((t) => t.id)).toEqual(['t-anna']);
    // Someone Entra does not have is still found by part of the LMS account's name.
    const gone = diag('Svensson', { users: [anna], targets: [tOther] });
    expect(gone.candidates.target.map((t) => t.id)).toEqual(['t-other']);
  });

  it('warns of another Entra account with the same employee id (one person, two accounts?)', () => {
    const admin = sourceUser('anna-admin', { displayName: 'Anna Lindqvist (admin)', mail: 'adm.anna@contoso.com', userPrincipalName: 'adm.anna@contoso.onmicrosoft.com', employeeId: 'E-1' });
    const c = diag('anna@contoso.com', { users: [{ ...anna, employeeId: 'E-1' }, admin, other] });
    expect(check(c, 'entra-duplicates')).toMatchObject({ status: 'warn', detail: '2 Entra accounts carry the employee id E-1: if they are one person, each gets its own LMS account and learning history.' });
    expect(check(c, 'entra-duplicates').evidence.map((e) => e.value).join()).toContain('anna-admin');
    expect(check(diag('anna@contoso.com', { users: [{ ...anna, employeeId: 'E-1' }, other] }), 'entra-duplicates').status).toBe('pass');
  });

  it('not in Entra and not in the LMS', () => {
    const c = diag('nobody@contoso.com', { users: [anna] });
    expect(c.verdictKind).toBe('not_found');
    expect(c.verdict).toBe('Not in Entra: nobody in Entra or the LMS answers to "nobody@contoso.com"');
    expect(check(c, 'in-entra').fix).toContain('Check the spelling');
  });

  it('gone from Entra with a linked LMS account: the account and what happens to it', () => {
    const c = diag('gone@contoso.com', { users: [anna], targets: [targetUser('t9', { userName: 'gone@contoso.com', externalId: 'gone-id' })], links: [link('gone-id', 't9')], config: planConfig({ deactivation: { deactivateUsers: true, thresholdPercent: 100 } }) });
    expect(c.verdictKind).toBe('not_in_entra');
    expect(c.verdict).toBe('Not in Entra (deleted, or never there): LMS account t9 (gone@contoso.com, active) is deactivated at the next sync (in 2 h 10 min)');
    expect(check(c, 'in-entra').evidence[0]?.value).toBe('LMS account t9 (gone@contoso.com, externalId gone-id, active)');
  });

  it('a person the link table links to two LMS accounts: both links, both accounts, and the relink', () => {
    const t1 = targetUser('t1', { userName: 'anna@contoso.com', externalId: anna.id });
    const t2 = targetUser('t2', { userName: 'anna.l@contoso.com', emails: ['anna.l@contoso.com'] });
    const c = diag('anna@contoso.com', { users: [anna], targets: [t1, t2], links: [link(anna.id, 't2'), link(anna.id, 't1')] });
    expect(c.verdictKind).toBe('duplicate_lms_accounts');
    const account = check(c, 'lms-account');
    expect(account.status).toBe('fail');
    expect(account.evidence.filter((e) => e.label === 'Link').map((e) => e.value.split(' (')[0])).toEqual([`Entra ${anna.id} → LMS t2`, `Entra ${anna.id} → LMS t1`]);
    // Neither is named the one to keep: the learning history decides, which only the LMS shows.
    expect(account.fix).toBe('Check both in the LMS (LMS accounts t1 and t2) and keep the one with the learning history: relink it to this Entra user, then deactivate the other in the LMS (delete only an account with no learning data).');
    const duplicates = check(c, 'lms-duplicates');
    expect(duplicates.status).toBe('fail');
    expect(duplicates.detail).toContain('2 LMS accounts are linked to this person in the link table');
  });

  it('an LMS-only address leads to the Entra person who has it', () => {
    const c = diag('robert@contoso.com', { users: [anna], targets: [targetUser('t-r', { userName: 'robert@contoso.com', emails: ['robert@contoso.com', 'anna@contoso.com'] })] });
    expect(c.user.sourceId).toBe(anna.id);
    expect(c.candidates.source[0]?.matchedBy).toBe('lms account');
  });

  it('manager without an LMS account is reported on the manager check', () => {
    const boss = sourceUser('boss', { displayName: 'Boss', mail: 'boss@contoso.com' });
    const c = diag('anna@contoso.com', { users: [{ ...anna, managerId: 'boss' }, boss], groups: [group('g', 'G', [anna.id])], config: planConfig({ scope: { include: [{ kind: 'group', groupId: 'g' }] } }) });
    expect(check(c, 'manager').status).toBe('warn');
    expect(check(c, 'manager').fix).toContain('Bring Boss into scope');
  });
});

describe('identity stories the plan reports as a plain conflict', () => {
  const guid = 'a1b2c3d4-0000-4000-8000-000000000001';
  const rita = sourceUser('b1b2c3d4-0000-4000-8000-000000000002', { displayName: 'Rita R', mail: 'rita@contoso.com' });

  it('an account carrying an object id nobody in Entra has reads as "recreated?", with the relink', () => {
    const c = diag('rita@contoso.com', { users: [rita], targets: [targetUser('t-rita', { userName: 'rita@contoso.com', externalId: guid })] });
    expect(c.verdictKind).toBe('recreated_in_entra');
    expect(c.verdict).toBe(`Recreated in Entra? LMS account t-rita (rita@contoso.com, active) carries the object id ${guid}, which no longer exists in Entra`);
    expect(check(c, 'recreated')).toMatchObject({ status: 'fail', fix: expect.stringContaining('relink LMS account t-rita to this Entra user') });
  });

  it('an account claimed by another integration', () => {
    const c = diag('rita@contoso.com', { users: [rita], targets: [targetUser('t-rita', { userName: 'rita@contoso.com', externalId: rita.id })], others: [link(rita.id, 't-rita', 'int-other')] });
    expect(c.verdictKind).toBe('claimed_by_other_integration');
    expect(check(c, 'other-integration').status).toBe('fail');
    expect(check(c, 'other-integration').evidence[0]?.value).toContain('linked to this person by another integration (int-other)');
  });

  it("names another integration's link to someone this read has not seen without calling them gone from Entra", () => {
    // The other integration may read another tenant or scope: its person is unknown here, not deleted.
    const c = diag('rita@contoso.com', { users: [rita], targets: [targetUser('t-rita', { userName: 'rita@contoso.com', externalId: 'x-9' })], others: [link('x-9', 't-rita', 'int-other')] });
    const line = c.checks.flatMap((k) => k.evidence).find((e) => e.label === 'LMS account')?.value ?? '';
    expect(line).toContain('linked to Entra user x-9 by another integration (int-other)');
    expect(line).not.toContain('no longer in Entra');
  });
});

describe('timing and data', () => {
  it('provision on demand says "now" instead of the next sync; a disabled integration still says why not', () => {
    const src = sourceSnapshot([anna]);
    const tgt = targetSnapshot([]);
    const cfg = planConfig();
    const p = plan(src, tgt, cfg, [], NOW);
    const base = { source: src, target: tgt, links: [], otherLinks: [], plan: p, runs: [], nextRunAt: null, now: NOW, timing: 'now' };
    expect(diagnose(anna.id, { ...base, integration: { id: cfg.id, config: cfg, status: 'active', statusReason: null, enabled: true } }).verdict).toBe('Will be created now');
    expect(diagnose(anna.id, { ...base, integration: { id: cfg.id, config: cfg, status: 'disabled', statusReason: null, enabled: false } }).verdict).toBe('Will be created once the integration is enabled (it is disabled now)');
  });

  it('says when the reads may be out of date', () => {
    const src = sourceSnapshot([anna]);
    const tgt = targetSnapshot([]);
    const cfg = planConfig();
    const c = diagnose(anna.id, { source: src, target: tgt, links: [], otherLinks: [], plan: plan(src, tgt, cfg, [], NOW), runs: [], nextRunAt: null, now: NOW, integration: { id: cfg.id, config: cfg, status: 'active', statusReason: null, enabled: true }, dataWarning: 'Entra could not be read again.' });
    expect(check(c, 'data')).toMatchObject({ status: 'warn', detail: 'Entra could not be read again.' });
  });
});

const ChecklistJson = z.object({
  verdict: z.string().min(1),
  user: z.object({ query: z.string(), sourceId: z.string().nullable() }),
  checks: z.array(z.object({ id: z.string(), status: z.enum(['pass', 'fail', 'warn', 'info']), title: z.string(), detail: z.string(), fix: z.string().nullable() })).min(5),
});

describe('the checklist', () => {
  it('serialises to the documented shape, with unique check ids', () => {
    const c = diag('anna@contoso.com', { users: [anna] });
    const json = ChecklistJson.parse(JSON.parse(JSON.stringify(c)));
    expect(new Set(json.checks.map((x) => x.id)).size).toBe(json.checks.length);
  });

  it('says durations in words', () => {
    expect(duration(130 * 60_000)).toBe('2 h 10 min');
    expect(duration(26 * 3_600_000)).toBe('1 day 2 h');
    expect(relative(NOW, '2026-03-01T11:55:00Z')).toBe('5 min ago');
  });

  it('never disagrees with plan(): every verdict matches the op the plan has for that user', () => {
    const t = syntheticTenant({ users: 400, seed: 7 });
    const p = plan(t.source, t.target, t.config, t.links, NOW);
    const expected: Record<string, VerdictKind[]> = {
      create: ['will_create'],
      update: ['will_update', 'will_link'],
      reactivate: ['will_reactivate'],
      deactivate: ['will_deactivate', 'disabled_in_entra', 'not_included', 'excluded', 'last_day'],
      conflict: ['duplicate_lms_accounts', 'duplicate_entra_accounts', 'recreated_in_entra', 'alias_match', 'email_taken', 'claimed_by_other_integration', 'conflict'],
      skip: ['kept_active', 'disabled_in_entra', 'not_included', 'excluded'],
    };
    const integration = { id: t.config.id, config: t.config, status: 'active' as const, statusReason: null, enabled: true };
    let checked = 0;
    for (const u of t.source.users) {
      const c = diagnose(u.id, { source: t.source, target: t.target, integration, links: t.links, otherLinks: [], plan: p, runs: [], nextRunAt: null, now: NOW });
      const op = p.ops.find((o) => o.sourceId === u.id && o.phase === 'users');
      expect(c.ops.filter((o) => o.phase === 'users')).toEqual(op ? [op] : []);
      if (op) expect(expected[op.kind], `${u.id}: ${op.kind} vs ${c.verdictKind}`).toContain(c.verdictKind);
      else expect(['up_to_date', 'not_included', 'disabled_in_entra', 'will_update', 'excluded']).toContain(c.verdictKind);
      checked++;
    }
    expect(checked).toBe(400);
  });
});
