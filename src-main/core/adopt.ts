/**
 * "Have the integration deactivate users who do not fit the group" (reference 000, "too many
 * users"), for LMS accounts made before Rollcall: an unmanaged account that belongs to someone in
 * Entra whom this integration does not sync is linked to that person, once the admin confirms, as
 * Okta's import-and-match links existing accounts (reference 002). From then on the plan treats it
 * as any linked account: deactivated when its person is out of scope or disabled and "Deactivate
 * users" is on (the deactivation threshold still guards), kept and updated when they come in.
 *
 * Pure: which accounts of a dry run's unmanaged list can be linked now, given the links every
 * integration holds now and the skip list as it is now (both may have changed since the dry run).
 */
import { normaliseEmail } from './normalise';
import { prepareSkipList } from './scope';
import type { UnmanagedAccount } from './unmanaged';
// (unmanaged.ts imports linkableCount from here; the cycle is types one way, a function the other.)

/** Why an account of the list is not linked. */
export type NotAdoptedReason =
  /** Nobody in Entra has its externalId or address: there is no one to link it to. */
  | 'nobody_in_entra'
  /** Its person is synced through another account: a second account, merged or removed by hand. */
  | 'second_account'
  /** Its person owns more than one unmanaged account: which is theirs is the admin's call (Troubleshoot). */
  | 'several_accounts'
  /** The account or its person is on the skip list: Rollcall leaves them alone. */
  | 'skip_listed'
  /** An integration has linked the account, or this one the person, since the dry run. */
  | 'linked_since'
  /** A list from before owners were named by object id: the dry run is run again first. */
  | 'owner_unknown';

export interface AdoptedLink {
  sourceId: string;
  targetId: string;
  /** For the answer: the account's sign-in name and its Entra user's. */
  userName: string;
  entraUser: string;
  active: boolean;
}

export interface Adoption {
  links: AdoptedLink[];
  /** Accounts left as they are, by reason (only reasons that occur). */
  notAdopted: Partial<Record<NotAdoptedReason, number>>;
}

/** What adopting answered: the accounts linked, and why the others were not. */
export interface AdoptResult {
  /** Accounts linked now. */
  linked: number;
  /** Of `linked`: the active ones (what a dry run may now deactivate). */
  active: number;
  /** Up to a few of them, as the admin knows them: "account → Entra user". */
  examples: Array<{ userName: string; entraUser: string }>;
  notAdopted: Adoption['notAdopted'];
}

/** What is linked now, in every integration: LMS ids, and this integration's Entra ids. */
export interface LinkedNow {
  targetIds: ReadonlySet<string>;
  sourceIds: ReadonlySet<string>;
}

/**
 * The link an account of the list would get, or why it would get none. One judge for the dry
 * run's count (linkableCount) and for the linking itself, so the button's number is what it links
 * unless links changed since.
 */
function judge(accounts: readonly UnmanagedAccount[], linked: LinkedNow, skipList: readonly string[]): (a: UnmanagedAccount) => NotAdoptedReason | AdoptedLink {
  const skipKeys = prepareSkipList(skipList);
  const skipped = (a: UnmanagedAccount): boolean =>
    skipKeys.size > 0 &&
    [a.userName, a.email, a.entraUser, a.entraUserId].some((v) => {
      const k = normaliseEmail(v);
      return k !== null && skipKeys.has(k);
    });
  // A person with two unmanaged accounts: the list cannot say which one is theirs.
  const accountsOf = new Map<string, number>();
  for (const a of accounts) if (a.entraUserId && !a.secondAccount) accountsOf.set(a.entraUserId, (accountsOf.get(a.entraUserId) ?? 0) + 1);
  return (a) => {
    if (a.entraUser === null) return 'nobody_in_entra';
    if (a.secondAccount) return 'second_account';
    if (!a.entraUserId) return 'owner_unknown';
    if (skipped(a)) return 'skip_listed';
    if (linked.targetIds.has(a.id) || linked.sourceIds.has(a.entraUserId)) return 'linked_since';
    if ((accountsOf.get(a.entraUserId) ?? 0) > 1) return 'several_accounts';
    return { sourceId: a.entraUserId, targetId: a.id, userName: a.userName, entraUser: a.entraUser, active: a.active };
  };
}

const NONE_LINKED: LinkedNow = { targetIds: new Set(), sourceIds: new Set() };

/** How many of a dry run's unmanaged accounts linking would link (the links then are the dry run's own). */
export function linkableCount(accounts: readonly UnmanagedAccount[], skipList: readonly string[]): number {
  const why = judge(accounts, NONE_LINKED, skipList);
  let n = 0;
  for (const a of accounts) if (typeof why(a) !== 'string') n++;
  return n;
}

/** The accounts of the list that can be linked to their Entra user now, and why the others cannot. */
export function adoptionOf(accounts: readonly UnmanagedAccount[], linked: LinkedNow, skipList: readonly string[]): Adoption {
  const why = judge(accounts, linked, skipList);
  const links: AdoptedLink[] = [];
  const notAdopted: Partial<Record<NotAdoptedReason, number>> = {};
  for (const a of accounts) {
    const verdict = why(a);
    if (typeof verdict === 'string') notAdopted[verdict] = (notAdopted[verdict] ?? 0) + 1;
    else links.push(verdict);
  }
  return { links, notAdopted };
}

const count = (n: number, one: string, many: string): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** The accounts left, each reason in the admin's words, for the app's answer and the CLI alike. */
export function describeNotAdopted(notAdopted: Adoption['notAdopted'], where: 'app' | 'cli'): string[] {
  const diagnose = where === 'app' ? '"Troubleshoot user"' : '`rollcall diagnose --user ADDRESS`';
  const said: Record<NotAdoptedReason, (n: number) => string> = {
    nobody_in_entra: (n) => `${count(n, 'belongs', 'belong')} to nobody in Entra: remove only those that should not be there, by hand in the LMS.`,
    second_account: (n) => `${count(n, 'is a second account', 'are second accounts')} of someone already synced: merge or remove ${n === 1 ? 'it' : 'them'} in the LMS.`,
    several_accounts: (n) => `${count(n, 'account belongs', 'accounts belong')} to people with more than one: ${diagnose} each person and relink the right account.`,
    skip_listed: (n) => `${count(n, 'is', 'are')} on the skip list, so Rollcall leaves ${n === 1 ? 'it' : 'them'} alone.`,
    linked_since: (n) => `${count(n, 'was', 'were')} linked since the dry run.`,
    owner_unknown: (n) => `${count(n, 'was', 'were')} listed by an older dry run that did not keep whose ${n === 1 ? 'it is' : 'they are'}: run a dry run again.`,
  };
  return (Object.keys(said) as NotAdoptedReason[]).flatMap((why) => {
    const n = notAdopted[why];
    return n ? [said[why](n)] : [];
  });
}
