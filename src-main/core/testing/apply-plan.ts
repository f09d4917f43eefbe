/**
 * Tests and the bench: what an LMS looks like after a plan is applied, without any I/O. Mirrors the
 * apply contract in src-main/core/README.md: departments first, then 'users' ops (the
 * 'active' field goes through setActive, 'externalId' links the account), then relations
 * (targetId null = the account created in this plan, found through the new link).
 */
import { ACTIVE_FIELD, EXTERNAL_ID_FIELD, USER_NAME_FIELD } from '../plan';
import { writesGroup } from '../push-groups';
import { ScimPath, type Link, type Plan, type PlanOp, type TargetSnapshot, type TargetUser } from '../model';

export interface Applied {
  target: TargetSnapshot;
  links: Link[];
}

function applyChanges(user: TargetUser, op: PlanOp, writeDepartment: (path: readonly string[]) => string[]): TargetUser {
  const next: TargetUser = { ...user, attributes: { ...user.attributes }, emails: [...user.emails] };
  for (const c of op.changes) {
    if (c.field === ScimPath.department && Array.isArray(c.to) && c.to.length > 0) {
      next.attributes[c.field] = writeDepartment(c.to);
      continue;
    }
    if (c.field === ACTIVE_FIELD) next.active = c.to === 'true';
    else if (c.field === EXTERNAL_ID_FIELD) next.externalId = typeof c.to === 'string' ? c.to : null;
    else if (c.field === USER_NAME_FIELD) next.userName = typeof c.to === 'string' ? c.to : next.userName;
    else {
      next.attributes[c.field] = c.to;
      if (c.field === ScimPath.email && typeof c.to === 'string') next.emails = [c.to, ...next.emails.filter((e) => e !== c.to)];
    }
  }
  return next;
}

export function applyPlanToSnapshot(plan: Plan, target: TargetSnapshot, links: readonly Link[]): Applied {
  const users = new Map(target.users.map((u) => [u.id, u]));
  const ours = new Map(links.filter((l) => l.integrationId === plan.integrationId).map((l) => [l.sourceId, l]));
  const setLink = (sourceId: string, targetId: string, origin: Link['origin']): void => {
    ours.set(sourceId, { integrationId: plan.integrationId, sourceId, targetId, origin, linkedAt: plan.createdAt, emailAtLink: null });
  };
  const departments = [...(target.departments ?? [])];
  /**
   * The path as the LMS client writes it (lms/org.ts): each level is the sibling with that exact
   * name, else the one sibling with it in another case, else a new department. Returns the path
   * of names the LMS then reads back.
   */
  const writeDepartment = (path: readonly string[]): string[] => {
    let parentId: string | null = null;
    const names: string[] = [];
    // A one-level LMS: the client finds or creates the last level at the top.
    for (const name of target.capabilities.flatDepartments === true ? path.slice(-1) : path) {
      const siblings = departments.filter((d) => d.parentId === parentId);
      const caseless = siblings.filter((d) => d.name.toLowerCase() === name.toLowerCase());
      let hit = siblings.find((d) => d.name === name) ?? (caseless.length === 1 ? caseless[0] : undefined);
      if (!hit) {
        hit = { id: `dep-${departments.length}`, name, parentId };
        departments.push(hit);
      }
      names.push(hit.name);
      parentId = hit.id;
    }
    return names;
  };
  for (const path of plan.departmentsToCreate) writeDepartment(path);
  const ordered = [...plan.ops.filter((o) => o.phase === 'users'), ...plan.ops.filter((o) => o.phase === 'relations')];
  for (const op of ordered) {
    if (op.kind === 'conflict' || op.kind === 'skip') continue;
    if (op.kind === 'create') {
      const id = `new-${op.sourceId ?? ''}`;
      const blank: TargetUser = { id, externalId: null, userName: '', active: true, emails: [], attributes: {}, created: null, lastModified: null };
      users.set(id, applyChanges(blank, op, writeDepartment));
      if (op.sourceId) setLink(op.sourceId, id, 'created');
      continue;
    }
    const targetId = op.targetId ?? ours.get(op.sourceId ?? '')?.targetId ?? null;
    const user = targetId ? users.get(targetId) : undefined;
    if (!user) throw new Error(`plan op for unknown LMS account: ${JSON.stringify(op)}`);
    users.set(user.id, applyChanges(user, op, writeDepartment));
    if (op.sourceId && op.changes.some((c) => c.field === EXTERNAL_ID_FIELD)) setLink(op.sourceId, user.id, 'matched');
  }
  // Pushed groups after the relations, their new members found through the new links.
  const groups = target.groups ? target.groups.map((g) => ({ ...g, memberIds: g.memberIds === null ? null : [...g.memberIds] })) : target.groups;
  for (const push of plan.groups ?? []) {
    if (!writesGroup(push)) continue;
    if (!groups) throw new Error('a group pushed to an LMS without groups');
    const idOf = (m: { targetId: string | null; sourceId: string | null }) => m.targetId ?? ours.get(m.sourceId ?? '')?.targetId ?? null;
    const add = push.add.map(idOf).filter((id): id is string => id !== null);
    if (push.action === 'create') {
      groups.push({ id: `lg-new-${groups.length}`, displayName: push.lmsGroup, memberIds: add });
      continue;
    }
    const g = groups.find((x) => x.id === push.lmsGroupId);
    if (!g?.memberIds) throw new Error(`plan pushes to an unknown LMS group: ${JSON.stringify(push)}`);
    const removed = new Set(push.remove.map(idOf));
    g.memberIds = [...g.memberIds.filter((id) => !removed.has(id)), ...add.filter((id) => !g.memberIds?.includes(id))];
  }
  const others = links.filter((l) => l.integrationId !== plan.integrationId);
  return { target: { ...target, users: [...users.values()], departments, ...(groups === undefined ? {} : { groups }) }, links: [...others, ...ours.values()] };
}
