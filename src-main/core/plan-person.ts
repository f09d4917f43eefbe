/**
 * The ops one person gets in a plan, once matching has said which LMS account is theirs. plan()
 * runs these for everyone. Everything they read about other people is in the PersonContext, so
 * running them again for one person who changed gives the op a whole new plan would.
 */
import { sameValue } from './diff';
import type { GroupIndex } from './groups';
import { mergePermissionTypes, type MappedUser, mapUser, type MappingContext } from './mapping';
import type { MatchCandidate, MatchResult } from './matching';
import { ScimPath, type AttrValue, type CandidateAccount, type FieldChange, type Link, type LinkOwner, type PlanOp, type SourceUser, type TargetUser } from './model';
import { normaliseEmail, personName } from './normalise';
import { administratorTypes } from './lms-names';
import * as say from './ops';
import type { TargetEntry } from './plan-index';
import { evaluateScope, scopeVerdict, scopeVerdictWith, type ScopeExplanation, type ScopeVerdict } from './scope';
import type { IntegrationConfig } from './config';
import type { RelationFields } from './plan-relations';

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

/**
 * Per-user working state, kept on one object: at 100k users, fewer Map lookups is faster. The
 * mapped user is not kept: it is made when the person's op is, so its garbage dies young.
 */
export interface Candidate extends MatchCandidate {
  userName: string;
  /** The person's link, as on their SourceEntry, and the LMS account it names if listed (both read by matching when no skip list filters its lists). */
  link: Link | null;
  linkedAccount: TargetUser | null;
  /** Where `link` is in the plan's list of this integration's links (-1: none). */
  linkAt: number;
  displayName: string | null;
  /** The LMS userName the person has once the plan is applied (null: no LMS account). */
  userNameAfter: string | null;
  /**
   * The account's primary e-mail then (its userName when it has none): approvers by e-mail name
   * the manager by it. The account's own when the plan does not update it.
   */
  emailAfter: string | null;
  /** The person's create, update or reactivate op, so relation warnings can be attached to it. */
  op: PlanOp | null;
  /** Their other users-phase op: a conflict, or the deactivation on their last day. */
  otherOp: PlanOp | null;
  /** Their manager/approvers op. */
  relationsOp: PlanOp | null;
  /** What matching said (kept so the person's ops can be made again). */
  result: MatchResult | null;
  unchanged: boolean;
}

export interface SourceEntry {
  user: SourceUser;
  /** Set when the user is in scope and enabled. */
  c: Candidate | null;
  /** The scope's groups the user is in, as bits (PersonContext.ruleGroupBit). */
  memberOf: number;
  /** This integration's link for the user (the last one when the table links them twice). */
  link: Link | null;
}

export function newCandidate(user: SourceUser, email: string | null, userName: string): Candidate {
  return { user, email, userName, link: null, linkedAccount: null, linkAt: -1, displayName: null, userNameAfter: null, emailAfter: null, op: null, otherOp: null, relationsOp: null, result: null, unchanged: false };
}

/** What the person ops read about the settings, the LMS and everyone else. */
export interface PersonContext extends RelationFields {
  now: Date;
  lastDayOn: boolean;
  deactivateUsers: boolean;
  /** False when the LMS read was incomplete: then nobody is created. */
  targetComplete: boolean;
  scope: IntegrationConfig['scope'];
  groups: GroupIndex;
  /** The bit of each group the scope's rules name, in SourceEntry.memberOf; null: ask `groups`. */
  ruleGroupBit: ReadonlyMap<string, number> | null;
  mappingContext: MappingContext;
  permissionsField: string | null;
  leaveAloneOnUpdate: ReadonlySet<string>;
  sourceById: Map<string, SourceEntry>;
  skippedSources: ReadonlySet<string>;
  /** LMS accounts (without skip-listed ones) with this integration's link to each. */
  accountById: Map<string, TargetEntry>;
  /** Accounts a damaged link table links to several people: all of them (entry.link is one). */
  sharedAccounts: ReadonlyMap<string, readonly string[]>;
  /** This integration's links naming someone not in the Entra snapshot, by Entra id. */
  goneLinks: ReadonlyMap<string, Link>;
  /** Other integrations' links by LMS account. */
  otherByTarget: ReadonlyMap<string, Link>;
  /** Entra users by address, when approvers come from an attribute (plan-relations.ts); else null. */
  sourceByAddress: ReadonlyMap<string, SourceEntry | null> | null;
}

