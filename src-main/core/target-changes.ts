/**
 * Reading the LMS by its changes (pure). SCIM has no change feed, but most servers keep
 * `meta.lastModified` and can filter on it, so a run can ask for the accounts modified since the
 * last read and apply them to the cached snapshot. This module decides from what was read
 * whether that merge gives exactly what a full read would; when it cannot tell, it says why,
 * and the caller reads in full.
 */
import type { LmsCapabilities, TargetDepartment, TargetJobProfile, TargetPermissionType, TargetSnapshot, TargetUser } from './model';

/**
 * How far before the last read a changes read starts. A change stamped just before that read
 * but committed a little later, or within the Date header's one-second resolution, is not
 * missed; reading a few accounts twice is harmless.
 */
export const CHANGES_OVERLAP_MS = 5 * 60_000;

/** After this long the LMS is read in full again, whatever the changes said (a safety net). */
export const FULL_LMS_READ_EVERY_MS = 24 * 3_600_000;

/**
 * The time to ask for changes after: when the cached read began, on the LMS's own clock (never
 * the workstation's, which may be off). Null when there is no such time, or when an account has
 * no modification time (it would never show up in a changes read): then only a full read will do.
 */
export function changesSince(cached: Pick<TargetSnapshot, 'users' | 'changesFrom'>): string | null {
  const from = cached.changesFrom === null ? Number.NaN : Date.parse(cached.changesFrom);
  if (Number.isNaN(from)) return null;
  for (const u of cached.users) if (u.lastModified === null || Number.isNaN(Date.parse(u.lastModified))) return null;
  return new Date(from - CHANGES_OVERLAP_MS).toISOString();
}

/**
 * The LMS's clock at a read (its Date header) as the start for the next changes read, unless its
 * accounts' modification times run ahead of it by more than the overlap: then the two clocks
 * disagree, no time can be trusted to find what changed, and the LMS is read in full.
 */
export function trustedChangesFrom(date: string | null, users: readonly TargetUser[]): string | null {
  const at = date === null ? Number.NaN : Date.parse(date);
  if (Number.isNaN(at)) return null;
  for (const u of users) {
    const t = u.lastModified === null ? Number.NaN : Date.parse(u.lastModified);
    if (t > at + CHANGES_OVERLAP_MS) return null;
  }
  return new Date(at).toISOString();
}

/** What a changes read brought back from the LMS. */
export interface TargetChangesRead {
  /** The time the changes were asked after (changesSince of the cached accounts). */
  since: string;
  /** Accounts the LMS says were modified after `since`. */
  users: TargetUser[];
  /** How many accounts the LMS has now (totalResults of the unfiltered list). */
  total: number;
  /** The LMS's clock as this read began (its Date header), for the next one. */
  changesFrom: string | null;
  departments: TargetDepartment[] | null;
  jobProfiles: TargetJobProfile[] | null;
  permissionTypes: TargetPermissionType[] | null;
  capabilities: LmsCapabilities;
  readAt: string;
}

export type TargetMerge = { ok: true; snapshot: TargetSnapshot } | { ok: false; fullReadBecause: string };

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Whether the cached accounts still map the same way: every department, job profile or
 * permission type they could name is still there under the same name (and parent). New ones are
 * fine (an apply creates departments); only the changed accounts can name those.
 */
function stillNamedTheSame<T extends { id: string; name: string }>(cached: readonly T[] | null, now: readonly T[] | null, key: (x: T) => string): boolean {
  if (cached === null || now === null) return cached === now;
  const current = new Map(now.map((x) => [x.id, key(x)]));
  return cached.every((x) => current.get(x.id) === key(x));
}

/**
 * The cached snapshot with the changes applied, or why only a full read gives the right one:
 * - the LMS changed what it supports, or renamed, moved or removed a department, job profile or
 *   permission type (an account's department path or job profile name would change without the
 *   account being modified);
 * - an account was renamed (others name it as their manager or approver);
 * - the server returned an account modified before `since` (it ignored the filter);
 * - the account count does not add up: accounts were removed (SCIM lists no deletions), or
 *   some exist that the changes do not explain.
 */
export function mergeTargetChanges(cached: TargetSnapshot, read: TargetChangesRead): TargetMerge {
  const no = (fullReadBecause: string): TargetMerge => ({ ok: false, fullReadBecause });
  if (!cached.complete) return no('the last LMS read was incomplete');
  if (!same(cached.capabilities, read.capabilities)) return no('the LMS changed what it supports');
  if (!stillNamedTheSame(cached.departments, read.departments, (d) => `${d.name}\u0000${d.parentId ?? ''}`)) return no('a department in the LMS was renamed, moved or removed');
  if (!stillNamedTheSame(cached.jobProfiles, read.jobProfiles, (j) => j.name)) return no('a job profile in the LMS was renamed or removed');
  if (!stillNamedTheSame(cached.permissionTypes, read.permissionTypes, (p) => p.name)) return no('a permission type in the LMS was renamed or removed');

  const since = Date.parse(read.since);
  const index = new Map<string, number>();
  cached.users.forEach((u, i) => index.set(u.id, i));
  const users = cached.users.slice();
  for (const u of read.users) {
    const modified = u.lastModified === null ? Number.NaN : Date.parse(u.lastModified);
    if (!(modified > since)) return no(`the LMS answered the changes query with an account not modified since ${read.since} (${u.userName}), so it does not filter by modification time`);
    const at = index.get(u.id);
    if (at === undefined) {
      index.set(u.id, users.length);
      users.push(u);
      continue;
    }
    const before = users[at] as TargetUser;
    if (before.userName !== u.userName) return no(`the account ${before.userName} was renamed to ${u.userName}`);
    users[at] = u;
  }
  if (users.length > read.total) {
    const n = users.length - read.total;
    return no(`${n} account${n === 1 ? ' was' : 's were'} removed from the LMS since the last full read`);
  }
  if (users.length < read.total) return no(`the LMS has ${read.total - users.length} more accounts than the changes since ${read.since} explain`);
  return {
    ok: true,
    snapshot: {
      readAt: read.readAt,
      readMode: 'changes',
      changesFrom: trustedChangesFrom(read.changesFrom, users),
      complete: true,
      incompleteReason: null,
      users,
      departments: read.departments,
      jobProfiles: read.jobProfiles,
      permissionTypes: read.permissionTypes,
      capabilities: read.capabilities,
    },
  };
}

/**
 * How many of the accounts Rollcall wrote since the cached read the changes read did not list as
 * changed. Not zero: the LMS does not mark every change in meta.lastModified (or stamps it with a
 * clock behind its Date header), so changes reads would miss edits.
 */
export function unmarkedWrites(changedIds: readonly string[], written: readonly string[]): number {
  if (written.length === 0) return 0;
  const changed = new Set(changedIds);
  return written.filter((id) => !changed.has(id)).length;
}
