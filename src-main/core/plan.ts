/**
 * plan(): two snapshots, the settings and the link table in; the Plan (DESIGN.md §2) out.
 * Pure and linear: every lookup goes through a Map built once, and the result does not depend
 * on the order of the input lists.
 */
import type { IntegrationConfig } from './config';
import { departmentsToCreate, existingDepartmentPaths, lookalikeDepartments } from './departments';
import { buildGroupIndex, markMembers } from './groups';
import { evaluateGuards } from './guards';
import { mappedEmail, mappedUserName, toggledFields, vendorField } from './mapping';
import { accountsLinkedToMany, mapBy, matchUsers, externalIdKey, targetKeys, type MatchResult } from './matching';
import { attachLinks, indexAccounts, order, sortLinks } from './plan-index';
import { ScimPath, type Link, type Plan, type PlanOp, type PlanSummary, type SourceSnapshot, type TargetSnapshot, type TargetUser } from './model';
import { DROPPED_CREATE, newCandidate, ownedAccountOp, usersPhase, verdictOf, wantedDepartments, type Candidate, type PersonContext, type SourceEntry } from './plan-person';
import { relationFields, relationsPhase, sourceByAddress } from './plan-relations';
import { prepareSkipList } from './scope';

/** What plan() reads from the settings; a full IntegrationConfig & {id} fits. */
export type PlanConfig = Pick<IntegrationConfig, 'scope' | 'deactivation' | 'mapping'> & { id: string };

export { ACTIVE_FIELD, EXTERNAL_ID_FIELD, USER_NAME_FIELD, lastDayReached } from './plan-person';

const KIND_ORDER: Record<string, number> = { create: 0, reactivate: 1, update: 2, relations: 3, deactivate: 4, conflict: 5, skip: 6 };
const LAST_RANK = 9;

/** An op's place among the kinds in apply order (sortOps' bucket). */
export function opRank(op: PlanOp): number {
  return KIND_ORDER[op.phase === 'relations' ? 'relations' : op.kind] ?? LAST_RANK;
}

export function compareOps(a: PlanOp, b: PlanOp): number {
  return order(a.email ?? '', b.email ?? '') || order(a.sourceId ?? '', b.sourceId ?? '') || order(a.targetId ?? '', b.targetId ?? '') || order(a.reason, b.reason);
}

/**
 * Ops in apply order: by kind (relations after users, deactivations after both), then e-mail,
 * source id, target id and reason. One bucket per kind, each sorted field by field: cheaper at
 * 190k ops than one sort on joined string keys.
 */
export function sortOps(ops: readonly PlanOp[]): PlanOp[] {
  const buckets: PlanOp[][] = Array.from({ length: LAST_RANK + 1 }, () => []);
  for (const op of ops) buckets[opRank(op)]?.push(op);
  const sorted: PlanOp[] = [];
  for (const bucket of buckets) for (const op of bucket.sort(compareOps)) sorted.push(op);
  return sorted;
}

export function plan(
  source: SourceSnapshot,
  target: TargetSnapshot,
  config: PlanConfig,
  links: readonly Link[],
  now: Date,
  otherIntegrationsLinks: readonly Link[] = [],
): Plan {
  return planWithMemo(source, target, config, links, now, otherIntegrationsLinks).plan;
}

/**
 * What a plan was made from and the working state behind it, so that a later run can plan only
 * the people who changed (replan.ts). Big (every person's state). Single use: replan() updates
 * it in place into the memo of the plan it makes.
 */
export interface PlanMemo {
  plan: Plan;
  configKey: string;
  links: readonly Link[];
  otherLinks: readonly Link[];
  source: SourceSnapshot;
  target: TargetSnapshot;
  ctx: PersonContext;
  /** In scope and enabled: the people plan() wants in the LMS. */
  candidates: Candidate[];
  /** LMS accounts in a conflict: never deactivated. */
  inConflict: ReadonlySet<string>;
  /** The op for each owned account that is no longer wanted, by LMS id. */
  ownedOps: Map<string, PlanOp>;
  counts: { inScope: number; owned: number; unchanged: number; uncovered: number };
  /** Why a later run cannot build on this plan (a damaged input, a skip list), or null. */
  notReusable: string | null;
}

