/**
 * plan(): two snapshots, the settings and the link table in; the Plan (DESIGN.md §2) out.
 * Pure and linear: every lookup goes through a Map built once, and the result does not depend
 * on the order of the input lists.
 */
import type { IntegrationConfig } from './config';
import { departmentsToCreate, existingDepartmentPaths } from './departments';
import { buildGroupIndex } from './groups';
import { evaluateGuards } from './guards';
import { mappedEmail, mappedUserName, toggledFields, vendorField } from './mapping';
import { mapBy, matchUsers, targetKeys } from './matching';
import { ScimPath, type Link, type Plan, type PlanOp, type PlanSummary, type SourceSnapshot, type TargetSnapshot, type TargetUser } from './model';
import { DROPPED_CREATE, newCandidate, ownedAccountOp, relationsPhase, usersPhase, wantedDepartments, type Candidate, type PersonContext, type SourceEntry } from './plan-person';
import { prepareSkipList, scopeVerdict } from './scope';

/** What plan() reads from the settings; a full IntegrationConfig & {id} fits. */
export type PlanConfig = Pick<IntegrationConfig, 'scope' | 'deactivation' | 'mapping'> & { id: string };

export { ACTIVE_FIELD, EXTERNAL_ID_FIELD, USER_NAME_FIELD, lastDayReached } from './plan-person';

