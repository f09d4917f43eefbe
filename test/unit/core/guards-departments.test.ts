import { describe, expect, it } from 'vitest';
import { departmentsToCreate, existingDepartmentPaths } from '../../../src-main/core/departments';
import { deactivationLimit, evaluateGuards, type GuardInput } from '../../../src-main/core/guards';

const calm: GuardInput = {
  sourceComplete: true,
  sourceIncompleteReason: null,
  targetComplete: true,
  targetIncompleteReason: null,
  droppedDeactivations: 0,
  droppedCreates: 0,
  inScope: 10,
  owned: 10,
  deactivations: 0,
  thresholdCount: 500,
  thresholdPercent: 10,
  lastDayUnread: false,
  deactivateUsers: true,
  underMissing: null,
  underPeople: 0,
};

describe('guards', () => {
  it('raises nothing for a complete, ordinary run', () => {
    expect(evaluateGuards(calm)).toEqual([]);
  });

  it('says, without blocking, that nobody is deactivated on their Last Day when it could not be read', () => {
    expect(evaluateGuards({ ...calm, lastDayUnread: true })).toEqual([expect.objectContaining({ code: 'last_day_unread', blocking: false, fix: expect.stringContaining('User-LifecycleInfo.Read.All') })]);
    // What still deactivates people is named only when it is on.
    expect(evaluateGuards({ ...calm, lastDayUnread: true })[0]?.message).toContain('people who leave the scope or are disabled in Entra still are');
    expect(evaluateGuards({ ...calm, lastDayUnread: true, deactivateUsers: false })[0]?.message).not.toContain('still are');
  });

  it('uses the smaller of the count and the percentage of owned users', () => {
    expect(deactivationLimit(100_000, 500, 10)).toBe(500);
    expect(deactivationLimit(1_000, 500, 10)).toBe(100);
    expect(evaluateGuards({ ...calm, owned: 1_000, deactivations: 100 })).toEqual([]);
    expect(evaluateGuards({ ...calm, owned: 1_000, deactivations: 101 })[0]).toMatchObject({ code: 'deactivation_threshold', count: 101, limit: 100, confirmable: true });
  });

  it('tells the admin what to do for every guard', () => {
    const all = evaluateGuards({ ...calm, sourceComplete: false, targetComplete: false, droppedDeactivations: 2, droppedCreates: 3, inScope: 0, deactivations: 5 });
    expect(all.map((g) => g.code)).toEqual(['incomplete_source', 'incomplete_target', 'empty_scope', 'deactivation_threshold']);
    for (const g of all) expect(g.fix.length).toBeGreaterThan(10);
  });
});

describe('departments to create', () => {
  it('reads nested LMS departments as paths, and survives a parent cycle', () => {
    const existing = existingDepartmentPaths([
      { id: 'a', name: 'Sales', parentId: null },
      { id: 'b', name: 'EMEA', parentId: 'a' },
      { id: 'x', name: 'Loop', parentId: 'y' },
      { id: 'y', name: 'Back', parentId: 'x' },
    ]);
    expect(departmentsToCreate([['Sales', 'EMEA'], ['Sales', 'EMEA', 'Nordics'], ['Sales', 'APAC']], existing)).toEqual([
      ['Sales', 'APAC'],
      ['Sales', 'EMEA', 'Nordics'],
    ]);
  });
});