/** What the LMS account holds for a field; the e-mail falls back to the primary address. */
function currentValue(t: TargetUser, field: string): AttrValue | undefined {
  if (field === USER_NAME_FIELD) return t.userName;
  const value = t.attributes[field];
  if (value === undefined && field === ScimPath.email) return t.emails[0] ?? null;
  return value;
}

/** The account's work e-mail as plan() compares it, or its userName when it has none (approvers by e-mail name it so). */
export function lmsEmail(t: TargetUser): string {
  const value = currentValue(t, ScimPath.email);
  return typeof value === 'string' && value !== '' ? value : t.userName;
}

/** No value: absent, null, empty text or an empty list. */
export const isEmptyValue = (v: AttrValue | undefined): boolean => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

const NOTHING: ReadonlySet<string> = new Set();

/**
 * The users-phase changes: what the mapping wants (userName, the mapped attributes, the merged
 * permission types, in that order) against what the LMS account has (nothing for a create).
 * Compared in place, without building the desired record first: this runs for every user.
 * diagnose() asks it too, for what "Update user attributes" being off keeps out of the LMS.
 */
export function userChanges(m: MappedUser, t: TargetUser | null, permissionsField: string | null, leaveAlone: ReadonlySet<string>): FieldChange[] {
  const changes: FieldChange[] = [];
  consider(changes, t, leaveAlone, USER_NAME_FIELD, m.userName);
  for (const field in m.attributes) {
    // A create-only field (the default job profile) is still given to an account that has none.
    if (t !== null && m.createOnly.length > 0 && m.createOnly.includes(field) && !isEmptyValue(currentValue(t, field))) continue;
    consider(changes, t, leaveAlone, field, m.attributes[field] ?? null);
  }
  if (m.permissions && permissionsField) consider(changes, t, leaveAlone, permissionsField, mergePermissionTypes(t?.attributes[permissionsField], m.permissions));
  return changes;
}

/** One field for userChanges(): a change when the account holds something else. */
function consider(changes: FieldChange[], t: TargetUser | null, leaveAlone: ReadonlySet<string>, field: string, to: AttrValue): void {
  if (leaveAlone.has(field)) return;
  const from = t ? (currentValue(t, field) ?? null) : null;
  if (!sameValue(field, from, to)) changes.push({ field, from, to });
}

const NO_EXTRAS = {};

/** What a person's users phase gave: their LMS account for the relations step, if they get one. */
export type UsersPhase = { relations: false } | { relations: true; target: TargetUser | null };

const NO_RELATIONS: UsersPhase = { relations: false };
/** A create left out because the LMS read was incomplete (the plan's guards count them). */
export const DROPPED_CREATE: UsersPhase = { relations: false };

/**
 * The person's users-phase op (sets c.op or c.otherOp, c.userNameAfter, c.unchanged), from what
 * matching said. A create dropped because the LMS read was incomplete sets none of them.
 */
