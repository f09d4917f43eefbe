/**
 * Pushed groups (reference 002, Okta's "Push Groups"): each Entra group the settings push gets
 * an LMS group of the given name, created when the LMS has none and linked when it has one, with
 * the group's synced members (nested groups' included). Worked out after plan() or replan() from
 * the plan's own working state, so the people's plan and its replan proof are untouched; pure.
 *
 * Who is a member once applied: people in the Entra group who are in scope, enabled and have (or
 * get, by this plan) an active account linked by this integration. Only accounts this integration
 * links are ever removed: people added by hand in the LMS stay, as permission types the
 * integration does not own stay (reference 004).
 */
import { lmsGroupKey, type IntegrationConfig, type PushGroup } from './config';
import { deactivationLimit } from './guards';
import type { GroupMember, GroupPush, PlanOp, SafetyGuard, SourceUser, TargetGroup } from './model';
import type { PlanMemo } from './plan';
import type { Candidate } from './plan-person';
import { order } from './plan-index';
import { EXTERNAL_ID_FIELD } from './plan';

/** The names whose members the LMS read must bring (readGroups' withMembers). */
export function pushedGroupNames(pushGroups: readonly PushGroup[]): string[] {
  return [...new Set(pushGroups.map((g) => g.lmsGroup.trim()))];
}

/** The plan's pushed groups; empty when none are pushed. */
export function pushGroupsAfterPlan(memo: PlanMemo, pushGroups: readonly PushGroup[]): GroupPush[] {
  if (pushGroups.length === 0) return [];
  const { source, target } = memo;
  const { groups, sourceById, accountById } = memo.ctx;
  const lmsGroups = target.groups;
  const lmsByName = new Map<string, TargetGroup[]>();
  for (const g of lmsGroups ?? []) {
    const key = lmsGroupKey(g.displayName);
    const same = lmsByName.get(key);
    if (same) same.push(g);
    else lmsByName.set(key, [g]);
  }
  const pushedTo = new Map<string, string>();
  // What the plan's ops say of accounts, read once when a group has members to check.
  let byOps: OpsIndex | null = null;
  const ops = (): OpsIndex => (byOps ??= indexOps(memo.plan.ops));
  return pushGroups.map((push): GroupPush => {
    const entraGroup = groups.byId.get(push.groupId);
    const groupName = entraGroup?.displayName ?? (push.groupName || push.groupId);
    const lmsGroup = push.lmsGroup.trim();
    const base = { groupId: push.groupId, groupName, lmsGroup };
    const blocked = (problem: string, lmsGroupId: string | null = null): GroupPush => ({ ...base, lmsGroupId, action: 'blocked', add: [], remove: [], members: 0, problem });
    const key = lmsGroupKey(lmsGroup);
    const earlier = pushedTo.get(key);
    if (earlier !== undefined) return blocked(`The LMS group "${lmsGroup}" is already pushed from the Entra group ${earlier}, so ${groupName} is not pushed: give it its own LMS group in the settings.`);
    pushedTo.set(key, groupName);
    if (lmsGroups === null) return blocked(`The LMS has no groups (it lists no SCIM Group resource), so ${groupName} cannot be pushed. Remove it from the pushed groups, or ask the LMS vendor to turn groups on.`);
    if (lmsGroups === undefined) {
      const why = target.groupsUnreadBecause;
      return blocked(why ? `The LMS's groups could not be read, so ${groupName} is left alone: ${why}` : `The LMS's groups were not read in this run, so ${groupName} is left alone. Run a new dry run.`);
    }
    if (!source.complete) return blocked(`Entra was not read completely (${source.incompleteReason ?? 'the read stopped'}), so the members of ${groupName} are not known and its LMS group is left alone.`);
    if (!entraGroup) return blocked(`The Entra group ${groupName} (${push.groupId}) was not found: it was deleted, or the app cannot read it. Its LMS group is left alone; pick the group again in the settings, or remove it.`);
    const found = lmsByName.get(key) ?? [];
    if (found.length > 1) return blocked(`The LMS has ${found.length} groups named "${lmsGroup}", so Rollcall cannot tell which one to keep in step. Rename or remove the extra ones in the LMS, or push to another name.`);
    const existing = found[0] ?? null;
    if (existing && existing.memberIds === null) return blocked(`The members of the LMS group "${lmsGroup}" were not read, so it is left alone. Run a new dry run.`, existing.id);

    // The people the group should hold, by their account after the plan.
    const wantedIds = new Set<string>();
    const add: GroupMember[] = [];
    const current = new Set(existing?.memberIds ?? []);
    const people = groups.members(push.groupId);
    for (const userId of people.keys()) {
      const c = sourceById.get(userId)?.c ?? null;
      const account = c ? accountAfterPlan(c) : undefined;
      if (account === undefined) continue;
      const name = personName(c?.user ?? null, c?.email ?? null);
      if (account === null) add.push({ targetId: null, sourceId: userId, name });
      else if (!wantedIds.has(account)) {
        wantedIds.add(account);
        if (!current.has(account)) add.push({ targetId: account, sourceId: userId, name });
      }
    }
    const members = wantedIds.size + add.filter((m) => m.targetId === null).length;
    const remove: GroupMember[] = [];
    for (const id of new Set(existing?.memberIds ?? [])) {
      // Accounts in a conflict are never touched, as they are never deactivated.
      if (wantedIds.has(id) || ops().inConflict.has(id)) continue;
      // Only accounts this integration links, or links in this apply (skip-listed ones are not
      // in the index at all): those its links would find again once applied.
      const ownerId = accountById.get(id)?.link?.sourceId ?? ops().linkedByPlan.get(id);
      if (ownerId === undefined) continue;
      const owner = sourceById.get(ownerId)?.user ?? null;
      const t = accountById.get(id)?.t;
      remove.push({ targetId: id, sourceId: ownerId, name: owner ? personName(owner, null) : (t?.emails[0] ?? t?.userName ?? id) });
    }
    // One read that finds the Entra group empty does not empty its LMS group (a damaged read,
    // or a group emptied by mistake, would take everyone out at once).
    if (people.size === 0 && remove.length > 0) {
      return blocked(
        `The Entra group ${groupName} has no members in this read, so Rollcall does not take the ${remove.length} synced member${remove.length === 1 ? '' : 's'} out of the LMS group "${lmsGroup}". If the group really is empty, remove them in the LMS or stop pushing it.`,
        existing?.id ?? null,
      );
    }
    add.sort(byName);
    remove.sort(byName);
    const action = existing === null ? 'create' : add.length > 0 || remove.length > 0 ? 'update' : 'unchanged';
    return { ...base, lmsGroupId: existing?.id ?? null, action, add, remove, members, problem: null };
  });
}

