/**
 * Transitive group membership with the path that explains it ("Anna → Sales EMEA → All Sales").
 * The snapshot carries DIRECT members only; membership of a rule's group is resolved once per
 * group (breadth-first, so the shortest path wins) and memoised, which keeps plan() linear.
 */
import type { SourceGroup } from './model';

export interface GroupIndex {
  readonly byId: ReadonlyMap<string, SourceGroup>;
  /**
   * Users reachable from the group, each with the group ids from the user's DIRECT group up to
   * `groupId` itself. Empty when the group is not in the snapshot.
   */
  members(groupId: string): ReadonlyMap<string, readonly string[]>;
}

function byNameThenId(a: SourceGroup, b: SourceGroup): number {
  return a.displayName < b.displayName ? -1 : a.displayName > b.displayName ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function buildGroupIndex(groups: readonly SourceGroup[]): GroupIndex {
  const byId = new Map<string, SourceGroup>();
  for (const g of groups) byId.set(g.id, g);
  const memo = new Map<string, Map<string, string[]>>();

  function resolve(rootId: string): Map<string, string[]> {
    const users = new Map<string, string[]>();
    const root = byId.get(rootId);
    if (!root) return users;
    // Path from each visited group up to the root (group ids, nearest first).
    const pathUp = new Map<string, string[]>([[rootId, [rootId]]]);
    let frontier: SourceGroup[] = [root];
    while (frontier.length > 0) {
      const next: SourceGroup[] = [];
      for (const group of frontier) {
        const up = pathUp.get(group.id) ?? [group.id];
        for (const userId of group.memberUserIds) {
          if (!users.has(userId)) users.set(userId, up);
        }
        const children = group.memberGroupIds
          .map((id) => byId.get(id))
          .filter((g): g is SourceGroup => g !== undefined && !pathUp.has(g.id))
          // Sorted so the chosen path does not depend on the order Graph returned members in.
          .sort(byNameThenId);
        for (const child of children) {
          if (pathUp.has(child.id)) continue; // nested cycles happen in real tenants
          pathUp.set(child.id, [child.id, ...up]);
          next.push(child);
        }
      }
      frontier = next;
    }
    return users;
  }

  return {
    byId,
    members(groupId) {
      let found = memo.get(groupId);
      if (!found) {
        found = resolve(groupId);
        memo.set(groupId, found);
      }
      return found;
    },
  };
}

/** The most groups markMembers() gives bits to (one per bit of a small integer). */
export const MAX_MARKED_GROUPS = 30;

/**
 * Calls `mark(userId, bit)` for each direct membership of a group reachable from `groupIds[i]`
 * (bit = 1 << i), so the caller can keep the bits on each person; false when there are more
 * groups than bits. plan() uses it for the scope's groups: one look-up per membership in its own
 * index, instead of a 100k-entry Map per group and a look-up per person and rule, which at 100k
 * people missed the CPU caches. The users reached are the ones members() lists.
 */
export function markMembers(index: GroupIndex, groupIds: readonly string[], mark: (userId: string, bit: number) => void): boolean {
  if (groupIds.length > MAX_MARKED_GROUPS) return false;
  groupIds.forEach((rootId, i) => {
    const root = index.byId.get(rootId);
    if (!root) return;
    const seen = new Set<string>([rootId]);
    const todo: SourceGroup[] = [root];
    for (let group = todo.pop(); group; group = todo.pop()) {
      for (const userId of group.memberUserIds) mark(userId, 1 << i);
      for (const id of group.memberGroupIds) {
        const child = index.byId.get(id);
        if (child && !seen.has(id)) {
          seen.add(id);
          todo.push(child);
        }
      }
    }
  });
  return true;
}

/** Group names along a path of ids; an unknown id is shown as the id. */
export function groupNames(index: GroupIndex, path: readonly string[]): string[] {
  return path.map((id) => index.byId.get(id)?.displayName ?? id);
}

/** The groups (ids, nearest first) through which the user is in `groupId`; null when not a member. */
export function membershipPath(index: GroupIndex, groupId: string, userId: string): readonly string[] | null {
  return index.members(groupId).get(userId) ?? null;
}
