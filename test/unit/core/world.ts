/**
 * Small random tenants that collide on purpose (shared e-mails, case and hidden-character
 * variants, nested groups, stale links, foreign ids, another integration's claims), for the
 * property tests of plan() and replan().
 */
import fc from 'fast-check';
import { DEFAULT_VENDOR_NAMESPACE, ScimPath, vendorPath, type Link, type Plan, type SourceSnapshot, type SourceUser, type TargetSnapshot, type TargetUser } from '../../../src-main/core/model';
import { planWithMemo, type PlanConfig } from '../../../src-main/core/plan';
import { pushGroupsAfterPlan } from '../../../src-main/core/push-groups';
import { capabilities, group, link, planConfig, sourceSnapshot, sourceUser, targetSnapshot, targetUser } from '../../../src-main/core/testing/builders';
import { NOW } from './helpers';

export const PERMS = vendorPath(DEFAULT_VENDOR_NAMESPACE, 'permissionTypes');
export const JOB_PROFILE = vendorPath(DEFAULT_VENDOR_NAMESPACE, 'jobProfile');
/** The permission types the world's mapping owns: its group map's, and its value map's when an attribute is set. */
export const ownedIn = (w: Pick<World, 'config'>): ReadonlySet<string> => {
  const p = w.config.mapping.permissions;
  return new Set([...p.groupMap, ...(p.attribute === null ? [] : p.valueMap)].map((m) => m.permissionType.toLowerCase()));
};
/** The Entra attribute the world's approvers come from when the mapping says so. */
export const APPROVERS_ATTRIBUTE = 'extension_0123456789abcdef0123456789abcdef_approvers';
export const SOURCE_IDS = ['s0', 's1', 's2', 's3', 's4', 's5'];
export const TARGET_IDS = ['t0', 't1', 't2', 't3', 't4', 't5'];
export const MAILS = ['anna@x.com', 'bob@x.com', 'cleo@x.com', 'dan@x.com'];

export const mailVariant = fc.tuple(fc.constantFrom(...MAILS), fc.constantFrom('', 'upper', 'space', 'bom')).map(([m, v]) =>
  v === 'upper' ? m.toUpperCase() : v === 'space' ? ` ${m} ` : v === 'bom' ? `${m}\uFEFF` : m,
);
export const when = (iso: string | null) => fc.constant(iso);

export const sourceUserArb = (id: string) =>
  fc.record({
    accountEnabled: fc.boolean(),
    displayName: fc.constantFrom(null, 'Anna', 'Bob  Berg', 'Cleo\u00A0K'),
    mail: fc.option(mailVariant, { nil: null }),
    upnMail: fc.boolean(),
    department: fc.constantFrom(null, 'Sales', 'Sales\uFEFF', ' Support', 'Sales/EMEA'),
    jobTitle: fc.constantFrom(null, 'Dev', 'Lead'),
    otherMails: fc.subarray(MAILS, { maxLength: 2 }),
    managerId: fc.option(fc.constantFrom(...SOURCE_IDS), { nil: null }),
    // Approvers by address (someone's e-mail or sign-in name, in any case, or nobody's), for an approvers attribute.
    approvers: fc.option(fc.subarray(['s0@x.com', 'S1@X.com', 's2@x.com', 's3@x.com', 'anna@x.com', 'nobody@x.com'], { minLength: 1, maxLength: 3 }).map((a) => a.join('; ')), { nil: null, freq: 4 }),
    employeeLeaveDateTime: fc.oneof(when(null), when('2026-01-01T00:00:00Z'), when('2027-01-01T00:00:00Z')),
  }).map((r): SourceUser => {
    const { upnMail, approvers, ...rest } = r;
    // Sometimes the sign-in name is someone else's e-mail: a collision real tenants have.
    const upn = upnMail && r.mail ? (r.department === 'Sales/EMEA' ? MAILS[0] ?? r.mail : r.mail) : `${id}@x.com`;
    return sourceUser(id, { ...rest, userPrincipalName: upn, extra: { [APPROVERS_ATTRIBUTE]: approvers } });
  });

export const targetUserArb = (id: string) =>
  fc.record({
    externalId: fc.constantFrom(null, null, 's0', 's1', 's2', 's-gone', 'okta-1'),
    userName: fc.oneof(mailVariant, fc.constant(`${id}@lms`)),
    extraEmail: fc.option(mailVariant, { nil: null }),
    active: fc.boolean(),
    department: fc.constantFrom<string[] | undefined>(undefined, ['Sales'], ['Sales\uFEFF'], ['Old']),
    permissions: fc.subarray(['Admin', 'Reporter', 'Course Creator']),
    // None, the default, one set by hand, or what a title maps to.
    jobProfile: fc.constantFrom<string | null | undefined>(undefined, null, 'Everyone', 'Hand-picked', 'Developer'),
    // The work address: the first, or the other one the account has.
    workIsExtra: fc.boolean(),
  }).map((r): TargetUser => {
    const emails = [r.userName, ...(r.extraEmail ? [r.extraEmail] : [])];
    const work = r.workIsExtra && r.extraEmail ? r.extraEmail : undefined;
    return targetUser(id, {
      externalId: r.externalId,
      userName: r.userName,
      emails,
      active: r.active,
      attributes: {
        ...(r.department ? { [ScimPath.department]: r.department } : {}),
        [PERMS]: r.permissions,
        ...(r.jobProfile !== undefined ? { [JOB_PROFILE]: r.jobProfile } : {}),
        ...(work ? { [ScimPath.email]: work } : {}),
      },
    });
  });

