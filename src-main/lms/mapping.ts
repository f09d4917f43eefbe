/**
 * Pure translation between the flat attribute model (SCIM paths, references by NAME) and SCIM
 * resources on the wire (references by LMS id). The async client resolves names to ids first
 * and hands them in as lookups; nothing here does I/O.
 */
import { ENTERPRISE_USER, ScimPath, type AttrValue, type LmsCapabilities, type TargetUser } from '../core/model';
import type { AttrShape, LmsLayout } from './discovery';
import { CORE_USER } from './discovery';
import { DEPARTMENT_TEXT_SEPARATOR } from '../core/mapping';
import { arr, bool, FieldReader, obj, prop, str, type JsonObject } from './json';

export interface NameLookups {
  departmentPath(id: string): string[] | null;
  jobProfileName(id: string): string | null;
  permissionTypeName(id: string): string | null;
  userNameOf(id: string): string | null;
}

export interface IdLookups {
  departmentId(path: string[]): string | undefined;
  jobProfileId(name: string): string | undefined;
  permissionTypeId(name: string): string | undefined;
  userId(userName: string): string | undefined;
}

/** One value to put on the wire: `schema` null for core attributes, else the extension URN. */
export interface WireWrite {
  schema: string | null;
  path: string[];
  value: unknown;
}

export type MappingResult<T> = { ok: true; value: T } | { ok: false; field: string; missing: string; kind: 'department' | 'job profile' | 'permission type' | 'user' };

/** Splits "urn:…:User:department" into the URN and the attribute; core paths have no URN. */
export function splitPath(field: string): { schema: string | null; path: string[] } {
  if (field.startsWith('urn:')) {
    const i = field.lastIndexOf(':');
    return { schema: field.slice(0, i), path: field.slice(i + 1).split('.') };
  }
  return { schema: null, path: field.split('.') };
}

function refId(v: unknown): string | null {
  return str(v) ?? str(prop(obj(v), 'value'));
}

function refDisplay(v: unknown): string | null {
  const o = obj(v);
  return str(prop(o, 'display')) ?? str(prop(o, 'displayName'));
}

function asList(v: unknown): unknown[] {
  return arr(v) ?? (v === undefined || v === null ? [] : [v]);
}

/** Sets a model attribute unless it is empty (null, missing or an empty list). */
function put(attrs: Record<string, AttrValue>, key: string, v: AttrValue | undefined): void {
  if (v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0)) attrs[key] = v;
}

function isPrimary(e: JsonObject): boolean {
  return bool(prop(e, 'primary')) ?? false;
}

function isWork(e: JsonObject): boolean {
  const t = str(prop(e, 'type'));
  return t !== null && (t === 'work' || t.toLowerCase() === 'work');
}

/**
 * Every address, primary ones first (each group in the LMS's order), and the work address (else
 * the first). Written as loops: this runs once per user of a full read.
 */
function pickEmail(list: unknown[] | null): { work: string | null; all: string[] } {
  const all: string[] = [];
  let work: JsonObject | null = null;
  let primaries = 0;
  if (list) {
    for (const item of list) {
      const e = obj(item);
      if (!e) continue;
      if (work === null && isWork(e)) work = e;
      const value = str(prop(e, 'value'));
      if (!value) continue;
      // A stable partition: primaries keep their order, ahead of the others.
      if (isPrimary(e)) all.splice(primaries++, 0, value);
      else all.push(value);
    }
  }
  return { work: str(prop(work, 'value')) ?? all[0] ?? null, all };
}

/** The user attributes fromScimUser reads (FieldReader order, the vendor namespace last) and their places. */
const USER_FIELDS = ['userName', 'name', 'emails', 'displayName', 'preferredLanguage', 'locale', 'title', ENTERPRISE_USER, 'meta', 'id', 'externalId', 'active'] as const;
const F = { userName: 0, name: 1, emails: 2, displayName: 3, preferredLanguage: 4, locale: 5, title: 6, enterprise: 7, meta: 8, id: 9, externalId: 10, active: 11, vendor: 12 } as const;

/** What mapping needs per vendor namespace, built once instead of once per user. */
interface UserKeys {
  ns: string | null;
  fields: FieldReader;
  plain: Array<[string, string]>;
  jobProfile: string;
  permissionTypes: string;
  approvers: string;
}

let userKeys: UserKeys | null = null;

