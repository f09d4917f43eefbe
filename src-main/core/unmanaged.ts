/**
 * LMS accounts no integration manages: the answer to "I have too many users in my platform"
 * (reference 000). An account is unmanaged when no integration's link names it and this plan
 * neither links it (a matched account's op names it) nor holds it in a conflict. Rollcall never
 * changes such an account, whatever the "Deactivate users" switch says: the admin removes it by
 * hand in the LMS, or brings its person into scope so the next sync matches it.
 *
 * Each account also says whom in Entra it belongs to (by externalId first, then e-mail, sign-in
 * name or alias): someone synced through another account (a second account, to merge or remove),
 * someone not synced (Diagnose tells why: outside the scope, disabled, on the skip list), or
 * nobody (made in the LMS, or left by a leaver). Pure and linear: one pass over links, ops and
 * accounts, and at most two over the Entra users.
 */
import type { AttrValue, Link, PlanOp, SourceSnapshot, SourceUser, TargetSnapshot, TargetUser, UnmanagedSummary } from './model';
import { ScimPath } from './model';
import { vendorField } from './mapping';
import type { PlanMemo } from './plan';
import { externalIdKey, targetKeys } from './matching';
import { normaliseEmail } from './normalise';
import { count } from './ops';
import { namesIn } from './lms-names';
import { doubtfulOwners, whyNotLinkable, type LinkScope, type NotAdoptedReason, type OwnerEvidence } from './adopt';

const NO_SCOPE: LinkScope = { skipList: [], confirmedNewAccounts: [] };

/** One unmanaged account, as the export lists it. */
export interface UnmanagedAccount {
  id: string;
  userName: string;
  email: string | null;
  displayName: string | null;
  active: boolean;
  /** Department path, top first, joined with " / "; null when unset. */
  department: string | null;
  /** Its permission types, joined with ", " (an administrator stands out); null when none. */
  permissionTypes: string | null;
  created: string | null;
  lastModified: string | null;
  /** The userPrincipalName of the Entra user it belongs to (by externalId, e-mail, UPN or alias), or null. */
  entraUser: string | null;
  /** That user's object id (what linking the account links it to); absent in lists from before it was kept. */
  entraUserId?: string | null;
  /** True when that Entra user is synced through another account: this one is a second account. */
  secondAccount: boolean;
  /** Why "Link … to their Entra users" would leave it (core/adopt.ts), or null when it would link it; absent in older lists. */
  whyNotLinkable?: NotAdoptedReason | null;
}

export interface UnmanagedAccounts {
  summary: UnmanagedSummary;
  accounts: UnmanagedAccount[];
}

const SMTP = /^smtp:/i;
const UPPER = /[A-Z]/;

/** The LMS accounts that nothing links or plans to link; null when the LMS read was incomplete (an account missing from it proves nothing). */
export function unmanagedAccounts(
  source: Pick<SourceSnapshot, 'users'>,
  target: Pick<TargetSnapshot, 'users' | 'complete' | 'capabilities'>,
  ops: readonly PlanOp[],
  links: readonly Link[],
  otherLinks: readonly Link[],
  scope: LinkScope = NO_SCOPE,
): UnmanagedAccounts | null {
  if (!target.complete) return null;
  const named = namedByOps(ops);
  for (const l of links) named.add(l.targetId);
  for (const l of otherLinks) named.add(l.targetId);
  const left: TargetUser[] = [];
  for (const u of target.users) if (!named.has(u.id)) left.push(u);
  return describeLeft(source, target, left, ops, scope, (owners) => {
    // Whether those owners have (or get) an account from this integration: one pass over links
    // and ops against the few owners, rather than a set of everyone synced.
    const synced = new Set<string>();
    for (const l of links) if (owners.has(l.sourceId)) synced.add(l.sourceId);
    for (const op of ops) if (op.sourceId !== null && owners.has(op.sourceId) && givesAnAccount(op)) synced.add(op.sourceId);
    return synced;
  });
}

/**
 * unmanagedAccounts() for the plan a memo was made with (plan() or replan()): whether a link names
 * an account, and whether an owner is synced, are read off what plan() indexed, instead of sets of
 * 100,000 links built again after every run (most of the cost at that size). The same answer:
 * a property test holds the two together.
 */
