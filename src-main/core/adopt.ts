/**
 * "Have the integration deactivate users who do not fit the group" (reference 000, "too many
 * users"), for LMS accounts made before Rollcall: an unmanaged account that belongs to someone in
 * Entra whom this integration does not sync is linked to that person, once the admin confirms, as
 * Okta's import-and-match links existing accounts (reference 002). From then on the plan treats it
 * as any linked account: deactivated when its person is out of scope or disabled and "Deactivate
 * users" is on (the deactivation threshold still guards), kept and updated when they come in.
 *
 * Only on evidence the plan's own matching would act on: the account's externalId is the person's
 * object id, or its address is the person's e-mail or sign-in name and nobody else's, with no
 * other object id on the account, and no one else's id or address in the way (doubtfulOwners). The
 * dry run judges each account (whyNotLinkable); linking takes the ones it found linkable, only
 * while that dry run's settings and links still hold (sync/adopt.ts), checking the links again.
 */
import type { IntegrationConfig } from './config';
import type { SourceUser, TargetUser } from './model';
import { normaliseEmail } from './normalise';
import { prepareSkipList, skipListEntryFor } from './scope';
import type { UnmanagedAccount } from './unmanaged';
import { externalIdKey, targetKeys } from './matching';
import { administratorTypes } from './lms-names';
import { count } from './ops';

/** Why an account of the list is not linked. */
export type NotAdoptedReason =
  /** Nobody in Entra has its externalId or address: there is no one to link it to. */
  | 'nobody_in_entra'
  /** Its person is synced through another account: a second account, merged or removed by hand. */
  | 'second_account'
  /** Its person is in scope: the dry run decides their account (a conflict, a "Not theirs" answer). */
  | 'in_scope'
  /** The account or its person is on the skip list: Rollcall leaves them alone. */
  | 'skip_listed'
  /** Inactive already: linking changes nothing now, and would only widen the deactivation threshold's base. */
  | 'already_inactive'
  /** Holds an administrator's permission type in the LMS: never taken over, so never deactivated. */
  | 'lms_administrator'
  /** Found only by an alias, by an address two people share, or the account carries another object id, or the admin said it is not theirs. */
  | 'uncertain_owner'
  /** Its person owns more than one unmanaged account: which is theirs is the admin's call. */
  | 'several_accounts'
  /** An integration has linked the account, or this one the person, since the dry run. */
  | 'linked_since'
  /** A list from before accounts were judged: the dry run is run again first. */
  | 'owner_unknown';

/** How the dry run found whose an account is. */
export type OwnerEvidence =
  /** The account's externalId is the person's object id. */
  | 'object_id'
  /** The account's address is the person's e-mail or sign-in name, and no one else's. */
  | 'address'
  /** Anything less: an alias (otherMails, proxy address), an address several people have, or another object id on the account. */
  | 'uncertain';

/** What the dry run knows about one unmanaged account and its owner, to judge it by. */
export interface AccountFacts {
  account: TargetUser;
  owner: SourceUser | null;
  evidence: OwnerEvidence;
  /** The owner is synced through another account. */
  secondAccount: boolean;
  /** This plan has an op for the owner (they are in scope): the plan decides their account. */
  handled: boolean;
  /** How many unmanaged accounts (not second ones) the owner has. */
  ownersAccounts: number;
  /** The account's permission types in the LMS (empty when the LMS has none); an administrator's are never linked (lms-names.ts). */
  permissionTypes: string[];
}


/** The settings the judgement reads: the skip list and the "Not theirs" answers. */
export interface LinkScope {
  skipList: readonly string[];
  confirmedNewAccounts: readonly string[];
}

/** Why the dry run would not link this account, or null when it would. */
export function whyNotLinkable(f: AccountFacts, scope: LinkScope): Exclude<NotAdoptedReason, 'linked_since' | 'owner_unknown'> | null {
  if (f.owner === null) return 'nobody_in_entra';
  if (f.secondAccount) return 'second_account';
  if (f.handled) return 'in_scope';
  if (skipListed(f.account, f.owner, scope.skipList)) return 'skip_listed';
  if (!f.account.active) return 'already_inactive';
  if (administratorTypes(f.permissionTypes).length > 0) return 'lms_administrator';
  if (f.evidence === 'uncertain' || notTheirs(scope.confirmedNewAccounts).has(f.owner.id)) return 'uncertain_owner';
  if (f.ownersAccounts > 1) return 'several_accounts';
  return null;
}

/** The "Not theirs" answers as a set, made once per list (asked for every account of 100,000). */
const notTheirsSets = new WeakMap<readonly string[], ReadonlySet<string>>();
function notTheirs(ids: readonly string[]): ReadonlySet<string> {
  let set = notTheirsSets.get(ids);
  if (!set) notTheirsSets.set(ids, (set = new Set(ids)));
  return set;
}

