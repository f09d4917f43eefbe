/**
 * SCIM Groups, for "Push groups": every group's name (the members left out), the user members of
 * the groups asked for, and a group created with its members — or, when the LMS answers that it
 * has a group of that name already (our own create, retried after its answer was lost), that
 * group with the members added. Members are changed in groups-write.ts. Each failure is a Result
 * worded for groups; nothing is thrown.
 */
import { appError, fail, ok, type AppError, type Result } from '../core/errors';
import type { TargetGroup } from '../core/model';
import { LmsErrorCode, redactError } from './errors';
import type { ScimResponse } from './http';
import { obj, prop, str, type JsonObject } from './json';
import { filterLiteral } from './mapping';
import { checkResponse } from './responses';
import type { Session } from './session';
import { together } from './together';
import { CORE_GROUP, MAX_MEMBER_CHANGES, checkGroup, getGroup, groupsEndpoint, listGroups, noGroups, unique, userMemberIds } from './groups-common';
import { lmsGroupKey } from '../core/config';
import { updateGroupMembers, writeMembers } from './groups-write';

export { MAX_MEMBER_CHANGES, updateGroupMembers, userMemberIds };

export async function readGroups(s: Session, withMembers: readonly string[], signal?: AbortSignal): Promise<Result<TargetGroup[] | null>> {
  const endpointR = await groupsEndpoint(s, signal);
  if (!endpointR.ok) return endpointR;
  const endpoint = endpointR.value;
  if (endpoint === null) return ok(null);
  const list = await listGroups(s, endpoint, 'groups', signal);
  if (!list.ok) return list;
  const incomplete = list.value.incompleteReason;
  if (incomplete) return fail(appError(LmsErrorCode.serverError, incomplete, 'Run the dry run again: with part of the LMS groups, it could plan to create a group that exists.'));
  const wanted = new Set(withMembers.map(lmsGroupKey));
  const groups: TargetGroup[] = [];
  for (const raw of list.value.resources) {
    const id = str(raw.id);
    if (id) groups.push({ id, displayName: str(prop(raw, 'displayName')) ?? '', memberIds: null });
  }
  // Members only for the groups asked for, each read on its own (the HTTP layer bounds how many at
  // once), with `attributes=members`: some LMSs list a group's members only when asked.
  const removed = new Set<string>();
  const read = await together(
    signal,
    groups
      .filter((g) => wanted.has(lmsGroupKey(g.displayName)))
      .map((g) => async (sig: AbortSignal): Promise<Result<void>> => {
        const got = await getGroup(s, endpoint, g.id, `reading the members of the LMS group "${g.displayName}"`, sig, true);
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

/** The groups of this name (trimmed, without case): by filter when the LMS filters, else from the whole list. */
async function groupsNamed(s: Session, endpoint: string, name: string, what: string, signal?: AbortSignal): Promise<Result<TargetGroup[]>> {
  const named = (list: JsonObject[]): TargetGroup[] =>
    list.flatMap((g) => {
      const id = str(g.id);
      const displayName = str(prop(g, 'displayName')) ?? '';
      return id && lmsGroupKey(displayName) === lmsGroupKey(name) ? [{ id, displayName, memberIds: null }] : [];
    });
  if (s.filterWorks) {
    // A filter the LMS refuses, or one that compares with case while the LMS's names do not: the whole list next.
    const found = await listGroups(s, endpoint, what, signal, `filter=${encodeURIComponent(`displayName eq ${filterLiteral(name)}`)}`);
    if (found.ok && !found.value.incompleteReason && named(found.value.resources).length > 0) return ok(named(found.value.resources));
  }
  const all = await listGroups(s, endpoint, what, signal);
  if (!all.ok) return all;
  if (all.value.incompleteReason) return fail(appError(LmsErrorCode.serverError, all.value.incompleteReason, 'Run a new dry run: it reads the LMS groups again.'));
  return ok(named(all.value.resources));
}

/** The last segment of a Location header, decoded; null when it is not a readable address. */
function idFromLocation(location: string): string | null {
  const last = location.replace(/[?#].*$/, '').replace(/\/+$/, '').split('/').pop() ?? '';
  try {
    const id = decodeURIComponent(last);
    return id === '' ? null : id;
  } catch {
    return null;
  }
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
  // Retried by the HTTP layer after a 5xx or a dropped connection, as a user's create is: a
  // create that went through answers 409 the second time, and that group is taken up below.
  const r = await s.http.request('POST', endpoint, body, signal);
  if (!r.ok) return r;
  if (r.value.status === 409) return takeUpExisting(s, endpoint, displayName, ids, r.value, what, signal);
  const checked = await checkGroup(s, r.value, what, false, signal);
  if (!checked.ok) return checked;
  let raw = obj(checked.value);
  // Some LMSs answer 201 with only a Location header: read the new group from there, or find it
  // by its name when the header is not a readable address.
  const location = r.value.headers.location;
  if (!raw && location) {
    const id = idFromLocation(location);
    if (id !== null) {
      const got = await getGroup(s, endpoint, id, what, signal);
      if (!got.ok) return got;
      raw = got.value?.raw ?? null;
    } else {
      const named = await groupsNamed(s, endpoint, displayName, what, signal);
      const only = named.ok && named.value.length === 1 ? named.value[0] : undefined;
      if (only) raw = { id: only.id, displayName: only.displayName };
    }
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

/**
 * A 409 to the create: the LMS has a group of that name — most often this very create, whose
 * answer was lost and which the HTTP layer sent again, or one a crashed run made. When exactly
 * one group has the name, it is the group Rollcall means: the members are added to it (nothing
 * is removed) and it is returned with `memberIds: null` (its members not read) — how the caller
 * tells a group taken up from one created, whose memberIds is a list. None or several:
 * LMS_GROUP_CONFLICT. A lookup that fails is its own error (a refused token, an LMS down, a
 * cancel), the 409 said once as the context.
 */
async function takeUpExisting(s: Session, endpoint: string, displayName: string, ids: string[], res: ScimResponse, what: string, signal?: AbortSignal): Promise<Result<TargetGroup>> {
  const named = await groupsNamed(s, endpoint, displayName, what, signal);
  if (!named.ok) {
    const e = named.error;
    if (e.code === LmsErrorCode.aborted) return named;
    return fail(redactError({ ...e, message: `The LMS answered that it already has a group named "${displayName}" (HTTP 409) while ${what}, and looking that group up failed: ${e.message}` }, s.secrets));
  }
  const only = named.value.length === 1 ? named.value[0] : undefined;
  if (only && ids.length === 0) return ok(only);
  if (only) {
    const added = await writeMembers(s, endpoint, only.id, ids, [], signal);
    if (!added.ok) {
      const e = added.error;
      return fail({ ...e, message: `The LMS already had the group "${only.displayName}", and adding its members failed: ${e.message}` });
    }
    return ok(only);
  }
  const refused = checkResponse(s.http, res, what, s.secrets);
  const details: AppError['details'] = refused.ok ? { httpStatus: 409 } : refused.error.details;
  const lms = [details?.scimType, details?.lmsDetail].filter((p): p is string => typeof p === 'string' && p !== '');
  const found = named.value.length === 0 ? 'Rollcall found no group of that name' : `Rollcall found ${named.value.length} groups of that name`;
  return fail(
    redactError(
      appError(
        LmsErrorCode.groupConflict,
        `The LMS answered that it already has a group named "${displayName}" (HTTP 409) while ${what}, but ${found}.${lms.length ? ` The LMS says: ${lms.join(' — ')}` : ''}`,
        'Run a new dry run. If it happens again, look in the LMS for a group of that name (perhaps archived or hidden from this token) and rename or remove it, or push the group under another name.',
        details,
      ),
      s.secrets,
    ),
  );
}