export function usersPhase(c: Candidate, result: MatchResult, ctx: PersonContext): UsersPhase {
  const { user } = c;
  const m = mapUser(user, ctx.mappingContext, c);
  c.displayName = m.displayName;
  c.result = result;
  const sourceId = user.id;
  const { email, displayName } = m;
  const extras = m.notices.length || m.warnings.length ? { ...(m.notices.length ? { notices: m.notices } : {}), ...(m.warnings.length ? { warnings: m.warnings } : {}) } : NO_EXTRAS;
  const leaving = ctx.lastDayOn && lastDayReached(user, ctx.now);

  if (result.kind === 'conflict') {
    const accounts = result.targetIds.flatMap((id): CandidateAccount[] => {
      const account = ctx.accountById.get(id);
      if (!account) return [];
      const { t, link } = account;
      const owners = ctx.sharedAccounts.get(id) ?? (link ? [link.sourceId] : []);
      const linkedTo = owners.map((ownerId): LinkOwner => {
        const owner = ctx.sourceById.get(ownerId)?.user;
        return { sourceId: ownerId, name: owner ? personName(owner) : null };
      });
      return [{ id, userName: t.userName, email: t.emails[0] ?? null, active: t.active, externalId: t.externalId, linkedTo }];
    });
    c.otherOp = { sourceId, email, displayName, phase: 'users', kind: 'conflict', targetId: result.targetIds[0] ?? null, reason: result.reason, detail: result.detail, changes: [], candidates: { sourceIds: result.sourceIds, targetIds: result.targetIds, accounts } };
    return NO_RELATIONS;
  }
  if (result.kind === 'create') {
    if (leaving) return NO_RELATIONS; // nobody is created on or after their last day
    if (!ctx.mappingContext.mapping.createUsers) {
      // Listed, so the dry run and Diagnose show who is left without an account and why.
      c.otherOp = { sourceId, email, displayName, phase: 'users', kind: 'skip', targetId: null, reason: 'create_users_off', detail: say.notCreated(m, explain(user, ctx)), changes: [] };
      return NO_RELATIONS;
    }
    if (!ctx.targetComplete) return DROPPED_CREATE;
    const changes = userChanges(m, null, ctx.permissionsField, NOTHING);
    changes.unshift({ field: EXTERNAL_ID_FIELD, from: null, to: user.id });
    const staleLink = c.link;
    c.op = { sourceId, email, displayName, phase: 'users', ...extras, kind: 'create', targetId: null, reason: result.reason, detail: say.created(m, explain(user, ctx), result.reason, staleLink?.targetId ?? null), changes };
    c.userNameAfter = m.userName;
    c.emailAfter = m.email ?? m.userName;
    return { relations: true, target: null };
  }

  const t = result.target;
  const newlyLinked = result.via !== 'link';
  // A change on externalId is how an op says "link this account at apply": it is present for
  // every newly matched account, even when the LMS already carries the id (from = to).
  const idDiffers = t.externalId === null || t.externalId.trim().toLowerCase() !== user.id.toLowerCase();
  // A linked account carrying ANOTHER current Entra user's id is a conflict for that user;
  // rewriting the id here would settle it silently, so it is left for the admin.
  const idOfOther = !newlyLinked && idDiffers && t.externalId !== null && ctx.sourceById.has(t.externalId) && !ctx.skippedSources.has(t.externalId);
  const linkChange: FieldChange[] = (newlyLinked || idDiffers) && !idOfOther ? [{ field: EXTERNAL_ID_FIELD, from: t.externalId, to: user.id }] : [];
  if (leaving) {
    c.userNameAfter = t.userName; // still in the LMS (inactive): can be someone's manager
    c.emailAfter = lmsEmail(t);
    if (t.active) c.otherOp = { sourceId, email, displayName, phase: 'users', targetId: t.id, kind: 'deactivate', reason: 'last_day_reached', detail: say.lastDay(m.displayName ?? m.email, user), changes: [...linkChange, { field: ACTIVE_FIELD, from: 'true', to: 'false' }] };
    return NO_RELATIONS;
  }
  // "Update user attributes" off: an existing account is linked and (re)activated, never changed.
  const updates = ctx.mappingContext.mapping.updateUsers;
  const fieldChanges = updates ? userChanges(m, t, ctx.permissionsField, ctx.leaveAloneOnUpdate) : [];
  const changes = linkChange.length > 0 ? [...linkChange, ...fieldChanges] : fieldChanges;
  c.userNameAfter = updates ? m.userName : t.userName;
  c.emailAfter = updates ? (m.email ?? m.userName) : lmsEmail(t);
  if (!t.active) {
    const reason = newlyLinked ? 'link_existing' : 'back_in_scope';
    c.op = { sourceId, email, displayName, phase: 'users', targetId: t.id, ...extras, kind: 'reactivate', reason, detail: say.reactivated(m, explain(user, ctx), t, result.via), changes: [{ field: ACTIVE_FIELD, from: 'false', to: 'true' }, ...changes] };
  } else if (changes.length > 0) {
    const reason = newlyLinked ? 'link_existing' : 'attributes_changed';
    const detail = newlyLinked ? say.linked(m, t, result.via) : say.updated(m, fieldChanges);
    // A plain literal when there is nothing extra (most people): V8 can then allocate the
    // op straight into the old generation instead of copying it through every scavenge.
    c.op =
      extras === NO_EXTRAS
        ? { sourceId, email, displayName, phase: 'users', targetId: t.id, kind: 'update', reason, detail, changes }
        : { sourceId, email, displayName, phase: 'users', targetId: t.id, ...extras, kind: 'update', reason, detail, changes };
  } else {
    c.unchanged = true;
  }
  return updates ? { relations: true, target: t } : NO_RELATIONS;
}

