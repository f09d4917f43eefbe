/**
 * The second pass of a plan: each person's manager and approvers, written once every user exists
 * (a reference needs its account). Approvers are the manager, or the people an Entra attribute
 * lists by address (reference 002: "define a custom attribute approvers … populate from your
 * HRIS"). Both name an account by its userName, or by its e-mail where the LMS takes addresses.
 */
import type { Mapping } from './config';
import { sameValue } from './diff';
import { vendorField } from './mapping';
import { ScimPath, type FieldChange, type LmsCapabilities, type PlanWarning, type SourceUser, type TargetUser } from './model';
import { normaliseEmail } from './normalise';
import * as say from './ops';
import { lmsEmail, type Candidate, type PersonContext, type SourceEntry } from './plan-person';
import { sourceAttribute } from './scope';

/** Where relations go and in which form. */
export interface RelationFields {
  managerField: string | null;
  approversField: string | null;
  /** Approvers are the account's e-mail (LmsCapabilities.approversByEmail), not its userName. */
  approversByEmail: boolean;
  /** The Entra attribute listing approvers by address; null: the approver is the manager. */
  approversAttribute: string | null;
}

/** Where this mapping writes relations on this LMS (plan() and Diagnose ask the same). */
export function relationFields(mapping: Mapping, caps: LmsCapabilities): RelationFields {
  const approversAttribute = mapping.approversAttribute ?? null;
  return {
    managerField: mapping.manager && caps.enterpriseExtension ? ScimPath.manager : null,
    approversField: mapping.approversFromManager || approversAttribute !== null ? vendorField(caps, 'approvers') : null,
    approversByEmail: caps.approversByEmail === true,
    approversAttribute,
  };
}

/** An account as a manager or approver field names it, after the plan. */
export interface NamedAccount {
  userName: string;
  email: string;
}

/**
 * The manager and approvers changes for an account. `manager`: null when Entra names none (the
 * fields are cleared), undefined when theirs is not known (left as they are). `approvers`, when
 * they come from an attribute: the accounts found (undefined: not asked, left as they are).
 */
export function relationChanges(t: TargetUser | null, manager: NamedAccount | null | undefined, fields: RelationFields, approvers?: readonly NamedAccount[]): FieldChange[] {
  const changes: FieldChange[] = [];
  const { managerField, approversField } = fields;
  if (managerField && manager !== undefined) {
    const from = t?.attributes[managerField] ?? null;
    const to = manager?.userName ?? null;
    if (!sameValue(managerField, from, to)) changes.push({ field: managerField, from, to });
  }
  const list = fields.approversAttribute !== null ? approvers : manager === undefined ? undefined : manager === null ? [] : [manager];
  if (approversField && list !== undefined) {
    const from = t?.attributes[approversField] ?? null;
    const to = list.map((a) => (fields.approversByEmail ? a.email : a.userName));
    if (!sameValue(approversField, from, to)) changes.push({ field: approversField, from, to });
  }
  return changes;
}

/**
 * The addresses an approvers attribute lists, in order, each once: a multi-valued attribute's
 * values, or one text split at ";" and ",". Normalised as matching compares addresses.
 */
export function approverAddresses(value: string | string[] | null): string[] {
  const out: string[] = [];
  for (const part of (value === null ? [] : Array.isArray(value) ? value : [value]).flatMap((v) => v.split(/[;,]/))) {
    const address = normaliseEmail(part);
    if (address !== null && address !== '' && !out.includes(address)) out.push(address);
  }
  return out;
}

/** Entra users by e-mail and sign-in name, for approvers named by address; null: two people have it. */
export function sourceByAddress<T extends { user: SourceUser }>(entries: Iterable<T>): Map<string, T | null> {
  const map = new Map<string, T | null>();
  for (const entry of entries) {
    const keys = new Set([normaliseEmail(entry.user.mail), normaliseEmail(entry.user.userPrincipalName)]);
    for (const k of keys) if (k) map.set(k, map.has(k) && map.get(k) !== entry ? null : entry);
  }
  return map;
}

/** What one approver address leads to: an account, or why not. */
export type ApproverLookup = { account: NamedAccount } | { missing: 'not_in_entra' | 'two_in_entra' } | { missing: 'not_in_lms'; who: SourceUser };

/**
 * The approvers the attribute lists that have an LMS account, and a warning for each that does
 * not: an address nobody (or two people) in Entra has, or someone without an account.
 */
