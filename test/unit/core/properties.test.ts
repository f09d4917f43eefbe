/**
 * Properties an admin relies on, over small random tenants that collide on purpose: shared
 * e-mails, case and hidden-character variants, nested groups, stale links, foreign ids,
 * another integration's claims.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildGroupIndex } from '../../../src-main/core/groups';
import { DEFAULT_VENDOR_NAMESPACE, ScimPath, vendorPath, type Link, type Plan, type SourceUser, type TargetSnapshot, type TargetUser } from '../../../src-main/core/model';
import { normaliseEmail } from '../../../src-main/core/normalise';
import { plan, type PlanConfig } from '../../../src-main/core/plan';
import { evaluateScope } from '../../../src-main/core/scope';
import { group, link, planConfig, sourceSnapshot, sourceUser, targetSnapshot, targetUser } from '../../../src-main/core/testing/builders';
import { prng } from '../../../src-main/core/testing/synthetic';
import { applyPlanToSnapshot } from '../../../src-main/core/testing/apply-plan';
import { NOW } from './helpers';

const PERMS = vendorPath(DEFAULT_VENDOR_NAMESPACE, 'permissionTypes');
const OWNED = new Set(['admin', 'reporter']);
const SOURCE_IDS = ['s0', 's1', 's2', 's3', 's4', 's5'];
const TARGET_IDS = ['t0', 't1', 't2', 't3', 't4', 't5'];
const MAILS = ['anna@x.com', 'bob@x.com', 'cleo@x.com', 'dan@x.com'];

const mailVariant = fc.tuple(fc.constantFrom(...MAILS), fc.constantFrom('', 'upper', 'space', 'bom')).map(([m, v]) =>
  v === 'upper' ? m.toUpperCase() : v === 'space' ? ` ${m} ` : v === 'bom' ? `${m}\uFEFF` : m,
);
const when = (iso: string | null) => fc.constant(iso);

const sourceUserArb = (id: string) =>
  fc.record({
    accountEnabled: fc.boolean(),
    displayName: fc.constantFrom(null, 'Anna', 'Bob  Berg', 'Cleo\u00A0K'),
    mail: fc.option(mailVariant, { nil: null }),
    upnMail: fc.boolean(),
    department: fc.constantFrom(null, 'Sales', 'Sales\uFEFF', ' Support', 'Sales/EMEA'),
    jobTitle: fc.constantFrom(null, 'Dev', 'Lead'),
    otherMails: fc.subarray(MAILS, { maxLength: 2 }),
    managerId: fc.option(fc.constantFrom(...SOURCE_IDS), { nil: null }),
    employeeLeaveDateTime: fc.oneof(when(null), when('2026-01-01T00:00:00Z'), when('2027-01-01T00:00:00Z')),
  }).map((r): SourceUser => {
    const { upnMail, ...rest } = r;
    // Sometimes the sign-in name is someone else's e-mail: a collision real tenants have.
    const upn = upnMail && r.mail ? (r.department === 'Sales/EMEA' ? MAILS[0] ?? r.mail : r.mail) : `${id}@x.com`;
    return sourceUser(id, { ...rest, userPrincipalName: upn });
  });

const targetUserArb = (id: string) =>
  fc.record({
    externalId: fc.constantFrom(null, null, 's0', 's1', 's2', 's-gone', 'okta-1'),
    userName: fc.oneof(mailVariant, fc.constant(`${id}@lms`)),
    extraEmail: fc.option(mailVariant, { nil: null }),
    active: fc.boolean(),
    department: fc.constantFrom<string[] | undefined>(undefined, ['Sales'], ['Sales\uFEFF'], ['Old']),
    permissions: fc.subarray(['Admin', 'Reporter', 'Course Creator']),
  }).map((r): TargetUser =>
    targetUser(id, {
      externalId: r.externalId,
      userName: r.userName,
      emails: [r.userName, ...(r.extraEmail ? [r.extraEmail] : [])],
      active: r.active,
      attributes: { ...(r.department ? { [ScimPath.department]: r.department } : {}), [PERMS]: r.permissions },
    }),
  );

interface World {
  users: SourceUser[];
  targets: TargetUser[];
  links: Link[];
  others: Link[];
  config: PlanConfig;
  g1: string[];
  g2: string[];
  g3: string[];
}

const worldArb: fc.Arbitrary<World> = fc
  .record({
    users: fc.subarray(SOURCE_IDS, { minLength: 1 }).chain((ids) => fc.tuple(...ids.map(sourceUserArb))),
    targets: fc.subarray(TARGET_IDS).chain((ids): fc.Arbitrary<TargetUser[]> => (ids.length ? fc.tuple(...ids.map(targetUserArb)) : fc.constant([]))),
    linkPairs: fc.array(fc.tuple(fc.constantFrom(...SOURCE_IDS, 's-gone'), fc.constantFrom(...TARGET_IDS, 't-deleted')), { maxLength: 5 }),
    otherClaim: fc.option(fc.constantFrom(...TARGET_IDS), { nil: null }),
    g1: fc.subarray(SOURCE_IDS),
    g2: fc.subarray(SOURCE_IDS),
    g3: fc.subarray(SOURCE_IDS),
    include: fc.boolean(),
    excludeSupport: fc.boolean(),
    skipList: fc.subarray(['s1', 'bob@x.com', 'CLEO@x.com', 't2@lms', 's-gone']),
    deactivateUsers: fc.boolean(),
    useLastDay: fc.boolean(),
    changeDepartments: fc.boolean(),
    changePermissions: fc.boolean(),
    delimiter: fc.constantFrom(null, '/'),
    approvers: fc.boolean(),
    defaultJobProfile: fc.constantFrom(null, 'Everyone'),
  })
  .map((r) => {
    // Links as the store keeps them: one per Entra user and one per LMS account.
    const links: Link[] = [];
    for (const [s, t] of r.linkPairs) {
      if (links.some((l) => l.sourceId === s || l.targetId === t)) continue;
      links.push(link(s, t));
    }
    // A linked account carries its owner's id or none (the store and apply keep it so).
    const targets = r.targets.map((t) => {
      const owner = links.find((l) => l.targetId === t.id)?.sourceId;
      return owner !== undefined && t.externalId !== owner ? { ...t, externalId: t.externalId === null ? null : owner } : t;
    });
    const config = planConfig({
      scope: {
        include: r.include ? [{ kind: 'group', groupId: 'g1' }] : [],
        exclude: r.excludeSupport ? [{ kind: 'attribute', attribute: 'department', value: 'support' }] : [],
        skipList: r.skipList,
      },
      deactivation: { deactivateUsers: r.deactivateUsers, useLastDay: r.useLastDay },
      mapping: {
        changeDepartments: r.changeDepartments,
        changePermissions: r.changePermissions,
        department: { pathDelimiter: r.delimiter },
        approversFromManager: r.approvers,
        jobProfile: { defaultJobProfile: r.defaultJobProfile },
        permissions: { groupMap: [{ groupId: 'g3', permissionType: 'Admin' }, { groupId: 'g2', permissionType: 'Reporter' }] },
      },
    });
    const others = r.otherClaim ? [link('s-elsewhere', r.otherClaim, 'int-2')] : [];
    return { users: r.users as SourceUser[], targets, links, others, config, g1: r.g1, g2: r.g2, g3: r.g3 };
  });

function groupsOf(w: World) {
  return [group('g1', 'All Staff', w.g1, ['g2']), group('g2', 'Sales EMEA', w.g2), group('g3', 'LMS Admins', w.g3)];
}

function planWorld(w: World, over: { target?: TargetSnapshot; links?: Link[] } = {}): Plan {
  return plan(sourceSnapshot(w.users, groupsOf(w)), over.target ?? targetSnapshot(w.targets), w.config, over.links ?? w.links, NOW, w.others);
}

const WRITES = new Set(['create', 'update', 'reactivate', 'deactivate']);

describe('plan() properties', () => {
  it('planning again after applying a plan finds nothing more to write', () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        const first = planWorld(w);
        const applied = applyPlanToSnapshot(first, targetSnapshot(w.targets), w.links);
        const second = planWorld(w, applied);
        expect(second.ops.filter((o) => WRITES.has(o.kind))).toEqual([]);
        expect(second.departmentsToCreate).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });

  it('never puts a skip-listed user or account in a plan, in any direction', () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        const skip = new Set(w.config.scope.skipList.map((e) => normaliseEmail(e)));
        const index = buildGroupIndex(groupsOf(w));
        const skippedSources = new Set(w.users.filter((u) => evaluateScope(u, w.config.scope, index).verdict === 'skip_listed').map((u) => u.id));
        for (const id of skip) if (id) skippedSources.add(id);
        const skippedTargets = new Set(
          w.targets
            .filter((t) =>
              [t.userName, ...t.emails, t.externalId].some((k) => skip.has(normaliseEmail(k))) ||
              (t.externalId !== null && skippedSources.has(t.externalId)) ||
              w.links.some((l) => l.targetId === t.id && skippedSources.has(l.sourceId)),
            )
            .map((t) => t.id),
        );
        for (const op of planWorld(w).ops) {
          for (const id of [op.sourceId, ...(op.candidates?.sourceIds ?? [])]) expect(skippedSources.has(id ?? '')).toBe(false);
          for (const id of [op.targetId, ...(op.candidates?.targetIds ?? [])]) expect(skippedTargets.has(id ?? '')).toBe(false);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('never creates a second account for an address the LMS or another new account already has', () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        const taken = new Set(w.targets.flatMap((t) => [t.userName, ...t.emails].map((k) => normaliseEmail(k))));
        const seen = new Set<string | null>();
        for (const op of planWorld(w).ops.filter((o) => o.kind === 'create')) {
          const email = op.changes.find((c) => c.field === ScimPath.email)?.to as string;
          const userName = op.changes.find((c) => c.field === 'userName')?.to as string;
          for (const key of new Set([email, userName])) {
            expect(taken.has(key)).toBe(false);
            expect(seen.has(key)).toBe(false);
            seen.add(key);
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it('never deactivates an LMS account this integration does not own', () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        const owned = new Set(w.links.map((l) => l.targetId));
        for (const op of planWorld(w).ops.filter((o) => o.kind === 'deactivate')) {
          const linksNow = op.changes.some((c) => c.field === 'externalId' && c.to === op.sourceId);
          expect(owned.has(op.targetId ?? '') || (linksNow && op.reason === 'last_day_reached')).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('never removes a permission type the integration does not own', () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        for (const op of planWorld(w).ops) {
          const c = op.changes.find((x) => x.field === PERMS);
          if (!c) continue;
          const before = Array.isArray(c.from) ? c.from : [];
          const after = new Set(Array.isArray(c.to) ? c.to : []);
          for (const p of before) if (!OWNED.has(p.toLowerCase())) expect(after.has(p)).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('gives the same plan whatever the order of users, groups, members, accounts and links', () => {
    fc.assert(
      fc.property(worldArb, fc.integer(), (w, seed) => {
        const random = prng(seed);
        const shuffle = <T,>(xs: readonly T[]): T[] =>
          xs.map((x) => [random(), x] as const).sort((a, b) => a[0] - b[0]).map(([, x]) => x);
        const groups = shuffle(groupsOf(w)).map((g) => ({ ...g, memberUserIds: shuffle(g.memberUserIds), memberGroupIds: shuffle(g.memberGroupIds) }));
        const shuffled = plan(sourceSnapshot(shuffle(w.users), groups), targetSnapshot(shuffle(w.targets)), w.config, shuffle(w.links), NOW, shuffle(w.others));
        expect(shuffled).toEqual(planWorld(w));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps every op explained: a reason code, one sentence, and changes only on writes', () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        for (const op of planWorld(w).ops) {
          expect(op.reason).toMatch(/^[a-z_]+$/);
          expect(op.detail).toMatch(/\.$/);
          if (op.kind === 'conflict' || op.kind === 'skip') expect(op.changes).toEqual([]);
          if (op.kind === 'conflict') expect(op.candidates?.sourceIds).toContain(op.sourceId);
        }
      }),
      { numRuns: 200 },
    );
  });
});
