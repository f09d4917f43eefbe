/**
 * plan(): two snapshots, the settings and the link table in; the Plan (DESIGN.md §2) out.
 * Pure and linear: every lookup goes through a Map built once, and the result does not depend
 * on the order of the input lists.
 */
import type { IntegrationConfig } from './config';
import { departmentsToCreate, existingDepartmentPaths } from './departments';
import { sameValue } from './diff';
import { buildGroupIndex } from './groups';
import { evaluateGuards } from './guards';
import { mappedEmail, mappedUserName, mapUser, mergePermissionTypes, toggledFields, vendorField, type MappedUser } from './mapping';
import { mapBy, matchUsers, targetKeys, type MatchCandidate } from './matching';
import {
  ScimPath,
  type AttrValue,
  type FieldChange,
  type Link,
  type Plan,
  type PlanOp,
  type PlanSummary,
  type SourceSnapshot,
  type SourceUser,
  type TargetSnapshot,
  type TargetUser,
} from './model';
import { cleanText, normaliseEmail } from './normalise';
import * as say from './ops';
import { evaluateScope, prepareSkipList, scopeVerdict, type ScopeExplanation } from './scope';

/** What plan() reads from the settings; a full IntegrationConfig & {id} fits. */
export type PlanConfig = Pick<IntegrationConfig, 'scope' | 'deactivation' | 'mapping'> & { id: string };

/** The field apply() turns into setActive(); shown in changes so the diff says it. */
export const ACTIVE_FIELD = 'active';
export const EXTERNAL_ID_FIELD = 'externalId';
export const USER_NAME_FIELD = 'userName';

/** Whether "Last Day" has come: employeeLeaveDateTime is at or before now. */
export function lastDayReached(user: SourceUser, now: Date): boolean {
  if (!user.employeeLeaveDateTime) return false;
  const at = Date.parse(user.employeeLeaveDateTime);
  return !Number.isNaN(at) && at <= now.getTime();
}

/** What the LMS account holds for a field; the e-mail falls back to the primary address. */
function currentValue(t: TargetUser, field: string): AttrValue | undefined {
  if (field === USER_NAME_FIELD) return t.userName;
  const value = t.attributes[field];
  if (value === undefined && field === ScimPath.email) return t.emails[0] ?? null;
  return value;
}

const NOTHING: ReadonlySet<string> = new Set();

/**
 * The users-phase changes: what the mapping wants (userName, the mapped attributes, the merged
 * permission types, in that order) against what the LMS account has (nothing for a create).
 * Compared in place, without building the desired record first: this runs for every user.
 */
function userChanges(m: MappedUser, t: TargetUser | null, permissionsField: string | null, leaveAlone: ReadonlySet<string>): FieldChange[] {
  const changes: FieldChange[] = [];
  const consider = (field: string, to: AttrValue): void => {
    if (leaveAlone.has(field)) return;
    const from = t ? (currentValue(t, field) ?? null) : null;
    if (!sameValue(field, from, to)) changes.push({ field, from, to });
  };
  consider(USER_NAME_FIELD, m.userName);
  for (const field in m.attributes) consider(field, m.attributes[field] ?? null);
  if (m.permissions && permissionsField) consider(permissionsField, mergePermissionTypes(t?.attributes[permissionsField], m.permissions));
  return changes;
}

const NO_EXTRAS = {};

/**
 * Per-user working state, kept on one object: at 100k users, fewer Map lookups is faster. The
 * mapped user is not kept: it is made when the person's op is, so its garbage dies young.
 */
interface Candidate extends MatchCandidate {
  userName: string;
  displayName: string | null;
  /** The LMS userName the person has once the plan is applied (null: no LMS account). */
  userNameAfter: string | null;
  /** The person's users-phase op, so relation warnings can be attached to it. */
  op: PlanOp | null;
  unchanged: boolean;
}

interface SourceEntry {
  user: SourceUser;
  /** Set when the user is in scope and enabled. */
  c: Candidate | null;
}

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

function compareOps(a: PlanOp, b: PlanOp): number {
  return order(a.email ?? '', b.email ?? '') || order(a.sourceId ?? '', b.sourceId ?? '') || order(a.targetId ?? '', b.targetId ?? '') || order(a.reason, b.reason);
}

