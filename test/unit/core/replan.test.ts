/**
 * replan() must give exactly the plan plan() gives for the same inputs, or refuse. Checked over
 * small random tenants that collide on purpose (world.ts), after random rounds of changes: the
 * kinds an Entra delta and an LMS changes read bring (titles, departments, managers, last days,
 * accounts switched off), objects copied unchanged, and rewrites that change what matching reads.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScimPath, type Link, type SourceUser, type TargetSnapshot, type TargetUser } from '../../../src-main/core/model';
import { plan, planWithMemo, type PlanMemo } from '../../../src-main/core/plan';
import { planFrom, replan } from '../../../src-main/core/replan';
import { capabilities, link, planConfig, sourceSnapshot, sourceUser, targetSnapshot, targetUser } from '../../../src-main/core/testing/builders';
import { applyPlanToSnapshot } from '../../../src-main/core/testing/apply-plan';
import { NOW } from './helpers';
import { PERMS, SOURCE_IDS, groupsOf, lmsOf, planWorld, sourceUserArb, targetUserArb, worldArb, type World } from './world';

/** A change to one person or account; `wild` also allows ones that change what matching reads. */
type Change<T> = (x: T, wild: boolean) => fc.Arbitrary<T>;

/** What a delta read brings for one person: nothing, the same values in a new object, an edit, or a rewrite. */
const personChange: Change<SourceUser> = (u, wild) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant(u) },
    { weight: 1, arbitrary: fc.constant({ ...u }) },
    {
      weight: 4,
      arbitrary: fc
        .record({
          jobTitle: fc.constantFrom(null, 'Dev', 'Lead', 'Head'),
          department: fc.constantFrom(null, 'Sales', ' Support', 'Sales/EMEA', 'Ops'),
          displayName: fc.constantFrom(null, 'Anna', 'Anna B'),
          managerId: fc.option(fc.constantFrom(...SOURCE_IDS), { nil: null }),
          employeeLeaveDateTime: fc.constantFrom(null, '2026-01-01T00:00:00Z', '2026-03-02T00:00:00Z', '2027-01-01T00:00:00Z'),
        })
        .chain((edit) => fc.subarray(Object.keys(edit) as (keyof typeof edit)[], { minLength: 1 }).map((keys) => ({ ...u, ...Object.fromEntries(keys.map((k) => [k, edit[k]])) }))),
    },
    { weight: wild ? 1 : 0, arbitrary: fc.constant({ ...u, accountEnabled: !u.accountEnabled }) },
    { weight: wild ? 1 : 0, arbitrary: sourceUserArb(u.id) },
  );

/** What a changes read brings for one account. */
const accountChange: Change<TargetUser> = (t, wild) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant(t) },
    { weight: 1, arbitrary: fc.constant({ ...t }) },
    { weight: 2, arbitrary: fc.constant({ ...t, active: !t.active }) },
    {
      weight: 2,
      arbitrary: fc
        .record({ department: fc.constantFrom<string[] | null>(null, ['Sales'], ['Ops']), permissions: fc.subarray(['Admin', 'Reporter', 'Course Creator']), manager: fc.constantFrom(null, 'anna@x.com', 's2@x.com') })
        .map((r) => ({ ...t, attributes: { ...t.attributes, [ScimPath.department]: r.department, [PERMS]: r.permissions, [ScimPath.manager]: r.manager } })),
    },
    // The work address moves to another of the account's addresses (approvers by e-mail name it).
    { weight: 1, arbitrary: fc.constantFrom(...t.emails, 'home@x.com').map((email) => ({ ...t, attributes: { ...t.attributes, [ScimPath.email]: email } })) },
    { weight: wild ? 1 : 0, arbitrary: targetUserArb(t.id) },
  );

const each = <T,>(xs: readonly T[], change: Change<T>, wild: boolean): fc.Arbitrary<T[]> => (xs.length ? fc.tuple(...xs.map((x) => change(x, wild))) : fc.constant([]));

interface Round {
  users: SourceUser[];
  targets: TargetUser[];
  now: Date;
}

const roundArb = (users: readonly SourceUser[], targets: readonly TargetUser[], after: Date): fc.Arbitrary<Round> =>
  // Most rounds are what a day brings; one in four may also change what matching reads.
  fc.boolean().chain((calm) => fc.boolean().map((b) => !calm && b)).chain((wild) => fc.record({
    users: each(users, personChange, wild),
    targets: each(targets, accountChange, wild),
    // Later, sometimes past someone's last day (2026-03-02), sometimes earlier (a clock set back).
    now: fc.constantFrom(0, 60_000, 86_400_000, -60_000).map((ms) => new Date(after.getTime() + ms)),
  }));

