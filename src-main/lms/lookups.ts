/**
 * Reads: the full snapshot (users and organisation resources) and single lookups by externalId,
 * userName or e-mail. Lookups use a SCIM filter when the LMS supports one; otherwise (or when a
 * server refuses the filter at run time) they scan the user list — the last full read when it is
 * fresh (kept only for an LMS without a working filter), else one full paged read. Results are always re-checked locally, because some servers
 * silently ignore a filter they do not understand and return everyone.
 */
import { ok, type Result } from '../core/errors';
import { trustedChangesFrom } from '../core/target-changes';
import type { ReadProgress } from '../core/directories';
import type { TargetSnapshot, TargetUser } from '../core/model';
import type { LmsLayout } from './discovery';
import { arr, obj, prop, str, type JsonObject } from './json';
import { filterLiteral, fromScimUser, type NameLookups } from './mapping';
import { checkResponse, readAllPages, readAllPagesAs } from './responses';
import type { Session } from './session';

export interface LookupBy {
  externalId?: string;
  userName?: string;
  email?: string;
}

const norm = (v: string): string => v.trim().toLowerCase();

export function matches(raw: JsonObject, by: LookupBy): boolean {
  if (by.externalId !== undefined && str(prop(raw, 'externalId')) === by.externalId) return true;
  if (by.userName !== undefined && norm(str(prop(raw, 'userName')) ?? '') === norm(by.userName)) return true;
  if (by.email !== undefined) {
    const want = norm(by.email);
    for (const e of arr(prop(raw, 'emails')) ?? []) if (norm(str(prop(obj(e), 'value')) ?? '') === want) return true;
  }
  return false;
}

async function readUsersRaw(s: Session, signal?: AbortSignal, onProgress?: (done: number, total: number | null) => void): Promise<Result<{ raw: JsonObject[]; incompleteReason: string | null }>> {
  const endpoint = s.layout?.usersEndpoint ?? '/Users';
  const r = await readAllPages(s.http, endpoint, s.pageSize, s.concurrency, 'users', s.secrets, signal, onProgress);
  if (!r.ok) return r;
  for (const raw of r.value.resources) {
    const id = str(raw.id);
    const userName = str(raw.userName);
    if (id && userName) s.rememberUser(id, userName);
  }
  if (!r.value.incompleteReason) s.lastUsers = { at: Date.now(), raw: r.value.resources };
  return ok({ raw: r.value.resources, incompleteReason: r.value.incompleteReason });
}

type OrgLists = Pick<TargetSnapshot, 'departments' | 'jobProfiles' | 'permissionTypes'>;

/** Reads the organisation resources afresh (departments, job profiles, permission types): small lists. */
export async function readOrgLists(s: Session, onProgress?: (p: ReadProgress) => void, signal?: AbortSignal): Promise<Result<OrgLists>> {
  const org = s.org;
  if (!org) return ok({ departments: null, jobProfiles: null, permissionTypes: null });
  org.reset();
  const loaded = await org.load(signal, (phase, done, total) => onProgress?.({ phase, done, total }));
  if (!loaded.ok) return loaded;
  return ok(org.snapshotLists());
}

export async function readAll(s: Session, onProgress?: (p: ReadProgress) => void, signal?: AbortSignal): Promise<Result<TargetSnapshot>> {
  const layoutR = await s.ensureLayout(signal);
  if (!layoutR.ok) return layoutR;
  const layout = layoutR.value;
  const listsR = await readOrgLists(s, onProgress, signal);
  if (!listsR.ok) return listsR;
  const lists = listsR.value;
  const users = await readUsersMapped(s, layout, { signal, onProgress: (done, total) => onProgress?.({ phase: 'users', done, total }) });
  if (!users.ok) return users;
  return ok({
    readAt: new Date().toISOString(),
    readMode: 'full',
    changesFrom: trustedChangesFrom(users.value.serverDate, users.value.users),
    complete: users.value.incompleteReason === null,
    incompleteReason: users.value.incompleteReason,
    users: users.value.users,
    ...lists,
    capabilities: layout.capabilities,
  });
}

/**
 * Every user, mapped page by page as the pages arrive: the mapping overlaps the next requests,
 * and the raw JSON of a page is garbage once mapped. A manager or approver is a reference by id;
 * one already read is named at once, and a user pointing at someone not read yet is mapped again
 * at the end, when every userName is known — so the result is what mapping after the whole read
 * gives (except for a user renamed while the read was paging past them twice). The raw users
 * are kept only when lookups will have to scan them (no working filter).
 */