/**
 * Ops in apply order: by kind (relations after users, deactivations after both), then e-mail,
 * source id, target id and reason. One bucket per kind, each sorted field by field: cheaper at
 * 190k ops than one sort on joined string keys.
 */
function sortOps(ops: readonly PlanOp[]): PlanOp[] {
  const buckets: PlanOp[][] = Array.from({ length: LAST_RANK + 1 }, () => []);
  for (const op of ops) buckets[KIND_ORDER[op.phase === 'relations' ? 'relations' : op.kind] ?? LAST_RANK]?.push(op);
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
  const { scope, deactivation, mapping } = config;
  const caps = target.capabilities;
  const groups = buildGroupIndex(source.groups);
  // Sorted so a (corrupt) duplicate link or two claiming integrations resolve the same way
  // whatever order the store returned them in.
  const ours = sortLinks(links.filter((l) => l.integrationId === config.id));
  const linkBySource = mapBy(ours, (l) => l.sourceId);
  const others = sortLinks([...otherIntegrationsLinks, ...links].filter((l) => l.integrationId !== config.id)).reverse();
  const ops: PlanOp[] = [];
  const lastDayOn = deactivation.useLastDay;

  // --- Scope -------------------------------------------------------------------------------
  const sourceById = new Map<string, SourceEntry>();
  const skippedSources = new Set<string>();
  const candidates: Candidate[] = [];
  let inScope = 0;
  // The full scope explanation is built only for the sentences that need it.
  const explain = (user: SourceUser): ScopeExplanation => evaluateScope(user, scope, groups);
  const mappingContext = { mapping, capabilities: caps, groups, jobProfiles: target.jobProfiles };
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
    entry.c = { user, email: mappedEmail(user), userName: mappedUserName(user), displayName: null, userNameAfter: null, op: null, unchanged: false };
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
  const targets = target.users.filter((t) => !skippedTargets.has(t.id));
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

  const permissionsField = vendorField(caps, 'permissionTypes');
  const leaveAloneOnUpdate = toggledFields(mapping, caps);
  const inConflict = new Set<string>();
  /** Users whose relations we write, with their LMS account (null while it is being created). */
  const relationsFor: { c: Candidate; t: TargetUser | null }[] = [];
  const deactivations: PlanOp[] = [];
  /** Source ids of relations ops for people without a users-phase op of their own (see summary). */
  const uncoveredRelations: string[] = [];
  const wantedDepartments: string[][] = [];
  let droppedCreates = 0;
  const push = (op: PlanOp): PlanOp => {
    ops.push(op);
    return op;
  };
  const noteDepartment = (changes: FieldChange[]): void => {
    for (const c of changes) if (c.field === ScimPath.department && Array.isArray(c.to) && c.to.length > 0) wantedDepartments.push(c.to);
  };

  candidates.forEach((c, i) => {
    const { user } = c;
    const m = mapUser(user, mappingContext);
    c.displayName = m.displayName;
    const result = results[i];
    if (!result) return;
    const sourceId = user.id;
    const { email, displayName } = m;
    const extras = m.notices.length || m.warnings.length ? { ...(m.notices.length ? { notices: m.notices } : {}), ...(m.warnings.length ? { warnings: m.warnings } : {}) } : NO_EXTRAS;
    const leaving = lastDayOn && lastDayReached(user, now);

    if (result.kind === 'conflict') {
      for (const id of result.targetIds) inConflict.add(id);
      const accounts = result.targetIds.flatMap((id) => {
        const t = targetById.get(id);
        return t ? [{ id, userName: t.userName, email: t.emails[0] ?? null, active: t.active, externalId: t.externalId }] : [];
      });
      push({ sourceId, email, displayName, phase: 'users', kind: 'conflict', targetId: result.targetIds[0] ?? null, reason: result.reason, detail: result.detail, changes: [], candidates: { sourceIds: result.sourceIds, targetIds: result.targetIds, accounts } });
      return;
    }
    if (result.kind === 'create') {
      if (leaving) return; // nobody is created on or after their last day
      if (!target.complete) {
        droppedCreates++;
        return;
      }
      const changes = userChanges(m, null, permissionsField, NOTHING);
      changes.unshift({ field: EXTERNAL_ID_FIELD, from: null, to: user.id });
      noteDepartment(changes);
      const staleLink = linkBySource.get(user.id);
      c.op = push({ sourceId, email, displayName, phase: 'users', ...extras, kind: 'create', targetId: null, reason: result.reason, detail: say.created(m, explain(user), result.reason, staleLink?.targetId ?? null), changes });
      c.userNameAfter = m.userName;
      relationsFor.push({ c, t: null });
      return;
    }

    const t = result.target;
    const newlyLinked = result.via !== 'link';
    // A change on externalId is how an op says "link this account at apply": it is present for
    // every newly matched account, even when the LMS already carries the id (from = to).
    const idDiffers = t.externalId === null || t.externalId.trim().toLowerCase() !== user.id.toLowerCase();
    // A linked account carrying ANOTHER current Entra user's id is a conflict for that user;
    // rewriting the id here would settle it silently, so it is left for the admin.
    const idOfOther = !newlyLinked && idDiffers && t.externalId !== null && sourceById.has(t.externalId) && !skippedSources.has(t.externalId);
    const linkChange: FieldChange[] = (newlyLinked || idDiffers) && !idOfOther ? [{ field: EXTERNAL_ID_FIELD, from: t.externalId, to: user.id }] : [];
    if (leaving) {
      c.userNameAfter = t.userName; // still in the LMS (inactive): can be someone's manager
      if (t.active) deactivations.push({ sourceId, email, displayName, phase: 'users', targetId: t.id, kind: 'deactivate', reason: 'last_day_reached', detail: say.lastDay(m.displayName ?? m.email, user), changes: [...linkChange, { field: ACTIVE_FIELD, from: 'true', to: 'false' }] });
      return;
    }
    const fieldChanges = userChanges(m, t, permissionsField, leaveAloneOnUpdate);
    const changes = linkChange.length > 0 ? [...linkChange, ...fieldChanges] : fieldChanges;
    noteDepartment(changes);
    c.userNameAfter = m.userName;
    relationsFor.push({ c, t });
    if (!t.active) {
      const reason = newlyLinked ? 'link_existing' : 'back_in_scope';
      c.op = push({ sourceId, email, displayName, phase: 'users', targetId: t.id, ...extras, kind: 'reactivate', reason, detail: say.reactivated(m, explain(user), t, result.via), changes: [{ field: ACTIVE_FIELD, from: 'false', to: 'true' }, ...changes] });
    } else if (changes.length > 0) {
      const reason = newlyLinked ? 'link_existing' : 'attributes_changed';
      const detail = newlyLinked ? say.linked(m, t, result.via) : say.updated(m, fieldChanges);
      // A plain literal when there is nothing extra (most people): V8 can then allocate the
      // op straight into the old generation instead of copying it through every scavenge.
      c.op = push(
        extras === NO_EXTRAS
          ? { sourceId, email, displayName, phase: 'users', targetId: t.id, kind: 'update', reason, detail, changes }
          : { sourceId, email, displayName, phase: 'users', targetId: t.id, ...extras, kind: 'update', reason, detail, changes },
      );
    } else {
      c.unchanged = true;
    }
  });

  // --- Relations: manager and approvers, once every user exists -----------------------------
  const managerField = mapping.manager && caps.enterpriseExtension ? ScimPath.manager : null;
  const approversField = mapping.approversFromManager ? vendorField(caps, 'approvers') : null;
  if (managerField || approversField) {
    for (const { c, t } of relationsFor) {
      const { user } = c;
      const sourceId = user.id;
      let managerName: string | null = null;
      let known = true;
      if (user.managerId !== null) {
        const linked = linkBySource.get(user.managerId);
        managerName = sourceById.get(user.managerId)?.c?.userNameAfter ?? (linked ? targetById.get(linked.targetId)?.userName ?? null : null);
        known = managerName !== null;
      }
      if (!known) {
        const op = c.op;
        const warning = { code: 'manager_not_in_lms', message: 'The manager in Entra has no LMS account (not in scope, or not created yet), so the manager is left as it is.' };
        if (op) op.warnings = [...(op.warnings ?? []), warning];
        continue;
      }
      const changes: FieldChange[] = [];
      if (managerField) {
        const from = t?.attributes[managerField] ?? null;
        if (!sameValue(managerField, from, managerName)) changes.push({ field: managerField, from, to: managerName });
      }
      if (approversField) {
        const from = t?.attributes[approversField] ?? null;
        const to = managerName === null ? [] : [managerName];
        if (!sameValue(approversField, from, to)) changes.push({ field: approversField, from, to });
      }
      if (changes.length === 0) continue;
      c.unchanged = false; // a user whose only change is the manager is not "unchanged"
      if (c.op === null) uncoveredRelations.push(sourceId);
      ops.push({ kind: 'update', phase: 'relations', sourceId, targetId: t?.id ?? null, email: c.email, displayName: c.displayName, reason: 'relations_changed', detail: say.relations(c, managerName), changes });
    }
  }

  // --- Owned accounts that are no longer wanted -----------------------------------------------
  const otherByTarget = mapBy(others, (l) => l.targetId);
  let owned = 0;
  for (const link of ours) {
    const t = targetById.get(link.targetId);
    if (!t || isSkippedSource(link.sourceId)) continue;
    owned++;
    if (inConflict.has(t.id) || !t.active) continue;
    const entry = sourceById.get(link.sourceId);
    if (entry?.c) continue; // in scope and enabled: handled above (or in conflict)
    const user = entry?.user;
    const name = user ? (cleanText(user.displayName) ?? user.userPrincipalName) : t.userName;
    const base = { phase: 'users' as const, sourceId: link.sourceId, targetId: t.id, email: (user ? normaliseEmail(user.mail) ?? normaliseEmail(user.userPrincipalName) : null) ?? normaliseEmail(t.emails[0]) ?? t.userName, displayName: name, changes: [] as FieldChange[] };
    const e = user ? explain(user) : undefined;
    const why = !user ? 'gone_from_entra' : !user.accountEnabled ? 'disabled_in_entra' : 'left_scope';
    const active: FieldChange = { field: ACTIVE_FIELD, from: 'true', to: 'false' };
    if (user && lastDayOn && lastDayReached(user, now)) {
      deactivations.push({ ...base, kind: 'deactivate', reason: 'last_day_reached', detail: say.lastDay(name, user), changes: [active] });
    } else if (!deactivation.deactivateUsers) {
      ops.push({ ...base, kind: 'skip', reason: `${why === 'gone_from_entra' ? 'gone' : why === 'disabled_in_entra' ? 'disabled' : 'left_scope'}_deactivation_off`, detail: say.keptActive(name, why, e) });
    } else if (otherByTarget.has(t.id)) {
      ops.push({ ...base, kind: 'skip', reason: 'shared_with_other_integration', detail: say.shared(name, why, otherByTarget.get(t.id)?.integrationId ?? '') });
    } else {
      deactivations.push({ ...base, kind: 'deactivate', reason: why, detail: say.deactivated(name, why, e), changes: [active] });
    }
  }
  // Never deactivate from an incomplete read: the missing users may only be missing from the read.
  const droppedDeactivations = source.complete ? 0 : deactivations.length;
  if (source.complete) ops.push(...deactivations);

  // --- Departments, order, summary, guards --------------------------------------------------
  const toCreate =
    caps.departments && target.departments !== null
      ? departmentsToCreate(wantedDepartments, existingDepartmentPaths(target.departments))
      : [];
  const sorted = sortOps(ops);
  let unchanged = 0;
  for (const c of candidates) if (c.unchanged) unchanged++;
  const summary: PlanSummary = { create: 0, update: 0, deactivate: 0, reactivate: 0, conflict: 0, skip: 0, unchanged };
  // The summary counts people: a manager/approver write for someone created or updated in this
  // plan is part of that change, not one more update.
  // Relations ops are all updates. Someone with a users-phase op of their own is counted by it;
  // for the others, every users-phase op is looked at (a damaged snapshot may repeat an id).
  for (const op of ops) if (op.phase !== 'relations') summary[op.kind]++;
  if (uncoveredRelations.length > 0) {
    const usersPhase = new Set<string>();
    for (const op of ops) if (op.phase === 'users' && op.sourceId !== null) usersPhase.add(op.sourceId);
    for (const id of uncoveredRelations) if (!usersPhase.has(id)) summary.update++;
  }
  const guards = evaluateGuards({
    sourceComplete: source.complete,
    sourceIncompleteReason: source.incompleteReason,
    targetComplete: target.complete,
    targetIncompleteReason: target.incompleteReason,
    droppedDeactivations,
    droppedCreates,
    inScope,
    owned,
    deactivations: summary.deactivate,
    thresholdCount: deactivation.thresholdCount,
    thresholdPercent: deactivation.thresholdPercent,
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
