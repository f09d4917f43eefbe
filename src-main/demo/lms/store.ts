/**
 * The simulated LMS's data: users (SCIM-shaped JSON, with the enterprise and vendor extensions),
 * groups, departments, job profiles, permission types, and the "welcome e-mail" outbox. It
 * enforces what a real LMS enforces — userName and externalId uniqueness, references that must
 * exist, the default job profile on creation — by throwing SCIM errors the routes pass on.
 */
import { randomUUID } from 'node:crypto';
import SCIMMY from 'scimmy';
import { ENTERPRISE_USER } from '../../core/model';

export type Json = Record<string, unknown>;

export interface OrgItem {
  id: string;
  displayName: string;
  /** Departments only. */
  parentId?: string | null;
  /** Job profiles only. */
  isDefault?: boolean;
  meta: { resourceType: string; created: string; lastModified: string };
}

export interface OutboxMessage {
  to: string;
  userName: string;
  subject: string;
  at: string;
}

export type OrgKind = 'departments' | 'jobProfiles' | 'permissionTypes' | 'groups';

export interface StoreData {
  users: Json[];
  departments: OrgItem[];
  jobProfiles: OrgItem[];
  permissionTypes: OrgItem[];
  groups: Json[];
  outbox: OutboxMessage[];
}

/** A SCIM error the routes send as-is. SCIMMY's typings want a string scimType; absent is undefined on the wire. */
export const scimError = (status: number, scimType: string | null, detail: string): Error =>
  new SCIMMY.Types.Error(status, scimType ?? (undefined as unknown as string), detail);

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const obj = (v: unknown): Json | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : null);
const lower = (v: string): string => v.trim().toLowerCase();

export class LmsStore {
  private readonly users = new Map<string, Json>();
  private userList: Json[] | null = null;
  private readonly byUserName = new Map<string, string>();
  private readonly byExternalId = new Map<string, string>();
  private readonly byEmail = new Map<string, Set<string>>();
  readonly org: Record<OrgKind, Map<string, Json | OrgItem>> = {
    departments: new Map(),
    jobProfiles: new Map(),
    permissionTypes: new Map(),
    groups: new Map(),
  };
  readonly outbox: OutboxMessage[] = [];
  /** A fault: replacing an account keeps its meta.lastModified (see LmsFaults). */
  keepLastModifiedOnUpdate = false;
  private version = 0;
  onChange: () => void = () => {};

