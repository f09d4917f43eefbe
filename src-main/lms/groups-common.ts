/**
 * What the SCIM Groups code shares (groups.ts reads and creates, groups-write.ts changes
 * members): the Groups endpoint, one group read with its members, the list of every group, and
 * the LMS's refusals worded for groups. Nothing is thrown; each failure is a Result.
 */
import { appError, fail, ok, type AppError, type Result } from '../core/errors';
import { LmsErrorCode, redactError } from './errors';
import type { ScimResponse } from './http';
import { arr, obj, prop, str, type JsonObject } from './json';
import { checkResponse, readAllPages, type PagedRead } from './responses';
import { refusedBy, type Session } from './session';

export const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
/** Member changes (adds plus removes) per PATCH: LMSs cap operations or payloads per request. */
export const MAX_MEMBER_CHANGES = 500;

export const unique = (ids: readonly string[]): string[] => [...new Set(ids)];

/** The Groups endpoint without its leading slash, or null when the LMS has no Groups. */
export async function groupsEndpoint(s: Session, signal?: AbortSignal): Promise<Result<string | null>> {
  const layout = await s.ensureLayout(signal);
  if (!layout.ok) return layout;
  const { groupsEndpoint: endpoint, capabilities } = layout.value;
  return ok(capabilities.groups && endpoint ? endpoint.replace(/^\//, '') : null);
}

export const groupPath = (endpoint: string, id: string): string => `${endpoint}/${encodeURIComponent(id)}`;

export function noGroups(what: string): AppError {
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

/** The SCIM error type of an answer (RFC 7644 §3.12), or null. */
export const scimTypeOf = (res: ScimResponse): string | null => str(prop(obj(res.json), 'scimType'));

/** Whether this token reads users: asked once, after a 401/403 on /Groups (a network failure is not remembered). */
async function usersReadable(s: Session, signal?: AbortSignal): Promise<boolean> {
  if (s.groups.usersReadable !== null) return s.groups.usersReadable;
  const users = (s.layout?.usersEndpoint ?? '/Users').replace(/^\//, '');
  const r = await s.http.request('GET', `${users}?startIndex=1&count=1`, undefined, signal);
  if (!r.ok) return false;
  const status = r.value.status;
  if (status >= 200 && status < 300) s.groups.usersReadable = true;
  else if (status === 401 || status === 403) s.groups.usersReadable = false;
  return s.groups.usersReadable === true;
}

/**
 * A token refused on /Groups while the same token reads /Users is a permission the token lacks,
 * not a wrong token: LMS_GROUPS_FORBIDDEN, which does not mark the integration invalid.
 */
export async function groupsAccess(s: Session, e: AppError, signal?: AbortSignal): Promise<AppError> {
  if (e.code !== LmsErrorCode.tokenRefused || !(await usersReadable(s, signal))) return e;
  const status = e.details?.httpStatus;
  return redactError(
    appError(
      LmsErrorCode.groupsForbidden,
      `The LMS token may read users but not groups (HTTP ${typeof status === 'number' ? status : 403} on /Groups), so pushed groups are left alone.${lmsSays(e)}`,
      'Give the token access to groups in the LMS, or stop pushing groups.',
      e.details,
    ),
    s.secrets,
  );
}

const RUN_AGAIN = 'Run a new dry run';
const changedMeanwhile = (what: string): string => `Someone else changed the LMS group at the same time (HTTP 412) while ${what}.`;

/** A 400's message and fix by its scimType; null keeps errors.ts' words. */
function badRequest(scimType: string | null, what: string): { message: string; fix: string; code?: string } | null {
  switch (scimType) {
    case null:
    case 'invalidValue':
      return {
        message: `The LMS refused the group's members (HTTP 400) while ${what}.`,
        fix: `${RUN_AGAIN}: an account among the members may have been removed from the LMS since. If it happens again, send the LMS message to the LMS vendor.`,
      };
    case 'tooMany':
      return { message: `The LMS found the request too large (HTTP 400) while ${what}.`, fix: `Send the LMS message to the LMS vendor: Rollcall sends at most ${MAX_MEMBER_CHANGES} member changes a request, and this LMS takes fewer.` };
    case 'mutability':
      return {
        message: `The LMS does not let Rollcall change this group (HTTP 400) while ${what}.`,
        fix: 'Check in the LMS whether the group is read-only or managed by another system; if it is, stop pushing it, or push it under another name.',
      };
    case 'uniqueness':
      return { code: LmsErrorCode.groupConflict, message: `The LMS already has a group of that name (HTTP 400) while ${what}.`, fix: `${RUN_AGAIN}: it finds the LMS group of that name and pushes the members to it.` };
    case 'invalidPath':
    case 'invalidFilter':
    case 'invalidSyntax':
      return { message: `The LMS did not understand Rollcall's request (HTTP 400) while ${what}.`, fix: 'Send the LMS message to the LMS vendor: the request follows SCIM 2.0 (RFC 7644).' };
    case 'noTarget':
      return { message: `The LMS found nothing to change (HTTP 400) while ${what}.`, fix: `${RUN_AGAIN}: the group's members changed in the LMS since.` };
    case 'invalidVers':
      return { message: changedMeanwhile(what).replace('HTTP 412', 'HTTP 400'), fix: 'Run the sync again: it reads the group afresh.' };
    default:
      return { message: `The LMS refused the change to the group (HTTP 400) while ${what}.`, fix: 'Check the LMS message above; send it to the LMS vendor if it is unclear.' };
  }
}

/**
 * checkResponse, with the answers that mean something else for a group worded for groups: 404 —
 * the group was removed (`removedMeansGone`), 409 — a group of that name exists, 412 — changed
 * by someone else meanwhile, 400 — by its scimType, 401/403 — a token without groups.
 */
export async function checkGroup(s: Session, res: ScimResponse, what: string, removedMeansGone: boolean, signal?: AbortSignal): Promise<Result<unknown>> {
  const r = checkResponse(s.http, res, what, s.secrets);
  if (r.ok) return r;
  const e = r.error;
  const status = e.details?.httpStatus;
  let worded: AppError | null = null;
  if (status === 404 && removedMeansGone) {
    worded = { ...e, message: `The LMS group is not there any more (HTTP 404) while ${what}.${lmsSays(e)}`, fix: `${RUN_AGAIN}: the LMS group was removed since; the dry run plans it afresh.` };
  } else if (status === 409 && e.code === LmsErrorCode.conflict) {
    worded = { ...e, code: LmsErrorCode.groupConflict, message: `The LMS already has a group of that name (HTTP 409) while ${what}.${lmsSays(e)}`, fix: `${RUN_AGAIN}: it finds the LMS group of that name and pushes the members to it.` };
  } else if (status === 412) {
    worded = { ...e, message: `${changedMeanwhile(what)}${lmsSays(e)}`, fix: 'Run the sync again: it reads the group afresh.' };
  } else if (status === 400 && e.code === LmsErrorCode.invalidValue) {
    const w = badRequest(scimTypeOf(res), what);
    if (w) worded = { ...e, code: w.code ?? e.code, message: `${w.message}${lmsSays(e)}`, fix: w.fix };
  } else if (e.code === LmsErrorCode.tokenRefused) {
    return fail(await groupsAccess(s, e, signal));
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

/** The key of `members` in a group as the LMS spelt it, or undefined when the answer has none. */
export const membersKey = (raw: JsonObject): string | undefined => Object.keys(raw).find((k) => k.toLowerCase() === 'members');

export interface ReadGroup {
  raw: JsonObject;
  /** ETag or meta.version of the whole group, for If-Match. */
  etag: string | null;
  /**
   * Whether this answer had `members` (`[]` for an empty group). An answer without them says
   * nothing about the group's members: it may be empty, or its LMS may not list them (for every
   * group, or for some only).
   */
  listed: boolean;
}

/** Whether to ask this group for `attributes=members`: not once it refused the parameter, nor once two groups did. */
export const attributesWorkFor = (s: Session, id: string): boolean => s.groups.attributesWork && !s.groups.attributesRefusedBy.has(id);

/**
 * GET one group, null when the LMS answers 404. `membersOnly` asks for `attributes=members`
 * (some LMSs list members only when asked); a 400 to the parameter is asked again without it:
 * for that group from then on, and for every group once a second group answers 400 too.
 */
export async function getGroup(s: Session, endpoint: string, id: string, what: string, signal?: AbortSignal, membersOnly = false): Promise<Result<ReadGroup | null>> {
  const asked = membersOnly && attributesWorkFor(s, id);
  const r = await s.http.request('GET', `${groupPath(endpoint, id)}${asked ? '?attributes=members' : ''}`, undefined, signal);
  if (!r.ok) return r;
  if (r.value.status === 404) return ok(null);
  if (asked && r.value.status === 400) {
    if (refusedBy(s.groups.attributesRefusedBy, id)) s.groups.attributesWork = false;
    return getGroup(s, endpoint, id, what, signal, false);
  }
  const checked = await checkGroup(s, r.value, what, true, signal);
  if (!checked.ok) return checked;
  const raw = obj(checked.value);
  if (!raw) return fail(appError(LmsErrorCode.badResponse, `The LMS returned no group for id ${id} while ${what}.`, `${RUN_AGAIN}; if it happens again, send this message to the LMS vendor.`));
  const version = str(obj(prop(raw, 'meta'))?.version);
  return ok({ raw, etag: r.value.headers.etag ?? version, listed: membersKey(raw) !== undefined });
}

/**
 * The whole group (to PUT back), its members asked for again with `attributes=members` when the
 * first answer has none: an LMS that lists them only when asked would otherwise lose them all.
 * The ETag is the whole group's: a change between the two reads makes the PUT answer 412.
 */
export async function getWholeGroup(s: Session, endpoint: string, id: string, what: string, signal?: AbortSignal): Promise<Result<ReadGroup | null>> {
  const whole = await getGroup(s, endpoint, id, what, signal);
  if (!whole.ok || whole.value === null || whole.value.listed || !attributesWorkFor(s, id)) return whole;
  const members = await getGroup(s, endpoint, id, what, signal, true);
  if (!members.ok) return members;
  if (members.value === null) return ok(null);
  const key = membersKey(members.value.raw);
  if (key === undefined) return whole;
  return ok({ ...whole.value, raw: { ...whole.value.raw, members: members.value.raw[key] }, listed: true });
}

/**
 * Every group without its members (`excludedAttributes=members`), or `query`'s groups. An LMS
 * that answers 400 to the parameter is read without it (the members it sends are ignored), and
 * when that works, later lists of this session go straight there. A refused token is worded for groups.
 */
export async function listGroups(s: Session, endpoint: string, what: string, signal?: AbortSignal, query = ''): Promise<Result<PagedRead>> {
  const plain = query ? `${endpoint}?${query}` : endpoint;
  const read = (path: string) => readAllPages(s.http, path, s.pageSize, s.concurrency, what, s.secrets, signal);
  let list = await read(s.groups.excludeOnLists ? `${endpoint}?${query ? `${query}&` : ''}excludedAttributes=members` : plain);
  if (s.groups.excludeOnLists && !list.ok && list.error.details?.httpStatus === 400) {
    list = await read(plain);
    // The same read without the parameter went through: the parameter was what the LMS refused.
    if (list.ok) s.groups.excludeOnLists = false;
  }
  if (!list.ok) return fail(await groupsAccess(s, list.error, signal));
  return list;
}