export function resolveApprovers(user: SourceUser, attribute: string, lookup: (address: string) => ApproverLookup): { approvers: NamedAccount[]; warnings: PlanWarning[] } {
  const approvers: NamedAccount[] = [];
  const warnings: PlanWarning[] = [];
  for (const address of approverAddresses(sourceAttribute(user, attribute))) {
    const found = lookup(address);
    if ('account' in found) approvers.push(found.account);
    else if (found.missing === 'not_in_lms') {
      // By address, not name: a renamed approver would change this op without being planned again (replan.ts).
      warnings.push({ code: 'approver_not_in_lms', message: `The approver ${address} has no LMS account (not in scope, or not created yet), so they are left out of the approvers.` });
    } else {
      const who = found.missing === 'two_in_entra' ? 'two people in Entra have' : 'nobody in Entra has';
      warnings.push({ code: 'approver_not_in_entra', message: `${attribute} lists the approver ${address}, but ${who} that address, so it is left out of the approvers.` });
    }
  }
  return { approvers, warnings };
}

/** The account that names this person after the plan: the one planned for them, else the one their link names. */
function accountAfterPlan(entry: SourceEntry | undefined, id: string, ctx: PersonContext): NamedAccount | null {
  const planned = entry?.c?.userNameAfter ?? null;
  if (planned !== null) return { userName: planned, email: entry?.c?.emailAfter ?? planned };
  // Not someone this plan writes: the account their link names, if any.
  const linked = entry ? entry.link : ctx.goneLinks.get(id);
  const account = linked ? ctx.accountById.get(linked.targetId)?.t : undefined;
  return account ? { userName: account.userName, email: lmsEmail(account) } : null;
}

const MANAGER_NOT_IN_LMS: PlanWarning = { code: 'manager_not_in_lms', message: 'The manager in Entra has no LMS account (not in scope, or not created yet), so the manager is left as it is.' };

/**
 * The person's manager/approvers op (c.relationsOp), once everyone's LMS userName after the
 * plan is known; warnings on their op for a manager or approver without an LMS account.
 */
export function relationsPhase(
  c: Candidate,
  t: TargetUser | null,
  ctx: PersonContext,
  // The manager's entry, when the caller has looked it up already (plan() has, to see whether
  // the manager is planned yet).
  entry: SourceEntry | undefined = c.user.managerId === null ? undefined : ctx.sourceById.get(c.user.managerId),
): void {
  const { user } = c;
  const warnings: PlanWarning[] = [];
  let manager: NamedAccount | null | undefined = null;
  // The manager is looked up only where a field takes them.
  if (user.managerId !== null && (ctx.managerField !== null || ctx.approversAttribute === null)) {
    manager = accountAfterPlan(entry, user.managerId, ctx) ?? undefined;
    if (manager === undefined) warnings.push(MANAGER_NOT_IN_LMS);
  }
  let approvers: NamedAccount[] | undefined;
  if (ctx.approversField !== null && ctx.approversAttribute !== null && ctx.sourceByAddress) {
    const byAddress = ctx.sourceByAddress;
    const found = resolveApprovers(user, ctx.approversAttribute, (address) => {
      const e = byAddress.get(address);
      if (e === undefined) return { missing: 'not_in_entra' };
      if (e === null) return { missing: 'two_in_entra' };
      const account = accountAfterPlan(e, e.user.id, ctx);
      return account ? { account } : { missing: 'not_in_lms', who: e.user };
    });
    approvers = found.approvers;
    warnings.push(...found.warnings);
  }
  if (warnings.length > 0 && c.op) c.op.warnings = [...(c.op.warnings ?? []), ...warnings];
  const changes = relationChanges(t, manager, ctx, approvers);
  if (changes.length === 0) return;
  c.unchanged = false; // a user whose only change is the manager is not "unchanged"
  // Said as before for the manager (and approvers from the manager); approvers from the attribute by name.
  const fromAttribute = ctx.approversAttribute !== null ? changes.find((x) => x.field === ctx.approversField) : undefined;
  const managerSaid = ctx.approversAttribute === null || changes.some((x) => x.field === ctx.managerField) ? (manager?.userName ?? null) : undefined;
  const approversSaid = fromAttribute && ctx.approversAttribute !== null ? { attribute: ctx.approversAttribute, names: (approvers ?? []).map((a) => a.userName) } : undefined;
  c.relationsOp = { kind: 'update', phase: 'relations', sourceId: user.id, targetId: t?.id ?? null, email: c.email, displayName: c.displayName, reason: 'relations_changed', detail: say.relations(c, managerSaid, approversSaid), changes };
}
