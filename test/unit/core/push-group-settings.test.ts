import { describe, expect, it } from 'vitest';
import { MappingSchema } from '../../../src-main/core/config';
import { checkPushGroups, duplicateLmsGroupMessage, lmsGroupSuggestions, matchLmsGroup, MAX_PUSH_GROUPS, pickPushGroup, type PushGroupRow } from '../../../src-main/core/push-group-settings';

const row = (groupId: string, groupName: string, lmsGroup: string): PushGroupRow => ({ groupId, groupName, lmsGroup });

describe('checkPushGroups (the wizard’s "Groups to push to the LMS")', () => {
  it('takes none, and rows with a group and names of their own', () => {
    expect(checkPushGroups([])).toEqual({ rows: [], problems: [] });
    const ok = checkPushGroups([row('g-sales', 'Sales', 'Sales'), row('g-eng', 'Engineering', 'Sales EMEA')]);
    expect(ok.problems).toEqual([]);
    expect(ok.rows).toEqual([
      { group: null, lmsGroup: null },
      { group: null, lmsGroup: null },
    ]);
  });

  it('asks for the group of a row that has none, and for the LMS group name when it is empty or spaces', () => {
    const c = checkPushGroups([row('', '', 'Sales'), row('g-eng', 'Engineering', '   ')]);
    expect(c.rows[0]).toEqual({ group: 'Pick the Entra group to push, or remove the row.', lmsGroup: null });
    expect(c.rows[1]?.group).toBeNull();
    expect(c.rows[1]?.lmsGroup).toMatch(/^Name the LMS group/);
    // Each named: by its group once picked, else by its place.
    expect(c.problems).toEqual(['Groups to push, row 1: pick the Entra group to push, or remove the row.', 'Groups to push, Engineering: name the LMS group to create or link.']);
  });

  it('refuses two rows pushing to one LMS group, names compared without case or outer spaces', () => {
    const c = checkPushGroups([row('g-sales', 'Sales', 'Sales team'), row('g-eng', 'Engineering', 'Engineering'), row('g-emea', 'Sales EMEA', '  sales TEAM '), row('g-am', 'Sales Americas', 'Sales Team')]);
    const message = duplicateLmsGroupMessage('Sales team');
    expect(message).toBe('Two Entra groups push to the LMS group “Sales team”: give each its own LMS group.');
    // Said once for the list, and under each row that names it.
    expect(c.problems).toEqual([message]);
    expect(c.rows.map((r) => r.lmsGroup)).toEqual([message, null, message, message]);
    expect(c.rows.every((r) => r.group === null)).toBe(true);
  });

  it('does not call two empty names the same LMS group', () => {
    const c = checkPushGroups([row('g-sales', 'Sales', ''), row('g-eng', 'Engineering', '')]);
    expect(c.problems).toHaveLength(2);
    expect(c.problems.some((p) => p.startsWith('Two Entra groups'))).toBe(false);
  });

  it('refuses a name longer than the settings take, and more rows than they hold', () => {
    expect(checkPushGroups([row('g', 'G', 'x'.repeat(257))]).rows[0]?.lmsGroup).toBe('At most 256 characters (this one has 257).');
    expect(checkPushGroups([row('g', 'G', 'x'.repeat(256))]).problems).toEqual([]);
    const many = Array.from({ length: MAX_PUSH_GROUPS + 1 }, (_v, i) => row(`g-${i}`, `G${i}`, `LMS ${i}`));
    expect(checkPushGroups(many).problems).toEqual([`Groups to push: at most ${MAX_PUSH_GROUPS} (there are ${MAX_PUSH_GROUPS + 1}); remove 1.`]);
  });

  it('passes exactly what main’s settings accept (the rows it takes parse; a row it refuses does not)', () => {
    const good = [row('g-sales', 'Sales', ' Sales team ')];
    expect(checkPushGroups(good).problems).toEqual([]);
    expect(MappingSchema.parse({ pushGroups: good }).pushGroups).toEqual([{ groupId: 'g-sales', groupName: 'Sales', lmsGroup: 'Sales team' }]);
    for (const bad of [[row('', '', 'Sales')], [row('g-sales', 'Sales', '  ')], [row('g', 'G', 'x'.repeat(257))]]) {
      expect(checkPushGroups(bad).problems).not.toEqual([]);
      expect(MappingSchema.safeParse({ pushGroups: bad }).success).toBe(false);
    }
  });
});

