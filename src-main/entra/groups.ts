/**
 * Group reads. Scope groups are read as a tree of DIRECT memberships: each group's
 * /members (users and groups, $select=id), then each nested group the same way, breadth first,
 * each group once (cycle-safe). Core walks the tree to explain "Anna → Sales EMEA → All Sales";
 * transitiveMembers would flatten exactly the path we need to show.
 */
import { fail, ok, type Result } from '../core/errors';
import type { GroupSummary, ReadProgress } from '../core/directories';
import type { SourceGroup } from '../core/model';
import { consentMissing, groupNotFound } from './errors';
import type { GraphClient, GraphErrorInfo } from './graph-client';

const USER_TYPE = '#microsoft.graph.user';
const GROUP_TYPE = '#microsoft.graph.group';

export function groupDenied(info: GraphErrorInfo) {
  return info.status === 403 ? consentMissing(['Group.Read.All'], 'read groups and their members') : null;
}

async function readOneGroup(client: GraphClient, id: string, signal?: AbortSignal): Promise<Result<SourceGroup | null>> {
  const path = `/groups/${encodeURIComponent(id)}`;
  const head = await client.get(`${path}?$select=id,displayName`, { ...(signal ? { signal } : {}), allowStatuses: [404], onError: groupDenied });
  if (!head.ok) return head;
  if (head.value.status === 404) return ok(null);
  const body = head.value.body as Record<string, unknown>;
  const group: SourceGroup = {
    id,
    displayName: typeof body.displayName === 'string' ? body.displayName : '',
    memberUserIds: [],
    memberGroupIds: [],
  };
  const members = await client.pages(
    `${path}/members?$select=id&$top=999`,
    (items) => {
      for (const item of items) {
        const m = item as Record<string, unknown>;
        if (typeof m.id !== 'string') continue;
        // Devices, contacts and service principals can be members too; they are not people.
        if (m['@odata.type'] === USER_TYPE) group.memberUserIds.push(m.id);
        else if (m['@odata.type'] === GROUP_TYPE) group.memberGroupIds.push(m.id);
      }
    },
    { ...(signal ? { signal } : {}), onError: groupDenied },
  );
  if (!members.ok) return members;
  return ok(group);
}

/** Adds a group to the tree and queues its nested groups not seen yet (each group once: nesting cycles happen). */
export function visitGroup(g: SourceGroup, out: SourceGroup[], seen: Set<string>, next: string[]): void {
  out.push(g);
  for (const child of g.memberGroupIds) {
    if (seen.has(child)) continue;
    seen.add(child);
    next.push(child);
  }
}

/** The named groups and every group nested under them, each with its direct members. */
export async function readGroupTree(
  client: GraphClient,
  groupIds: readonly string[],
  signal?: AbortSignal,
  onProgress?: (p: ReadProgress) => void,
): Promise<Result<SourceGroup[]>> {
  const seen = new Set<string>();
  const out: SourceGroup[] = [];
  let level = [...new Set(groupIds)];
  for (const id of level) seen.add(id);
  while (level.length > 0) {
    const read = await client.pool(level, (id) => readOneGroup(client, id, signal), signal);
    if (!read.ok) return read;
    const next: string[] = [];
    for (let i = 0; i < level.length; i++) {
      const id = level[i] as string;
      const g = read.value[i] ?? null;
      if (g === null) {
        // A configured group that is gone is a setup problem; a nested one that vanished
        // between two requests means the read is not trustworthy either.
        return fail(groupNotFound(id));
      }
      visitGroup(g, out, seen, next);
    }
    onProgress?.({ phase: 'groups', done: out.length, total: null });
    level = next;
  }
  return ok(out);
}

function odataString(value: string): string {
  return value.replace(/'/g, "''");
}

/** A $count answer (plain text), or null when Graph would not count (400/404). */
function countOf(res: Result<{ status: number; body: unknown }>): number | null {
  if (!res.ok) return null;
  const n = Number(typeof res.value.body === 'number' ? res.value.body : String(res.value.body ?? ''));
  return res.value.status === 200 && Number.isFinite(n) ? n : null;
}

/** The wizard's picker: groups whose name starts with the text, with member counts. */
export async function searchGroups(client: GraphClient, prefix: string, signal?: AbortSignal): Promise<Result<GroupSummary[]>> {
  const eventual = { ConsistencyLevel: 'eventual' };
  const filter = encodeURIComponent(`startswith(displayName,'${odataString(prefix.trim())}')`);
  const found: Array<Record<string, unknown>> = [];
  const list = await client.get(`/groups?$filter=${filter}&$count=true&$select=id,displayName,description,securityEnabled&$top=25`, {
    headers: eventual,
    ...(signal ? { signal } : {}),
    onError: groupDenied,
  });
  if (!list.ok) return list;
  const value = (list.value.body as Record<string, unknown>).value;
  if (Array.isArray(value)) for (const v of value) if (typeof v === 'object' && v !== null) found.push(v as Record<string, unknown>);

  const summaries = await client.pool(
    found.filter((g) => typeof g.id === 'string'),
    async (g): Promise<Result<GroupSummary>> => {
      const id = encodeURIComponent(g.id as string);
      const opts = { headers: eventual, ...(signal ? { signal } : {}), allowStatuses: [400, 404] };
      // A count Graph will not give (throttled past the retries, refused) is "unknown", never a
      // failed search: the admin can still pick the group.
      const [count, nested, people] = await Promise.all([
        client.get(`/groups/${id}/members/$count`, opts),
        client.get(`/groups/${id}/members/microsoft.graph.group/$count`, opts),
        client.get(`/groups/${id}/transitiveMembers/microsoft.graph.user/$count`, opts),
      ]);
      if (signal?.aborted && !count.ok) return count;
      const nestedGroupCount = countOf(nested);
      return ok({
        id: g.id as string,
        displayName: typeof g.displayName === 'string' ? g.displayName : '',
        description: typeof g.description === 'string' ? g.description : null,
        memberCount: countOf(count),
        nestedGroupCount,
        peopleCount: countOf(people),
        hasNestedGroups: nestedGroupCount !== null && nestedGroupCount > 0,
        securityEnabled: g.securityEnabled === true,
      });
    },
    signal,
  );
  return summaries;
}