/** The plan's skip test (plan.ts): the account by an address or its externalId, the person by theirs. */
function skipListed(account: TargetUser, owner: SourceUser, skipList: readonly string[]): boolean {
  if (skipList.length === 0) return false;
  const keys = prepareSkipList(skipList);
  const ext = externalIdKey(account);
  return targetKeys(account).some((k) => keys.has(k)) || (ext !== null && keys.has(ext)) || skipListEntryFor(owner, skipList) !== null;
}

/**
 * Owners whom matching would not give that account on its own, judged against everyone (the rest
 * of the judgement sees only the unmanaged accounts): their object id on another LMS account, or
 * their e-mail or sign-in name on another LMS account or another person in Entra. Matching makes
 * each of those a conflict (external_id_taken, duplicate_lms_accounts, email_taken,
 * duplicate_entra_accounts), so linking must not settle it. `candidates` maps each owner still
 * linkable to their account; one pass over each side.
 */
export function doubtfulOwners(sourceUsers: readonly SourceUser[], targetUsers: readonly TargetUser[], candidates: ReadonlyMap<string, string>): Set<string> {
  const doubtful = new Set<string>();
  const byId = new Map<string, string>();
  const byKey = new Map<string, string>();
  const primaryKeys = (u: SourceUser) => [normaliseEmail(u.mail), normaliseEmail(u.userPrincipalName)];
  for (const u of sourceUsers) {
    if (!candidates.has(u.id)) continue;
    byId.set(u.id.trim().toLowerCase(), u.id);
    for (const k of primaryKeys(u)) if (k !== null) byKey.set(k, u.id);
  }
  for (const u of sourceUsers) {
    for (const k of primaryKeys(u)) {
      const o = k === null ? undefined : byKey.get(k);
      if (o !== undefined && o !== u.id) doubtful.add(o);
    }
  }
  for (const t of targetUsers) {
    const ext = externalIdKey(t);
    const byExt = ext !== null ? byId.get(ext) : undefined;
    if (byExt !== undefined && candidates.get(byExt) !== t.id) doubtful.add(byExt);
    for (const k of targetKeys(t)) {
      const o = byKey.get(k);
      if (o !== undefined && candidates.get(o) !== t.id) doubtful.add(o);
    }
  }
  return doubtful;
}

export interface AdoptedLink {
  sourceId: string;
  targetId: string;
  /** For the answer: the account's sign-in name and its Entra user's. */
  userName: string;
  entraUser: string;
}

export interface Adoption {
  links: AdoptedLink[];
  /** Accounts left as they are, by reason (only reasons that occur). */
  notAdopted: Partial<Record<NotAdoptedReason, number>>;
}

/** What adopting answered: the accounts linked, and why the others were not. */
export interface AdoptResult {
  /** Accounts linked now (all active: inactive ones are not linked). */
  linked: number;
  /** Up to a few of them, as the admin knows them: "account → Entra user". */
  examples: Array<{ userName: string; entraUser: string }>;
  notAdopted: Adoption['notAdopted'];
}

/** What is linked now, in every integration: LMS ids, and this integration's Entra ids. */
export interface LinkedNow {
  targetIds: ReadonlySet<string>;
  sourceIds: ReadonlySet<string>;
}

/** The accounts the dry run found linkable that can still be linked now, and why the others cannot. */
export function adoptionOf(accounts: readonly UnmanagedAccount[], linked: LinkedNow): Adoption {
  const links: AdoptedLink[] = [];
  const notAdopted: Partial<Record<NotAdoptedReason, number>> = {};
  const leave = (why: NotAdoptedReason) => {
    notAdopted[why] = (notAdopted[why] ?? 0) + 1;
  };
  for (const a of accounts) {
    // A list from before the judgement: nothing in it is taken on trust.
    if (a.whyNotLinkable === undefined) leave('owner_unknown');
    else if (a.whyNotLinkable !== null) leave(a.whyNotLinkable);
    else if (!a.entraUserId || a.entraUser === null) leave('owner_unknown');
    else if (linked.targetIds.has(a.id) || linked.sourceIds.has(a.entraUserId)) leave('linked_since');
    else links.push({ sourceId: a.entraUserId, targetId: a.id, userName: a.userName, entraUser: a.entraUser });
  }
  return { links, notAdopted };
}