export function unmanagedAfterPlan(memo: PlanMemo): UnmanagedAccounts | null {
  const { target } = memo;
  if (!target.complete) return null;
  const { accountById, otherByTarget, sourceById } = memo.ctx;
  const named = namedByOps(memo.plan.ops);
  // Skip-listed accounts are not in the plan's index (it is smaller than the list then): for
  // those, the links themselves.
  let linkedOutside: Set<string> | null = null;
  if (accountById.size !== target.users.length) {
    linkedOutside = new Set<string>();
    for (const links of [memo.links, memo.otherLinks]) for (const l of links) linkedOutside.add(l.targetId);
  }
  const left: TargetUser[] = [];
  for (const t of target.users) {
    if (named.has(t.id)) continue;
    const entry = accountById.get(t.id);
    const linked = entry === undefined ? (linkedOutside?.has(t.id) ?? false) : entry.link !== null || otherByTarget.has(t.id);
    if (!linked) left.push(t);
  }
  return describeLeft(memo.source, target, left, memo.plan.ops, memo.ctx.scope, (owners) => {
    const synced = new Set<string>();
    for (const id of owners) {
      const entry = sourceById.get(id);
      const op = entry?.c?.op;
      if (entry !== undefined && (entry.link !== null || (op !== null && op !== undefined && givesAnAccount(op)))) synced.add(id);
    }
    // A link naming someone the Entra read does not have (a goneLink) cannot be an owner's: owners are in the read.
    return synced;
  });
}

/** LMS accounts the plan's ops name: matched accounts (linked by the op) and those in a conflict. */
function namedByOps(ops: readonly PlanOp[]): Set<string> {
  const named = new Set<string>();
  for (const op of ops) {
    if (op.targetId !== null) named.add(op.targetId);
    if (op.candidates) for (const id of op.candidates.targetIds) named.add(id);
  }
  return named;
}

/** An op that gives the person an account from this integration (so another account of theirs is a second one). */
function givesAnAccount(op: PlanOp): boolean {
  return op.phase === 'users' && (op.kind === 'create' || op.kind === 'update' || op.kind === 'reactivate');
}

/** Owners this plan has an op for (they are in scope): the plan, not linking, decides their account. */
function handledAmong(owners: ReadonlySet<string>, ops: readonly PlanOp[]): Set<string> {
  const handled = new Set<string>();
  for (const op of ops) {
    if (op.phase !== 'users') continue;
    if (op.sourceId !== null && owners.has(op.sourceId)) handled.add(op.sourceId);
    if (op.candidates) for (const id of op.candidates.sourceIds) if (owners.has(id)) handled.add(id);
  }
  return handled;
}

/** How strongly an address claim ties an account to a person: their e-mail or sign-in name, or only an alias. */
const PRIMARY = 2;
const ALIAS = 1;

/**
 * The unmanaged accounts as the admin reads them: whose each is in Entra, whether that person is
 * synced through another account (`syncedAmong` answers for the owners found), whether linking
 * would take it (core/adopt.ts), and the counts.
 */
