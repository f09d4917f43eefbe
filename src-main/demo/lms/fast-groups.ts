/**
 * The simulator's Group PATCH without SCIMMY. SCIMMY's PatchOp re-coerces the group for each
 * operation and runs its filter matcher over the member list for every `members[value eq "x"]`
 * remove: 500 removes from a 1,500-member group took 24 s, past any client's timeout. Here the
 * plain cases — add / replace / remove of `members` (with a `value eq` filter for remove) and
 * replace of `displayName` — are applied to a copy of the stored group and written through
 * `store.putGroup`, which checks and de-duplicates the members as SCIMMY's ingress path does.
 *
 * Anything else (other paths or filters, a member with unknown sub-attributes, a body SCIMMY
 * would refuse) gives null, and the request goes on to SCIMMY (fast-routes.ts), which answers
 * it, errors included. One answer differs from SCIMMY's on purpose: a `members[value eq "x"]`
 * remove that matches no member is refused with 400 noTarget (RFC 7644 §3.12), as many LMSs do;
 * SCIMMY lets it pass.
 *
 * Also here: the faults a test can give the simulator's Groups (GroupFaults, applied in
 * fast-routes.ts) and the helpers they use.
 */
import type { Json } from './store';

export const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const MEMBER_KEYS = new Set(['value', 'display', 'type', '$ref']);
/** `members[value eq "x"]`, the id JSON-escaped as in a SCIM filter literal. */
const BY_VALUE = /^members\[\s*value\s+eq\s+"((?:[^"\\]|\\.)*)"\s*\]$/i;

const obj = (v: unknown): Json | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : null);

/** A member as the Group schema has it (value, display, type User|Group, $ref), or null. */
function member(v: unknown): Json | null {
  const m = obj(v);
  if (!m || typeof m.value !== 'string' || m.value === '') return null;
  for (const [k, x] of Object.entries(m)) if (!MEMBER_KEYS.has(k) || typeof x !== 'string') return null;
  if (m.type !== undefined && m.type !== 'User' && m.type !== 'Group') return null;
  return { ...m };
}

/** A PatchOp value for `members`: one member or a list of them (SCIMMY wraps a single one). */
function memberList(v: unknown): Json[] | null {
  const list = Array.isArray(v) ? v : [v];
  const out: Json[] = [];
  for (const x of list) {
    const m = member(x);
    if (!m) return null;
    out.push(m);
  }
  return out;
}

function unescapeLiteral(s: string): string | null {
  try {
    const v: unknown = JSON.parse(`"${s}"`);
    return typeof v === 'string' ? v : null;
  } catch {
    return null;
  }
}

/** What a Group PATCH comes to: the group, a remove that matched no member, or null (SCIMMY answers). */
export type PatchedGroup = { ok: true; group: Json } | { ok: false; noTarget: string } | null;

/** The stored group with the PatchOp applied (meta dropped), "no target", or null when SCIMMY should answer it. */
export function patchedGroup(group: Json, body: unknown): PatchedGroup {
  const b = obj(body);
  const schemas = b?.schemas;
  if (!b || !Array.isArray(schemas) || schemas.length !== 1 || schemas[0] !== PATCH_OP) return null;
  const ops = b.Operations;
  if (!Array.isArray(ops) || ops.length === 0) return null;
  let members: Json[] = Array.isArray(group.members) ? (group.members as unknown[]).map((m) => ({ ...(obj(m) ?? {}) })) : [];
  let displayName = group.displayName;
  for (const raw of ops) {
    const o = obj(raw);
    const op = typeof o?.op === 'string' ? o.op.toLowerCase() : null;
    const path = typeof o?.path === 'string' ? o.path.trim() : null;
    if (!o || !op || !path) return null;
    if (op === 'add' || op === 'replace') {
      if (path.toLowerCase() === 'members') {
        const list = memberList(o.value);
        if (!list) return null;
        members = op === 'add' ? [...members, ...list] : list;
      } else if (op === 'replace' && path.toLowerCase() === 'displayname' && typeof o.value === 'string' && o.value.trim() !== '') {
        displayName = o.value;
      } else return null;
    } else if (op === 'remove') {
      const m = BY_VALUE.exec(path);
      const value = m ? unescapeLiteral(m[1] ?? '') : null;
      if (value !== null) {
        const kept = members.filter((x) => x.value !== value);
        if (kept.length === members.length) return { ok: false, noTarget: `Filter '${path}' matches no member of the group` };
        members = kept;
      }
      else if (path.toLowerCase() === 'members' && o.value === undefined) members = [];
      else return null;
    } else return null;
  }
  const { meta: _meta, ...rest } = group;
  return { ok: true, group: { ...rest, displayName, members } };
}

/** A stored group as SCIMMY emits it: schemas, id, meta with its location, then the attributes. */
export function groupOut(g: Json, groupsLocation: string): Json {
  const { schemas: _schemas, id, meta, ...rest } = g;
  const { version, ...stamps } = obj(meta) ?? {};
  return { schemas: [CORE_GROUP], id, meta: { ...stamps, location: `${groupsLocation}/${String(id)}`, ...(version === undefined ? {} : { version }) }, ...rest };
}