/** The settings plan() reads, as one string to compare. */
export function planConfigKey(config: PlanConfig): string {
  return JSON.stringify([config.id, config.scope, config.deactivation, config.mapping]);
}

export function planWithMemo(
  source: SourceSnapshot,
  target: TargetSnapshot,
  config: PlanConfig,
  links: readonly Link[],
  now: Date,
  otherIntegrationsLinks: readonly Link[] = [],
): { plan: Plan; memo: PlanMemo } {
  const { scope, deactivation, mapping } = config;
  const caps = target.capabilities;
  const groups = buildGroupIndex(source.groups);
  const ops: PlanOp[] = [];

  // --- Scope -------------------------------------------------------------------------------
  const sourceById = new Map<string, SourceEntry>();
  const skippedSources = new Set<string>();
  const candidates: Candidate[] = [];
  let inScope = 0;
  const entries: SourceEntry[] = new Array<SourceEntry>(source.users.length);
  source.users.forEach((user, i) => {
    const entry: SourceEntry = { user, c: null, memberOf: 0, link: null };
    entries[i] = entry;
    sourceById.set(user.id, entry);
  });
  /** A damaged read: Entra listed someone twice (two entries, one id in sourceById). */
  const listedTwice = sourceById.size !== entries.length;
  // The scope's groups as bits on each person (see markMembers); a snapshot listing someone
  // twice has two entries for one id, so then membership is asked of the group index.
  const ruleGroups = [...new Set([...scope.include, ...scope.exclude].flatMap((r) => (r.kind === 'group' ? [r.groupId] : [])))];
  const marked =
    !listedTwice &&
    markMembers(groups, ruleGroups, (userId, bit) => {
      const entry = sourceById.get(userId);
      if (entry) entry.memberOf |= bit;
    });
  const ruleGroupBit = marked ? new Map(ruleGroups.map((id, i) => [id, 1 << i])) : null;
  const verdictCtx = { scope, groups, ruleGroupBit };
  for (const entry of entries) {
    const { user } = entry;
    const verdict = verdictOf(user, entry, verdictCtx);
    if (verdict === 'skip_listed') {
      skippedSources.add(user.id);
      continue;
    }
    if (verdict !== 'included') continue;
    inScope++;
    if (!user.accountEnabled) continue;
    // Most people's e-mail is their sign-in name: normalised once then (a tenth of this loop).
    const email = mappedEmail(user);
    entry.c = newCandidate(user, email, email !== null && user.mail === user.userPrincipalName ? email : mappedUserName(user));
    candidates.push(entry.c);
  }

  // --- LMS accounts, and this integration's links on the people and accounts they name ------
  const accountById = indexAccounts(target.users);
  const { ours, theirs, linkByTarget, goneLinks, damaged: linksDamaged } = attachLinks(links, config.id, sourceById, accountById);
  // Sorted so two claiming integrations resolve the same way whatever order the store returned
  // them in (ours are sorted only when damaged: attachLinks).
  const others = sortLinks([...otherIntegrationsLinks.filter((l) => l.integrationId !== config.id), ...theirs]).reverse();
  // Entra listed someone twice: the link went on the entry the id finds; both candidates have it.
  if (listedTwice) {
    for (const c of candidates) {
      c.link = sourceById.get(c.user.id)?.link ?? null;
      c.linkedAccount = c.link ? (accountById.get(c.link.targetId)?.t ?? null) : null;
    }
  }

  // --- Skip list on the LMS side: those accounts are invisible, their addresses reserved ------
  const skipKeys = prepareSkipList(scope.skipList);
  const skippedTargets = new Set<string>();
  const reservedKeys = new Set<string>();
  // An id on the skip list counts even when that Entra user is gone from the snapshot.
  const isSkippedSource = (id: string): boolean => skippedSources.has(id) || (skipKeys.size > 0 && skipKeys.has(id.toLowerCase()));
  const anySkipped = skipKeys.size > 0 || skippedSources.size > 0;
  for (const t of anySkipped ? target.users : []) {
    const keys = targetKeys(t);
    const ext = externalIdKey(t);
    const linkedTo = accountById.get(t.id)?.link?.sourceId;
    const skipped =
      keys.some((k) => skipKeys.has(k)) ||
      (ext !== null && (skipKeys.has(ext) || skippedSources.has(t.externalId ?? ''))) ||
      (linkedTo !== undefined && isSkippedSource(linkedTo));
    if (!skipped) continue;
    skippedTargets.add(t.id);
    for (const k of keys) reservedKeys.add(k);
  }
  // Skipped accounts are not there for the plan's ops (the people's and accounts' `link` fields
  // still name them; matching is given the filtered lists instead).
  const targets = anySkipped ? target.users.filter((t) => !skippedTargets.has(t.id)) : target.users;
  for (const id of skippedTargets) accountById.delete(id);

  const otherByTarget = mapBy(others, (l) => l.targetId);
  const sharedAccounts = linksDamaged ? accountsLinkedToMany(ours) : new Map<string, string[]>();
  const ctx: PersonContext = {
    now,
    lastDayOn: deactivation.useLastDay,
    deactivateUsers: deactivation.deactivateUsers,
    targetComplete: target.complete,
    scope,
    groups,
    ruleGroupBit,
    mappingContext: { mapping, capabilities: caps, groups, jobProfiles: target.jobProfiles, departments: target.departments, permissionTypes: target.permissionTypes },
    permissionsField: vendorField(caps, 'permissionTypes'),
    leaveAloneOnUpdate: toggledFields(mapping, caps),
    ...relationFields(mapping, caps),
    sourceById,
    skippedSources,
    accountById,
    sharedAccounts,
    goneLinks,
    otherByTarget,
    sourceByAddress: mapping.approversAttribute ? sourceByAddress(entries) : null,
  };
  const inConflict = new Set<string>();
  /** Users whose relations wait for their manager's users phase (null account: being created). */
  const relationsLater: { c: Candidate; t: TargetUser | null }[] = [];
  const deactivations: PlanOp[] = [];
  let droppedCreates = 0;
  let unchanged = 0;
  /** Source ids of relations ops for people without a users-phase op of their own (see summary). */
  const uncoveredRelations: string[] = [];
  const writesRelations = ctx.managerField !== null || ctx.approversField !== null;
  const relations = (c: Candidate, t: TargetUser | null, manager?: SourceEntry): void => {
    relationsPhase(c, t, ctx, manager);
    if (c.unchanged) unchanged++;
    if (!c.relationsOp) return;
    if (c.op === null) uncoveredRelations.push(c.user.id);
    ops.push(c.relationsOp);
  };
  // Someone listed twice has two candidates with one id, whose ops tie in the sort: then everyone
  // is planned in list order after matching, relations after every users phase, as always was.
  const planEarly = !listedTwice;
  /** Links whose person was matched through them: their account is there and wanted. */
  const matchedByLink = new Uint8Array(ours.length);
  /**
   * Accounts matched to someone, when the table is damaged: there another person's link may also
   * name one (matching asks the account's last link only), and it must not be deactivated then.
   */
  const matchedAccounts = linksDamaged ? new Set<string>() : null;
  /**
   * The person's ops once matching has settled them. Their relations follow at once when their
   * manager's users phase is done (their name in the LMS after the plan is then known), else
   * after everyone's: while the person's objects are in the CPU caches, for most people.
   */
  const planPerson = (c: Candidate, result: MatchResult): void => {
    if (result.kind === 'conflict') for (const id of result.targetIds) inConflict.add(id);
    else if (result.kind === 'matched') {
      // A person a damaged table links twice may be matched through another link than theirs.
      if (result.via === 'link' && c.linkAt >= 0 && result.target === c.linkedAccount) matchedByLink[c.linkAt] = 1;
      matchedAccounts?.add(result.target.id);
    }
    const next = usersPhase(c, result, ctx);
    if (c.op) ops.push(c.op);
    else if (c.otherOp?.kind === 'deactivate') deactivations.push(c.otherOp);
    else if (c.otherOp) ops.push(c.otherOp);
    if (next === DROPPED_CREATE) droppedCreates++;
    else if (next.relations && writesRelations) {
      const managerId = c.user.managerId;
      const manager = !planEarly || managerId === null ? undefined : sourceById.get(managerId);
      // Approvers named by address may be anyone: their accounts are known once everyone is matched.
      if (!planEarly || ctx.approversAttribute !== null || (manager?.c && manager.c.result === null)) relationsLater.push({ c, t: next.target });
      else relations(c, next.target, manager);
      return;
    }
    if (c.unchanged) unchanged++;
  };

  // --- Matching, and each person's ops --------------------------------------------------------
  const results = matchUsers({
    candidates,
    sourceIds: sourceById,
    targets,
    reservedKeys,
    ...(scope.confirmedNewAccounts.length > 0 ? { confirmedNewAccounts: new Set(scope.confirmedNewAccounts) } : {}),
    createUsers: mapping.createUsers,
    links: anySkipped ? ours.filter((l) => !isSkippedSource(l.sourceId)) : ours,
    otherLinks: others,
    linksMayRepeat: linksDamaged,
    ...(anySkipped ? {} : { linkByTarget, sharedAccounts, candidatesCarryLinks: true }),
    ...(planEarly ? { onLinkPassResult: (i: number, result: MatchResult) => planPerson(candidates[i] as Candidate, result) } : {}),
  });
  candidates.forEach((c, i) => {
    const result = results[i];
    if (result && c.result === null) planPerson(c, result);
  });
  // --- Relations whose manager came later ---------------------------------------------------
  for (const { c, t } of relationsLater) relations(c, t);

  // --- Owned accounts that are no longer wanted -----------------------------------------------
  const ownedOps = new Map<string, PlanOp>();
  let owned = 0;
  // A damaged table can link one account to two people: it is counted once and gets at most one
  // op (the first its links give, in the sorted order of a damaged table), not one per link.
  const counted = linksDamaged ? new Set<string>() : null;
  const countOnce = (id: string): void => {
    if (!counted) owned++;
    else if (!counted.has(id)) {
      counted.add(id);
      owned++;
    }
  };
  ours.forEach((link, i) => {
    // Nearly everyone: nothing to read, their person has their ops (an account matched through
    // its link is named by no other person's link: matching calls that a conflict; the same row
    // twice is only in a damaged table, counted once).
    if (matchedByLink[i] === 1) {
      countOnce(link.targetId);
      return;
    }
    const t = accountById.get(link.targetId)?.t;
    if (!t || isSkippedSource(link.sourceId)) return;
    countOnce(t.id);
    if (ownedOps.has(t.id) || matchedAccounts?.has(t.id)) return;
    const op = ownedAccountOp(link, t, ctx, inConflict);
    if (!op) return;
    ownedOps.set(t.id, op);
    if (op.kind === 'deactivate') deactivations.push(op);
    else ops.push(op);
  });
  // Never deactivate from an incomplete read: the missing users may only be missing from the read.
  const droppedDeactivations = source.complete ? 0 : deactivations.length;
  if (source.complete) ops.push(...deactivations);

  // --- Order, summary, guards -------------------------------------------------------------------
  // The summary counts people: a manager/approver write for someone created or updated in this
  // plan is part of that change, not one more update.
  // Relations ops are all updates. Someone with a users-phase op of their own is counted by it;
  // for the others, every users-phase op is looked at (a damaged snapshot may repeat an id).
  let uncovered = 0;
  if (uncoveredRelations.length > 0) {
    const usersPhaseIds = new Set<string>();
    for (const op of ops) if (op.phase === 'users' && op.sourceId !== null) usersPhaseIds.add(op.sourceId);
    for (const id of uncoveredRelations) if (!usersPhaseIds.has(id)) uncovered++;
  }
  const counts = { inScope, owned, unchanged, uncovered };
  const thePlan = finishPlan(source, target, config, now, sortOps(ops), counts, { droppedCreates, droppedDeactivations });
  const notReusable = anySkipped
    ? 'a skip list is in use'
    : listedTwice
      ? 'Entra listed someone twice'
      : accountById.size !== target.users.length
        ? 'the LMS listed an account twice'
        : linksDamaged
          ? 'the link table links someone twice'
          : null;
  return {
    plan: thePlan,
    memo: { plan: thePlan, configKey: planConfigKey(config), links, otherLinks: otherIntegrationsLinks, source, target, ctx, candidates, inConflict, ownedOps, counts, notReusable },
  };
}