function describeLeft(
  source: Pick<SourceSnapshot, 'users'>,
  target: Pick<TargetSnapshot, 'capabilities' | 'users'>,
  left: readonly TargetUser[],
  ops: readonly PlanOp[],
  scope: LinkScope,
  syncedAmong: (owners: ReadonlySet<string>) => ReadonlySet<string>,
): UnmanagedAccounts {
  // Whose each account is: by externalId first (an Entra object id, authoritative), then, for the
  // accounts still without an owner, by address. Each is one pass over Entra's users that builds
  // nothing per user, and the address pass (the dearer one) is skipped when every account has an
  // owner already: this runs after every plan, replans included.
  const owner: Array<SourceUser | null> = new Array<SourceUser | null>(left.length).fill(null);
  // For an owner found by address: the strongest claim, and whether a second person claims it too.
  const strength = new Uint8Array(left.length);
  const contested = new Uint8Array(left.length);
  const byExternalId = new Map<string, number[]>();
  // As matching reads them: without case, an id with spaces around it still the id, an empty one none.
  left.forEach((u, i) => {
    const ext = externalIdKey(u);
    if (ext !== null) indexUnder(byExternalId, ext, i);
  });
  // Graph's ids are lower-case GUIDs: lower-cased only when they are not.
  if (byExternalId.size > 0) {
    for (const user of source.users) {
      const at = byExternalId.get(UPPER.test(user.id) ? user.id.toLowerCase() : user.id);
      if (at !== undefined) for (const i of at) owner[i] ??= user;
    }
  }
  const byObjectId = owner.map((o) => o !== null);

  const byKey = new Map<string, number[]>();
  left.forEach((u, i) => {
    // targetKeys() gives each key once, so an account is indexed once under each.
    if (owner[i] === null) for (const k of targetKeys(u)) indexUnder(byKey, k, i);
  });
  const claimAddress = (k: string | null, user: SourceUser, how: number): void => {
    const at = k === null ? undefined : byKey.get(k);
    if (at === undefined) return;
    for (const i of at) {
      const o = owner[i] ?? null;
      if (o === null) {
        owner[i] = user;
        strength[i] = how;
      } else if (o.id !== user.id) {
        // Two people answer to the account: it is shown as the stronger claim's, and linked by neither.
        contested[i] = 1;
        if (how > (strength[i] ?? 0)) {
          owner[i] = user;
          strength[i] = how;
        }
      } else if (how > (strength[i] ?? 0)) strength[i] = how;
    }
  };
  if (byKey.size > 0) {
    for (const user of source.users) {
      const mail = normaliseEmail(user.mail);
      const upn = normaliseEmail(user.userPrincipalName);
      claimAddress(mail, user, PRIMARY);
      if (upn !== mail) claimAddress(upn, user, PRIMARY);
      for (const m of user.otherMails) claimAddress(normaliseEmail(m), user, ALIAS);
      for (const p of user.proxyAddresses) if (SMTP.test(p)) claimAddress(normaliseEmail(p.slice(5)), user, ALIAS);
    }
  }

  const owners = new Set<string>();
  for (const o of owner) if (o !== null) owners.add(o.id);
  const synced = owners.size > 0 ? syncedAmong(owners) : new Set<string>();
  const handled = owners.size > 0 ? handledAmong(owners, ops) : new Set<string>();
  const accountsOf = new Map<string, number>();
  for (const o of owner) if (o !== null && !synced.has(o.id)) accountsOf.set(o.id, (accountsOf.get(o.id) ?? 0) + 1);

  // How each owner was found; an account carrying an object id (its externalId) that is not its
  // address owner's is not theirs for sure. Then the accounts still linkable are checked against
  // the whole LMS and Entra, as matching would see them (core/adopt.ts).
  const evidence = left.map((u, i): OwnerEvidence => (byObjectId[i] ? 'object_id' : strength[i] === PRIMARY && !contested[i] && externalIdKey(u) === null ? 'address' : 'uncertain'));
  const candidates = new Map<string, string>();
  left.forEach((u, i) => {
    const o = owner[i];
    if (o && evidence[i] !== 'uncertain' && !synced.has(o.id) && accountsOf.get(o.id) === 1) candidates.set(o.id, u.id);
  });
  if (candidates.size > 0) {
    const doubtful = doubtfulOwners(source.users, target.users, candidates);
    left.forEach((_u, i) => {
      const o = owner[i];
      if (o && doubtful.has(o.id)) evidence[i] = 'uncertain';
    });
  }

  const permissionsField = vendorField(target.capabilities, 'permissionTypes');
  const permissionsOf = (u: TargetUser): string[] => (permissionsField === null ? [] : namesIn(u.attributes[permissionsField]));
  let active = 0;
  let inEntra = 0;
  let secondAccounts = 0;
  let linkable = 0;
  const accounts = left.map((u, i): UnmanagedAccount => {
    if (u.active) active++;
    const who = owner[i] ?? null;
    const second = who !== null && synced.has(who.id);
    if (second) secondAccounts++;
    else if (who !== null) inEntra++;
    const why = whyNotLinkable({ account: u, owner: who, evidence: evidence[i] ?? 'uncertain', secondAccount: second, handled: who !== null && handled.has(who.id), ownersAccounts: who === null ? 0 : (accountsOf.get(who.id) ?? 0), permissionTypes: permissionsOf(u) }, scope);
    if (why === null) linkable++;
    const email = u.attributes[ScimPath.email];
    const displayName = u.attributes[ScimPath.displayName];
    return {
      id: u.id,
      userName: u.userName,
      email: typeof email === 'string' ? email : (u.emails[0] ?? null),
      displayName: typeof displayName === 'string' ? displayName : null,
      active: u.active,
      department: joined(u.attributes[ScimPath.department], ' / '),
      permissionTypes: permissionsField === null ? null : joined(u.attributes[permissionsField], ', '),
      created: u.created,
      lastModified: u.lastModified,
      entraUser: who?.userPrincipalName ?? null,
      entraUserId: who?.id ?? null,
      secondAccount: second,
      whyNotLinkable: why,
    };
  });
  return { summary: { count: accounts.length, active, inEntra, secondAccounts, linkable }, accounts };
}

