/**
 * Creates and updates: names are resolved to LMS ids first (creating missing departments),
 * then the change goes out as a SCIM PatchOp when the LMS supports PATCH, or as a PUT of the
 * whole resource otherwise. Each user's failure is that user's Result; nothing is thrown.
 */
import { appError, fail, ok, type AppError, type Result } from '../core/errors';
import type { NewTargetUser } from '../core/directories';
import { ScimPath, type AttrValue, type FieldChange, type TargetUser } from '../core/model';
import { LmsErrorCode, redactError } from './errors';
import { obj, type JsonObject } from './json';
import { applyWrites, newUserBody, patchOps, referencedNames, toWire, type IdLookups, type PatchOperation, type WireWrite } from './mapping';
import { checkResponse } from './responses';
import { findUsers } from './lookups';
import type { Session } from './session';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

interface Field {
  field: string;
  value: AttrValue;
  fromWasSet: boolean;
}

function usersPath(s: Session, id?: string): string {
  const base = (s.layout?.usersEndpoint ?? '/Users').replace(/^\//, '');
  return id === undefined ? base : `${base}/${encodeURIComponent(id)}`;
}

/** Resolves every name the fields reference; creates missing departments when the LMS can. */
async function resolveNames(s: Session, fields: Field[], who: string, signal?: AbortSignal): Promise<Result<IdLookups>> {
  const layout = s.layout;
  const org = s.org;
  if (!layout || !org) return fail(appError(LmsErrorCode.badResponse, 'The LMS connection was not set up.', 'Test the LMS connection again.'));
  const need = { departments: [] as string[][], jobProfiles: [] as string[], permissionTypes: [] as string[], users: [] as string[] };
  for (const f of fields) {
    const n = referencedNames(f.field, f.value, layout.capabilities);
    need.departments.push(...n.departments);
    need.jobProfiles.push(...n.jobProfiles);
    need.permissionTypes.push(...n.permissionTypes);
    need.users.push(...n.users);
  }
  if (need.departments.length || need.jobProfiles.length || need.permissionTypes.length) {
    const loaded = await org.load(signal);
    if (!loaded.ok) return loaded;
  }
  if (layout.departments) {
    for (const path of need.departments) {
      if (path.length === 0 || org.departmentId(path)) continue;
      const made = await org.ensureDepartment(path, signal);
      if (!made.ok) return fail(withWho(made.error, who));
    }
  }
  for (const userName of need.users) {
    if (s.userIds.has(userName.trim().toLowerCase())) continue;
    const found = await findUsers(s, { userName }, signal);
    if (!found.ok) return found;
  }
  return ok({
    departmentId: (p) => org.departmentId(p),
    jobProfileId: (n) => org.jobProfileId(n),
    permissionTypeId: (n) => org.permissionTypeId(n),
    userId: (u) => s.userIds.get(u.trim().toLowerCase()),
  });
}

function withWho(e: AppError, who: string): AppError {
  return { ...e, message: `${e.message} (${who})` };
}

function toWires(s: Session, fields: Field[], ids: IdLookups): Result<Array<{ f: Field; writes: WireWrite[] }>> {
  const layout = s.layout;
  if (!layout) return ok([]);
  const out: Array<{ f: Field; writes: WireWrite[] }> = [];
  for (const f of fields) {
    const w = toWire(f.field, f.value, layout, ids);
    if (!w.ok) {
      const fix =
        w.kind === 'user'
          ? 'The manager or approver must exist in the LMS first: it is written in the second pass, after every user is created. Check that person is in scope.'
          : `Create the ${w.kind} "${w.missing}" in the LMS, or change the mapping so it names one that exists.`;
      return fail(appError(LmsErrorCode.referenceNotFound, `The LMS has no ${w.kind} "${w.missing}" (needed for ${w.field}).`, fix, { field: w.field, missing: w.missing }));
    }
    out.push({ f, writes: w.value });
  }
  return ok(out);
}

async function finish(s: Session, raw: unknown, signal?: AbortSignal): Promise<Result<TargetUser>> {
  const o = obj(raw);
  if (!o) return fail(appError(LmsErrorCode.badResponse, 'The LMS accepted the change but returned no user.', 'Run a sync to refresh the LMS view.'));
  const mapped = await s.toTargetUsers([o], signal);
  if (!mapped.ok) return mapped;
  const u = mapped.value[0];
  return u ? ok(u) : fail(appError(LmsErrorCode.badResponse, 'The LMS returned an empty user.', 'Run a sync to refresh the LMS view.'));
}

export async function createUser(s: Session, user: NewTargetUser, signal?: AbortSignal): Promise<Result<TargetUser>> {
  const layout = await s.ensureLayout(signal);
  if (!layout.ok) return layout;
  const who = `creating ${user.userName}`;
  const fields: Field[] = Object.entries(user.attributes)
    .filter(([k, v]) => k !== ScimPath.userName && k !== 'externalId' && k !== 'active' && v !== null)
    .map(([field, value]) => ({ field, value, fromWasSet: false }));
  const ids = await resolveNames(s, fields, who, signal);
  if (!ids.ok) return ids;
  const wires = toWires(s, fields, ids.value);
  if (!wires.ok) return fail(withWho(wires.error, who));
  const body = newUserBody(user.externalId, user.userName, user.active);
  for (const { f, writes } of wires.value) applyWrites(body, f.field, writes);
  const r = await s.http.request('POST', usersPath(s), body, signal);
  if (!r.ok) return r;
  if (r.value.status === 409) {
    // Already there with this person's Entra id: our own create, whose answer was lost to a
    // dropped connection and retried, or made by a run that crashed. It is this person; use it.
    const mine = await findUsers(s, { externalId: user.externalId }, signal);
    const same = mine.ok ? mine.value.filter((u) => u.externalId === user.externalId && u.userName.toLowerCase() === user.userName.toLowerCase()) : [];
    if (same.length === 1 && same[0]) return ok(same[0]);
  }
  const checked = checkResponse(s.http, r.value, who, s.secrets);
  if (!checked.ok) return checked;
  // Some LMSs answer 201 with only a Location header: read the new user from there.
  const location = r.value.headers.location;
  if (checked.value === null && location) {
    const id = decodeURIComponent(location.replace(/\/+$/, '').split('/').pop() ?? '');
    const cur = await getRaw(s, id, who, signal);
    return cur.ok ? finish(s, cur.value.raw, signal) : cur;
  }
  return finish(s, checked.value, signal);
}

async function getRaw(s: Session, id: string, who: string, signal?: AbortSignal): Promise<Result<{ raw: JsonObject; etag: string | null }>> {
  const r = await s.http.request('GET', usersPath(s, id), undefined, signal);
  if (!r.ok) return r;
  const checked = checkResponse(s.http, r.value, who, s.secrets);
  if (!checked.ok) return checked;
  const raw = obj(checked.value);
  if (!raw) return fail(appError(LmsErrorCode.badResponse, `The LMS returned no user for id ${id}.`, 'Run a sync to refresh the LMS view.'));
  const version = obj(raw.meta)?.version;
  return ok({ raw, etag: r.value.headers.etag ?? (typeof version === 'string' ? version : null) });
}

async function putWhole(s: Session, id: string, wires: Array<{ f: Field; writes: WireWrite[] }>, who: string, signal?: AbortSignal): Promise<Result<TargetUser>> {
  for (let attempt = 0; ; attempt++) {
    const cur = await getRaw(s, id, who, signal);
    if (!cur.ok) return cur;
    const body: JsonObject = structuredClone(cur.value.raw);
    delete body.meta;
    for (const { f, writes } of wires) applyWrites(body, f.field, writes);
    const headers = s.layout?.capabilities.etag && cur.value.etag ? { 'if-match': cur.value.etag } : undefined;
    const r = await s.http.request('PUT', usersPath(s, id), body, signal, headers);
    if (!r.ok) return r;
    // Someone edited the user between our GET and PUT: read again and re-apply, once.
    if (r.value.status === 412 && attempt === 0) continue;
    const checked = checkResponse(s.http, r.value, who, s.secrets);
    if (!checked.ok) return checked;
    return finish(s, checked.value, signal);
  }
}

async function patch(s: Session, id: string, ops: PatchOperation[], who: string, signal?: AbortSignal): Promise<Result<TargetUser> | 'unsupported' | 'noTarget'> {
  const r = await s.http.request('PATCH', usersPath(s, id), { schemas: [PATCH_OP], Operations: ops }, signal);
  if (!r.ok) return r;
  if (r.value.status === 501 || r.value.status === 405) return 'unsupported';
  const scimType = obj(r.value.json)?.scimType;
  if (r.value.status === 400 && scimType === 'noTarget') return 'noTarget';
  const checked = checkResponse(s.http, r.value, who, s.secrets);
  if (!checked.ok) return checked;
  if (checked.value === null) {
    const cur = await getRaw(s, id, who, signal);
    return cur.ok ? finish(s, cur.value.raw, signal) : cur;
  }
  return finish(s, checked.value, signal);
}

async function write(s: Session, id: string, fields: Field[], who: string, signal?: AbortSignal): Promise<Result<TargetUser>> {
  const layout = await s.ensureLayout(signal);
  if (!layout.ok) return layout;
  const ids = await resolveNames(s, fields, who, signal);
  if (!ids.ok) return ids;
  const wires = toWires(s, fields, ids.value);
  if (!wires.ok) return fail(withWho(wires.error, who));
  if (s.patchWorks) {
    const ops = wires.value.flatMap(({ f, writes }) => patchOps(f.field, writes, f.fromWasSet));
    if (ops.length === 0) {
      const cur = await getRaw(s, id, who, signal);
      return cur.ok ? finish(s, cur.value.raw, signal) : cur;
    }
    const r = await patch(s, id, ops, who, signal);
    if (r === 'unsupported') s.patchWorks = false;
    else if (r !== 'noTarget') return r;
    // noTarget: a filtered path had nothing to replace on this user; PUT the whole user instead.
  }
  return putWhole(s, id, wires.value, who, signal);
}

export function updateUser(s: Session, id: string, changes: FieldChange[], signal?: AbortSignal): Promise<Result<TargetUser>> {
  const fields = changes.map((c) => ({ field: c.field, value: c.to, fromWasSet: c.from !== null && !(Array.isArray(c.from) && c.from.length === 0) }));
  return write(s, id, fields, `updating LMS user ${id}`, signal);
}

export async function setActive(s: Session, id: string, active: boolean, signal?: AbortSignal): Promise<Result<TargetUser>> {
  const layout = await s.ensureLayout(signal);
  if (!layout.ok) return layout;
  const who = `${active ? 'reactivating' : 'deactivating'} LMS user ${id}`;
  const wire = [{ f: { field: 'active', value: String(active), fromWasSet: true }, writes: [{ schema: null, path: ['active'], value: active }] }];
  if (s.patchWorks) {
    const r = await patch(s, id, [{ op: 'replace', path: 'active', value: active }], who, signal);
    if (r === 'unsupported') s.patchWorks = false;
    else if (r !== 'noTarget') return r;
  }
  const result = await putWhole(s, id, wire, who, signal);
  return result.ok ? result : fail(redactError(result.error, s.secrets));
}
