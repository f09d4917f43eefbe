/**
 * replan(): the plan plan() would make, made from the last plan's memo by planning again only
 * the people whose Entra user or LMS account changed (issue #10: a run after 1 % of people
 * changed should cost about 1 % of one that plans everyone).
 *
 * It only builds on the memo when it can prove the untouched people's ops are still right, and
 * otherwise says why so the caller plans in full:
 * - the settings, the link tables, the groups and the LMS's capabilities, departments, job
 *   profiles and permission types are the same, and both reads are complete;
 * - nobody came or went on either side, and nobody's last day fell between the two plans;
 * - what matching reads of a changed person or account is the same (ids, addresses, scope
 *   verdict, enabled), so every match stands;
 * - what others read of a changed person is the same (their LMS userName after the plan, which
 *   their reports' manager fields name).
 * Pure, like plan(). A test checks it against plan() on random tenants and changes.
 */
import { aliasKeys, targetKeys, type MatchResult } from './matching';
import { mappedEmail, mappedUserName } from './mapping';
import type { Link, Plan, PlanOp, SourceGroup, SourceSnapshot, SourceUser, TargetSnapshot, TargetUser } from './model';
import { compareOps, finishPlan, opRank, planConfigKey, planWithMemo, sortOps, type PlanConfig, type PlanMemo } from './plan';
import { lmsEmail, ownedAccountOp, usersPhase, verdictOf, type Candidate, type UsersPhase } from './plan-person';
import { relationsPhase } from './plan-relations';

export type Replan = { ok: true; plan: Plan; memo: PlanMemo; replanned: number } | { ok: false; why: string };

/** Past this share of changed people a full plan is as quick, and simpler. */
const MAX_CHANGED_SHARE = 0.2;

const sameStrings = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

function sameLinks(a: readonly Link[], b: readonly Link[]): boolean {
  if (a === b) return true; // the store's kept table, not written since
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as Link;
    const y = b[i] as Link;
    if (x.integrationId !== y.integrationId || x.sourceId !== y.sourceId || x.targetId !== y.targetId) return false;
  }
  return true;
}

function sameGroups(a: readonly SourceGroup[], b: readonly SourceGroup[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as SourceGroup;
    const y = b[i] as SourceGroup;
    if (x === y) continue;
    if (x.id !== y.id || x.displayName !== y.displayName || !sameStrings(x.memberUserIds, y.memberUserIds) || !sameStrings(x.memberGroupIds, y.memberGroupIds)) return false;
  }
  return true;
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * The users at positions where the new list holds another object than the old one. A merged
 * snapshot keeps everyone else's object and place (Map order in mergeDelta, slice-and-replace in
 * mergeTargetChanges), so comparing by position proves "same people, these ones changed" without
 * a 100k-entry set; a list in another order fails the id check (or changes too many people).
 */
function changedAt<T extends { id: string }>(before: readonly T[], after: readonly T[], what: string): { ok: true; changed: [T, T][] } | { ok: false; why: string } {
  if (before.length !== after.length) return { ok: false, why: `${what} came or went` };
  const limit = Math.max(100, Math.floor(before.length * MAX_CHANGED_SHARE));
  const changed: [T, T][] = [];
  for (let i = 0; i < after.length; i++) {
    const was = before[i] as T;
    const now = after[i] as T;
    if (was === now) continue;
    if (was.id !== now.id) return { ok: false, why: `${what} are not in the order of the last plan's snapshot` };
    changed.push([was, now]);
    if (changed.length > limit) return { ok: false, why: `more than ${MAX_CHANGED_SHARE * 100} % of ${what} changed` };
  }
  return { ok: true, changed };
}

/** Whether matching reads the same of the person in both versions (it then matches them the same). */
function matchesTheSame(was: SourceUser, now: SourceUser, memo: PlanMemo): boolean {
  const entry = memo.ctx.sourceById.get(now.id);
  return (
    entry !== undefined &&
    was.accountEnabled === now.accountEnabled &&
    was.userPrincipalName === now.userPrincipalName &&
    mappedEmail(was) === mappedEmail(now) &&
    mappedUserName(was) === mappedUserName(now) &&
    sameStrings(aliasKeys(was), aliasKeys(now)) &&
    // The groups are the same (notReusableFor checked), so the bits plan() kept still hold.
    verdictOf(was, entry, memo.ctx) === verdictOf(now, entry, memo.ctx)
  );
}

/** Whether matching (and the conflict texts) read the same of the account in both versions. */
// The first e-mail (conflict texts show it) and the work e-mail (approvers by e-mail name a manager's account by it, lmsEmail).
const accountMatchesTheSame = (was: TargetUser, now: TargetUser): boolean =>
  was.userName === now.userName && was.externalId === now.externalId && was.emails[0] === now.emails[0] && lmsEmail(was) === lmsEmail(now) && sameStrings(targetKeys(was), targetKeys(now));

