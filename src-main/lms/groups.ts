/**
 * SCIM Groups, for "Push groups": every group's name (the members left out), the user members of
 * the groups asked for, a group created with its members, and members added and removed — by
 * PATCH in requests of at most 500 member changes, or, when the LMS has no PATCH, by a PUT of
 * the whole group that keeps its other attributes and its non-user members. Each failure is a
 * Result worded for groups; nothing is thrown.
 */
import { appError, fail, ok, type AppError, type Result } from '../core/errors';
import type { TargetGroup } from '../core/model';
import { LmsErrorCode, redactError } from './errors';
import type { ScimResponse } from './http';
import { arr, obj, prop, str, type JsonObject } from './json';
import { filterLiteral } from './mapping';
import { checkResponse, readAllPages } from './responses';
import type { Session } from './session';
import { together } from './together';

const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
/** Member changes (adds plus removes) per PATCH: LMSs cap operations or payloads per request. */
export const MAX_MEMBER_CHANGES = 500;

const norm = (name: string): string => name.trim().toLowerCase();
const unique = (ids: readonly string[]): string[] => [...new Set(ids)];

/** The Groups endpoint without its leading slash, or null when the LMS has no Groups. */
async function groupsEndpoint(s: Session, signal?: AbortSignal): Promise<Result<string | null>> {
  const layout = await s.ensureLayout(signal);
  if (!layout.ok) return layout;
  const { groupsEndpoint: endpoint, capabilities } = layout.value;
  return ok(capabilities.groups && endpoint ? endpoint.replace(/^\//, '') : null);
}

const groupPath = (endpoint: string, id: string): string => `${endpoint}/${encodeURIComponent(id)}`;

function noGroups(what: string): AppError {
  return appError(
    LmsErrorCode.unsupported,
    `This LMS has no groups over SCIM (no Groups resource type), so Rollcall cannot go on ${what}.`,
    'Remove the pushed groups from this integration, or ask the LMS vendor to turn on SCIM Groups and test the LMS connection again.',
  );
}

/** The LMS's error text in the message, as errors.ts words it. */
function lmsSays(e: AppError): string {
  const parts = [e.details?.scimType, e.details?.lmsDetail].filter((p): p is string => typeof p === 'string' && p !== '');
  return parts.length ? ` The LMS says: ${parts.join(' — ')}` : '';
}

/**
 * checkResponse, with the answers that mean something else for a group worded for groups: 404 —
 * the group was removed (`removedMeansGone`), 409 — a group of that name exists, 400 — a member
 * the LMS does not take (an account removed since the dry run, usually).
 */
function checkGroup(s: Session, res: ScimResponse, what: string, removedMeansGone: boolean): Result<unknown> {
  const r = checkResponse(s.http, res, what, s.secrets);
  if (r.ok) return r;
  const e = r.error;
  const status = e.details?.httpStatus;
  let worded: AppError | null = null;
  if (status === 404 && removedMeansGone) {
    worded = { ...e, message: `The LMS group is not there any more (HTTP 404) while ${what}.${lmsSays(e)}`, fix: 'Run a new dry run: the LMS group was removed since; the dry run plans it afresh.' };
  } else if (status === 409 && e.code === LmsErrorCode.conflict) {
    worded = { ...e, message: `The LMS already has a group of that name (HTTP 409) while ${what}.${lmsSays(e)}`, fix: 'Run a new dry run: it finds the LMS group of that name and pushes the members to it.' };
  } else if (status === 400 && e.code === LmsErrorCode.invalidValue) {
    worded = {
      ...e,
      message: `The LMS refused the group's members (HTTP 400) while ${what}.${lmsSays(e)}`,
      fix: 'Run a new dry run: an account among the members may have been removed from the LMS since. If it happens again, send the LMS message to the LMS vendor.',
    };
  }
  return worded ? fail(redactError(worded, s.secrets)) : r;
}

/** The user members' ids: members typed "User" or untyped; groups inside the group are left out. */
export function userMemberIds(raw: JsonObject): string[] {
  const ids = new Set<string>();
  for (const m of arr(prop(raw, 'members')) ?? []) {
    const o = obj(m);
    const type = str(prop(o, 'type'))?.trim() ?? '';
    if (type !== '' && type.toLowerCase() !== 'user') continue;
    const id = str(prop(o, 'value'));
    if (id) ids.add(id);
  }
  return [...ids];
}

/** The group by id: its JSON and version (ETag or meta.version), or null when the LMS answers 404. */
async function getGroup(s: Session, endpoint: string, id: string, what: string, signal?: AbortSignal): Promise<Result<{ raw: JsonObject; etag: string | null } | null>> {
  const r = await s.http.request('GET', groupPath(endpoint, id), undefined, signal);
  if (!r.ok) return r;
  if (r.value.status === 404) return ok(null);
  const checked = checkGroup(s, r.value, what, true);
  if (!checked.ok) return checked;
  const raw = obj(checked.value);
  if (!raw) return fail(appError(LmsErrorCode.badResponse, `The LMS returned no group for id ${id} while ${what}.`, 'Run a new dry run; if it happens again, send this message to the LMS vendor.'));
  const version = str(obj(prop(raw, 'meta'))?.version);
  return ok({ raw, etag: r.value.headers.etag ?? version });
}

export async function readGroups(s: Session, withMembers: readonly string[], signal?: AbortSignal): Promise<Result<TargetGroup[] | null>> {
  const endpointR = await groupsEndpoint(s, signal);
  if (!endpointR.ok) return endpointR;
  const endpoint = endpointR.value;
  if (endpoint === null) return ok(null);
  let list = await readAllPages(s.http, `${endpoint}?excludedAttributes=members`, s.pageSize, s.concurrency, 'groups', s.secrets, signal);
  // A server that refuses the parameter: read the groups with their members (and ignore them).
  if (!list.ok && list.error.details?.httpStatus === 400) list = await readAllPages(s.http, endpoint, s.pageSize, s.concurrency, 'groups', s.secrets, signal);
  if (!list.ok) return list;
  const incomplete = list.value.incompleteReason;
  if (incomplete) return fail(appError(LmsErrorCode.serverError, incomplete, 'Run the dry run again: with part of the LMS groups, it could plan to create a group that exists.'));
  const wanted = new Set(withMembers.map(norm));
  const groups: TargetGroup[] = [];
  for (const raw of list.value.resources) {
    const id = str(raw.id);
    if (id) groups.push({ id, displayName: str(prop(raw, 'displayName')) ?? '', memberIds: null });
  }
  // Members only for the groups asked for, each read on its own (the HTTP layer bounds how many at once).
  const removed = new Set<string>();
  const read = await together(
    signal,
    groups
      .filter((g) => wanted.has(norm(g.displayName)))
      .map((g) => async (sig: AbortSignal): Promise<Result<void>> => {
        const got = await getGroup(s, endpoint, g.id, `reading the members of the LMS group "${g.displayName}"`, sig);
        if (!got.ok) return got;
        // Removed between the list and now: the LMS has no such group any more.
        if (got.value === null) removed.add(g.id);
        else g.memberIds = userMemberIds(got.value.raw);
        return ok(undefined);
      }),
  );
  if (!read.ok) return read;
  return ok(groups.filter((g) => !removed.has(g.id)));
}

export async function createGroup(s: Session, displayName: string, memberIds: readonly string[], signal?: AbortSignal): Promise<Result<TargetGroup>> {
  const what = `creating the LMS group "${displayName}"`;
  const endpointR = await groupsEndpoint(s, signal);
  if (!endpointR.ok) return endpointR;
  const endpoint = endpointR.value;
  if (endpoint === null) return fail(noGroups(what));
  const ids = unique(memberIds);
  // The first members with the group; more in PATCH-sized steps after (a POST has the same limits).
  const first = ids.slice(0, MAX_MEMBER_CHANGES);
  const rest = ids.slice(MAX_MEMBER_CHANGES);
  const body: JsonObject = { schemas: [CORE_GROUP], displayName, ...(first.length > 0 ? { members: first.map((value) => ({ value })) } : {}) };
  const r = await s.http.request('POST', endpoint, body, signal);
  if (!r.ok) return r;
  const checked = checkGroup(s, r.value, what, false);
  if (!checked.ok) return checked;
  let raw = obj(checked.value);
  // Some LMSs answer 201 with only a Location header: read the new group from there.
  const location = r.value.headers.location;
  if (!raw && location) {
    const got = await getGroup(s, endpoint, decodeURIComponent(location.replace(/\/+$/, '').split('/').pop() ?? ''), what, signal);
    if (!got.ok) return got;
    raw = got.value?.raw ?? null;
  }
  const id = str(raw?.id);
  if (!raw || !id) return fail(appError(LmsErrorCode.badResponse, `The LMS created the group "${displayName}" but did not return its id.`, 'Run a new dry run: it finds the group by its name.'));
  const answered = prop(raw, 'members') === undefined ? first : userMemberIds(raw);
  const group: TargetGroup = { id, displayName: str(prop(raw, 'displayName')) ?? displayName, memberIds: answered };
  if (rest.length > 0) {
    const more = await writeMembers(s, endpoint, id, rest, [], signal);
    if (!more.ok) {
      const e = more.error;
      const fix = 'Run a new dry run: it finds the new group and adds the members still missing.';
      return fail({ ...e, message: `The LMS group "${displayName}" was created with ${first.length} members, but adding the other ${rest.length} failed: ${e.message}`, fix: e.fix.startsWith('Run a new dry run') ? fix : `${fix} ${e.fix}` });
    }
    group.memberIds = unique([...answered, ...rest]);
  }
  return ok(group);
}

export async function updateGroupMembers(s: Session, id: string, add: readonly string[], remove: readonly string[], signal?: AbortSignal): Promise<Result<void>> {
  // An id in both lists is left as it is.
  const both = new Set(add.filter((x) => remove.includes(x)));
  const adding = unique(add).filter((x) => !both.has(x));
  const removing = unique(remove).filter((x) => !both.has(x));
  if (adding.length === 0 && removing.length === 0) return ok(undefined);
  const endpointR = await groupsEndpoint(s, signal);
  if (!endpointR.ok) return endpointR;
  if (endpointR.value === null) return fail(noGroups(`updating the members of the LMS group ${id}`));
  return writeMembers(s, endpointR.value, id, adding, removing, signal);
}

/** PATCH when the LMS takes it (a 501/405 switches the session to PUT, as for users), else PUT. */
async function writeMembers(s: Session, endpoint: string, id: string, add: string[], remove: string[], signal?: AbortSignal): Promise<Result<void>> {
  if (s.patchWorks) {
    const r = await patchMembers(s, endpoint, id, add, remove, signal);
    if (r === 'unsupported') s.patchWorks = false;
    else if (r !== 'noTarget') return r;
    // Either way the PUT below applies every change: adding a member that is in, or removing one
    // that is out, changes nothing, so the requests already answered do no harm.
  }
  return putMembers(s, endpoint, id, add, remove, signal);
}

async function patchMembers(s: Session, endpoint: string, id: string, add: string[], remove: string[], signal?: AbortSignal): Promise<Result<void> | 'unsupported' | 'noTarget'> {
  const what = `updating the members of the LMS group ${id}`;
  const changes = [...add.map((m) => ({ add: true, id: m })), ...remove.map((m) => ({ add: false, id: m }))];
  for (let i = 0; i < changes.length; i += MAX_MEMBER_CHANGES) {
    const chunk = changes.slice(i, i + MAX_MEMBER_CHANGES);
    const adds = chunk.filter((c) => c.add).map((c) => ({ value: c.id }));
    const ops: JsonObject[] = adds.length > 0 ? [{ op: 'add', path: 'members', value: adds }] : [];
    for (const c of chunk) if (!c.add) ops.push({ op: 'remove', path: `members[value eq ${filterLiteral(c.id)}]` });
    const r = await s.http.request('PATCH', groupPath(endpoint, id), { schemas: [PATCH_OP], Operations: ops }, signal);
    if (!r.ok) return r;
    if (r.value.status === 501 || r.value.status === 405) return 'unsupported';
    // A server that answers "no such member" to removing one that is not in: PUT says it exactly.
    if (r.value.status === 400 && obj(r.value.json)?.scimType === 'noTarget') return 'noTarget';
    const checked = checkGroup(s, r.value, what, true);
    if (!checked.ok) return checked;
  }
  return ok(undefined);
}

async function putMembers(s: Session, endpoint: string, id: string, add: string[], remove: string[], signal?: AbortSignal): Promise<Result<void>> {
  const what = `updating the members of the LMS group ${id}`;
  const removing = new Set(remove);
  for (let attempt = 0; ; attempt++) {
    const cur = await getGroup(s, endpoint, id, what, signal);
    if (!cur.ok) return cur;
    if (cur.value === null) return fail(goneError(s, id, what));
    const { raw, etag } = cur.value;
    const key = Object.keys(raw).find((k) => k.toLowerCase() === 'members') ?? 'members';
    const before = arr(raw[key]) ?? [];
    const isUser = (m: unknown): boolean => {
      const type = str(prop(obj(m), 'type'))?.trim() ?? '';
      return type === '' || type.toLowerCase() === 'user';
    };
    const valueOf = (m: unknown): string | null => str(prop(obj(m), 'value'));
    // Non-user members (groups inside the group) are kept whatever their value.
    const members = before.filter((m) => !(isUser(m) && removing.has(valueOf(m) ?? '')));
    const have = new Set(members.filter(isUser).map(valueOf));
    for (const m of add) {
      if (have.has(m)) continue;
      have.add(m);
      members.push({ value: m });
    }
    if (members.length === before.length && members.every((m, i) => m === before[i])) return ok(undefined);
    const body: JsonObject = structuredClone(raw);
    delete body.meta;
    body.schemas ??= [CORE_GROUP];
    body[key] = members;
    const headers = s.layout?.capabilities.etag && etag ? { 'if-match': etag } : undefined;
    const r = await s.http.request('PUT', groupPath(endpoint, id), body, signal, headers);
    if (!r.ok) return r;
    // Someone changed the group between our GET and PUT: read it again and redo the change, once.
    if (r.value.status === 412 && attempt === 0) continue;
    const checked = checkGroup(s, r.value, what, true);
    return checked.ok ? ok(undefined) : checked;
  }
}

function goneError(s: Session, id: string, what: string): AppError {
  return redactError(
    appError(LmsErrorCode.notFound, `The LMS group ${id} is not there any more (HTTP 404) while ${what}.`, 'Run a new dry run: the LMS group was removed since; the dry run plans it afresh.', {
      httpStatus: 404,
      lmsDetail: null,
      scimType: null,
    }),
    s.secrets,
  );
}
