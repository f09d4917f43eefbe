/**
 * LMS accounts no integration manages: the answer to "I have too many users in my platform"
 * (reference 000). An account is unmanaged when no integration's link names it and this plan
 * neither links it (a matched account's op names it) nor holds it in a conflict. Rollcall never
 * changes such an account, whatever the "Deactivate users" switch says: the admin removes it by
 * hand in the LMS, or brings its person into scope so the next sync matches it.
 *
 * Each account also says whether someone in Entra has its address (then Diagnose tells why that
 * person is not synced: outside the scope, disabled, on the skip list), or nobody does (an account
 * made by hand, or for someone deleted from Entra before any integration linked them).
 * Pure and linear: one pass over links, ops and accounts, one over the Entra users.
 */
import type { Link, PlanOp, SourceSnapshot, TargetSnapshot, TargetUser, UnmanagedSummary } from './model';
import { ScimPath } from './model';
import { targetKeys, aliasKeys } from './matching';
import { normaliseEmail } from './normalise';

/** One unmanaged account, as the export lists it. */
export interface UnmanagedAccount {
  id: string;
  userName: string;
  email: string | null;
  displayName: string | null;
  active: boolean;
  /** Department path, top first, joined with " / "; null when unset. */
  department: string | null;
  created: string | null;
  lastModified: string | null;
  /** The userPrincipalName of the Entra user who has one of its addresses, or null. */
  entraUser: string | null;
}

export interface UnmanagedAccounts {
  summary: UnmanagedSummary;
  accounts: UnmanagedAccount[];
}

/** The LMS accounts that nothing links or plans to link; null when the LMS read was incomplete (an account missing from it proves nothing). */
export function unmanagedAccounts(
  source: Pick<SourceSnapshot, 'users'>,
  target: Pick<TargetSnapshot, 'users' | 'complete'>,
  ops: readonly PlanOp[],
  links: readonly Link[],
  otherLinks: readonly Link[],
): UnmanagedAccounts | null {
  if (!target.complete) return null;
  const managed = new Set<string>();
  for (const l of links) managed.add(l.targetId);
  for (const l of otherLinks) managed.add(l.targetId);
  for (const op of ops) {
    if (op.targetId !== null) managed.add(op.targetId);
    for (const id of op.candidates?.targetIds ?? []) managed.add(id);
  }
  const left: TargetUser[] = [];
  for (const u of target.users) if (!managed.has(u.id)) left.push(u);

  // Addresses of the unmanaged accounts only (few, usually), then one pass over Entra's users.
  const byAddress = new Map<string, number[]>();
  left.forEach((u, i) => {
    for (const k of targetKeys(u)) {
      const at = byAddress.get(k);
      if (at) at.push(i);
      else byAddress.set(k, [i]);
    }
  });
  const entraUser: Array<string | null> = new Array<string | null>(left.length).fill(null);
  if (byAddress.size > 0) {
    for (const user of source.users) {
      const keys = [normaliseEmail(user.mail), normaliseEmail(user.userPrincipalName), ...aliasKeys(user)];
      for (const k of keys) {
        if (k === null) continue;
        for (const i of byAddress.get(k) ?? []) entraUser[i] ??= user.userPrincipalName;
      }
    }
  }

  let active = 0;
  let inEntra = 0;
  const accounts = left.map((u, i): UnmanagedAccount => {
    if (u.active) active++;
    const entra = entraUser[i] ?? null;
    if (entra !== null) inEntra++;
    const email = u.attributes[ScimPath.email];
    const department = u.attributes[ScimPath.department];
    const displayName = u.attributes[ScimPath.displayName];
    return {
      id: u.id,
      userName: u.userName,
      email: typeof email === 'string' ? email : (u.emails[0] ?? null),
      displayName: typeof displayName === 'string' ? displayName : null,
      active: u.active,
      department: department === null || department === undefined ? null : Array.isArray(department) ? department.join(' / ') : department,
      created: u.created,
      lastModified: u.lastModified,
      entraUser: entra,
    };
  });
  return { summary: { count: accounts.length, active, inEntra }, accounts };
}

/** The export's columns (app and CLI alike), in the order of unmanagedCsvRow. */
export const UNMANAGED_CSV_HEADER = ['lmsId', 'userName', 'email', 'displayName', 'active', 'department', 'created', 'lastModified', 'entraUser'] as const;

export function unmanagedCsvRow(a: UnmanagedAccount): unknown[] {
  return [a.id, a.userName, a.email, a.displayName, a.active, a.department, a.created, a.lastModified, a.entraUser];
}

const count = (n: number, one: string, many: string): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/**
 * The count in the admin's words, for the dry run and `rollcall plan`: a title, then what Rollcall
 * does with them and where each kind of account leads (Diagnose, or removal by hand).
 */
export function describeUnmanaged(u: UnmanagedSummary, where: 'app' | 'cli'): { title: string; detail: string } {
  const diagnose = where === 'app' ? '"Troubleshoot user"' : '`rollcall diagnose --user ADDRESS`';
  const others = u.count - u.inEntra;
  const them = others === 1 ? 'it' : 'them';
  const they = others === 1 ? 'it' : 'they';
  return {
    title: `${count(u.count, 'LMS account', 'LMS accounts')} not managed by any integration (${u.active.toLocaleString('en-US')} active)`,
    detail: [
      `Nobody in scope matches ${u.count === 1 ? 'it' : 'them'}, so Rollcall never changes or deactivates ${u.count === 1 ? 'it' : 'them'}.`,
      u.inEntra > 0 ? `${count(u.inEntra, 'has', 'have')} the address of someone in Entra: ${diagnose} tells why that person is not synced.` : '',
      others > 0 ? `${count(others, 'belongs', 'belong')} to nobody in Entra: remove ${them} in the LMS if ${they} should not be there.` : '',
    ]
      .filter(Boolean)
      .join(' '),
  };
}
