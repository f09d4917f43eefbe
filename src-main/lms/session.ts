/**
 * State shared by the read and write halves of the SCIM client: the discovered layout, the
 * organisation cache and what we know about user ids ↔ userNames (manager and approvers are
 * stored by id in the LMS and by userName in the model).
 */
import { fail, ok, type Result } from '../core/errors';
import type { LmsSettings } from '../core/config';
import type { TargetUser } from '../core/model';
import { buildLayout, parseServiceProviderConfig, type LmsLayout } from './discovery';
import { redactError, wrongPathError } from './errors';
import type { ScimHttp } from './http';
import { arr, obj, str, type JsonObject } from './json';
import { fromScimUser, type NameLookups } from './mapping';
import { OrgCache } from './org';
import { checkResponse } from './responses';
import { together } from './together';

/**
 * What the LMS's Groups turned out to accept, learned at run time (groups*.ts). A refusal by one
 * group is kept for that group (`…RefusedBy`, group ids): the session-wide flag is switched only
 * when a second group answers the same, so one odd group does not move every group's writes.
 */
export interface GroupsLearned {
  patchWorks: boolean;
  /** Groups that answered a PATCH with 501/405 (written by PUT from then on). */
  patchRefusedBy: Set<string>;
  /** `members[value eq "x"]` removes taken (some servers answer 400 invalidPath/invalidFilter). */
  removeByFilterWorks: boolean;
  /** Groups that refused a remove by `members[value eq "x"]`. */
  removeByFilterRefusedBy: Set<string>;
  /** `?excludedAttributes=members` taken on a group PUT. */
  excludeOnWrites: boolean;
  /** `?excludedAttributes=members` taken on a list of groups (a list refused with it and read without it: false). */
  excludeOnLists: boolean;
  /** `?attributes=members` taken on a group GET. */
  attributesWork: boolean;
  /** Groups whose GET with `?attributes=members` was answered 400. */
  attributesRefusedBy: Set<string>;
  /** Whether this token may read users (probed after a 401/403 on /Groups); null = not known. */
  usersReadable: boolean | null;
}

export function groupsLearned(patchWorks: boolean): GroupsLearned {
  return {
    patchWorks,
    patchRefusedBy: new Set(),
    removeByFilterWorks: true,
    removeByFilterRefusedBy: new Set(),
    excludeOnWrites: true,
    excludeOnLists: true,
    attributesWork: true,
    attributesRefusedBy: new Set(),
    usersReadable: null,
  };
}

/**
 * Notes that group `id` refused something; true when this makes two groups (or more) that did,
 * i.e. when the session-wide flag should be switched.
 */
export function refusedBy(groups: Set<string>, id: string): boolean {
  groups.add(id);
  return groups.size >= 2;
}

export class Session {
  layout: LmsLayout | null = null;
  org: OrgCache | null = null;
  private readonly names = new Map<string, string>();
  private readonly ids = new Map<string, string>();
  /**
   * Users of full reads not yet in the maps above, in the order they are remembered: a dry run
   * never asks, and 100,000 map insertions were a third of the read's own work.
   */
  private unindexed: Array<{ users: readonly TargetUser[]; skip: ReadonlySet<TargetUser> }> = [];
  /** Raw users from the last full read, for lookups when the LMS cannot filter. */
  lastUsers: { at: number; raw: JsonObject[] } | null = null;
  /** Learned at run time: a server can advertise filter/PATCH and still refuse them. */
  filterWorks = true;
  patchWorks = true;
  /** The same for groups, kept apart: a group PATCH refused must not move user writes to PUT. */
  groups: GroupsLearned = groupsLearned(true);
  private discovering: Promise<Result<LmsLayout>> | null = null;

  constructor(
    readonly http: ScimHttp,
    readonly settings: LmsSettings,
    readonly secrets: readonly string[],
    readonly pageSize: number,
  ) {}

  get concurrency(): number {
    return this.settings.concurrency;
  }

  /** LMS id → userName of every user seen (manager and approvers are stored by id). */
  get userNames(): ReadonlyMap<string, string> {
    this.index();
    return this.names;
  }

  /** userName (trimmed, lower case) → LMS id. */
  get userIds(): ReadonlyMap<string, string> {
    this.index();
    return this.ids;
  }

  rememberUser(id: string, userName: string): void {
    this.index();
    this.names.set(id, userName);
    this.ids.set(userName.trim().toLowerCase(), id);
  }

  /**
   * Remembers the users of a full read (all but `skip`: users without an exact string id and
   * userName) when the names are first needed, as if rememberUser had been called for each.
   */
  rememberRead(users: readonly TargetUser[], skip: ReadonlySet<TargetUser>): void {
    this.unindexed.push({ users, skip });
  }

  private index(): void {
    if (this.unindexed.length === 0) return;
    const reads = this.unindexed;
    this.unindexed = [];
    for (const { users, skip } of reads) {
      for (const u of users) {
        if (skip.has(u)) continue;
        this.names.set(u.id, u.userName);
        this.ids.set(u.userName.trim().toLowerCase(), u.id);
      }
    }
  }

  /** Discovery once per client; a failure is not cached so "Test again" really tests again. */
  ensureLayout(signal?: AbortSignal): Promise<Result<LmsLayout>> {
    this.discovering ??= this.discover(signal).then((r) => {
      if (!r.ok) this.discovering = null;
      return r;
    });
    return this.discovering;
  }