function userKeysFor(ns: string | null): UserKeys {
  if (userKeys?.ns !== ns) {
    userKeys = {
      ns,
      fields: new FieldReader(ns ? [...USER_FIELDS, ns] : USER_FIELDS),
      plain: (['contentRegion', 'customField1', 'customField2', 'customField3'] as const).map((a): [string, string] => [a, `${ns}:${a}`]),
      jobProfile: `${ns}:jobProfile`,
      permissionTypes: `${ns}:permissionTypes`,
      approvers: `${ns}:approvers`,
    };
  }
  return userKeys;
}

/** A SCIM User resource → the flat model, references resolved back to names. */
export function fromScimUser(raw: JsonObject, layout: LmsLayout, names: NameLookups): TargetUser {
  const attrs: Record<string, AttrValue> = {};
  const ns = layout.capabilities.vendorNamespace;
  const keys = userKeysFor(ns);
  // One pass over the user's keys (case-insensitive reads); copied out before any callback runs.
  const f = keys.fields.read(raw);
  const userName = str(f[F.userName]) ?? '';
  const name = obj(f[F.name]);
  const emailList = arr(f[F.emails]);
  const displayName = str(f[F.displayName]);
  const language = str(f[F.preferredLanguage]);
  const locale = str(f[F.locale]);
  const title = str(f[F.title]);
  const ent = obj(f[F.enterprise]);
  const metaValue = f[F.meta];
  const id = str(f[F.id]) ?? '';
  const externalId = str(f[F.externalId]);
  const active = bool(f[F.active]) ?? true;
  const ven = ns ? obj(f[F.vendor]) : null;
  const { work, all } = pickEmail(emailList);

  put(attrs, ScimPath.userName, userName);
  put(attrs, ScimPath.givenName, str(prop(name, 'givenName')));
  put(attrs, ScimPath.familyName, str(prop(name, 'familyName')));
  put(attrs, ScimPath.displayName, displayName);
  put(attrs, ScimPath.email, work);
  put(attrs, ScimPath.preferredLanguage, language);
  put(attrs, ScimPath.locale, locale);
  put(attrs, ScimPath.title, title);

  put(attrs, ScimPath.employeeNumber, str(prop(ent, 'employeeNumber')));
  const managerId = refId(prop(ent, 'manager'));
  if (managerId) put(attrs, ScimPath.manager, names.userNameOf(managerId) ?? managerId);

  let department: string[] | null = null;
  const deptRef = asList(prop(ven, 'department'))[0];
  if (deptRef !== undefined && layout.departments) {
    const deptId = refId(deptRef);
    department = (deptId ? names.departmentPath(deptId) : null) ?? [refDisplay(deptRef) ?? deptId ?? ''].filter(Boolean);
  } else {
    const text = str(prop(ent, 'department'));
    if (text) department = layout.departments ? [text] : text.split(DEPARTMENT_TEXT_SEPARATOR);
  }
  if (department) put(attrs, ScimPath.department, department);

  if (ns && ven) {
    for (const [plain, key] of keys.plain) put(attrs, key, str(prop(ven, plain)));
    const jp = prop(ven, 'jobProfile');
    if (jp !== undefined && jp !== null) {
      const jpId = refId(jp);
      put(attrs, keys.jobProfile, layout.jobProfiles && jpId ? (names.jobProfileName(jpId) ?? refDisplay(jp) ?? jpId) : jpId);
    }
    const perms: string[] = [];
    for (const p of asList(prop(ven, 'permissionTypes'))) {
      const pId = refId(p);
      const permission = layout.permissionTypes && pId ? (names.permissionTypeName(pId) ?? refDisplay(p) ?? pId) : pId;
      if (permission) perms.push(permission);
    }
    put(attrs, keys.permissionTypes, perms);
    const approvers: string[] = [];
    for (const a of asList(prop(ven, 'approvers'))) {
      const aId = refId(a);
      const approver = aId ? (names.userNameOf(aId) ?? aId) : null;
      if (approver) approvers.push(approver);
    }
    put(attrs, keys.approvers, approvers);
  }

  const meta = obj(metaValue);
  return {
    id,
    externalId,
    userName,
    active,
    emails: all,
    attributes: attrs,
    created: str(prop(meta, 'created')),
    lastModified: str(prop(meta, 'lastModified')),
  };
}

function toList(v: AttrValue): string[] {
  return v === null ? [] : Array.isArray(v) ? v : [v];
}