/** "Below the LMS department" when this plan creates it, and how many people's departments it writes below it. */
function underMissing(under: readonly string[], toCreate: readonly string[][], ops: readonly PlanOp[]): { underMissing: string | null; underPeople: number } {
  const isUnder = (path: readonly string[], depth: number): boolean => path.length >= depth && under.slice(0, depth).every((n, i) => n.toLowerCase() === path[i]?.toLowerCase());
  if (under.length === 0 || !toCreate.some((p) => p.length <= under.length && isUnder(p, p.length))) return { underMissing: null, underPeople: 0 };
  let people = 0;
  for (const op of ops) {
    const to = op.changes.find((c) => c.field === ScimPath.department)?.to;
    if (Array.isArray(to) && to.length > under.length && isUnder(to, under.length)) people++;
  }
  return people === 0 ? { underMissing: null, underPeople: 0 } : { underMissing: under.join(' / '), underPeople: people };
}

/** The plan around its sorted ops: the summary, the departments to create and the guards. */
export function finishPlan(
  source: SourceSnapshot,
  target: TargetSnapshot,
  config: PlanConfig,
  now: Date,
  sorted: PlanOp[],
  counts: PlanMemo['counts'],
  dropped: { droppedCreates: number; droppedDeactivations: number },
): Plan {
  const summary: PlanSummary = { create: 0, update: 0, deactivate: 0, reactivate: 0, conflict: 0, skip: 0, unchanged: counts.unchanged };
  let relationOps = 0;
  for (const op of sorted) {
    if (op.phase !== 'relations') summary[op.kind]++;
    else relationOps++;
  }
  // Someone whose only change is their manager counts as an update; the others' relation writes are extra ops.
  summary.update += counts.uncovered;
  const caps = target.capabilities;
  const toCreate = caps.departments && target.departments !== null ? departmentsToCreate(wantedDepartments(sorted), existingDepartmentPaths(target.departments)) : [];
  const guards = evaluateGuards({
    sourceComplete: source.complete,
    sourceIncompleteReason: source.incompleteReason,
    targetComplete: target.complete,
    targetIncompleteReason: target.incompleteReason,
    droppedDeactivations: dropped.droppedDeactivations,
    droppedCreates: dropped.droppedCreates,
    inScope: counts.inScope,
    owned: counts.owned,
    deactivations: summary.deactivate,
    thresholdCount: config.deactivation.thresholdCount,
    thresholdPercent: config.deactivation.thresholdPercent,
    lastDayUnread: config.deactivation.useLastDay && source.lastDayUnread === true,
    deactivateUsers: config.deactivation.deactivateUsers,
    // A one-level LMS gets only the last level, so "Below the LMS department" is never written there.
    ...underMissing(caps.flatDepartments === true ? [] : config.mapping.department.under, toCreate, sorted),
    lookalikeDepartments: target.departments ? lookalikeDepartments(toCreate, target.departments) : [],
  });
  return {
    integrationId: config.id,
    createdAt: now.toISOString(),
    sourceReadMode: source.readMode,
    targetReadMode: target.readMode,
    summary,
    ops: sorted,
    departmentsToCreate: toCreate,
    guards,
    relationWrites: relationOps - counts.uncovered,
  };
}