/** Plain string order (what `<` gives), for comparators. */
function order(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Links in a stable order: integration, source id, target id. Compared field by field: building
 * a joined key per link costs more at 100k than the comparisons (ids never contain U+0000, so
 * this is the order of the joined keys).
 */
function sortLinks(links: readonly Link[]): Link[] {
  return [...links].sort((a, b) => order(a.integrationId, b.integrationId) || order(a.sourceId, b.sourceId) || order(a.targetId, b.targetId));
}

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
  /** This integration's links by LMS account. */
  linkByTarget: ReadonlyMap<string, Link>;
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
  // Sorted so a (corrupt) duplicate link or two claiming integrations resolve the same way
  // whatever order the store returned them in.
  const ours = sortLinks(links.filter((l) => l.integrationId === config.id));
  const linkBySource = mapBy(ours, (l) => l.sourceId);
  const others = sortLinks([...otherIntegrationsLinks, ...links].filter((l) => l.integrationId !== config.id)).reverse();
  const ops: PlanOp[] = [];

  // --- Scope -------------------------------------------------------------------------------
  const sourceById = new Map<string, SourceEntry>();
  const skippedSources = new Set<string>();
  const candidates: Candidate[] = [];
  let inScope = 0;
  for (const user of source.users) {
    const entry: SourceEntry = { user, c: null };
    sourceById.set(user.id, entry);
    const verdict = scopeVerdict(user, scope, groups);
    if (verdict === 'skip_listed') {
      skippedSources.add(user.id);
      continue;
    }
    if (verdict !== 'included') continue;
    inScope++;
    if (!user.accountEnabled) continue;
    entry.c = newCandidate(user, mappedEmail(user), mappedUserName(user));
    candidates.push(entry.c);
  }

  // --- Skip list on the LMS side: those accounts are invisible, their addresses reserved ------
  const skipKeys = prepareSkipList(scope.skipList);
  const linkByTarget = mapBy(ours, (l) => l.targetId);
  const skippedTargets = new Set<string>();
  const reservedKeys = new Set<string>();
  // An id on the skip list counts even when that Entra user is gone from the snapshot.
  const isSkippedSource = (id: string): boolean => skippedSources.has(id) || (skipKeys.size > 0 && skipKeys.has(id.toLowerCase()));
  const anySkipped = skipKeys.size > 0 || skippedSources.size > 0;
  for (const t of anySkipped ? target.users : []) {
    const keys = targetKeys(t);
    const ext = t.externalId?.trim().toLowerCase() ?? null;
    const linkedTo = linkByTarget.get(t.id)?.sourceId;
    const skipped =
      keys.some((k) => skipKeys.has(k)) ||
      (ext !== null && (skipKeys.has(ext) || skippedSources.has(t.externalId ?? ''))) ||
      (linkedTo !== undefined && isSkippedSource(linkedTo));
    if (!skipped) continue;
    skippedTargets.add(t.id);
    for (const k of keys) reservedKeys.add(k);
  }
  const targets = anySkipped ? target.users.filter((t) => !skippedTargets.has(t.id)) : target.users;
  const targetById = mapBy(targets, (t) => t.id);

  // --- Matching ------------------------------------------------------------------------------
  const results = matchUsers({
    candidates,
    sourceIds: sourceById,
    targets,
    reservedKeys,
    links: anySkipped ? ours.filter((l) => !isSkippedSource(l.sourceId)) : ours,
    otherLinks: others,
    targetById,
    ...(anySkipped ? {} : { linkBySource, linkByTarget }),
  });

  const otherByTarget = mapBy(others, (l) => l.targetId);
  const ctx: PersonContext = {
    now,
    lastDayOn: deactivation.useLastDay,
    deactivateUsers: deactivation.deactivateUsers,
    targetComplete: target.complete,
    scope,
    groups,
    mappingContext: { mapping, capabilities: caps, groups, jobProfiles: target.jobProfiles },
    permissionsField: vendorField(caps, 'permissionTypes'),
    leaveAloneOnUpdate: toggledFields(mapping, caps),
    managerField: mapping.manager && caps.enterpriseExtension ? ScimPath.manager : null,
    approversField: mapping.approversFromManager ? vendorField(caps, 'approvers') : null,
    sourceById,
    skippedSources,
    targetById,
    linkBySource,
    otherByTarget,
  };
  const inConflict = new Set<string>();
  /** Users whose relations we write, with their LMS account (null while it is being created). */
  const relationsFor: { c: Candidate; t: TargetUser | null }[] = [];
  const deactivations: PlanOp[] = [];
  let droppedCreates = 0;

  candidates.forEach((c, i) => {
    const result = results[i];
    if (!result) return;
    if (result.kind === 'conflict') for (const id of result.targetIds) inConflict.add(id);
    const next = usersPhase(c, result, ctx);
    if (c.op) ops.push(c.op);
    else if (c.otherOp?.kind === 'deactivate') deactivations.push(c.otherOp);
    else if (c.otherOp) ops.push(c.otherOp);
    if (next === DROPPED_CREATE) droppedCreates++;
    else if (next.relations) relationsFor.push({ c, t: next.target });
  });

  // --- Relations: manager and approvers, once every user exists -----------------------------
  /** Source ids of relations ops for people without a users-phase op of their own (see summary). */
  const uncoveredRelations: string[] = [];
  if (ctx.managerField || ctx.approversField) {
    for (const { c, t } of relationsFor) {
      relationsPhase(c, t, ctx);
      if (!c.relationsOp) continue;
      if (c.op === null) uncoveredRelations.push(c.user.id);
      ops.push(c.relationsOp);
    }
  }

  // --- Owned accounts that are no longer wanted -----------------------------------------------
  const ownedOps = new Map<string, PlanOp>();
  let owned = 0;
  for (const link of ours) {
    const t = targetById.get(link.targetId);
    if (!t || isSkippedSource(link.sourceId)) continue;
    owned++;
    const op = ownedAccountOp(link, t, ctx, inConflict);
    if (!op) continue;
    ownedOps.set(t.id, op);
    if (op.kind === 'deactivate') deactivations.push(op);
    else ops.push(op);
  }
  // Never deactivate from an incomplete read: the missing users may only be missing from the read.
  const droppedDeactivations = source.complete ? 0 : deactivations.length;
  if (source.complete) ops.push(...deactivations);

  // --- Order, summary, guards -------------------------------------------------------------------
  let unchanged = 0;
  for (const c of candidates) if (c.unchanged) unchanged++;
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
    : sourceById.size !== source.users.length
      ? 'Entra listed someone twice'
      : targetById.size !== target.users.length
        ? 'the LMS listed an account twice'
        : linkBySource.size !== ours.length || linkByTarget.size !== ours.length
          ? 'the link table links someone twice'
          : null;
  return {
    plan: thePlan,
    memo: { plan: thePlan, configKey: planConfigKey(config), links, otherLinks: otherIntegrationsLinks, source, target, ctx, candidates, linkByTarget, inConflict, ownedOps, counts, notReusable },
  };
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
  for (const op of sorted) if (op.phase !== 'relations') summary[op.kind]++;
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
  };
}