describe('pickPushGroup', () => {
  it('fills in the LMS group name from the group picked while it is empty or still the previous group’s name', () => {
    const picked = pickPushGroup(row('', '', ''), 'g-sales', 'Sales');
    expect(picked).toEqual({ groupId: 'g-sales', groupName: 'Sales', lmsGroup: 'Sales' });
    expect(pickPushGroup(picked, 'g-eng', 'Engineering')).toEqual({ groupId: 'g-eng', groupName: 'Engineering', lmsGroup: 'Engineering' });
    expect(pickPushGroup(row('g-sales', 'Sales', ' '), 'g-eng', 'Engineering').lmsGroup).toBe('Engineering');
  });

  it('keeps a name the admin typed', () => {
    expect(pickPushGroup(row('g-sales', 'Sales', 'Sales team'), 'g-eng', 'Engineering')).toEqual({ groupId: 'g-eng', groupName: 'Engineering', lmsGroup: 'Sales team' });
    expect(pickPushGroup(row('', '', 'Learners'), 'g-eng', 'Engineering').lmsGroup).toBe('Learners');
  });
});

describe('matchLmsGroup (the caption under a row’s LMS group name)', () => {
  const lms = [{ name: 'People Managers' }, { name: 'Compliance' }, { name: 'COMPLIANCE ' }, { name: 'Sales EMEA' }];

  it('links the LMS group of that name, compared as the apply compares them (no case, no outer spaces)', () => {
    expect(matchLmsGroup('People Managers', lms)).toEqual({ kind: 'links', name: 'People Managers' });
    expect(matchLmsGroup('  people MANAGERS ', lms)).toEqual({ kind: 'links', name: 'People Managers' });
  });

  it('creates a group for any other name (a prefix of an LMS group’s name included); says nothing for an empty name', () => {
    expect(matchLmsGroup('Sales team', lms)).toEqual({ kind: 'creates' });
    expect(matchLmsGroup('Sales', lms)).toEqual({ kind: 'creates' });
    expect(matchLmsGroup('People', [])).toEqual({ kind: 'creates' });
    expect(matchLmsGroup('   ', lms)).toEqual({ kind: 'none' });
  });

  it('says when several LMS groups have the name (the run leaves such a group alone)', () => {
    expect(matchLmsGroup('compliance', lms)).toEqual({ kind: 'ambiguous', name: 'Compliance', count: 2 });
  });
});

describe('lmsGroupSuggestions', () => {
  const lms = [{ name: 'Compliance' }, { name: 'COMPLIANCE ' }, { name: 'People Managers' }, { name: 'Sales EMEA' }, { name: 'Sales team' }];

  it('suggests the names containing the typed text, without case, each once, in the list’s order', () => {
    expect(lmsGroupSuggestions('', lms)).toEqual(['Compliance', 'People Managers', 'Sales EMEA', 'Sales team']);
    expect(lmsGroupSuggestions(' sALES', lms)).toEqual(['Sales EMEA', 'Sales team']);
    expect(lmsGroupSuggestions('manag', lms)).toEqual(['People Managers']);
    expect(lmsGroupSuggestions('Learners', lms)).toEqual([]);
  });

  it('suggests at most the limit', () => {
    const many = Array.from({ length: 500 }, (_v, i) => ({ name: `Group ${i}` }));
    expect(lmsGroupSuggestions('group', many)).toHaveLength(50);
    expect(lmsGroupSuggestions('group 1', many, 3)).toEqual(['Group 1', 'Group 10', 'Group 11']);
  });
});
