/**
 * What "linkable" promises (core/adopt.ts): only what the plan's own matching would do. In random
 * worlds, every account the dry run finds linkable is the account the plan matches its person to
 * once that person is brought into scope: linking never settles what matching leaves to the admin.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planWithMemo } from '../../../src-main/core/plan';
import { unmanagedAfterPlan } from '../../../src-main/core/unmanaged';
import { sourceSnapshot } from '../../../src-main/core/testing/builders';
import { NOW } from './helpers';
import { groupsOf, lmsOf, worldArb, type World } from './world';

/** The world with one person enabled, without a Last Day or an excluded department, and included by name. */
function inScope(w: World, personId: string): World {
  const users = w.users.map((u) => (u.id === personId ? { ...u, accountEnabled: true, employeeLeaveDateTime: null, department: null } : u));
  const include = w.config.scope.include.length === 0 ? [] : [...w.config.scope.include, { kind: 'user' as const, value: personId }];
  return { ...w, users, config: { ...w.config, scope: { ...w.config.scope, include } } };
}

const planOf = (w: World) => planWithMemo(sourceSnapshot(w.users, groupsOf(w)), lmsOf(w), w.config, w.links, NOW, w.others);

describe('a linkable account is the one matching would give its person', () => {
  it('in random worlds, once the person is in scope the plan links them to exactly that account', () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        for (const a of unmanagedAfterPlan(planOf(w).memo)?.accounts ?? []) {
          if (a.whyNotLinkable !== null || !a.entraUserId) continue;
          const person = a.entraUserId;
          const ops = planOf(inScope(w, person)).plan.ops.filter((o) => o.phase === 'users' && (o.sourceId === person || o.candidates?.sourceIds.includes(person)));
          expect(ops.map((o) => [o.kind, o.reason, o.targetId === a.id])).toContainEqual([expect.not.stringMatching(/^conflict$/), expect.any(String), true]);
        }
      }),
      { numRuns: 1500 },
    );
  });
});
