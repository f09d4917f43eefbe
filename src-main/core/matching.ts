/**
 * Which LMS account belongs to which Entra user. Order (DESIGN.md §3): link → externalId →
 * e-mail/userName when exactly one unlinked LMS user matches → create. Aliases only ever
 * produce conflict candidates. Each pass runs for every user before the next, so an account
 * linked by id is never taken by someone else's e-mail match, whatever the input order.
 */
import type { Link, SourceUser, TargetUser } from './model';
import { normaliseEmail } from './normalise';

export type ConflictReason =
  | 'duplicate_lms_accounts'
  | 'duplicate_entra_accounts'
  | 'recreated_in_entra'
  | 'email_taken'
  | 'external_id_taken'
  | 'external_id_mismatch'
  | 'claimed_by_other_integration'
  | 'email_taken_by_skip_listed_account'
  | 'alias_match';

export type MatchResult =
  | { kind: 'matched'; target: TargetUser; via: 'link' | 'externalId' | 'email' }
  | { kind: 'create'; reason: 'new_in_scope' | 'missing_in_lms' }
  | { kind: 'conflict'; reason: ConflictReason; detail: string; sourceIds: string[]; targetIds: string[] };

export type ConflictResult = Extract<MatchResult, { kind: 'conflict' }>;

export interface MatchCandidate {
  user: SourceUser;
  /** Normalised e-mail the user is written with (mail, else UPN). */
  email: string | null;
  /** Normalised sign-in name (UPN) when the caller already has it; computed otherwise. */
  userName?: string | null;
  /** The person's link (null: none), read only with MatchInput.candidatesCarryLinks. */
  link?: Link | null;
  /** With `link`: the account in `targets` it names (null: not listed). */
  linkedAccount?: TargetUser | null;
}

export interface MatchInput {
  /** In scope, enabled, not skip-listed: the users plan() wants in the LMS. */
  candidates: readonly MatchCandidate[];
  /** Every source user id in the snapshot (to tell "linked to someone else" from "recreated"). */
  sourceIds: { has(id: string): boolean };
  /** LMS users, without skip-listed ones. */
  targets: readonly TargetUser[];
  /** E-mails/userNames of skip-listed LMS users: never matched, never merged into. */
  reservedKeys: ReadonlySet<string>;
  /** People the admin confirmed get a new account although an alias matches an account (scope.confirmedNewAccounts). */
  confirmedNewAccounts?: ReadonlySet<string>;
  /** mapping.createUsers: with it off, an alias conflict cannot end in a new account, and says so. */
  createUsers?: boolean;
  links: readonly Link[];
  otherLinks: readonly Link[];
  /**
   * `links` by account when the caller has that already (plan() does): building 100k-entry maps
   * twice is a good part of a large plan's time.
   */
  linkByTarget?: Pick<ReadonlyMap<string, Link>, 'get' | 'has' | 'size'>;
  /** accountsLinkedToMany(links), when the caller has it already (plan() has, for the conflicts' texts). */
  sharedAccounts?: ReadonlyMap<string, readonly string[]>;
  /**
   * Each candidate's `link` and `linkedAccount` are their link in `links` and the account in
   * `targets` it names, so the link pass looks nothing up (plan() has put them there when no
   * skip list filters either list). Otherwise matching looks them up in `links` and `targets`.
   */
  candidatesCarryLinks?: boolean;
  /**
   * Called with each result the link pass settles (final: the later passes only look at the
   * others), before the later passes run. plan() plans the person there, while their objects are
   * still in the CPU caches; at 100k people a second sweep over them was much slower.
   */
  onLinkPassResult?: (index: number, result: MatchResult) => void;
  /**
   * False when the caller knows no one has two links in `links` (plan() does): then matching
   * does not look for it, which costs a 100k-entry Map.
   */
  linksMayRepeat?: boolean;
}

/** Normalised e-mail / userName keys an LMS account answers to. */
/** An account's externalId as matching compares it (an Entra object id: trimmed, without case); null when it has none. */
export function externalIdKey(t: Pick<TargetUser, 'externalId'>): string | null {
  return t.externalId?.trim().toLowerCase() || null;
}

export function targetKeys(t: TargetUser): string[] {
  // One small array per account, no Set: plan() asks this for every LMS account.
  const keys: string[] = [];
  const first = normaliseEmail(t.userName);
  if (first) keys.push(first);
  for (const raw of t.emails) {
    const k = normaliseEmail(raw);
    if (k && !keys.includes(k)) keys.push(k);
  }
  return keys;
}