/** The person's scope verdict; group rules are answered from their entry's bits when plan() set them. */
export function verdictOf(user: SourceUser, entry: SourceEntry, ctx: Pick<PersonContext, 'scope' | 'groups' | 'ruleGroupBit'>): ScopeVerdict {
  const bitOf = ctx.ruleGroupBit;
  if (!bitOf) return scopeVerdict(user, ctx.scope, ctx.groups);
  const bits = entry.memberOf;
  return scopeVerdictWith(user, ctx.scope, (groupId) => ((bitOf.get(groupId) ?? 0) & bits) !== 0);
}

// The full scope explanation is built only for the sentences that need it.
function explain(user: SourceUser, ctx: PersonContext): ScopeExplanation {
  return evaluateScope(user, ctx.scope, ctx.groups);
}

/**
 * The op for an LMS account this integration linked whose person is no longer wanted (gone,
 * disabled, out of scope, or past their last day): a deactivation, or a skip saying why not.
 * Null when there is nothing to do (already inactive, in a conflict, or the person is wanted).
 */
export function ownedAccountOp(link: Link, t: TargetUser, ctx: PersonContext, inConflict: ReadonlySet<string>): PlanOp | null {
  // The person first: for nearly every link they are wanted, and the account is not read at all.
  const entry = ctx.sourceById.get(link.sourceId);
  if (entry?.c) return null; // in scope and enabled: handled by the person's own ops (or a conflict)
  if (inConflict.has(t.id) || !t.active) return null;
  const user = entry?.user;
  const name = user ? personName(user) : t.userName;
  const base = { phase: 'users' as const, sourceId: link.sourceId, targetId: t.id, email: (user ? (normaliseEmail(user.mail) ?? normaliseEmail(user.userPrincipalName)) : null) ?? normaliseEmail(t.emails[0]) ?? t.userName, displayName: name, changes: [] as FieldChange[] };
  const e = user ? explain(user, ctx) : undefined;
  const why = !user ? 'gone_from_entra' : !user.accountEnabled ? 'disabled_in_entra' : 'left_scope';
  const active: FieldChange = { field: ACTIVE_FIELD, from: 'true', to: 'false' };
  if (user && ctx.lastDayOn && lastDayReached(user, ctx.now)) return { ...base, kind: 'deactivate', reason: 'last_day_reached', detail: say.lastDay(name, user), changes: [active] };
  if (!ctx.deactivateUsers) return { ...base, kind: 'skip', reason: `${why === 'gone_from_entra' ? 'gone' : why === 'disabled_in_entra' ? 'disabled' : 'left_scope'}_deactivation_off`, detail: say.keptActive(name, why, e) };
  const other = ctx.otherByTarget.get(t.id);
  if (other) return { ...base, kind: 'skip', reason: 'shared_with_other_integration', detail: say.shared(name, why, other.integrationId) };
  // An administrator's access is not taken away because they left the scope: their own Entra
  // account leaving the learners' group would lock them out. Disabled or deleted in Entra, or past
  // their Last Day (above), they are leaving, and are deactivated as anyone else.
  const admin = why === 'left_scope' && ctx.permissionsField !== null ? administratorTypes(t.attributes[ctx.permissionsField], grantedTypes(ctx.mappingContext.mapping)) : [];
  if (admin.length > 0) return { ...base, kind: 'skip', reason: 'administrator_kept', detail: say.administratorKept(name, why, admin, e) };
  return { ...base, kind: 'deactivate', reason: why, detail: say.deactivated(name, why, e), changes: [active] };
}

/** The permission types the integration's mapping grants (its own to take away), lower case; made once per mapping. */
const grantedByMapping = new WeakMap<object, ReadonlySet<string>>();
function grantedTypes(mapping: MappingContext['mapping']): ReadonlySet<string> {
  let set = grantedByMapping.get(mapping);
  if (!set) {
    const p = mapping.permissions;
    set = new Set([...p.groupMap, ...p.valueMap].map((m) => m.permissionType.trim().toLowerCase()));
    grantedByMapping.set(mapping, set);
  }
  return set;
}

/** Department paths the plan writes (create, update and reactivate ops carry them). */
export function wantedDepartments(ops: readonly PlanOp[]): string[][] {
  const wanted: string[][] = [];
  for (const op of ops) {
    if (op.phase !== 'users') continue;
    for (const c of op.changes) if (c.field === ScimPath.department && Array.isArray(c.to) && c.to.length > 0) wanted.push(c.to);
  }
  return wanted;
}