export async function readUsersMapped(
  s: Session,
  layout: LmsLayout,
  o: { signal?: AbortSignal; onProgress?: (done: number, total: number | null) => void; filter?: string },
): Promise<Result<{ users: TargetUser[]; incompleteReason: string | null; serverDate: string | null }>> {
  const { signal, onProgress } = o;
  // A filtered read is a part of the list: it can never stand in for a scan.
  const keepRaw = !s.filterWorks && o.filter === undefined;
  const names = s.nameLookups();
  /** Users rememberUser would have skipped: no exact string-or-number id and userName. */
  const skip = new Set<TargetUser>();
  /** userNames of users whose id is not a string (kept apart from the paging by id); later ones win. */
  const otherNames = new Map<string, string>();
  let readSoFar: ReadonlyMap<string, TargetUser> = new Map();
  let missed = false;
  const nameSoFar = (id: string): string | null => {
    const u = readSoFar.get(id);
    if (u === undefined || skip.has(u)) {
      missed = true;
      return null;
    }
    return u.userName;
  };
  const soFar: NameLookups = { ...names, userNameOf: nameSoFar };
  const again: Array<[TargetUser, JsonObject]> = [];
  const rawOf = new Map<TargetUser, JsonObject>();
  const r = await readAllPagesAs<TargetUser>(
    s.http,
    o.filter === undefined ? layout.usersEndpoint : `${layout.usersEndpoint}?filter=${encodeURIComponent(o.filter)}`,
    s.pageSize,
    s.concurrency,
    'users',
    s.secrets,
    (raw, seen) => {
      readSoFar = seen;
      missed = false;
      const user = fromScimUser(raw, layout, soFar);
      const id = str(raw.id);
      const userName = str(raw.userName);
      if (!id || !userName) skip.add(user);
      else if (typeof raw.id !== 'string') otherNames.set(id, userName);
      if (missed) again.push([user, raw]);
      if (keepRaw) rawOf.set(user, raw);
      return user;
    },
    signal,
    onProgress,
  );
  if (!r.ok) return r;
  const users = r.value.resources;
  if (again.length > 0) {
    // The names as rememberUser over the whole read would leave them: this read's users, then what the session knew.
    const final: NameLookups = {
      ...names,
      userNameOf: (id) => {
        const other = otherNames.get(id);
        if (other !== undefined) return other;
        const u = readSoFar.get(id);
        return u !== undefined && !skip.has(u) ? u.userName : names.userNameOf(id);
      },
    };
    // Only manager and approvers depend on other users' names, and their keys are set either way.
    for (const [user, raw] of again) user.attributes = fromScimUser(raw, layout, final).attributes;
  }
  s.rememberRead(users, skip);
  if (keepRaw && !r.value.incompleteReason) s.lastUsers = { at: Date.now(), raw: users.map((u) => rawOf.get(u) as JsonObject) };
  return ok({ users, incompleteReason: r.value.incompleteReason, serverDate: r.value.serverDate });
}

async function byFilter(s: Session, expr: string, signal?: AbortSignal): Promise<Result<JsonObject[]> | 'unsupported'> {
  const endpoint = (s.layout?.usersEndpoint ?? '/Users').replace(/^\//, '');
  const r = await s.http.request('GET', `${endpoint}?filter=${encodeURIComponent(expr)}&startIndex=1&count=100`, undefined, signal);
  if (!r.ok) return r;
  if (r.value.status === 400 || r.value.status === 501) return 'unsupported';
  const checked = checkResponse(s.http, r.value, 'looking up a user', s.secrets);
  if (!checked.ok) return checked;
  const o = obj(checked.value);
  return ok((arr(o?.Resources) ?? []).map(obj).filter((x): x is JsonObject => x !== null));
}

/** How long a full read may stand in for a scan when the LMS cannot filter. */
const SCAN_CACHE_MS = 30_000;

export async function findUsers(s: Session, by: LookupBy, signal?: AbortSignal): Promise<Result<TargetUser[]>> {
  const layoutR = await s.ensureLayout(signal);
  if (!layoutR.ok) return layoutR;
  const found = new Map<string, JsonObject>();
  const exprs: string[] = [];
  if (by.externalId !== undefined) exprs.push(`externalId eq ${filterLiteral(by.externalId)}`);
  if (by.userName !== undefined) exprs.push(`userName eq ${filterLiteral(by.userName.trim())}`);
  if (by.email !== undefined) exprs.push(`emails.value eq ${filterLiteral(by.email.trim())}`);
  if (exprs.length === 0) return ok([]);

  if (s.filterWorks) {
    for (const expr of exprs) {
      const r = await byFilter(s, expr, signal);
      if (r === 'unsupported') {
        s.filterWorks = false;
        break;
      }
      if (!r.ok) return r;
      for (const raw of r.value) if (matches(raw, by)) found.set(str(raw.id) ?? '', raw);
    }
  }
  if (!s.filterWorks) {
    const fresh = s.lastUsers && Date.now() - s.lastUsers.at < SCAN_CACHE_MS ? s.lastUsers.raw : null;
    let raws = fresh;
    if (!raws) {
      const r = await readUsersRaw(s, signal);
      if (!r.ok) return r;
      raws = r.value.raw;
    }
    for (const raw of raws) if (matches(raw, by)) found.set(str(raw.id) ?? '', raw);
  }
  return s.toTargetUsers([...found.values()], signal);
}