/** Alias addresses that may only produce candidates: otherMails and smtp: proxy addresses. */
export function aliasKeys(user: SourceUser): string[] {
  const keys = new Set<string>();
  for (const m of user.otherMails) {
    const k = normaliseEmail(m);
    if (k) keys.add(k);
  }
  for (const p of user.proxyAddresses) {
    if (!/^smtp:/i.test(p)) continue;
    const k = normaliseEmail(p.slice(5));
    if (k) keys.add(k);
  }
  return [...keys];
}

/**
 * key → one value, or several. Almost every key has one, and at 100k users a one-element array
 * per key was most of matching's garbage.
 */
type Index<V extends string | TargetUser | Link> = Map<string, V | V[]>;

function add<V extends string | TargetUser | Link>(index: Index<V>, key: string, value: V): void {
  const had = index.get(key);
  if (had === undefined) index.set(key, value);
  else if (Array.isArray(had)) had.push(value);
  else index.set(key, [had, value]);
}

const NONE: readonly never[] = [];

function all<V extends string | TargetUser | Link>(index: Index<V>, key: string): readonly V[] {
  const had = index.get(key);
  return had === undefined ? NONE : Array.isArray(had) ? had : [had];
}

function count<V extends string | TargetUser | Link>(index: Index<V>, key: string): number {
  const had = index.get(key);
  return had === undefined ? 0 : Array.isArray(had) ? had.length : 1;
}

/** A Map from a list (the last item per key wins), without a [key, item] pair per item. */
export function mapBy<T>(list: readonly T[], key: (item: T) => string): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of list) map.set(key(item), item);
  return map;
}

const sortedIds = (ts: readonly TargetUser[]): string[] => [...new Set(ts.map((t) => t.id))].sort();

/** The links of each person with more than one link in `links` (only a damaged table has them). */
function repeatedPeople(links: readonly Link[]): Map<string, Link[]> {
  const bySource: Index<Link> = new Map();
  for (const l of links) add(bySource, l.sourceId, l);
  const repeated = new Map<string, Link[]>();
  for (const [id, had] of bySource) if (Array.isArray(had)) repeated.set(id, had);
  return repeated;
}

/** One result per candidate, in the order of input.candidates. */
const NO_SHARED: ReadonlyMap<string, readonly string[]> = new Map();

/**
 * Accounts a damaged link table links to more than one person, with those people's ids sorted.
 * A row repeated word for word (a hand edit) names one person twice, not two people.
 */
export function accountsLinkedToMany(links: readonly Link[]): Map<string, string[]> {
  const owners = new Map<string, string[]>();
  for (const l of links) {
    const list = owners.get(l.targetId);
    if (!list) owners.set(l.targetId, [l.sourceId]);
    else if (!list.includes(l.sourceId)) list.push(l.sourceId);
  }
  const shared = new Map<string, string[]>();
  for (const [id, list] of owners) if (list.length > 1) shared.set(id, list.sort());
  return shared;
}

