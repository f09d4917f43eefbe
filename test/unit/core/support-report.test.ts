/**
 * The Troubleshoot page's "Save report for support": the text holds what support articles ask for
 * (directory, versions, the verdict, the errors with their fixes) and what Rollcall found, from
 * the checklist itself, so it cannot say something the page does not.
 */
import { describe, expect, it } from 'vitest';
import { supportReport } from '../../../src-main/core/diagnose/report';
import type { ProvisionTrace } from '../../../src-main/core/diagnose/provision-types';
import { ScimPath } from '../../../src-main/core/model';
import { group, link, planConfig, sourceUser, targetUser } from '../../../src-main/core/testing/builders';
import { diag } from './diagnose-helpers';

const NOW = new Date('2026-03-01T12:00:00Z');
const anna = sourceUser('anna', { displayName: 'Anna Berg', mail: 'anna@contoso.com', userPrincipalName: 'anna@contoso.com', department: 'Sales\uFEFF', jobTitle: 'Lead' });
const annaLms = targetUser('t-anna', { externalId: 'anna', userName: 'anna@contoso.com', attributes: { [ScimPath.department]: ['Sales'] } });

describe('support report', () => {
  it('carries the verdict, every check with its evidence and fix, and the next sync’s changes', () => {
    const c = diag('anna@contoso.com', { users: [anna], groups: [group('g', 'Staff', ['anna'])], targets: [annaLms], links: [link('anna', 't-anna')], config: planConfig({ mapping: { changeDepartments: false } }) });
    const text = supportReport({ checklist: c, trace: null, integrationName: 'Contoso staff', appVersion: '0.1.0', now: NOW });
    expect(text).toContain('Created: 2026-03-01T12:00:00.000Z');
    expect(text).toContain('Rollcall: 0.1.0');
    expect(text).toContain('Integration: Contoso staff (int-1) · Microsoft Entra ID → LMS over SCIM 2.0');
    expect(text).toContain('Person: Anna Berg · anna@contoso.com · Entra object id anna');
    expect(text).toContain(`Verdict: ${c.verdict} [${c.verdictKind}]`);
    for (const check of c.checks) {
      expect(text).toContain(`] ${check.title}\n    ${check.detail}`);
      if (check.fix) expect(text).toContain(`What to do: ${check.fix}`);
      for (const e of check.evidence) expect(text).toContain(`- ${e.label}: ${e.value}`);
    }
    // The job title is written at the next sync: the change is in the report, field by field.
    const update = c.ops.find((o) => o.kind === 'update');
    expect(update).toBeDefined();
    expect(text).toContain(`update (${update?.reason ?? ''}) on LMS account t-anna`);
    expect(text).toContain('title: (empty) → "Lead"');
    expect(text).not.toContain('Provision on demand (');
  });

  it('adds provision on demand’s steps when they were run, and says when the person is not in Entra', () => {
    const c = diag('nobody@contoso.com', { users: [anna] });
    const trace: ProvisionTrace = {
      integrationId: 'int-1',
      query: 'nobody@contoso.com',
      apply: false,
      outcome: 'not-found',
      summary: 'nobody@contoso.com is not in Entra.',
      steps: [{ id: 'read-user', title: 'Read the user from Entra', status: 'fail', detail: 'No Entra user answers to nobody@contoso.com.', fix: 'Check the spelling.', evidence: [] }],
      sourceId: null,
      ops: [],
      run: null,
      account: null,
      error: null,
    };
    const text = supportReport({ checklist: c, trace, integrationName: null, appVersion: null, now: NOW });
    expect(text).toContain('Person: not found in Entra (searched for "nobody@contoso.com")');
    expect(text).toContain('Provision on demand (dry run): nobody@contoso.com is not in Entra. [not-found]');
    expect(text).toContain('[FAIL] Read the user from Entra\n    No Entra user answers to nobody@contoso.com.\n    What to do: Check the spelling.');
  });
});
