/**
 * Group membership by change tracking: /groups/delta filtered by id (at most 50 ids a request),
 * $select=displayName,members. The first round of a filtered delta lists each group with its
 * whole direct membership in members@delta and ends with a deltaLink; later rounds name only
 * the memberships added or removed (`@removed`). An incremental run then costs one request per
 * 50 groups instead of every member page of every group.
 *
 * The tree is read level by level as readGroupTree does (scope groups, then the groups nested in
 * them, …), so the result is the same set of groups with the same direct members. A filtered
 * link cannot grow: a group that newly appears in the tree gets a first round of its own, and
 * the links are kept together as one opaque "groups delta link" (JSON) that remembers which
 * groups each Graph link carries.
 */
import { fail, ok, type AppError, type Result } from '../core/errors';
import type { ReadProgress } from '../core/directories';
import type { SourceGroup } from '../core/model';
import { chunk, deltaErrorFor } from './delta';
import { deltaExpired, groupNotFound } from './errors';
import type { GraphClient, GraphErrorInfo } from './graph-client';
import { groupDenied, visitGroup } from './groups';

const USER_TYPE = '#microsoft.graph.user';
const GROUP_TYPE = '#microsoft.graph.group';
/** Graph's limit for `id eq … or id eq …` on /groups/delta. */
export const GROUP_IDS_PER_DELTA = 50;

/** What the opaque link holds: Graph delta links and the groups whose state each one carries. */
interface GroupsDeltaState {
  v: 1;
  links: Array<{ link: string; ids: string[] }>;
}

const onGroupDeltaError = (info: GraphErrorInfo): AppError | null => groupDenied(info) ?? deltaErrorFor(info);

/** One group's news from a delta round: name, and each member's last word (true = member). */
interface GroupNews {
  displayName: string | null;
  removed: boolean;
  users: Map<string, boolean>;
  groups: Map<string, boolean>;
}

function collect(items: unknown[], news: Map<string, GroupNews>): void {
  for (const item of items) {
    const g = item as Record<string, unknown>;
    if (typeof g.id !== 'string') continue;
    let n = news.get(g.id);
    if (!n) {
      n = { displayName: null, removed: false, users: new Map(), groups: new Map() };
      news.set(g.id, n);
    }
    if (typeof g.displayName === 'string') n.displayName = g.displayName;
    if (g['@removed'] !== undefined) n.removed = true;
    const members = g['members@delta'];
    if (!Array.isArray(members)) continue;
    for (const raw of members) {
      const m = raw as Record<string, unknown>;
      if (typeof m.id !== 'string') continue;
      const present = m['@removed'] === undefined;
      // Devices, contacts and service principals can be members too; they are not people.
      const into = m['@odata.type'] === USER_TYPE ? n.users : m['@odata.type'] === GROUP_TYPE ? n.groups : null;
      if (!into) continue;
      into.delete(m.id);
      into.set(m.id, present);
    }
  }
}

async function deltaRound(client: GraphClient, url: string, signal?: AbortSignal): Promise<Result<{ news: Map<string, GroupNews>; deltaLink: string }>> {
  const news = new Map<string, GroupNews>();
  const res = await client.pages(url, (items) => collect(items, news), { ...(signal ? { signal } : {}), onError: onGroupDeltaError });
  if (!res.ok) return res;
  if (!res.value.deltaLink) return fail(deltaExpired('Graph did not return a new link for the groups'));
  return ok({ news, deltaLink: res.value.deltaLink });
}

function firstRoundPath(ids: readonly string[]): string {
  const filter = ids.map((id) => `id eq '${id.replace(/'/g, "''")}'`).join(' or ');
  return `/groups/delta?$filter=${encodeURIComponent(filter)}&$select=displayName,members`;
}

/** First rounds for groups not tracked yet: their whole direct membership, and links for them. */
async function readNewGroups(client: GraphClient, ids: readonly string[], signal?: AbortSignal): Promise<Result<{ groups: Map<string, SourceGroup>; links: GroupsDeltaState['links'] }>> {
  const rounds = await client.pool(chunk(ids, GROUP_IDS_PER_DELTA), async (batch) => {
    const r = await deltaRound(client, firstRoundPath(batch), signal);
    return r.ok ? ok({ batch, ...r.value }) : r;
  }, signal);
  if (!rounds.ok) return rounds;
  const groups = new Map<string, SourceGroup>();
  const links: GroupsDeltaState['links'] = [];
  for (const { batch, news, deltaLink } of rounds.value) {
    for (const id of batch) {
      const n = news.get(id);
      // A group that is gone is a setup problem (scope) or an untrustworthy read (nested).
      if (!n || n.removed) return fail(groupNotFound(id));
      groups.set(id, {
        id,
        displayName: n.displayName ?? '',
        memberUserIds: [...n.users].filter(([, present]) => present).map(([m]) => m),
        memberGroupIds: [...n.groups].filter(([, present]) => present).map(([m]) => m),
      });
    }
    links.push({ link: deltaLink, ids: [...batch] });
  }
  return ok({ groups, links });
}

function applyNews(group: SourceGroup, n: GroupNews): SourceGroup {
  const apply = (current: string[], changes: Map<string, boolean>): string[] => {
    if (changes.size === 0) return current;
    const set = new Set(current);
    for (const [id, present] of changes) {
      if (present) set.add(id);
      else set.delete(id);
    }
    return [...set];
  };
  return {
    id: group.id,
    displayName: n.displayName ?? group.displayName,
    memberUserIds: apply(group.memberUserIds, n.users),
    memberGroupIds: apply(group.memberGroupIds, n.groups),
  };
}