  constructor(
    private readonly vendorNs: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  // ----- users -------------------------------------------------------------------------------

  allUsers(): Json[] {
    this.userList ??= [...this.users.values()];
    return this.userList;
  }

  getUser(id: string): Json | undefined {
    return this.users.get(id);
  }

  findByUserName(userName: string): Json | undefined {
    const id = this.byUserName.get(lower(userName));
    return id ? this.users.get(id) : undefined;
  }

  findByExternalId(externalId: string): Json | undefined {
    const id = this.byExternalId.get(externalId);
    return id ? this.users.get(id) : undefined;
  }

  findByEmail(email: string): Json[] {
    return [...(this.byEmail.get(lower(email)) ?? [])].map((id) => this.users.get(id)).filter((u): u is Json => !!u);
  }

  private unindex(u: Json): void {
    const id = str(u.id) ?? '';
    const un = str(u.userName);
    if (un && this.byUserName.get(lower(un)) === id) this.byUserName.delete(lower(un));
    const ext = str(u.externalId);
    if (ext && this.byExternalId.get(ext) === id) this.byExternalId.delete(ext);
    for (const e of emailsOf(u)) this.byEmail.get(lower(e))?.delete(id);
  }

  private index(u: Json): void {
    const id = str(u.id) ?? '';
    const un = str(u.userName);
    if (un) this.byUserName.set(lower(un), id);
    const ext = str(u.externalId);
    if (ext) this.byExternalId.set(ext, id);
    for (const e of emailsOf(u)) {
      const set = this.byEmail.get(lower(e)) ?? new Set<string>();
      set.add(id);
      this.byEmail.set(lower(e), set);
    }
  }

  private checkUnique(u: Json, selfId: string | null): void {
    const un = str(u.userName);
    if (!un || !un.trim()) throw scimError(400, 'invalidValue', 'userName is required');
    const taken = this.byUserName.get(lower(un));
    if (taken && taken !== selfId) throw scimError(409, 'uniqueness', `userName "${un}" is already in use by another user`);
    const ext = str(u.externalId);
    const extTaken = ext ? this.byExternalId.get(ext) : undefined;
    if (extTaken && extTaken !== selfId) throw scimError(409, 'uniqueness', `externalId "${ext}" is already in use by another user`);
  }

  /** Fills display names of references and checks that every referenced id exists. */
  private resolveRefs(u: Json, isCreate: boolean): void {
    const ven = obj(u[this.vendorNs]) ?? {};
    const ref = (kind: OrgKind, label: string, v: unknown): Json | null => {
      const id = str(obj(v)?.value) ?? str(v);
      if (!id) return null;
      const item = this.org[kind].get(id);
      if (!item) throw scimError(400, 'invalidValue', `${label} "${id}" does not exist`);
      return { value: id, display: str((item as Json).displayName) ?? '' };
    };
    const userRef = (label: string, v: unknown): Json | null => {
      const id = str(obj(v)?.value) ?? str(v);
      if (!id) return null;
      const target = this.users.get(id);
      if (!target) throw scimError(400, 'invalidValue', `${label} "${id}" is not a user of this LMS`);
      return { value: id, display: str(target.userName) ?? '' };
    };
    if (ven.department !== undefined) ven.department = ref('departments', 'department', ven.department);
    if (ven.jobProfile !== undefined) ven.jobProfile = ref('jobProfiles', 'job profile', ven.jobProfile);
    if (isCreate && !ven.jobProfile) {
      const def = [...this.org.jobProfiles.values()].find((j) => (j as OrgItem).isDefault) as OrgItem | undefined;
      if (def) ven.jobProfile = { value: def.id, display: def.displayName };
    }
    if (Array.isArray(ven.permissionTypes)) ven.permissionTypes = ven.permissionTypes.map((p) => ref('permissionTypes', 'permission type', p)).filter(Boolean);
    if (Array.isArray(ven.approvers)) ven.approvers = ven.approvers.map((a) => userRef('approver', a)).filter(Boolean);
    for (const k of Object.keys(ven)) if (ven[k] === null) delete ven[k];
    if (Object.keys(ven).length) u[this.vendorNs] = ven;
    const ent = obj(u[ENTERPRISE_USER]);
    if (ent?.manager !== undefined) {
      const m = userRef('manager', ent.manager);
      if (m) ent.manager = { value: m.value, displayName: m.display };
      else delete ent.manager;
    }
  }

  createUser(input: Json): Json {
    const u: Json = structuredClone(input);
    delete u.id;
    this.checkUnique(u, null);
    this.resolveRefs(u, true);
    const at = this.now().toISOString();
    const id = randomUUID();
    u.id = id;
    if (u.active === undefined) u.active = true;
    u.meta = { resourceType: 'User', created: at, lastModified: at, version: `W/"${++this.version}"` };
    this.users.set(id, u);
    this.index(u);
    this.userList = null;
    if (u.active === true) {
      const to = emailsOf(u)[0] ?? str(u.userName) ?? '';
      this.outbox.push({ to, userName: str(u.userName) ?? '', subject: 'Welcome to your learning platform', at });
    }
    this.onChange();
    return u;
  }

  replaceUser(id: string, input: Json): Json {
    const cur = this.users.get(id);
    if (!cur) throw scimError(404, null, `User ${id} not found`);
    const u: Json = structuredClone(input);
    u.id = id;
    this.checkUnique(u, id);
    this.resolveRefs(u, false);
    if (u.active === undefined) u.active = cur.active;
    const meta = obj(cur.meta) ?? {};
    const lastModified = this.keepLastModifiedOnUpdate ? (str(meta.lastModified) ?? this.now().toISOString()) : this.now().toISOString();
    u.meta = { ...meta, resourceType: 'User', lastModified, version: `W/"${++this.version}"` };
    this.unindex(cur);
    this.users.set(id, u);
    this.index(u);
    this.userList = null;
    this.onChange();
    return u;
  }

  // ----- organisation ------------------------------------------------------------------------

  orgList(kind: OrgKind): Array<Json | OrgItem> {
    return [...this.org[kind].values()];
  }

  /** Creates or replaces an organisation item; names are unique among siblings. */
  putOrg(kind: OrgKind, id: string | null, input: Json): Json | OrgItem {
    const name = str(input.displayName)?.trim();
    if (!name) throw scimError(400, 'invalidValue', 'displayName is required');
    const parentId = kind === 'departments' ? (str(obj(input.parent)?.value) ?? str(input.parent)) : null;
    if (parentId && !this.org.departments.has(parentId)) throw scimError(400, 'invalidValue', `parent department "${parentId}" does not exist`);
    for (const other of this.org[kind].values()) {
      const o = other as OrgItem;
      if (o.id !== id && o.displayName.toLowerCase() === name.toLowerCase() && (kind !== 'departments' || (o.parentId ?? null) === (parentId ?? null))) {
        throw scimError(409, 'uniqueness', `${kind === 'departments' ? 'a department' : 'an item'} named "${name}" already exists here`);
      }
    }
    const at = this.now().toISOString();
    const prev = id ? (this.org[kind].get(id) as OrgItem | undefined) : undefined;
    if (id && !prev) throw scimError(404, null, `${kind} ${id} not found`);
    const item: OrgItem = {
      id: id ?? randomUUID(),
      displayName: name,
      meta: { resourceType: RESOURCE_TYPE[kind], created: prev?.meta.created ?? at, lastModified: at },
    };
    if (kind === 'departments') item.parentId = parentId ?? null;
    if (kind === 'jobProfiles') {
      item.isDefault = input.isDefault === true;
      if (item.isDefault) for (const j of this.org.jobProfiles.values()) (j as OrgItem).isDefault = false;
    }
    this.org[kind].set(item.id, item);
    this.onChange();
    return item;
  }

  /**
   * Groups are kept as SCIM JSON (members and all), as a real LMS keeps them: displayName required
   * and unique (case-insensitive) → 400 / 409; members de-duplicated, and each must be a user (or,
   * typed "Group", a group) of this LMS → 400 otherwise. Every write moves meta.lastModified
   * forward (by a millisecond when the clock has not moved) and the version.
   */
  putGroup(id: string | null, input: Json): Json {
    const g: Json = structuredClone(input);
    const prev = id ? (this.org.groups.get(id) as Json | undefined) : undefined;
    if (id && !prev) throw scimError(404, null, `Group ${id} not found`);
    const gid = id ?? randomUUID();
    const name = str(g.displayName)?.trim();
    if (!name) throw scimError(400, 'invalidValue', 'displayName is required');
    for (const other of this.org.groups.values()) {
      const o = other as Json;
      if (o.id !== gid && str(o.displayName)?.trim().toLowerCase() === name.toLowerCase()) throw scimError(409, 'uniqueness', `a group named "${name}" already exists`);
    }
    const members = this.groupMembers(gid, g.members);
    if (members.length > 0) g.members = members;
    else delete g.members;
    g.id = gid;
    g.meta = this.groupMeta(prev);
    this.org.groups.set(gid, g);
    this.onChange();
    return g;
  }

  private groupMeta(prev: Json | undefined): Json {
    const at = this.now().toISOString();
    const prevMeta = obj(prev?.meta);
    const prevAt = Date.parse(str(prevMeta?.lastModified) ?? '');
    const lastModified = prevAt >= Date.parse(at) ? new Date(prevAt + 1).toISOString() : at;
    return { resourceType: 'Group', created: str(prevMeta?.created) ?? at, lastModified, version: `W/"${++this.version}"` };
  }

  private groupMembers(groupId: string, input: unknown): Json[] {
    if (input === undefined || input === null) return [];
    if (!Array.isArray(input)) throw scimError(400, 'invalidValue', 'members must be a list');
    const out: Json[] = [];
    const seen = new Set<string>();
    for (const m of input) {
      const value = str(obj(m)?.value);
      if (!value) throw scimError(400, 'invalidValue', 'every member needs a value (the id of a user or group)');
      const type = str(obj(m)?.type);
      const isGroup = type === 'Group' || (type === null && !this.users.has(value) && this.org.groups.has(value));
      if (isGroup ? !this.org.groups.has(value) || value === groupId : !this.users.has(value)) {
        throw scimError(400, 'invalidValue', `member "${value}" is not ${isGroup ? 'another group' : 'a user'} of this LMS`);
      }
      const key = `${isGroup ? 'G' : 'U'}:${value}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(m as Json);
    }
    return out;
  }

  /** Takes a removed user out of every group it was in (each such group is modified). */
  private dropMember(userId: string): void {
    for (const [gid, item] of this.org.groups) {
      const g = item as Json;
      const members = Array.isArray(g.members) ? (g.members as unknown[]) : [];
      const kept = members.filter((m) => !(str(obj(m)?.value) === userId && (str(obj(m)?.type) ?? 'User') === 'User'));
      if (kept.length === members.length) continue;
      const { members: _old, ...rest } = g;
      this.org.groups.set(gid, { ...rest, ...(kept.length > 0 ? { members: kept } : {}), meta: this.groupMeta(g) });
    }
  }

  // ----- persistence -------------------------------------------------------------------------

  toData(): StoreData {
    return {
      users: this.allUsers(),
      departments: this.orgList('departments') as OrgItem[],
      jobProfiles: this.orgList('jobProfiles') as OrgItem[],
      permissionTypes: this.orgList('permissionTypes') as OrgItem[],
      groups: this.orgList('groups') as Json[],
      outbox: this.outbox,
    };
  }

  load(data: StoreData): void {
    for (const k of ['departments', 'jobProfiles', 'permissionTypes'] as const) for (const it of data[k]) this.org[k].set(it.id, it);
    for (const g of data.groups) this.org.groups.set(str(g.id) ?? '', g);
    for (const u of data.users) {
      this.users.set(str(u.id) ?? '', u);
      this.index(u);
    }
    this.userList = null;
    this.outbox.push(...data.outbox);
  }

  /**
   * An account removed inside the LMS (an LMS admin deleting it by hand). Rollcall never deletes;
   * tests use this to check that a read notices accounts gone since the last one.
   */
  removeUser(id: string): boolean {
    const u = this.users.get(id);
    if (!u) return false;
    this.unindex(u);
    this.users.delete(id);
    this.userList = null;
    // As a real LMS does: the account leaves its groups with it.
    this.dropMember(id);
    this.onChange();
    return true;
  }

  /** Fast bulk insert for seeding and benchmarks: no outbox, no reference checks. */
  insertRaw(u: Json): void {
    this.users.set(str(u.id) ?? '', u);
    this.index(u);
    this.userList = null;
  }
}

export const RESOURCE_TYPE: Record<OrgKind, string> = {
  departments: 'Department',
  jobProfiles: 'JobProfile',
  permissionTypes: 'PermissionType',
  groups: 'Group',
};

export function emailsOf(u: Json): string[] {
  const list = Array.isArray(u.emails) ? u.emails : [];
  return list.map((e) => str(obj(e)?.value)).filter((e): e is string => !!e);
}
