/**
 * The one admin-readable sentence each plan op carries (PlanOp.detail). Kept apart from the
 * decisions in plan.ts so wording can change without touching logic.
 */
import { fieldLabel } from './diff';
import type { MappedUser } from './mapping';
import type { FieldChange, SourceUser, TargetUser } from './model';
import type { ScopeExplanation } from './scope';

export type LeaveReason = 'gone_from_entra' | 'disabled_in_entra' | 'left_scope';

/** "1 account", "1,200 accounts": a number and the noun that goes with it. */
export const count = (n: number, one: string, many: string): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** Who an op is about, in words; plan() keeps just these fields of a mapped user for its relations ops. */
export type Person = Pick<MappedUser, 'displayName' | 'email' | 'userName'>;

function who(m: Person): string {
  return m.displayName ?? m.email ?? m.userName;
}

/** "in scope through Anna → Sales EMEA → All Sales" / "in scope because department equals "Sales"". */
export function scopePhrase(e: ScopeExplanation): string {
  if (e.includesEveryone) return 'in scope (the include list is empty, so everyone is)';
  if (e.decidedBy?.groupPath) return `in scope through ${e.decidedBy.groupPath.join(' → ')}`;
  return `in scope because ${e.decidedBy?.description ?? 'an include rule matches'}`;
}

export function created(m: MappedUser, e: ScopeExplanation, reason: 'new_in_scope' | 'missing_in_lms', oldTargetId: string | null): string {
  if (reason === 'missing_in_lms') {
    return `${who(m)} is ${scopePhrase(e)}, but the linked LMS account ${oldTargetId ?? ''} no longer exists, so a new account is created.`;
  }
  return `${who(m)} is ${scopePhrase(e)} and has no LMS account yet.`;
}

export function notCreated(m: MappedUser, e: ScopeExplanation): string {
  return `${who(m)} is ${scopePhrase(e)} and has no LMS account, but "Create users" is off, so none is created.`;
}

export function linked(m: MappedUser, t: TargetUser, via: 'link' | 'externalId' | 'email'): string {
  const by = via === 'externalId' ? 'its externalId (the Entra object id)' : 'e-mail/userName (the only unlinked account that matches)';
  return `The existing LMS account ${t.userName} matches ${who(m)} by ${by} and is linked to this integration.`;
}

export function updated(m: MappedUser, changes: readonly FieldChange[]): string {
  const fields: string[] = [];
  for (const c of changes) {
    const label = fieldLabel(c.field);
    if (!fields.includes(label)) fields.push(label);
  }
  return `${who(m)} changed in Entra: ${fields.join(', ')}.`;
}

export function reactivated(m: MappedUser, e: ScopeExplanation, t: TargetUser, via: 'link' | 'externalId' | 'email'): string {
  if (via !== 'link') return `The inactive LMS account ${t.userName} matches ${who(m)}, who is ${scopePhrase(e)} and enabled, so it is linked and reactivated.`;
  return `${who(m)} is ${scopePhrase(e)} and enabled in Entra, so the inactive LMS account is reactivated.`;
}

/**
 * A relations op's reason. `manager`: the manager written (null: cleared; undefined: the op does
 * not change it); `approvers`: those an attribute lists, when the op changes them.
 */
export function relations(m: Person, manager: string | null | undefined, approvers?: { attribute: string; names: readonly string[] }): string {
  const sentences: string[] = [];
  if (manager === null) sentences.push(`${who(m)} no longer has a manager in Entra, so the manager is cleared.`);
  else if (manager !== undefined) sentences.push(`${who(m)}'s manager is set to ${manager}, after every user exists.`);
  if (approvers) {
    sentences.push(
      approvers.names.length === 0
        ? `${who(m)}'s approvers are cleared: ${approvers.attribute} names nobody with an LMS account.`
        : `${who(m)}'s approvers are set to ${approvers.names.join(', ')} (from ${approvers.attribute}), after every user exists.`,
    );
  }
  return sentences.join(' ');
}