export interface World {
  users: SourceUser[];
  targets: TargetUser[];
  links: Link[];
  others: Link[];
  config: PlanConfig;
  /** What the LMS says of itself: its permission types (spelled its way), whether approvers are e-mails. */
  lms: Pick<TargetSnapshot, 'permissionTypes' | 'capabilities' | 'groups'>;
  g1: string[];
  g2: string[];
  g3: string[];
}

export const worldArb: fc.Arbitrary<World> = fc
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
    approversFromAttribute: fc.boolean(),
    defaultJobProfile: fc.constantFrom(null, 'Everyone'),
    defaultForNewOnly: fc.boolean(),
    // Job profiles and permission types by title as well as by group; one person included by address.
    byTitle: fc.boolean(),
    includeOne: fc.option(fc.constantFrom('s3', 'CLEO@x.com'), { nil: null }),
    // Mostly on, as nearly every setup has them.
    createUsers: fc.constantFrom(true, true, true, false),
    updateUsers: fc.constantFrom(true, true, true, false),
    under: fc.constantFrom<string[]>([], [], ['Sales']),
    approversByEmail: fc.boolean(),
    // All Staff pushed to the LMS group "Staff": none there yet, or one with some accounts (any case).
    pushGroup: fc.boolean(),
    lmsGroup: fc.option(fc.record({ name: fc.constantFrom('Staff', 'STAFF'), memberIds: fc.subarray(TARGET_IDS) }), { nil: null }),
    flatDepartments: fc.constantFrom(false, false, false, true),
    // None listed (types are not checked), spelled as the mapping does, in another case, or one missing.
    permissionTypes: fc.constantFrom<string[] | null>(null, ['Admin', 'Reporter', 'Course Creator'], ['ADMIN', 'reporter', 'Course Creator'], ['Reporter']),
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
        include: [...(r.include ? [{ kind: 'group' as const, groupId: 'g1' }] : []), ...(r.includeOne ? [{ kind: 'user' as const, value: r.includeOne }] : [])],
        exclude: r.excludeSupport ? [{ kind: 'attribute', attribute: 'department', value: 'support' }] : [],
        skipList: r.skipList,
      },
      deactivation: { deactivateUsers: r.deactivateUsers, useLastDay: r.useLastDay },
      mapping: {
        createUsers: r.createUsers,
        updateUsers: r.updateUsers,
        changeDepartments: r.changeDepartments,
        changePermissions: r.changePermissions,
        department: { pathDelimiter: r.delimiter, under: r.under },
        approversFromManager: r.approvers,
        approversAttribute: r.approversFromAttribute ? APPROVERS_ATTRIBUTE : null,
        pushGroups: r.pushGroup ? [{ groupId: 'g1', groupName: 'All Staff', lmsGroup: 'Staff' }] : [],
        jobProfile: { defaultJobProfile: r.defaultJobProfile, defaultForNewOnly: r.defaultForNewOnly, ...(r.byTitle ? { attribute: 'jobTitle', valueMap: [{ value: 'dev', jobProfile: 'Developer' }] } : {}) },
        permissions: {
          groupMap: [{ groupId: 'g3', permissionType: 'Admin' }, { groupId: 'g2', permissionType: 'Reporter' }],
          ...(r.byTitle ? { attribute: 'jobTitle', valueMap: [{ value: 'Lead', permissionType: 'Course Creator' }, { value: 'lead', permissionType: 'Reporter' }] } : {}),
        },
      },
    });
    const others = r.otherClaim ? [link('s-elsewhere', r.otherClaim, 'int-2')] : [];
    const lms = {
      permissionTypes: r.permissionTypes === null ? null : r.permissionTypes.map((name, i) => ({ id: `p${i}`, name })),
      capabilities: capabilities({ approversByEmail: r.approversByEmail, flatDepartments: r.flatDepartments, groups: true }),
      groups: r.lmsGroup ? [{ id: 'lg-1', displayName: r.lmsGroup.name, memberIds: r.lmsGroup.memberIds.filter((id) => r.targets.some((t) => t.id === id)) }] : [],
    };
    return { users: r.users as SourceUser[], targets, links, others, config, lms, g1: r.g1, g2: r.g2, g3: r.g3 };
  });

export function groupsOf(w: World) {
  return [group('g1', 'All Staff', w.g1, ['g2']), group('g2', 'Sales EMEA', w.g2), group('g3', 'LMS Admins', w.g3)];
}

/** The world's LMS as read: its accounts, and what it says of itself. */
export function lmsOf(w: World, over: Partial<TargetSnapshot> = {}): TargetSnapshot {
  return targetSnapshot(w.targets, { ...w.lms, ...over });
}

/** The plan as a run makes it: plan(), then the pushed groups. */
export function planAsRun(source: SourceSnapshot, target: TargetSnapshot, config: PlanConfig, links: readonly Link[], others: readonly Link[]): Plan {
  const made = planWithMemo(source, target, config, links, NOW, others);
  const groups = pushGroupsAfterPlan(made.memo, config.mapping.pushGroups);
  return groups.length > 0 ? { ...made.plan, groups } : made.plan;
}

export function planWorld(w: World, over: { target?: TargetSnapshot; links?: Link[] } = {}): Plan {
  return planAsRun(sourceSnapshot(w.users, groupsOf(w)), over.target ?? lmsOf(w), w.config, over.links ?? w.links, w.others);
}