/** The accounts left, each reason in the admin's words, for the app's answer and the CLI alike. */
export function describeNotAdopted(notAdopted: Adoption['notAdopted']): string[] {
  const them = (n: number) => (n === 1 ? 'it' : 'them');
  const said: Record<NotAdoptedReason, (n: number) => string> = {
    nobody_in_entra: (n) => `${count(n, 'belongs', 'belong')} to nobody in Entra: remove only those that should not be there, by hand in the LMS.`,
    second_account: (n) => `${count(n, 'is a second account', 'are second accounts')} of someone already synced: merge or remove ${them(n)} in the LMS.`,
    in_scope: (n) => `${count(n, 'belongs', 'belong')} to someone in scope, whose account the dry run decides (a conflict to settle, or a "Not theirs" answer).`,
    skip_listed: (n) => `${count(n, 'is', 'are')} on the skip list, so Rollcall leaves ${them(n)} alone.`,
    lms_administrator: (n) => `${count(n, 'holds', 'hold')} an administrator's permission type in the LMS: Rollcall never takes over an LMS administrator's account.`,
    already_inactive: (n) => `${count(n, 'is', 'are')} inactive already: linking would change nothing (and the next sync finds ${them(n)} by e-mail if ${n === 1 ? 'its person comes' : 'their people come'} into scope).`,
    uncertain_owner: (n) => `${count(n, 'was', 'were')} found only by an alias, by an address two people in Entra share, or ${n === 1 ? 'carries' : 'carry'} another object id (or the person's "Not theirs" answer says otherwise): check whose ${n === 1 ? 'it is' : 'they are'} in the LMS.`,
    several_accounts: (n) => `${count(n, 'account belongs', 'accounts belong')} to people with more than one: merge or remove the extra ones in the LMS, then run a dry run again.`,
    linked_since: (n) => `${count(n, 'was', 'were')} linked since the dry run.`,
    owner_unknown: (n) => `${count(n, 'was', 'were')} listed by an older dry run: run a dry run again.`,
  };
  return (Object.keys(said) as NotAdoptedReason[]).flatMap((why) => {
    const n = notAdopted[why];
    return n ? [said[why](n)] : [];
  });
}

/** The integration's settings and schedule as they are now, which decide what a link leads to. */
export interface LinkSettings {
  deactivateUsers: boolean;
  useLastDay: boolean;
  /** Enabled: its scheduled syncs apply on their own. */
  enabled: boolean;
  /** The next scheduled sync, when enabled (ISO), or null. */
  nextRunAt: string | null;
  /** It pushes Entra groups to LMS groups: an account it links is taken out of those its person is not in. */
  pushesGroups: boolean;
}

/** The settings linkConsequences reads, from an integration's settings, whether it is enabled, and its next run. */
export function linkSettingsOf(config: Pick<IntegrationConfig, 'deactivation' | 'mapping'>, enabled: boolean, nextRunAt: string | null): LinkSettings {
  return { deactivateUsers: config.deactivation.deactivateUsers, useLastDay: config.deactivation.useLastDay, enabled, nextRunAt, pushesGroups: config.mapping.pushGroups.length > 0 };
}

/**
 * What linking leads to, in the admin's words: the question the app and the CLI ask before
 * linking (the same sentences for both, so they cannot disagree).
 */
export function linkConsequences(s: LinkSettings, k: number): string[] {
  const them = k === 1 ? 'it' : 'them';
  const lines: string[] = [];
  if (s.deactivateUsers) {
    lines.push(`With "Deactivate users" on, the next sync deactivates ${k === 1 ? 'it: its person is' : 'them: their people are'} outside the scope or disabled in Entra. The next dry run shows ${them} first, and the deactivation threshold still stops a sync that would deactivate many.`);
  } else if (s.useLastDay) {
    lines.push(`"Deactivate users" is off, so ${k === 1 ? 'it stays' : 'they stay'} active, except when the person's Last Day has passed: the next sync deactivates those.`);
  } else {
    lines.push(`"Deactivate users" is off, so ${k === 1 ? 'it stays' : 'they stay'} active; with it on, the next sync deactivates ${them}.`);
  }
  if (s.pushesGroups) lines.push(`Where ${k === 1 ? 'it is a member' : 'they are members'} of the LMS groups this integration pushes, the next sync takes ${them} out: ${k === 1 ? 'its person is' : 'their people are'} not synced.`);
  if (s.enabled && (s.deactivateUsers || s.useLastDay || s.pushesGroups)) {
    const at = s.nextRunAt ? ` (next: ${s.nextRunAt.slice(0, 16).replace('T', ' ')} UTC)` : '';
    lines.push(`This integration is enabled: its next scheduled sync${at} does this without asking, within the threshold. To look first, run a dry run right after linking.`);
  }
  lines.push(`Someone who comes into scope keeps this account instead of getting a new one. Nothing is written to the LMS now.`);
  lines.push(`A link is not undone from here: to have Rollcall leave someone alone again, put them on the skip list.`);
  return lines;
}