  async rediscover(signal?: AbortSignal): Promise<Result<LmsLayout>> {
    this.discovering = null;
    return this.ensureLayout(signal);
  }

  private async getJson(path: string, what: string, signal?: AbortSignal): Promise<Result<{ status: number; body: unknown }>> {
    const r = await this.http.request('GET', path, undefined, signal);
    if (!r.ok) return r;
    if (r.value.status === 404 || r.value.status === 501) return ok({ status: r.value.status, body: null });
    const checked = checkResponse(this.http, r.value, what, this.secrets);
    if (!checked.ok) return checked;
    return ok({ status: r.value.status, body: checked.value });
  }

  private async discover(signal?: AbortSignal): Promise<Result<LmsLayout>> {
    // Alone first: a wrong password is tried once, not three times (an LMS may lock the account).
    const spc = await this.getJson('ServiceProviderConfig', 'reading the LMS capabilities (/ServiceProviderConfig)', signal);
    if (!spc.ok) return spc;
    let protocol = parseServiceProviderConfig(spc.value.body);
    if (spc.value.body === null) {
      // No /ServiceProviderConfig: accept the URL only if /Users answers as SCIM, and then
      // assume the least (no filter, no PATCH): every server supports a paged GET and PUT.
      const probe = await this.getJson('Users?startIndex=1&count=1', 'reading one user to check the SCIM URL', signal);
      if (!probe.ok) return probe;
      const body = obj(probe.value.body);
      if (!body || !('totalResults' in body || arr(body.Resources))) {
        return fail(redactError(wrongPathError(this.http.url('ServiceProviderConfig').href), this.secrets));
      }
      protocol = { ...protocol, filter: false, patch: false };
    }
    // Then the two that need only the URL and the credentials it proved, at once: one round trip.
    const both = await together(signal, [(s) => this.getJson('ResourceTypes', 'reading the LMS resource types', s), (s) => this.getJson('Schemas', 'reading the LMS schemas', s)]);
    if (!both.ok) return both;
    const [types, schemas] = both.value as [{ status: number; body: unknown }, { status: number; body: unknown }];
    const layout = buildLayout(protocol, types.body, schemas.body, this.settings.vendorNamespace);
    this.layout = layout;
    this.org = new OrgCache({ http: this.http, layout, secrets: this.secrets, concurrency: this.concurrency, pageSize: this.pageSize });
    this.filterWorks = layout.capabilities.filter;
    this.patchWorks = layout.capabilities.patch;
    this.groups = groupsLearned(layout.capabilities.patch);
    return ok(layout);
  }

  nameLookups(): NameLookups {
    const org = this.org;
    return {
      departmentPath: (id) => org?.departmentPath(id) ?? null,
      jobProfileName: (id) => org?.jobProfiles?.get(id)?.name ?? null,
      permissionTypeName: (id) => org?.permissionTypes?.get(id)?.name ?? null,
      userNameOf: (id) => this.userNames.get(id) ?? null,
    };
  }

  /**
   * Maps single users (find/create/update results): loads the org lists if needed and fetches
   * the userName of any manager/approver id not yet known.
   */
  async toTargetUsers(raws: JsonObject[], signal?: AbortSignal): Promise<Result<TargetUser[]>> {
    const layout = this.layout;
    if (!layout) return ok([]);
    if (this.org && (layout.departments || layout.jobProfiles || layout.permissionTypes)) {
      const loaded = await this.org.load(signal);
      if (!loaded.ok) return loaded;
    }
    for (const raw of raws) {
      const id = str(raw.id);
      const userName = str(raw.userName);
      if (id && userName) this.rememberUser(id, userName);
    }
    const unknown = new Set<string>();
    for (const raw of raws) for (const id of referencedUserIds(raw, layout)) if (!this.userNames.has(id)) unknown.add(id);
    for (const id of unknown) {
      const r = await this.http.request('GET', `${layout.usersEndpoint.replace(/^\//, '')}/${encodeURIComponent(id)}`, undefined, signal);
      if (!r.ok) return r;
      if (r.value.status !== 200) continue; // a dangling reference stays as the id
      const u = obj(r.value.json);
      const userName = str(u?.userName);
      if (userName) this.rememberUser(id, userName);
    }
    const names = this.nameLookups();
    return ok(raws.map((raw) => fromScimUser(raw, layout, names)));
  }
}

/** Ids of the manager and approvers a raw user points at. */
export function referencedUserIds(raw: JsonObject, layout: LmsLayout): string[] {
  const ids: string[] = [];
  const ent = obj(raw['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User']);
  const m = obj(ent?.manager);
  const mid = str(m?.value);
  if (mid) ids.push(mid);
  const ns = layout.capabilities.vendorNamespace;
  const ven = ns ? obj(raw[ns]) : null;
  // Approvers name accounts unless the LMS takes addresses: {value} when complex, the id itself when a plain reference.
  if (layout.vendorShapes.approvers && !layout.capabilities.approversByEmail) {
    for (const a of arr(ven?.approvers) ?? []) {
      const id = str(a) ?? str(obj(a)?.value);
      if (id) ids.push(id);
    }
  }
  return ids;
}