/** The world with a skip list only sometimes: a skip list means a full plan every time. */
const reusableWorldArb = fc
  .tuple(worldArb, fc.integer({ min: 0, max: 4 }).map((n) => n === 0), fc.option(fc.constantFrom(...SOURCE_IDS), { nil: null }))
  .map(([w, keepSkipList, leaving]): World => ({
    ...w,
    // Someone whose last day comes half a minute after the first plan: later rounds pass it.
    users: w.users.map((u) => (u.id === leaving ? { ...u, employeeLeaveDateTime: new Date(NOW.getTime() + 30_000).toISOString() } : u)),
    config: keepSkipList ? w.config : { ...w.config, scope: { ...w.config.scope, skipList: [] } },
  }));

/** A world, and the LMS and links the rounds start from: as they are, or after its plan was applied (most people unchanged). */
interface Start {
  w: World;
  base: TargetSnapshot;
  links: Link[];
}

const startArb: fc.Arbitrary<Start> = fc.tuple(reusableWorldArb, fc.boolean()).map(([w, synced]) => {
  if (!synced) return { w, base: lmsOf(w), links: w.links };
  const applied = applyPlanToSnapshot(planWorld(w), lmsOf(w), w.links);
  return { w, base: applied.target, links: applied.links };
});

const snapshotsOf = ({ w, base }: Start, r: Round) => ({ source: sourceSnapshot(r.users, groupsOf(w)), target: { ...base, users: r.targets } });

describe('replan()', () => {
  it('gives exactly the plan plan() gives, round after round, or refuses', () => {
    let built = 0;
    let replanned = 0;
    let refused = 0;
    let steady = 0;
    const reasons = new Map<string, number>();
    fc.assert(
      fc.property(
        startArb.chain((start) => roundArb(start.w.users, start.base.users, NOW).chain((r1) => roundArb(r1.users, r1.targets, r1.now).map((r2) => ({ start, rounds: [r1, r2] })))),
        ({ start, rounds }) => {
          const { w, links } = start;
          let memo: PlanMemo = planWithMemo(sourceSnapshot(w.users, groupsOf(w)), start.base, w.config, links, NOW, w.others).memo;
          for (const r of rounds) {
            const { source, target } = snapshotsOf(start, r);
            const full = plan(source, target, w.config, links, r.now, w.others);
            const made = replan(memo, source, target, w.config, links, r.now, w.others);
            if (made.ok && full.summary.unchanged > 0) steady++;
            if (!made.ok) {
              refused++;
              const reason = made.why.replace(/ of .*? changed/, ' of someone changed');
              reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
              memo = planWithMemo(source, target, w.config, links, r.now, w.others).memo;
              continue;
            }
            built++;
            if (made.replanned > 0) replanned++;
            expect(JSON.stringify(made.plan)).toBe(JSON.stringify(full));
            memo = made.memo;
          }
        },
      ),
      { numRuns: 600, seed: 20261204 },
    );
    // The test means something only when replan() builds on the memo often, plans people again
    // (not only unchanged copies), meets people left unchanged by an apply, and also refuses.
    expect(built).toBeGreaterThan(300);
    expect(replanned).toBeGreaterThan(200);
    expect(steady).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(50);
    expect([...reasons.keys()]).toEqual(expect.arrayContaining(['what matching reads of someone changed', 'a skip list is in use']));
  });
});

const NO_MEMO = { memo: null, why: 'no earlier plan in memory' };