interface OpsIndex {
  /** Accounts the apply links (an existing account matched), to the Entra id it links them to. */
  linkedByPlan: Map<string, string>;
  /** Accounts held in a conflict. */
  inConflict: Set<string>;
}

function indexOps(ops: readonly PlanOp[]): OpsIndex {
  const index: OpsIndex = { linkedByPlan: new Map(), inConflict: new Set() };
  for (const op of ops) {
    if (op.candidates) for (const id of op.candidates.targetIds) index.inConflict.add(id);
    if (op.targetId !== null && op.sourceId !== null && op.changes.some((c) => c.field === EXTERNAL_ID_FIELD && c.to === op.sourceId)) index.linkedByPlan.set(op.targetId, op.sourceId);
  }
  return index;
}

/**
 * The account a candidate has once the plan is applied: its LMS id, null for one this plan
 * creates, undefined for none (a conflict, not created, leaving, or the create dropped).
 */
function accountAfterPlan(c: Candidate): string | null | undefined {
  if (c.otherOp !== null) return undefined;
  if (c.op !== null) return c.op.kind === 'create' ? null : (c.op.targetId ?? undefined);
  // No users op: an active account needing nothing (or only its manager or approvers), or a
  // leaver's account that is inactive already (an inactive one is otherwise reactivated by an op).
  return c.result?.kind === 'matched' && c.result.target.active ? c.result.target.id : undefined;
}

function personName(user: SourceUser | null, email: string | null): string {
  return email ?? user?.mail ?? user?.userPrincipalName ?? user?.displayName ?? '';
}

function byName(a: GroupMember, b: GroupMember): number {
  return order(a.name, b.name) || order(a.targetId ?? a.sourceId ?? '', b.targetId ?? b.sourceId ?? '');
}

/** "Create Sales with 12 members", "Managers: add 3, remove 1", for the CLI and the dry run. */
export function describeGroupPush(g: GroupPush | GroupPushView): string {
  const n = (x: number, what: string) => `${x} ${what}${x === 1 ? '' : 's'}`;
  const added = 'added' in g ? g.added : g.add.length;
  const removed = 'removed' in g ? g.removed : g.remove.length;
  switch (g.action) {
    case 'create':
      return `create the LMS group "${g.lmsGroup}" with ${n(added, 'member')} (from ${g.groupName})`;
    case 'update':
      return `LMS group "${g.lmsGroup}" (from ${g.groupName}): add ${added}, remove ${removed}; ${n(g.members, 'synced member')} after`;
    case 'unchanged':
      return `LMS group "${g.lmsGroup}" (from ${g.groupName}): up to date, ${n(g.members, 'synced member')}`;
    case 'blocked':
      return `LMS group "${g.lmsGroup}" (from ${g.groupName}): left alone. ${g.problem ?? ''}`.trim();
  }
}