/**
 * Walk the tree from the scope groups breadth first, as readGroupTree does, reading groups not
 * known yet (first rounds) a level at a time. `known` holds every group with current state.
 */
async function walkTree(
  client: GraphClient,
  scopeIds: readonly string[],
  known: Map<string, SourceGroup>,
  gone: ReadonlySet<string>,
  signal?: AbortSignal,
  onProgress?: (p: ReadProgress) => void,
): Promise<Result<{ groups: SourceGroup[]; newLinks: GroupsDeltaState['links'] }>> {
  const seen = new Set<string>();
  const out: SourceGroup[] = [];
  const newLinks: GroupsDeltaState['links'] = [];
  let level = [...new Set(scopeIds)];
  for (const id of level) seen.add(id);
  while (level.length > 0) {
    const unknown = level.filter((id) => !known.has(id));
    for (const id of level) if (gone.has(id)) return fail(groupNotFound(id));
    if (unknown.length > 0) {
      const read = await readNewGroups(client, unknown, signal);
      if (!read.ok) return read;
      for (const [id, g] of read.value.groups) known.set(id, g);
      newLinks.push(...read.value.links);
    }
    const next: string[] = [];
    for (const id of level) {
      visitGroup(known.get(id) as SourceGroup, out, seen, next);
    }
    onProgress?.({ phase: 'groups', done: out.length, total: null });
    level = next;
  }
  return ok({ groups: out, newLinks });
}

/** The whole tree by first rounds: readGroupTree's answer plus a groups delta link for it. */
export async function readGroupTreeWithLink(
  client: GraphClient,
  scopeIds: readonly string[],
  signal?: AbortSignal,
  onProgress?: (p: ReadProgress) => void,
): Promise<Result<{ groups: SourceGroup[]; link: string }>> {
  const walked = await walkTree(client, scopeIds, new Map(), new Set(), signal, onProgress);
  if (!walked.ok) return walked;
  const state: GroupsDeltaState = { v: 1, links: walked.value.newLinks };
  return ok({ groups: walked.value.groups, link: JSON.stringify(state) });
}

function parseState(link: string, endpoint: string): GroupsDeltaState | null {
  try {
    const s = JSON.parse(link) as GroupsDeltaState;
    if (s.v !== 1 || !Array.isArray(s.links)) return null;
    const origin = new URL(endpoint).origin;
    for (const l of s.links) {
      if (typeof l.link !== 'string' || !Array.isArray(l.ids) || new URL(l.link).origin !== origin) return null;
    }
    return s;
  } catch {
    return null;
  }
}

/**
 * The tree after the changes since `link`, given the groups read with it (`cached`). Fails with
 * ENTRA_DELTA_EXPIRED when the link is unusable (Graph forgot it, another cloud, the cache does
 * not match it): the caller then reads in full.
 */
export async function readGroupTreeDelta(
  client: GraphClient,
  scopeIds: readonly string[],
  cached: readonly SourceGroup[],
  link: string,
  signal?: AbortSignal,
  onProgress?: (p: ReadProgress) => void,
): Promise<Result<{ groups: SourceGroup[]; link: string }>> {
  const state = parseState(link, client.endpoint);
  if (!state) return fail(deltaExpired('the saved groups link is not usable'));
  const cachedById = new Map(cached.map((g) => [g.id, g]));
  for (const l of state.links) for (const id of l.ids) if (!cachedById.has(id)) return fail(deltaExpired('the saved groups do not match the link'));
  const rounds = await client.pool(state.links, (l) => deltaRound(client, l.link, signal), signal);
  if (!rounds.ok) return rounds;

  // Groups the links carry, brought up to date; news about groups no link carries is ignored.
  const known = new Map<string, SourceGroup>();
  const gone = new Set<string>();
  const links: GroupsDeltaState['links'] = [];
  state.links.forEach((l, i) => {
    const { news, deltaLink } = rounds.value[i] as { news: Map<string, GroupNews>; deltaLink: string };
    for (const id of l.ids) {
      const n = news.get(id);
      if (n?.removed) gone.add(id);
      else known.set(id, n ? applyNews(cachedById.get(id) as SourceGroup, n) : (cachedById.get(id) as SourceGroup));
    }
    links.push({ link: deltaLink, ids: l.ids });
  });

  const walked = await walkTree(client, scopeIds, known, gone, signal, onProgress);
  if (!walked.ok) return walked;
  // Groups that dropped out of the tree are no longer carried (their state would go stale).
  const inTree = new Set(walked.value.groups.map((g) => g.id));
  const kept = [...links, ...walked.value.newLinks].map((l) => ({ link: l.link, ids: l.ids.filter((id) => inTree.has(id)) })).filter((l) => l.ids.length > 0);
  // Trees that change shape often leave many half-empty links: start over with a compact set.
  if (kept.length > 2 * Math.ceil(inTree.size / GROUP_IDS_PER_DELTA) + 2) return readGroupTreeWithLink(client, scopeIds, signal, onProgress);
  return ok({ groups: walked.value.groups, link: JSON.stringify({ v: 1, links: kept } satisfies GroupsDeltaState) });
}