/** Puts the account at `i` under `key` (several accounts may share one). */
function indexUnder(index: Map<string, number[]>, key: string, i: number): void {
  const at = index.get(key);
  if (at === undefined) index.set(key, [i]);
  else at.push(i);
}

function joined(v: AttrValue | undefined, separator: string): string | null {
  if (v === null || v === undefined) return null;
  if (!Array.isArray(v)) return v === '' ? null : v;
  return v.length === 0 ? null : v.join(separator);
}

/** The export's columns (app and CLI alike), in the order of unmanagedCsvRow. */
export const UNMANAGED_CSV_HEADER = ['lmsId', 'userName', 'email', 'displayName', 'active', 'department', 'permissionTypes', 'created', 'lastModified', 'entraUser', 'secondAccount', 'entraUserId', 'whyNotLinkable'] as const;

/** A row of the export; the two newest columns last, so a script reading by position keeps working. */
export function unmanagedCsvRow(a: UnmanagedAccount): unknown[] {
  return [a.id, a.userName, a.email, a.displayName, a.active, a.department, a.permissionTypes, a.created, a.lastModified, a.entraUser, a.secondAccount, a.entraUserId ?? null, a.whyNotLinkable ?? null];
}


/** What linking would do with the accounts of people in Entra (nothing said when it would link none). */
function linking(u: UnmanagedSummary, where: 'app' | 'cli', integrationId: string | undefined): string {
  // A dry run from before accounts were judged: a new one tells which can be linked.
  if (u.linkable === undefined) return '; a new dry run tells which can be linked to them';
  if (u.linkable === 0) return '';
  const how = where === 'app' ? 'linking (the button below)' : `\`rollcall unmanaged${integrationId ? ` --integration ${integrationId}` : ''} --link\``;
  if (u.linkable === u.inEntra) return `, and ${how} makes ${u.inEntra === 1 ? 'it' : 'them'} this integration's own`;
  return `, and ${how} makes ${u.linkable.toLocaleString('en-US')} of them this integration's own (the active ones found by their person's object id or own address; the list says why not the others)`;
}

/**
 * The count in the admin's words, for the dry run and `rollcall plan`: a title, then what Rollcall
 * does with them and where each kind of account leads (Diagnose, or removal by hand).
 */
export function describeUnmanaged(u: UnmanagedSummary, where: 'app' | 'cli', integrationId?: string): { title: string; detail: string } {
  const diagnose = where === 'app' ? '"Troubleshoot user"' : '`rollcall diagnose --user ADDRESS`';
  const seconds = u.secondAccounts;
  const others = u.count - u.inEntra - seconds;
  const one = (n: number, single: string, many: string) => (n === 1 ? single : many);
  return {
    title: `${count(u.count, 'LMS account', 'LMS accounts')} not managed by any integration (${u.active.toLocaleString('en-US')} active)`,
    detail: [
      `No integration links ${one(u.count, 'it', 'them')} and this dry run does not either, so Rollcall never changes or deactivates ${one(u.count, 'it', 'them')}.`,
      seconds > 0 ? `${count(seconds, 'is a second account', 'are second accounts')} of someone already synced through another account: merge or remove ${one(seconds, 'it', 'them')} in the LMS.` : '',
      u.inEntra > 0 ? `${count(u.inEntra, 'belongs', 'belong')} to someone in Entra who is not synced: ${diagnose} tells why${linking(u, where, integrationId)}.` : '',
      others > 0 ? `${count(others, 'belongs', 'belong')} to nobody in Entra: made in the LMS (an administrator, a service account, a learner from elsewhere) or left by a leaver; remove only those that should not be there.` : '',
    ]
      .filter(Boolean)
      .join(' '),
  };
}