/**
 * One field of the flat model → the wire writes it needs. References are resolved through
 * `ids`; a name the LMS does not know is reported, never silently dropped.
 */
export function toWire(field: string, value: AttrValue, layout: LmsLayout, ids: IdLookups): MappingResult<WireWrite[]> {
  const caps = layout.capabilities;
  const ns = caps.vendorNamespace;
  const shape = (name: string): AttrShape | undefined => layout.vendorShapes[name];
  const none: MappingResult<WireWrite[]> = { ok: true, value: [] };

  if (field === ScimPath.department) {
    const path = toList(value);
    const leaf = path[path.length - 1] ?? null;
    const writes: WireWrite[] = [];
    const deptShape = shape('department');
    if (layout.departments && ns && deptShape) {
      let ref: unknown = null;
      if (path.length) {
        const id = ids.departmentId(path);
        if (!id) return { ok: false, field, missing: path.join(' > '), kind: 'department' };
        ref = deptShape.complex ? { value: id, display: leaf } : id;
      }
      writes.push({ schema: ns, path: ['department'], value: ref === null ? null : deptShape.multiValued ? [ref] : ref });
      if (caps.enterpriseExtension) writes.push({ schema: ENTERPRISE_USER, path: ['department'], value: leaf });
      return { ok: true, value: writes };
    }
    if (!caps.enterpriseExtension) return none;
    return { ok: true, value: [{ schema: ENTERPRISE_USER, path: ['department'], value: path.length ? path.join(DEPARTMENT_TEXT_SEPARATOR) : null }] };
  }

  if (field === ScimPath.manager) {
    if (!caps.enterpriseExtension) return none;
    if (value === null || (Array.isArray(value) && value.length === 0)) return { ok: true, value: [{ schema: ENTERPRISE_USER, path: ['manager'], value: null }] };
    const userName = toList(value)[0] ?? '';
    const id = ids.userId(userName);
    if (!id) return { ok: false, field, missing: userName, kind: 'user' };
    return { ok: true, value: [{ schema: ENTERPRISE_USER, path: ['manager'], value: { value: id } }] };
  }

  const { schema, path } = splitPath(field);
  const attr = path[0] ?? '';
  if (schema === ENTERPRISE_USER && !caps.enterpriseExtension) return none;
  if (ns && schema === ns) {
    // Do not send vendor attributes the LMS did not advertise (it would reject the whole user).
    if (Object.keys(layout.vendorShapes).length && !shape(attr)) return none;
    const sh = shape(attr);
    if (attr === 'jobProfile' && layout.jobProfiles && value !== null) {
      const name = toList(value)[0] ?? '';
      const id = ids.jobProfileId(name);
      if (!id) return { ok: false, field, missing: name, kind: 'job profile' };
      return { ok: true, value: [{ schema, path, value: sh?.complex ? { value: id, display: name } : id }] };
    }
    if (attr === 'permissionTypes' && layout.permissionTypes) {
      const refs: unknown[] = [];
      for (const name of toList(value)) {
        const id = ids.permissionTypeId(name);
        if (!id) return { ok: false, field, missing: name, kind: 'permission type' };
        refs.push(sh?.complex ? { value: id, display: name } : id);
      }
      return { ok: true, value: [{ schema, path, value: refs }] };
    }
    if (attr === 'approvers' && !caps.approversByEmail) {
      const refs: unknown[] = [];
      for (const userName of toList(value)) {
        const id = ids.userId(userName);
        if (!id) return { ok: false, field, missing: userName, kind: 'user' };
        refs.push(sh?.complex ? { value: id, display: userName } : id);
      }
      return { ok: true, value: [{ schema, path, value: sh?.multiValued === false ? (refs[0] ?? null) : refs }] };
    }
    // Plain vendor values; approvers by e-mail go out as written (Learnerbly's own format).
    const plain = sh?.multiValued ? toList(value) : Array.isArray(value) ? (value[0] ?? null) : value;
    return { ok: true, value: [{ schema, path, value: plain }] };
  }
  if (field === 'active') return { ok: true, value: [{ schema: null, path: ['active'], value: value === null ? null : toList(value)[0] !== 'false' }] };
  return { ok: true, value: [{ schema, path, value }] };
}