export function lastDay(name: string | null, user: SourceUser): string {
  return `${name ?? user.userPrincipalName}'s last day (employeeLeaveDateTime ${user.employeeLeaveDateTime ?? ''}) has passed, so the LMS account is deactivated.`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function leaveWords(why: LeaveReason, e: ScopeExplanation | undefined): string {
  switch (why) {
    case 'gone_from_entra':
      return 'no longer exists in Entra (deleted, or no longer readable)';
    case 'disabled_in_entra':
      return 'is disabled in Entra (accountEnabled is false)';
    case 'left_scope':
      // "is outside", not "left": an account linked by an administrator may be of someone never in scope.
      return `is outside the scope (${lowerFirst((e?.sentence ?? 'no include rule matches').replace(/\.$/, ''))})`;
  }
}

export function deactivated(name: string, why: LeaveReason, e: ScopeExplanation | undefined): string {
  return `${name} ${leaveWords(why, e)}, so the LMS account is deactivated.`;
}

export function keptActive(name: string, why: LeaveReason, e: ScopeExplanation | undefined): string {
  return `${name} ${leaveWords(why, e)}, but stays active because "Deactivate users" is off.`;
}

/** An administrator's LMS account is left active: Rollcall never locks an LMS administrator out on its own. */
export function administratorKept(name: string, why: LeaveReason, types: readonly string[], e: ScopeExplanation | undefined): string {
  return `${name} ${leaveWords(why, e)}, but the LMS account holds ${types.map((t) => `"${t}"`).join(' and ')}, an administrator's permission type, so it stays active: Rollcall never takes an LMS administrator's access away on its own. Take that permission type away in the LMS (the next sync then deactivates the account), or deactivate it by hand.`;
}

export function shared(name: string, why: LeaveReason, integrationId: string): string {
  return `${name} ${leaveWords(why, undefined)} for this integration, but integration ${integrationId} also claims the LMS account, so only Last Day deactivates it.`;
}

/** Warning codes (PlanWarning.code) in the admin's words, for the dry run's warning filter and `rollcall plan`. */
const WARNING_LABELS: Record<string, string> = {
  manager_not_in_lms: 'Manager has no LMS account',
  approver_not_in_lms: 'An approver has no LMS account',
  approver_not_in_entra: 'An approver address matches nobody, or two people, in Entra',
  job_profile_not_in_lms: 'Job profile missing in the LMS',
  permission_type_not_in_lms: 'Permission type missing in the LMS',
  hidden_characters: 'Hidden characters cleaned from Entra values',
  country_not_recognised: 'Country not recognised: Global content region',
};

export function warningLabel(code: string): string | null {
  return WARNING_LABELS[code] ?? null;
}

/** Reason codes (PlanOp.reason, audit lines) in the admin's words, for filters and tables; see README "Reason codes". */
const REASON_LABELS: Record<string, string> = {
  new_in_scope: 'New in scope',
  missing_in_lms: 'Account gone from the LMS',
  link_existing: 'Existing account linked',
  attributes_changed: 'Details changed in Entra',
  relations_changed: 'Manager or approvers changed',
  back_in_scope: 'Back in scope',
  left_scope: 'Left the scope',
  disabled_in_entra: 'Disabled in Entra',
  gone_from_entra: 'Gone from Entra',
  last_day_reached: 'Last Day reached',
  duplicate_lms_accounts: 'Two LMS accounts for one person',
  duplicate_entra_accounts: 'Two Entra accounts for one person',
  recreated_in_entra: 'Deleted and recreated in Entra',
  email_taken: "E-mail is someone else's LMS account",
  external_id_taken: "Entra id is on someone else's LMS account",
  external_id_mismatch: 'LMS account carries another id',
  claimed_by_other_integration: 'Claimed by another integration',
  email_taken_by_skip_listed_account: 'E-mail belongs to a skip-listed account',
  alias_match: 'Another of their addresses has an account',
  left_scope_deactivation_off: 'Left the scope ("Deactivate users" off)',
  disabled_deactivation_off: 'Disabled in Entra ("Deactivate users" off)',
  gone_deactivation_off: 'Gone from Entra ("Deactivate users" off)',
  shared_with_other_integration: 'Shared with another integration',
  administrator_kept: 'LMS administrator kept active',
  create_users_off: 'Not created ("Create users" off)',
  department_missing: 'Department missing in the LMS',
  group_created: 'New LMS group',
  group_members_changed: 'LMS group members changed',
  group_found_made_and_linked: 'LMS group already there (an earlier attempt), linked',
};

export function reasonLabel(code: string): string | null {
  return REASON_LABELS[code] ?? null;
}
