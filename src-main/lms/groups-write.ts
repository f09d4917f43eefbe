/**
 * Members added to and removed from an LMS group: by PATCH in requests of at most 500 member
 * changes, or, when the LMS has no PATCH (or refuses removing by `members[value eq "x"]`), by a
 * PUT of the whole group that keeps its other attributes and its non-user members. The PUT is
 * sent only when this group's own answer listed its members (`[]` when it has none): a PUT built
 * from an answer without them would remove every member Rollcall was not told about. What one
 * group refuses (PATCH, removes by filter) is kept for that group; the whole session follows only
 * when a second group refuses the same. Write answers are not parsed, and a PUT asks the LMS to
 * leave the members out of its answer (`excludedAttributes=members`).
 */
import { appError, fail, ok, type AppError, type Result } from '../core/errors';
import { LmsErrorCode, redactError } from './errors';
import type { Method, ScimResponse } from './http';
import { arr, obj, prop, str, type JsonObject } from './json';
import { filterLiteral } from './mapping';
import { refusedBy, type Session } from './session';
import {
  CORE_GROUP,
  MAX_MEMBER_CHANGES,
  PATCH_OP,
  checkGroup,
  getGroup,
  getWholeGroup,
  groupPath,
  groupsEndpoint,
  noGroups,
  scimTypeOf,
  unique,
  userMemberIds,
} from './groups-common';

/** 400s by which an LMS says it does not take `members[value eq "x"]` as a PATCH path. */
const FILTER_REFUSED = new Set(['invalidPath', 'invalidFilter', 'invalidSyntax']);

interface Change {
  add: boolean;
  id: string;
}

/** What one PATCH came to: done, an answer that sends the call elsewhere, or a worded error. */
type Outcome = 'done' | 'noTarget' | 'unsupported' | 'usePut' | AppError;

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

/**
 * PATCH when the LMS takes it, else PUT. A 501/405 to a group's PATCH sends that group's writes to
 * PUT, and once a second group answers the same, every group's (never the user writes).
 */
export async function writeMembers(s: Session, endpoint: string, id: string, add: string[], remove: string[], signal?: AbortSignal): Promise<Result<void>> {
  const what = `updating the members of the LMS group ${id}`;
  const g = s.groups;
  const patch = g.patchWorks && !g.patchRefusedBy.has(id);
  const removeByFilter = g.removeByFilterWorks && !g.removeByFilterRefusedBy.has(id);
  if (patch && (remove.length === 0 || removeByFilter)) {
    const r = await patchMembers(s, endpoint, id, add, remove, what, signal);
    if (r === 'unsupported') {
      if (refusedBy(g.patchRefusedBy, id)) g.patchWorks = false;
    } else if (r !== 'usePut') return r;
    // Either way the PUT below applies every change: adding a member that is in, or removing one
    // that is out, changes nothing, so the requests already answered do no harm.
  }
  return putMembers(s, endpoint, id, add, remove, what, signal);
}

/**
 * A PATCH or PUT of a group, the answer left unparsed (a 100,000-member group may come back with
 * each of 200 PATCHes). A PUT asks for the answer without members (`excludedAttributes=members`);
 * an LMS that answers 400 is asked again without the parameter, and is not sent it again when
 * that answer differs. A PATCH never carries it: SCIMMY (and servers built on it) applies the
 * parameter to the group it patches, and a PATCH adding one member then leaves only that member.
 */
async function sendWrite(s: Session, method: Method, path: string, body: JsonObject, signal?: AbortSignal, headers?: Record<string, string>): Promise<Result<ScimResponse>> {
  const exclude = method === 'PUT' && s.groups.excludeOnWrites;
  const r = await s.http.request(method, exclude ? `${path}?excludedAttributes=members` : path, body, signal, headers, { skipSuccessJson: true });
  if (!r.ok || !exclude || r.value.status !== 400 || scimTypeOf(r.value) === 'noTarget') return r;
  const again = await s.http.request(method, path, body, signal, headers, { skipSuccessJson: true });
  if (again.ok && (again.value.status !== 400 || scimTypeOf(again.value) !== scimTypeOf(r.value))) s.groups.excludeOnWrites = false;
  return again;
}