/**
 * The pushed groups' changes for one person (provision on demand): only their own membership is
 * written; a group they are the first member of is created with them. Blocked groups stay blocked.
 */
export function groupsForPerson(groups: readonly GroupPush[], sourceId: string): GroupPush[] {
  return groups.map((g) => {
    if (g.action === 'blocked') return g;
    const add = g.add.filter((m) => m.sourceId === sourceId);
    const remove = g.remove.filter((m) => m.sourceId === sourceId);
    const action = add.length > 0 ? g.action : remove.length > 0 ? 'update' : 'unchanged';
    return { ...g, action, add, remove };
  });
}

/** Whether the apply writes the group (creates it, or adds or takes out members). */
export function writesGroup(g: Pick<GroupPush, 'action'>): boolean {
  return g.action === 'create' || g.action === 'update';
}

/** The code of the guard that holds a mass removal from pushed groups (confirmed apart from deactivations). */
export const GROUP_REMOVAL_GUARD = 'group_removal_threshold';

/** Fewer removals than this from one group never wait for a confirmation (a small group's few leavers). */
export const GROUP_REMOVALS_ALWAYS_ALLOWED = 10;

/**
 * A mass removal from pushed groups waits for the admin, as a mass deactivation does: a group that
 * would lose more of its synced members than the deactivation threshold allows (its count, or its
 * percentage of the group), and more than GROUP_REMOVALS_ALWAYS_ALLOWED, holds the apply until
 * confirmed. A nested group taken out of the pushed one in Entra, say, takes all its people out.
 */
export function groupRemovalGuard(groups: readonly GroupPush[], deactivation: IntegrationConfig['deactivation']): SafetyGuard | null {
  const tripped = groups.flatMap((g) => {
    if (g.action !== 'update' || g.remove.length <= GROUP_REMOVALS_ALWAYS_ALLOWED) return [];
    const before = g.members - g.add.length + g.remove.length;
    const limit = Math.max(GROUP_REMOVALS_ALWAYS_ALLOWED, deactivationLimit(before, deactivation.thresholdCount, deactivation.thresholdPercent));
    return g.remove.length > limit ? [{ g, before, limit }] : [];
  });
  if (tripped.length === 0) return null;
  const count = tripped.reduce((n, t) => n + t.g.remove.length, 0);
  const which = tripped.map((t) => `${t.g.remove.length} of the ${t.before} synced members of "${t.g.lmsGroup}" (limit ${t.limit})`).join('; ');
  return {
    code: GROUP_REMOVAL_GUARD,
    blocking: true,
    confirmable: true,
    message: `${count} people would be taken out of LMS groups at once: ${which}. The limit is the deactivation threshold (${deactivation.thresholdCount} people or ${deactivation.thresholdPercent} % of the group, whichever is smaller, and never under ${GROUP_REMOVALS_ALWAYS_ALLOWED}).`,
    fix: 'Check the groups in the dry run (a nested group taken out of a pushed group in Entra takes all its people out); if the removals are expected, confirm them (CLI: --yes --max-group-removals N, with N at least this number).',
    count,
    limit: Math.min(...tripped.map((t) => t.limit)),
  };
}

/** The plan's pushed groups as lines of text for the command line: a heading, then one line a group. */
export function groupPushLines(groups: readonly GroupPush[] | undefined): string[] {
  if (!groups || groups.length === 0) return [];
  return [
    'Groups in the LMS (only people this integration syncs are added; only accounts it links are taken out):',
    ...groups.map((g) => `  - ${describeGroupPush(g)}`),
  ];
}

/** A pushed group as the dry run's header carries it: the counts, and the first names of each list. */
export interface GroupPushView extends Omit<GroupPush, 'add' | 'remove'> {
  added: number;
  removed: number;
  /** The first GROUP_NAMES_SHOWN of each list (the whole list is in the plan file). */
  add: GroupMember[];
  remove: GroupMember[];
}

export const GROUP_NAMES_SHOWN = 100;

export function groupPushView(g: GroupPush): GroupPushView {
  return { ...g, added: g.add.length, removed: g.remove.length, add: g.add.slice(0, GROUP_NAMES_SHOWN), remove: g.remove.slice(0, GROUP_NAMES_SHOWN) };
}
