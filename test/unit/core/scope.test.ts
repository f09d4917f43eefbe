import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { canonicalAttribute, isSourceAttribute, ScopeSchema, type Scope } from '../../../src-main/core/config';
import { buildGroupIndex } from '../../../src-main/core/groups';
import { evaluateScope, scopeVerdict } from '../../../src-main/core/scope';
import { group, sourceUser } from '../../../src-main/core/testing/builders';

const anna = sourceUser('u-anna', { displayName: 'Anna', userPrincipalName: 'anna@contoso.com', mail: 'Anna.Berg@contoso.com', department: 'Sales\uFEFF', jobTitle: 'Consultant' });
const groups = buildGroupIndex([
  group('g-all', 'All Sales', [], ['g-emea', 'g-apac']),
  group('g-emea', 'Sales EMEA', ['u-anna']),
  group('g-apac', 'Sales APAC', []),
  group('g-contractors', 'Contractors', ['u-anna']),
]);

function scope(over: z.input<typeof ScopeSchema>): Scope {
  return ScopeSchema.parse(over);
}

describe('evaluateScope', () => {
  it('includes everyone when the include list is empty', () => {
    const e = evaluateScope(anna, scope({}), groups);
    expect(e.inScope).toBe(true);
    expect(e.includesEveryone).toBe(true);
  });

  it('resolves nested groups and records the path "Anna → Sales EMEA → All Sales"', () => {
    const e = evaluateScope(anna, scope({ include: [{ kind: 'group', groupId: 'g-all' }] }), groups);
    expect(e.verdict).toBe('included');
    expect(e.decidedBy?.groupPath).toEqual(['Anna', 'Sales EMEA', 'All Sales']);
    expect(e.sentence).toContain('Anna → Sales EMEA → All Sales');
  });

  it('does not include a user who is in none of the include groups', () => {
    const e = evaluateScope(anna, scope({ include: [{ kind: 'group', groupId: 'g-apac' }] }), groups);
    expect(e.verdict).toBe('not_included');
    expect(e.inScope).toBe(false);
  });

  it('survives a cycle of nested groups', () => {
    const cyclic = buildGroupIndex([group('a', 'A', [], ['b']), group('b', 'B', ['u-anna'], ['a'])]);
    expect(evaluateScope(anna, scope({ include: [{ kind: 'group', groupId: 'a' }] }), cyclic).decidedBy?.groupPath).toEqual(['Anna', 'B', 'A']);
  });

  it('compares attribute rules case-insensitively after normalisation (hidden BOM included)', () => {
    const e = evaluateScope(anna, scope({ include: [{ kind: 'attribute', attribute: 'department', operator: 'equals', value: 'sales' }] }), groups);
    expect(e.inScope).toBe(true);
    expect(e.decidedBy?.description).toBe('department equals "sales"');
  });

  it.each([
    ['startsWith', 'consul', true],
    ['contains', 'sult', true],
    ['notEquals', 'Manager', true],
    ['notEquals', 'consultant', false],
    ['isEmpty', '', false],
  ] as const)('attribute operator %s "%s" → %s', (operator, value, expected) => {
    const e = evaluateScope(anna, scope({ include: [{ kind: 'attribute', attribute: 'jobTitle', operator, value }] }), groups);
    expect(e.inScope).toBe(expected);
  });

  it('takes attribute names in any case, as Graph does, and spells them as Rollcall reads them', () => {
    // "Department" once read as an unknown extra, empty for everyone: every rule on it matched nobody.
    const parsed = ScopeSchema.parse({ include: [{ kind: 'attribute', attribute: ' Department ', value: 'sales' }] });
    expect(parsed.include[0]).toMatchObject({ attribute: 'department' });
    expect(evaluateScope(anna, parsed, groups).inScope).toBe(true);
    expect(canonicalAttribute('EXTENSION_0123456789ABCDEF0123456789ABCDEF_costCenter')).toBe('extension_0123456789abcdef0123456789abcdef_costCenter');
    expect(canonicalAttribute('onpremisesextensionattributes.extensionattribute7')).toBe('onPremisesExtensionAttributes.extensionAttribute7');
    expect(isSourceAttribute('jobtitle')).toBe(true);
    expect(isSourceAttribute('cost centre')).toBe(false);
    expect(isSourceAttribute('onPremisesExtensionAttributes.extensionAttribute16')).toBe(false);
  });

  it('reads extension attributes from extra', () => {
    const u = sourceUser('u-x', { extra: { extension_0123456789abcdef0123456789abcdef_costCenter: 'CC-42' } });
    const s = scope({ include: [{ kind: 'attribute', attribute: 'extension_0123456789abcdef0123456789abcdef_costCenter', value: 'cc-42' }] });
    expect(evaluateScope(u, s, groups).inScope).toBe(true);
  });

  it('lets exclude beat include and reports a user matching both', () => {
    const e = evaluateScope(
      anna,
      scope({
        include: [{ kind: 'group', groupId: 'g-all' }],
        exclude: [{ kind: 'attribute', attribute: 'department', value: 'Sales' }],
      }),
      groups,
    );
    expect(e.verdict).toBe('excluded');
    expect(e.matchesBoth).toBe(true);
    expect(e.decidedBy?.list).toBe('exclude');
    expect(e.decidedBy?.index).toBe(0);
    expect(e.sentence).toContain('also matches the include rule member of group "All Sales"');
  });

  it('excludes through a nested exclude group with its path', () => {
    const e = evaluateScope(anna, scope({ exclude: [{ kind: 'group', groupId: 'g-contractors' }] }), groups);
    expect(e.verdict).toBe('excluded');
    expect(e.excludedBy[0]?.groupPath).toEqual(['Anna', 'Contractors']);
  });

  it.each(['u-anna', 'ANNA@contoso.com', 'anna.berg@contoso.com '])('excludes one person by id, UPN or e-mail (%s)', (value) => {
    expect(evaluateScope(anna, scope({ exclude: [{ kind: 'user', value }] }), groups).verdict).toBe('excluded');
  });

  it('includes one person by e-mail beside a group they are not in, and exclude still wins (article 000)', () => {
    // "included by email but excluded by department"
    const byMail = scope({ include: [{ kind: 'group', groupId: 'g-nobody' }, { kind: 'user', value: 'Anna.Berg@contoso.com' }] });
    const e = evaluateScope(anna, byMail, groups);
    expect(e.verdict).toBe('included');
    expect(e.includedBy[0]?.description).toBe('user "Anna.Berg@contoso.com"');
    expect(scopeVerdict(anna, byMail, groups)).toBe('included');
    const alsoExcluded = evaluateScope(anna, { ...byMail, exclude: [{ kind: 'attribute', attribute: 'department', operator: 'equals', value: 'sales' }] }, groups);
    expect(alsoExcluded).toMatchObject({ verdict: 'excluded', matchesBoth: true });
  });

  it('puts the skip list above everything, naming the entry that matched', () => {
    const e = evaluateScope(anna, scope({ include: [{ kind: 'group', groupId: 'g-all' }], skipList: ['Anna.Berg@Contoso.com'] }), groups);
    expect(e.verdict).toBe('skip_listed');
    expect(e.inScope).toBe(false);
    expect(e.skipListEntry).toBe('Anna.Berg@Contoso.com');
  });
});