/** Whether someone's last day falls between the two plans' times (their ops would flip). */
function lastDayBetween(users: readonly SourceUser[], a: Date, b: Date): SourceUser | null {
  const lo = Math.min(a.getTime(), b.getTime());
  const hi = Math.max(a.getTime(), b.getTime());
  for (const u of users) {
    if (!u.employeeLeaveDateTime) continue;
    const at = Date.parse(u.employeeLeaveDateTime);
    if (at > lo && at <= hi) return u;
  }
  return null;
}

/** Why the memo cannot be built on for these inputs, or null. Reads only; changes nothing. */
function notReusableFor(memo: PlanMemo, source: SourceSnapshot, target: TargetSnapshot, config: PlanConfig, links: readonly Link[], otherLinks: readonly Link[], now: Date): string | null {
  if (memo.notReusable) return memo.notReusable;
  if (planConfigKey(config) !== memo.configKey) return 'the settings changed';
  if (!memo.source.complete || !memo.target.complete) return 'the last plan was made from an incomplete read';
  if (!source.complete || !target.complete) return 'a read was incomplete';
  if (!sameLinks(memo.links, links) || !sameLinks(memo.otherLinks, otherLinks)) return 'the link table changed';
  if (!sameGroups(memo.source.groups, source.groups)) return 'the groups changed';
  const t0 = memo.target;
  if (!sameJson(t0.capabilities, target.capabilities) || !sameJson(t0.jobProfiles, target.jobProfiles) || !sameJson(t0.departments, target.departments) || !sameJson(t0.permissionTypes, target.permissionTypes)) {
    return "the LMS's capabilities, departments, job profiles or permission types changed";
  }
  if (memo.ctx.lastDayOn) {
    const leaving = lastDayBetween(source.users, memo.ctx.now, now);
    if (leaving) return `${leaving.userPrincipalName}'s last day came`;
  }
  return null;
}

/**
 * The plan for the new snapshots, built on `memo` (which it updates in place and returns as the
 * new plan's memo: do not use the old one afterwards, whatever the outcome), or why it cannot be.
 */