function setIn(target: JsonObject, path: string[], value: unknown): void {
  let cur = target;
  for (const key of path.slice(0, -1)) {
    const next = obj(cur[key]);
    if (next) cur = next;
    else {
      const fresh: JsonObject = {};
      cur[key] = fresh;
      cur = fresh;
    }
  }
  const last = path[path.length - 1];
  if (last === undefined) return;
  if (value === null || value === undefined) delete cur[last];
  else cur[last] = value;
}

/** Sets the work e-mail in an emails array, keeping the other addresses (aliases, old e-mails). */
export function withWorkEmail(current: unknown, email: string | null): JsonObject[] {
  const list = (arr(current) ?? []).map(obj).filter((e): e is JsonObject => e !== null).map((e) => ({ ...e }));
  const i = list.findIndex((e) => str(prop(e, 'type'))?.toLowerCase() === 'work');
  if (email === null) {
    if (i >= 0) list.splice(i, 1);
    return list;
  }
  if (i >= 0) {
    list[i] = { ...list[i], value: email };
    return list;
  }
  for (const e of list) delete e.primary;
  return [{ value: email, type: 'work', primary: true }, ...list];
}

/** Applies wire writes to a resource body (POST body or a fetched resource for PUT). */
export function applyWrites(resource: JsonObject, field: string, writes: WireWrite[]): void {
  if (field === ScimPath.email) {
    const v = writes[0]?.value;
    resource.emails = withWorkEmail(resource.emails, typeof v === 'string' ? v : Array.isArray(v) ? (str(v[0]) ?? null) : null);
    return;
  }
  const schemas = new Set((arr(resource.schemas) ?? []).map(str).filter((s): s is string => !!s));
  for (const w of writes) {
    if (w.schema) {
      const ext = obj(resource[w.schema]) ?? {};
      setIn(ext, w.path, w.value);
      resource[w.schema] = ext;
      schemas.add(w.schema);
    } else {
      setIn(resource, w.path, w.value);
    }
  }
  resource.schemas = [...schemas];
}

export function newUserBody(externalId: string, userName: string, active: boolean): JsonObject {
  return { schemas: [CORE_USER], externalId, userName, active };
}

export interface PatchOperation {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
}

/** Wire writes of one field → SCIM PatchOp operations with proper paths. */
export function patchOps(field: string, writes: WireWrite[], fromWasSet: boolean): PatchOperation[] {
  if (field === ScimPath.email) {
    const v = writes[0]?.value;
    const email = typeof v === 'string' ? v : Array.isArray(v) ? str(v[0]) : null;
    if (email === null) return [{ op: 'remove', path: 'emails[type eq "work"]' }];
    // Nothing to replace yet: add a new work address (replace on a filter with no match is noTarget).
    if (!fromWasSet) return [{ op: 'add', path: 'emails', value: [{ value: email, type: 'work', primary: true }] }];
    return [{ op: 'replace', path: 'emails[type eq "work"].value', value: email }];
  }
  return writes.map((w) => {
    const path = (w.schema ? `${w.schema}:` : '') + w.path.join('.');
    const empty = w.value === null || w.value === undefined || (Array.isArray(w.value) && w.value.length === 0);
    return empty ? { op: 'remove', path } : { op: 'replace', path, value: w.value };
  });
}

/** The reference names a change needs resolved before toWire can run. */
export function referencedNames(field: string, value: AttrValue, caps: Pick<LmsCapabilities, 'vendorNamespace' | 'approversByEmail'>): { departments: string[][]; jobProfiles: string[]; permissionTypes: string[]; users: string[] } {
  const out = { departments: [] as string[][], jobProfiles: [] as string[], permissionTypes: [] as string[], users: [] as string[] };
  if (value === null) return out;
  const vendorNs = caps.vendorNamespace;
  if (field === ScimPath.department) out.departments.push(toList(value));
  else if (field === ScimPath.manager) out.users.push(...toList(value));
  else if (vendorNs && field === `${vendorNs}:jobProfile`) out.jobProfiles.push(...toList(value));
  else if (vendorNs && field === `${vendorNs}:permissionTypes`) out.permissionTypes.push(...toList(value));
  // Approvers by e-mail are written as they are: nothing to look up.
  else if (vendorNs && field === `${vendorNs}:approvers` && !caps.approversByEmail) out.users.push(...toList(value));
  return out;
}

/** SCIM filter string literal (RFC 7644 §3.4.2.2: JSON string rules). */
export function filterLiteral(v: string): string {
  return JSON.stringify(v);
}