export function matchUsers(input: MatchInput): MatchResult[] {
  /** Result per candidate, by position in input.candidates (arrays beat 100k-entry Maps). */
  const res: (MatchResult | undefined)[] = new Array<MatchResult | undefined>(input.candidates.length);
  let linkBySource: Map<string, Link> | undefined;
  const given = input.candidatesCarryLinks === true;
  const linkOf = (c: MatchCandidate): Link | undefined => (given ? (c.link ?? undefined) : (linkBySource ??= mapBy(input.links, (l) => l.sourceId)).get(c.user.id));
  const linkByTarget = input.linkByTarget ?? mapBy(input.links, (l) => l.targetId);
  // Only a damaged link table links two people to one account; when every link has its own
  // account (one map entry per link) there is nothing to collect.
  const shared = input.sharedAccounts ?? (linkByTarget.size !== input.links.length ? accountsLinkedToMany(input.links) : NO_SHARED);
  const otherByTarget = new Map<string, Link>();
  for (const l of [...input.otherLinks].sort((a, b) => (a.integrationId < b.integrationId ? -1 : 1))) {
    if (!otherByTarget.has(l.targetId)) otherByTarget.set(l.targetId, l);
  }
  let targetById: Map<string, TargetUser> | undefined;
  const listed = (id: string): TargetUser | undefined => (targetById ??= mapBy(input.targets, (t) => t.id)).get(id);
  /** The listed account the candidate's link names (which the caller may have looked up). */
  const linkedAccount = (c: MatchCandidate, link: Link): TargetUser | undefined => (given ? (c.linkedAccount ?? undefined) : listed(link.targetId));
  const linksOfPerson = input.linksMayRepeat === false ? null : repeatedPeople(input.links);
  /** Target id → source id it is given to in this plan (besides the link table's own). */
  const claimed = new Map<string, string>();
  const staleLink = new Set<string>();
  // No sort needed: every pass decides from state fixed before it (claims of earlier passes,
  // wantedBy for e-mail), so the outcome does not depend on input order (a property test checks).
  const candidates = input.candidates;

  const claimedByOther = (t: TargetUser, sourceId: string): ConflictResult | null => {
    const other = otherByTarget.size > 0 ? otherByTarget.get(t.id) : undefined;
    if (!other) return null;
    return {
      kind: 'conflict',
      reason: 'claimed_by_other_integration',
      detail: `The LMS account ${t.userName} is already claimed by integration ${other.integrationId}; Rollcall does not fight over it.`,
      sourceIds: [sourceId],
      targetIds: [t.id],
    };
  };

  // Pass 1: the link table.
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i] as MatchCandidate;
    const { user } = c;
    const link = linkOf(c);
    if (!link) continue;
    let t = linkedAccount(c, link);
    const several = linksOfPerson?.get(user.id);
    if (several) {
      // A damaged table links this person to several accounts: the ones still in the LMS decide.
      const byId = new Map<string, TargetUser>();
      for (const l of several) {
        const account = listed(l.targetId);
        if (account) byId.set(account.id, account);
      }
      const accounts = [...byId.values()];
      if (accounts.length > 1) {
        res[i] = {
          kind: 'conflict',
          reason: 'duplicate_lms_accounts',
          detail: `The link table links this person to ${accounts.length} LMS accounts (${accounts.map((a) => a.userName).sort().join(', ')}); Rollcall never guesses which one is the person.`,
          sourceIds: [user.id],
          targetIds: sortedIds(accounts),
        };
        input.onLinkPassResult?.(i, res[i] as MatchResult);
        continue;
      }
      t = accounts[0];
    }
    if (!t) {
      staleLink.add(user.id);
      continue;
    }
    const conflict = claimedByOther(t, user.id);
    const linkedTo = shared.size > 0 ? shared.get(t.id) : undefined;
    if (conflict) res[i] = conflict;
    else if (linkedTo) {
      // Only a damaged link table links two people to one account; never pick one silently.
      res[i] = {
        kind: 'conflict',
        reason: 'duplicate_entra_accounts',
        detail: `The LMS account ${t.userName} is linked to two Entra users; relink one of them.`,
        sourceIds: [...linkedTo],
        targetIds: [t.id],
      };
    } else {
      // Not put in `claimed`: every later look-up also asks linkByTarget, which names this same
      // person (the account has one link here), and 100k inserts were a tenth of matching's time.
      res[i] = { kind: 'matched', target: t, via: 'link' };
    }
    input.onLinkPassResult?.(i, res[i] as MatchResult);
  }

  // The passes below look up only the people the link table did not settle (a few hundred in a
  // scheduled run): their indexes hold the keys those people ask for, not 100k of each, whose
  // Map inserts were most of matching's time at 100k.
  const unsettled = (): number[] => {
    const out: number[] = [];
    for (let i = 0; i < candidates.length; i++) if (res[i] === undefined) out.push(i);
    return out;
  };
  const afterLinks = unsettled();
  const byExternalId: Index<TargetUser> = new Map();
  if (afterLinks.length > 0) {
    const wanted = new Set(afterLinks.map((i) => (candidates[i] as MatchCandidate).user.id.toLowerCase()));
    for (const t of input.targets) {
      const k = externalIdKey(t);
      if (k !== null && wanted.has(k)) add(byExternalId, k, t);
    }
  }

  // Pass 2: externalId holds the Entra object id.
  for (const i of afterLinks) {
    const { user } = candidates[i] as MatchCandidate;
    if (res[i] !== undefined) continue;
    const found = all(byExternalId, user.id.toLowerCase());
    if (found.length === 0) continue;
    if (found.length > 1) {
      res[i] = {
        kind: 'conflict',
        reason: 'duplicate_lms_accounts',
        detail: `${found.length} LMS accounts carry this person's Entra object id as externalId.`,
        sourceIds: [user.id],
        targetIds: sortedIds(found),
      };
      continue;
    }
    const t = found[0] as TargetUser;
    const owner = claimed.get(t.id) ?? linkByTarget.get(t.id)?.sourceId;
    const conflict = claimedByOther(t, user.id);
    if (conflict) res[i] = conflict;
    else if (owner !== undefined && owner !== user.id) {
      res[i] = {
        kind: 'conflict',
        reason: 'external_id_taken',
        detail: `The LMS account ${t.userName} carries this person's id but is linked to another Entra user (${owner}).`,
        sourceIds: [user.id, owner].sort(),
        targetIds: [t.id],
      };
    } else {
      res[i] = { kind: 'matched', target: t, via: 'externalId' };
      claimed.set(t.id, user.id);
    }
  }

  /** The LMS accounts answering to any of the addresses, once each (the last object per id), by id. */
  const accountsAnswering = (keys: readonly string[]): TargetUser[] => {
    const found: TargetUser[] = [];
    for (const k of keys) {
      for (const t of all(byKey, k)) {
        const at = found.findIndex((f) => f.id === t.id);
        if (at < 0) found.push(t);
        else found[at] = t;
      }
    }
    return found.length > 1 ? found.sort((a, b) => (a.id < b.id ? -1 : 1)) : found;
  };

  // Pass 3: e-mail / userName, only when exactly one unlinked LMS account answers.
  // Every address a candidate answers to (e-mail and sign-in name): two people on one address
  // cannot both be matched or created.
  const keysOf = (c: MatchCandidate): string[] => {
    const upn = c.userName !== undefined ? c.userName : normaliseEmail(c.user.userPrincipalName);
    return c.email && upn && c.email !== upn ? [c.email, upn] : c.email ? [c.email] : upn ? [upn] : [];
  };
  const afterIds = unsettled();
  const keysByCandidate = new Map<number, string[]>();
  const wantedKeys = new Set<string>();
  for (const i of afterIds) {
    const c = candidates[i] as MatchCandidate;
    const keys = keysOf(c);
    keysByCandidate.set(i, keys);
    for (const k of keys) wantedKeys.add(k);
    // Pass 4 looks these up for whoever is still unmatched after pass 3.
    for (const k of aliasKeys(c.user)) wantedKeys.add(k);
  }
  /** Candidates by address, for the addresses the unsettled use (as keysOf would list them). */
  const bySourceKey: Index<string> = new Map();
  const byKey: Index<TargetUser> = new Map();
  if (wantedKeys.size > 0) {
    for (const c of candidates) {
      const upn = c.userName !== undefined ? c.userName : normaliseEmail(c.user.userPrincipalName);
      if (c.email && wantedKeys.has(c.email)) add(bySourceKey, c.email, c.user.id);
      if (upn && upn !== c.email && wantedKeys.has(upn)) add(bySourceKey, upn, c.user.id);
    }
    for (const t of input.targets) for (const k of targetKeys(t)) if (wantedKeys.has(k)) add(byKey, k, t);
  }
  const pending: { i: number; c: MatchCandidate; free: TargetUser[]; taken: TargetUser[] }[] = [];
  const wantedBy: Index<string> = new Map();
  const isFree = (t: TargetUser): boolean => !claimed.has(t.id) && !linkByTarget.has(t.id) && !otherByTarget.has(t.id) && !t.externalId;
  for (const i of afterIds) {
    const c = candidates[i] as MatchCandidate;
    if (res[i] !== undefined) continue;
    const keys = keysByCandidate.get(i) ?? NONE;
    const reserved = keys.find((k) => input.reservedKeys.has(k));
    if (reserved) {
      res[i] = {
        kind: 'conflict',
        reason: 'email_taken_by_skip_listed_account',
        detail: `${reserved} belongs to an LMS account on the skip list, so Rollcall neither creates a second account nor touches that one.`,
        sourceIds: [c.user.id],
        targetIds: [],
      };
      continue;
    }
    const sharedKey = keys.find((k) => count(bySourceKey, k) > 1);
    const sharing = sharedKey ? [...new Set(keys.flatMap((k) => all(bySourceKey, k)))] : [];
    const answering = accountsAnswering(keys);
    if (sharing.length > 1) {
      res[i] = {
        kind: 'conflict',
        reason: 'duplicate_entra_accounts',
        detail: `${sharing.length} Entra accounts use the address ${sharedKey ?? ''} (as e-mail or sign-in name); Rollcall cannot tell which one is the person.`,
        sourceIds: [...sharing].sort(),
        targetIds: sortedIds(answering),
      };
      continue;
    }
    const free = answering.filter(isFree);
    const taken = answering.filter((t) => !isFree(t));
    pending.push({ i, c, free, taken });
    for (const t of free) add(wantedBy, t.id, c.user.id);
  }
  for (const { i, c, free, taken } of pending) {
    const id = c.user.id;
    const email = c.email ?? c.user.userPrincipalName;
    if (free.length > 1) {
      res[i] = {
        kind: 'conflict',
        reason: 'duplicate_lms_accounts',
        detail: `${free.length} LMS accounts answer to ${email}; Rollcall never guesses which one is the person.`,
        sourceIds: [id],
        targetIds: sortedIds(free),
      };
    } else if (free.length === 1) {
      const t = free[0] as TargetUser;
      const rivals = all(wantedBy, t.id);
      if (rivals.length > 1) {
        res[i] = {
          kind: 'conflict',
          reason: 'duplicate_entra_accounts',
          detail: `${rivals.length} Entra accounts match the LMS account ${t.userName}; Rollcall cannot tell which one is the person.`,
          sourceIds: [...rivals].sort(),
          targetIds: [t.id],
        };
      } else {
        res[i] = { kind: 'matched', target: t, via: 'email' };
        claimed.set(t.id, id);
      }
    } else if (taken.length > 0) {
      res[i] = takenConflict(id, email, taken[0] as TargetUser);
    }
  }

  function takenConflict(id: string, email: string, t: TargetUser): MatchResult {
    const byOther = claimedByOther(t, id);
    if (byOther) {
      return { ...byOther, detail: `${email} belongs to the LMS account ${t.userName}, claimed by integration ${otherByTarget.get(t.id)?.integrationId ?? ''}.` };
    }
    const owner = claimed.get(t.id) ?? linkByTarget.get(t.id)?.sourceId;
    if (owner !== undefined && !input.sourceIds.has(owner)) {
      return {
        kind: 'conflict',
        reason: 'recreated_in_entra',
        detail: `${email} belongs to an LMS account linked to an Entra user that no longer exists: the person was probably deleted and recreated in Entra. Relink the account to keep the learning history.`,
        sourceIds: [id, owner].sort(),
        targetIds: [t.id],
      };
    }
    if (owner !== undefined) {
      return {
        kind: 'conflict',
        reason: 'email_taken',
        detail: `${email} is already used by the LMS account ${t.userName}, which is linked to another Entra user (${owner}).`,
        sourceIds: [id, owner].sort(),
        targetIds: [t.id],
      };
    }
    return {
      kind: 'conflict',
      reason: 'external_id_mismatch',
      detail: `${email} is used by the LMS account ${t.userName}, whose externalId (${t.externalId ?? ''}) is not this person's Entra id.`,
      sourceIds: [id],
      targetIds: [t.id],
    };
  }

  // Pass 4: nothing matched. Aliases may point at an existing account: report, never merge.
  for (const i of afterIds) {
    const c = candidates[i] as MatchCandidate;
    if (res[i] !== undefined) continue;
    const hits = new Map<string, TargetUser>();
    for (const k of aliasKeys(c.user)) {
      for (const t of all(byKey, k)) if (!claimed.has(t.id) && !linkByTarget.has(t.id) && !otherByTarget.has(t.id)) hits.set(t.id, t);
    }
    if (hits.size > 0 && !input.confirmedNewAccounts?.has(c.user.id)) {
      const names = [...hits.values()].map((t) => t.userName).sort().join(', ');
      res[i] = {
        kind: 'conflict',
        reason: 'alias_match',
        detail: `No LMS account has ${c.email ?? c.user.userPrincipalName}, but ${names} matches one of this person's other addresses; relink it if it is theirs, ${input.createUsers === false ? 'or mark it not theirs if it is not (no new account is created while "Create users" is off)' : 'or confirm a new account if it is not'}.`,
        sourceIds: [c.user.id],
        targetIds: sortedIds([...hits.values()]),
      };
    } else {
      res[i] = { kind: 'create', reason: staleLink.has(c.user.id) ? 'missing_in_lms' : 'new_in_scope' };
    }
  }
  return res as MatchResult[];
}