export function replan(memo: PlanMemo, source: SourceSnapshot, target: TargetSnapshot, config: PlanConfig, links: readonly Link[], now: Date, otherLinks: readonly Link[] = []): Replan {
  const no = (why: string): Replan => ({ ok: false, why });
  const why = notReusableFor(memo, source, target, config, links, otherLinks, now);
  if (why) return no(why);
  const people = changedAt(memo.source.users, source.users, 'Entra users');
  if (!people.ok) return no(people.why);
  const accounts = changedAt(memo.target.users, target.users, 'LMS accounts');
  if (!accounts.ok) return no(accounts.why);
  for (const [was, now] of people.changed) if (!matchesTheSame(was, now, memo)) return no(`what matching reads of ${now.userPrincipalName} changed`);
  for (const [was, now] of accounts.changed) if (!accountMatchesTheSame(was, now)) return no(`what matching reads of the LMS account ${now.userName} changed`);

  // Proven: the same matches. From here the memo becomes the new plan's.
  const { ctx } = memo;
  ctx.now = now;
  const redo = new Set<Candidate>();
  const ownedToRedo = new Set<Link>();
  for (const [, user] of people.changed) {
    const entry = ctx.sourceById.get(user.id);
    if (!entry) return no(`${user.userPrincipalName} is not in the last plan`); // cannot happen: same ids
    entry.user = user;
    if (entry.c) {
      entry.c.user = user;
      redo.add(entry.c);
    } else {
      if (entry.link) ownedToRedo.add(entry.link);
    }
  }
  if (accounts.changed.length > 0) {
    const changedIds = new Set<string>();
    for (const [, account] of accounts.changed) {
      const entry = ctx.accountById.get(account.id);
      if (!entry) return no(`the LMS account ${account.userName} is not in the last plan`); // cannot happen: same ids
      // Candidates' `linkedAccount` keeps the old object: it is matching's input, and replan never
      // matches again (it refuses anything matching would read differently).
      entry.t = account;
      changedIds.add(account.id);
      if (entry.link) ownedToRedo.add(entry.link);
    }
    // People whose match or conflict names a changed account: their ops show what it holds.
    for (const c of memo.candidates) {
      const r = c.result;
      if (r?.kind === 'matched' ? changedIds.has(r.target.id) : r?.kind === 'conflict' && r.targetIds.some((id) => changedIds.has(id))) redo.add(c);
    }
  }

  if (people.changed.length > 0) {
    // A conflict says whom its accounts are linked to, by name: a renamed owner changes it too.
    const changedIds = new Set(people.changed.map(([, now]) => now.id));
    for (const c of memo.candidates) {
      if (c.result?.kind === 'conflict' && c.otherOp?.candidates?.accounts?.some((a) => a.linkedTo.some((o) => changedIds.has(o.sourceId)))) redo.add(c);
    }
  }

  const counts = { ...memo.counts };
  const removed = new Set<PlanOp>();
  const added: PlanOp[] = [];
  const relationsFor: { c: Candidate; next: Extract<UsersPhase, { relations: true }> }[] = [];
  for (const c of redo) {
    const result = c.result;
    if (!result) return no(`${c.user.userPrincipalName} had no match in the last plan`);
    const nameBefore = c.userNameAfter;
    const emailBefore = c.emailAfter;
    for (const op of [c.op, c.otherOp, c.relationsOp]) if (op) removed.add(op);
    if (c.unchanged) counts.unchanged--;
    if (c.relationsOp && !c.op) counts.uncovered--;
    c.op = c.otherOp = c.relationsOp = null;
    c.unchanged = false;
    c.userNameAfter = c.emailAfter = null;
    const now: MatchResult = result.kind === 'matched' ? { ...result, target: ctx.accountById.get(result.target.id)?.t ?? result.target } : result;
    const next = usersPhase(c, now, ctx);
    // Their reports' manager fields name this; a new one would change other people's ops.
    if (c.userNameAfter !== nameBefore) return no(`${c.user.userPrincipalName}'s LMS userName after the plan changed`);
    if (c.emailAfter !== emailBefore && ctx.approversField && ctx.approversByEmail) return no(`${c.user.userPrincipalName}'s LMS e-mail after the plan changed`);
    if (c.op) added.push(c.op);
    else if (c.otherOp) added.push(c.otherOp);
    if (next.relations) relationsFor.push({ c, next });
  }
  if (ctx.managerField || ctx.approversField) {
    for (const { c, next } of relationsFor) {
      relationsPhase(c, next.target, ctx);
      if (c.relationsOp) added.push(c.relationsOp);
    }
  }
  for (const c of redo) {
    if (c.unchanged) counts.unchanged++;
    if (c.relationsOp && !c.op) counts.uncovered++;
  }
  for (const link of ownedToRedo) {
    const t = ctx.accountById.get(link.targetId)?.t;
    if (!t) continue;
    const before = memo.ownedOps.get(t.id);
    if (before) removed.add(before);
    const op = ownedAccountOp(link, t, ctx, memo.inConflict);
    if (op) {
      memo.ownedOps.set(t.id, op);
      added.push(op);
    } else memo.ownedOps.delete(t.id);
  }

  const ops = mergeSorted(
    memo.plan.ops.filter((op) => !removed.has(op)),
    sortOps(added),
  );
  const plan = finishPlan(source, target, config, now, ops, counts, { droppedCreates: 0, droppedDeactivations: 0 });
  Object.assign(memo, { plan, source, target, links, otherLinks, counts });
  return { ok: true, plan, memo, replanned: redo.size + ownedToRedo.size };
}

/** Two lists in apply order as one (what sortOps gives for both together). */
function mergeSorted(a: readonly PlanOp[], b: readonly PlanOp[]): PlanOp[] {
  const out: PlanOp[] = new Array<PlanOp>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as PlanOp;
    const y = b[j] as PlanOp;
    // No ties: within a kind no two ops share a source id (a damaged input makes the memo unusable).
    if ((opRank(x) - opRank(y) || compareOps(x, y)) <= 0) {
      out[k++] = x;
      i++;
    } else {
      out[k++] = y;
      j++;
    }
  }
  while (i < a.length) out[k++] = a[i++] as PlanOp;
  while (j < b.length) out[k++] = b[j++] as PlanOp;
  return out;
}

/** How a run's plan was made: built on the last one, or in full (and why). */
export interface PlanMade {
  plan: Plan;
  memo: PlanMemo;
  /** Null when built on the last plan; else why everyone was planned. */
  fullBecause: string | null;
}

/** replan() when there is a memo and it can be built on, else plan() in full (`last.why` says why there is no memo). */
export function planFrom(
  last: { memo: PlanMemo } | { memo: null; why: string },
  source: SourceSnapshot,
  target: TargetSnapshot,
  config: PlanConfig,
  links: readonly Link[],
  now: Date,
  otherLinks: readonly Link[] = [],
): PlanMade {
  const { memo } = last;
  if (memo) {
    const r = replan(memo, source, target, config, links, now, otherLinks);
    if (r.ok) return { plan: r.plan, memo: r.memo, fullBecause: null };
    const full = planWithMemo(source, target, config, links, now, otherLinks);
    return { ...full, fullBecause: r.why };
  }
  return { ...planWithMemo(source, target, config, links, now, otherLinks), fullBecause: 'why' in last ? last.why : 'no earlier plan in memory' };
}