async function patchOnce(s: Session, endpoint: string, id: string, chunk: Change[], what: string, signal?: AbortSignal): Promise<Outcome> {
  const adds = chunk.filter((c) => c.add).map((c) => ({ value: c.id }));
  const ops: JsonObject[] = adds.length > 0 ? [{ op: 'add', path: 'members', value: adds }] : [];
  // One remove per member, by filter: `{op: remove, path: members, value: [...]}` empties the group on a strict server.
  for (const c of chunk) if (!c.add) ops.push({ op: 'remove', path: `members[value eq ${filterLiteral(c.id)}]` });
  const r = await sendWrite(s, 'PATCH', groupPath(endpoint, id), { schemas: [PATCH_OP], Operations: ops }, signal);
  if (!r.ok) return r.error;
  const res = r.value;
  if (res.status === 501 || res.status === 405) return 'unsupported';
  if (res.status === 400) {
    const type = scimTypeOf(res);
    const removes = chunk.some((c) => !c.add);
    // "No such member" to a remove; to adds alone, a PUT says it exactly.
    if (type === 'noTarget') return removes ? 'noTarget' : 'usePut';
    if (removes && type !== null && FILTER_REFUSED.has(type)) {
      // This group's removes go by PUT; every group's once a second group refuses the filter too.
      if (refusedBy(s.groups.removeByFilterRefusedBy, id)) s.groups.removeByFilterWorks = false;
      return 'usePut';
    }
  }
  const checked = await checkGroup(s, res, what, true, signal);
  return checked.ok ? 'done' : checked.error;
}

/** The chunk's adds in one PATCH, then each remove alone: "no such member" means it is out already. */
async function patchAlone(s: Session, endpoint: string, id: string, chunk: Change[], what: string, signal?: AbortSignal): Promise<Outcome> {
  const adds = chunk.filter((c) => c.add);
  if (adds.length > 0) {
    const out = await patchOnce(s, endpoint, id, adds, what, signal);
    if (out !== 'done') return out;
  }
  for (const c of chunk) {
    if (c.add) continue;
    const out = await patchOnce(s, endpoint, id, [c], what, signal);
    if (out !== 'done' && out !== 'noTarget') return out;
  }
  return 'done';
}

async function patchMembers(s: Session, endpoint: string, id: string, add: string[], remove: string[], what: string, signal?: AbortSignal): Promise<Result<void> | 'unsupported' | 'usePut'> {
  let changes: Change[] = [...add.map((m) => ({ add: true, id: m })), ...remove.map((m) => ({ add: false, id: m }))];
  let reread = false;
  for (let i = 0; i < changes.length; ) {
    const chunk = changes.slice(i, i + MAX_MEMBER_CHANGES);
    const out = await patchOnce(s, endpoint, id, chunk, what, signal);
    if (out === 'unsupported' || out === 'usePut') return out;
    if (out !== 'done' && out !== 'noTarget') return fail(out);
    if (out === 'noTarget') {
      // A member to remove is not in the group (removed in the LMS since): the end state is what
      // matters. Read the members once and leave out the removes of members not there.
      if (!reread) {
        reread = true;
        const cur = await getGroup(s, endpoint, id, what, signal, true);
        if (!cur.ok) return cur;
        if (cur.value === null) return fail(goneError(s, id, what));
        // Only an answer that lists the members (`[]` when none) tells which removes are left to do.
        if (cur.value.listed) {
          const present = new Set(userMemberIds(cur.value.raw));
          changes = [...changes.slice(0, i), ...changes.slice(i).filter((c) => c.add || present.has(c.id))];
          continue;
        }
      }
      // Members not listed, or "no such member" again: each remove of this chunk on its own.
      const alone = await patchAlone(s, endpoint, id, chunk, what, signal);
      if (alone === 'unsupported' || alone === 'usePut') return alone;
      if (alone !== 'done' && alone !== 'noTarget') return fail(alone);
    }
    i += chunk.length;
  }
  return ok(undefined);
}

async function putMembers(s: Session, endpoint: string, id: string, add: string[], remove: string[], what: string, signal: AbortSignal | undefined): Promise<Result<void>> {
  const removing = new Set(remove);
  for (let attempt = 0; ; attempt++) {
    const cur = await getWholeGroup(s, endpoint, id, what, signal);
    if (!cur.ok) return cur;
    if (cur.value === null) return fail(goneError(s, id, what));
    const { raw, etag, listed } = cur.value;
    // No `members` in this group's answers, even asked with attributes=members: an empty group,
    // or one whose members this LMS does not list — not to be told apart (another group listing
    // its members says nothing about this one). A PUT would replace members Rollcall cannot see.
    if (!listed) return fail(membersNotListed(s, id, what));
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
    const r = await sendWrite(s, 'PUT', groupPath(endpoint, id), body, signal, headers);
    if (!r.ok) return r;
    // Someone changed the group between our GET and PUT: read it again and redo the change, once.
    if (r.value.status === 412 && attempt === 0) continue;
    const checked = await checkGroup(s, r.value, what, true, signal);
    if (!checked.ok) return checked;
    return ok(undefined);
  }
}

function membersNotListed(s: Session, id: string, what: string): AppError {
  return redactError(
    appError(
      LmsErrorCode.unsupported,
      `The LMS did not list the group's members, so Rollcall cannot change them without PATCH (${what}): the group's answer has no "members", even when asked with attributes=members, and a PUT of the whole group would remove every member it was not shown.`,
      'Ask the LMS vendor to list a group\'s members over SCIM (at least when asked with attributes=members, and an empty group as "members": []) or to accept PATCH on groups; until then, change this group\'s members in the LMS, or stop pushing it.',
    ),
    s.secrets,
  );
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
