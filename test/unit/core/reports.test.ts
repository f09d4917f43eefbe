import { describe, expect, it } from 'vitest';
import { describeApplied, relationWrites } from '../../../src-main/core/reports';

describe('the manager and approver writes beside the counts of people', () => {
  it('are said when there are some', () => {
    expect(relationWrites(0)).toBeNull();
    expect(relationWrites(1)).toBe('+ 1 manager and approver link set after the accounts exist');
    expect(relationWrites(1_239)).toBe('+ 1,239 manager and approver links set after the accounts exist');
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