describe('planFrom()', () => {
  const config = planConfig({ mapping: { approversFromManager: true } });
  const users = [
    sourceUser('boss', { mail: 'boss@x.com', jobTitle: 'Head' }),
    sourceUser('anna', { mail: 'anna@x.com', managerId: 'boss', jobTitle: 'Dev' }),
    sourceUser('bob', { mail: 'bob@x.com', managerId: 'boss', jobTitle: 'Dev' }),
  ];
  const targets = [targetUser('t-boss', { userName: 'boss@x.com', externalId: 'boss' }), targetUser('t-anna', { userName: 'anna@x.com', externalId: 'anna' })];
  const links: Link[] = [link('boss', 't-boss'), link('anna', 't-anna')];
  const later = new Date(NOW.getTime() + 60_000);
  const first = () => planFrom(NO_MEMO, sourceSnapshot(users), targetSnapshot(targets), config, links, NOW);
  const withUsers = (next: SourceUser[]) => sourceSnapshot(next);

  it('plans in full when there is no earlier plan, and says so', () => {
    const made = first();
    expect(made.fullBecause).toBe('no earlier plan in memory');
    expect(JSON.stringify(made.plan)).toBe(JSON.stringify(plan(sourceSnapshot(users), targetSnapshot(targets), config, links, NOW)));
  });

  it('builds on the last plan when only attributes changed, with the plan plan() makes', () => {
    const next = users.map((u) => (u.id === 'anna' ? { ...u, jobTitle: 'Lead', department: 'Sales' } : u));
    const made = planFrom({ memo: first().memo }, withUsers(next), targetSnapshot(targets), config, links, later);
    expect(made.fullBecause).toBeNull();
    const full = plan(withUsers(next), targetSnapshot(targets), config, links, later);
    expect(JSON.stringify(made.plan)).toBe(JSON.stringify(full));
    const anna = made.plan.ops.find((op) => op.sourceId === 'anna' && op.phase === 'users');
    expect(anna?.changes.map((c) => c.to)).toContain('Lead');
    expect(made.plan.createdAt).toBe(later.toISOString());
  });

  it("builds on the last plan with the new name of whom a conflict's account is linked to", () => {
    // Cleo's e-mail is on Bob's linked account: her conflict says the account is Bob's, by name.
    const people = [...users, sourceUser('cleo', { mail: 'cleo@x.com' })];
    const accounts = [...targets, targetUser('t-bob', { userName: 'bob@x.com', externalId: 'bob', emails: ['bob@x.com', 'cleo@x.com'] })];
    const linked = [...links, link('bob', 't-bob')];
    const owner = (p: ReturnType<typeof planFrom>) => p.plan.ops.find((op) => op.sourceId === 'cleo')?.candidates?.accounts?.[0]?.linkedTo;
    const before = planFrom(NO_MEMO, withUsers(people), targetSnapshot(accounts), config, linked, NOW);
    expect(owner(before)).toEqual([{ sourceId: 'bob', name: 'bob' }]);
    const renamed = people.map((u) => (u.id === 'bob' ? { ...u, displayName: 'Robert Berg' } : u));
    const made = planFrom({ memo: before.memo }, withUsers(renamed), targetSnapshot(accounts), config, linked, later);
    expect(made.fullBecause).toBeNull();
    expect(owner(made)).toEqual([{ sourceId: 'bob', name: 'Robert Berg' }]);
    expect(JSON.stringify(made.plan)).toBe(JSON.stringify(plan(withUsers(renamed), targetSnapshot(accounts), config, linked, later)));
  });

  it('plans in full, saying why, when what matching reads changed', () => {
    const cases: [string, () => ReturnType<typeof planFrom>][] = [
      ['Entra users came or went', () => planFrom({ memo: first().memo }, withUsers([...users, sourceUser('cleo', { mail: 'cleo@x.com' })]), targetSnapshot(targets), config, links, later)],
      ['what matching reads of anna@contoso.com changed', () => planFrom({ memo: first().memo }, withUsers(users.map((u) => (u.id === 'anna' ? { ...u, mail: 'anna.b@x.com' } : u))), targetSnapshot(targets), config, links, later)],
      ['what matching reads of anna@contoso.com changed', () => planFrom({ memo: first().memo }, withUsers(users.map((u) => (u.id === 'anna' ? { ...u, accountEnabled: false } : u))), targetSnapshot(targets), config, links, later)],
      ['what matching reads of the LMS account boss.b@x.com changed', () => planFrom({ memo: first().memo }, withUsers(users), targetSnapshot(targets.map((t) => (t.id === 't-boss' ? { ...t, userName: 'boss.b@x.com' } : t))), config, links, later)],
      ['the link table changed', () => planFrom({ memo: first().memo }, withUsers(users), targetSnapshot(targets), config, links.slice(1), later)],
      ['the settings changed', () => planFrom({ memo: first().memo }, withUsers(users), targetSnapshot(targets), { ...config, deactivation: { ...config.deactivation, deactivateUsers: !config.deactivation.deactivateUsers } }, links, later)],
      ['a read was incomplete', () => planFrom({ memo: first().memo }, sourceSnapshot(users, [], { complete: false, incompleteReason: 'cut short' }), targetSnapshot(targets), config, links, later)],
    ];
    for (const [why, make] of cases) expect(make().fullBecause).toBe(why);
  });

  it("plans in full when a manager's LMS userName after the plan changes (their reports' ops name it)", () => {
    // The boss's account is renamed by the mapping (the plan writes boss@x.com over the LMS's old name).
    const renamed = targets.map((t) => (t.id === 't-boss' ? { ...t, userName: 'boss@x.com', emails: ['boss@x.com'] } : t));
    const gone = users.map((u) => (u.id === 'boss' ? { ...u, employeeLeaveDateTime: '2026-01-01T00:00:00Z' } : u));
    const lastDay = { ...config, deactivation: { ...config.deactivation, useLastDay: true } };
    const memo = planFrom(NO_MEMO, sourceSnapshot(users), targetSnapshot(renamed.map((t) => (t.id === 't-boss' ? { ...t, userName: 'head@x.com', emails: ['boss@x.com'] } : t))), lastDay, links, NOW).memo;
    const made = planFrom({ memo }, withUsers(gone), targetSnapshot(renamed.map((t) => (t.id === 't-boss' ? { ...t, userName: 'head@x.com', emails: ['boss@x.com'] } : t))), lastDay, links, later);
    expect(made.fullBecause).toBe("boss@contoso.com's LMS userName after the plan changed");
  });

  it("gives plan()'s approvers when a kept manager's work address moves to another of the account's addresses", () => {
    // The manager is out of scope but linked, so the plan names them by their account's own work e-mail.
    const byEmail = { capabilities: capabilities({ approversByEmail: true }) };
    const out = planConfig({ scope: { exclude: [{ kind: 'user', value: 'boss' }] }, mapping: { approversFromManager: true } });
    const account = (work: string) => targets.map((t) => (t.id === 't-boss' ? { ...t, emails: ['work@x.com', 'home@x.com'], attributes: { ...t.attributes, [ScimPath.email]: work } } : t));
    const memo = planFrom(NO_MEMO, sourceSnapshot(users), targetSnapshot(account('work@x.com'), byEmail), out, links, NOW).memo;
    const made = planFrom({ memo }, sourceSnapshot(users), targetSnapshot(account('home@x.com'), byEmail), out, links, later);
    const full = plan(sourceSnapshot(users), targetSnapshot(account('home@x.com'), byEmail), out, links, later);
    expect(JSON.stringify(made.plan)).toBe(JSON.stringify(full));
  });

  it("plans in full when a manager's LMS e-mail after the plan changes where approvers are e-mails", () => {
    // The plan would write boss@x.com over the account's old.boss@x.com; past their last day it is not updated.
    const byEmail = { capabilities: capabilities({ approversByEmail: true }) };
    const accounts = targets.map((t) => (t.id === 't-boss' ? { ...t, userName: 'boss@contoso.com', emails: ['old.boss@x.com'] } : t));
    const lastDay = { ...config, deactivation: { ...config.deactivation, useLastDay: true } };
    const gone = users.map((u) => (u.id === 'boss' ? { ...u, employeeLeaveDateTime: '2026-01-01T00:00:00Z' } : u));
    const memo = planFrom(NO_MEMO, sourceSnapshot(users), targetSnapshot(accounts, byEmail), lastDay, links, NOW).memo;
    const made = planFrom({ memo }, withUsers(gone), targetSnapshot(accounts, byEmail), lastDay, links, later);
    expect(made.fullBecause).toBe("boss@contoso.com's LMS e-mail after the plan changed");
    const approvers = made.plan.ops.find((op) => op.sourceId === 'bob' && op.phase === 'relations')?.changes.find((c) => c.field.endsWith(':approvers'))?.to;
    expect(approvers).toEqual(['old.boss@x.com']);
    // Approvers not written: the e-mail names nobody's approver, so the plan is redone in part.
    const noApprovers = { ...lastDay, mapping: { ...lastDay.mapping, approversFromManager: false } };
    const memo2 = planFrom(NO_MEMO, sourceSnapshot(users), targetSnapshot(accounts, byEmail), noApprovers, links, NOW).memo;
    expect(planFrom({ memo: memo2 }, withUsers(gone), targetSnapshot(accounts, byEmail), noApprovers, links, later).fullBecause).toBeNull();
  });
});
