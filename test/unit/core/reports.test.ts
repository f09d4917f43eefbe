import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { reasonLabel } from '../../../src-main/core/ops';
import { describeApplied, relationWrites } from '../../../src-main/core/reports';

describe('the manager and approver writes beside the counts of people', () => {
  it('are said when there are some', () => {
    expect(relationWrites(0)).toBeNull();
    expect(relationWrites(1)).toBe("+ 1 manager and approver write after the people's own changes");
    expect(relationWrites(1_239)).toBe("+ 1,239 manager and approver writes after the people's own changes");
  });
});

describe('what an apply wrote, in words', () => {
  it('names the groups written and says held-back writes wait for the next run, apart from the failures', () => {
    expect(describeApplied({ applied: 1_200, failed: 1, groupsWritten: 2, heldBack: 1 })).toEqual({
      written: '1,200 changes applied, 2 LMS groups written, 1 failed',
      heldBack: '1 manager or approver write waits for an account whose create failed; the next run writes it once that account exists.',
    });
  });

  it('says nothing of groups or held-back writes when there were none', () => {
    expect(describeApplied({ applied: 1, failed: 0, groupsWritten: 0, heldBack: 0 })).toEqual({ written: '1 change applied, 0 failed', heldBack: null });
    expect(describeApplied({ applied: 0, failed: 3, groupsWritten: 1, heldBack: 4 }).heldBack).toMatch(/^4 manager or approver writes wait .* writes them once/);
  });
});

describe('reason codes in the admin’s words', () => {
  it('names every reason code the core README lists, and the audit log’s own', () => {
    const readme = readFileSync(path.resolve(import.meta.dirname, '../../../src-main/core/README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('## Reason codes'), readme.indexOf('Op warnings'));
    // The second column of each row: "| kind | `code` / `code` | when |".
    const codes = table.split('\n').flatMap((line) => [...(line.split('|')[2] ?? '').matchAll(/`([a-z_]+)`/g)].map((m) => m[1] ?? ''));
    expect(codes.length).toBeGreaterThan(20);
    for (const code of [...codes, 'department_missing', 'group_created', 'group_members_changed', 'group_found_made_and_linked', 'create_users_off']) {
      expect(reasonLabel(code), code).not.toBeNull();
    }
    expect(reasonLabel('relations_changed')).toBe('Manager or approvers changed');
  });
});