/** Whether a write left the group's name and members as they were. */
export const sameGroup = (a: Json, b: Json): boolean => JSON.stringify([a.displayName, a.members ?? []]) === JSON.stringify([b.displayName, b.members ?? []]);

/** Faults of the simulator's Groups, for tests of a client against LMSs that behave so. */
export interface GroupFaults {
  /** GET answers about groups leave `members` out unless `attributes` names them, as some LMSs do. */
  groupMembersOnlyWhenAsked?: boolean;
  /** GET answers about groups never carry `members` (an LMS that does not list them). */
  omitGroupMembers?: boolean;
  /** Every /Groups request answered with this status (401 or 403: a token that may not use groups), /Users untouched. */
  groupsForbiddenStatus?: number;
  /** This many Group POSTs that created the group are answered 502 instead (the answer lost on the way). */
  loseGroupCreateAnswers?: number;
  /** Every Group POST answered 409 uniqueness, nothing created. */
  conflictOnGroupCreate?: boolean;
  /** Group POSTs answered 201 with no body, only a Location header: a readable one, or one that is not valid percent-encoding. */
  groupCreateAnswer?: 'locationOnly' | 'badLocation';
  /** A Group PATCH removing by `members[…]` answered 400 invalidPath (an LMS that takes no filter in a path). */
  refuseMemberFilterRemove?: boolean;
  /** A Group PUT or PATCH with query parameters (excludedAttributes …) answered 400 invalidSyntax. */
  refuseGroupWriteQuery?: boolean;
  /** Group PATCH answered 501 (users' PATCH still taken). */
  refuseGroupPatch?: boolean;
  /** PATCH of the group of this displayName (without case) answered 405; other groups' PATCH taken. */
  refusePatchOfGroup?: string;
  /** GET answers about the group of this displayName (without case) never carry `members`, even when asked; other groups list theirs. */
  omitMembersOfGroup?: string;
  /** A GET of one group with `attributes` answered 400 invalidSyntax (an LMS without the parameter). */
  refuseGroupAttributesParam?: boolean;
  /** A list of groups with `excludedAttributes` answered 400 invalidSyntax (an LMS without the parameter on lists). */
  refuseGroupListExclude?: boolean;
  /** Every list of groups (GET /Groups, filtered or not) answered with this status: 503 a list that is down, 403 a token that may not list. */
  groupListStatus?: number;
  /** Every Group PUT or PATCH with If-Match answered 412, as if someone changed the group each time. */
  groupPreconditionFails?: boolean;
}

/** Whether a list of attributes (`attributes`, `excludedAttributes`) names the members. */
const namesMembers = (a: unknown): boolean => typeof a === 'string' && a.split(',').some((x) => /^(urn:ietf:params:scim:schemas:core:2\.0:Group:)?members(\.|$)/i.test(x.trim()));

/** Whether a GET's `attributes` asks for members. */
export const asksForMembers = (query: Record<string, unknown>): boolean => namesMembers(query.attributes);

/** Whether a GET's answer carries the groups' members: not excluded, and named when `attributes` is given. */
export const answersWithMembers = (query: Record<string, unknown>): boolean => !namesMembers(query.excludedAttributes) && (query.attributes === undefined || asksForMembers(query));

/** A group, or a list of groups, as JSON text with each group (an object with an id) passed through `edit`; other text as it was. */
function editGroups(text: string, edit: (g: Json) => Json): string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return text;
  }
  const one = (v: unknown): unknown => {
    const o = obj(v);
    return o && typeof o.id === 'string' ? edit(o) : v;
  };
  const o = obj(body);
  if (!o) return text;
  return JSON.stringify(Array.isArray(o.Resources) ? { ...o, Resources: (o.Resources as unknown[]).map(one) } : one(o));
}

/** A group, or a list of groups, as JSON text without `members` (of the groups `which` picks, or all); other text as it was. */
export function withoutMembers(text: string, which: (id: string) => boolean = () => true): string {
  return editGroups(text, (g) => {
    if (!which(String(g.id))) return g;
    const { members: _members, ...rest } = g;
    return rest;
  });
}

/**
 * A group, or a list of groups, as JSON text with `members: []` for each group without members.
 * SCIMMY leaves an empty list out; the simulator says "no members" as RFC 7643 also allows, so a
 * client can tell an empty group from one whose members the LMS does not list.
 */
export const withEmptyMembers = (text: string): string => editGroups(text, (g) => (Object.keys(g).some((k) => k.toLowerCase() === 'members') ? g : { ...g, members: [] }));

/** Whether a PatchOp removes by a filter on `members` (`members[value eq "x"]`). */
export function removesByMemberFilter(body: unknown): boolean {
  const ops = obj(body)?.Operations;
  return Array.isArray(ops) && ops.some((raw) => {
    const o = obj(raw);
    return typeof o?.op === 'string' && o.op.toLowerCase() === 'remove' && typeof o.path === 'string' && /^\s*members\s*\[/i.test(o.path);
  });
}
