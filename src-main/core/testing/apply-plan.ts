/**
 * Tests and the bench: what an LMS looks like after a plan is applied, without any I/O. Mirrors the
 * apply contract in src-main/core/README.md: departments first, then 'users' ops (the
 * 'active' field goes through setActive, 'externalId' links the account), then relations
 * (targetId null = the account created in this plan, found through the new link).
 */
import { ACTIVE_FIELD, EXTERNAL_ID_FIELD, USER_NAME_FIELD } from '../plan';
import { ScimPath, type Link, type Plan, type PlanOp, type TargetSnapshot, type TargetUser } from '../model';

export interface Applied {
  target: TargetSnapshot;
  links: Link[];
}

function applyChanges(user: TargetUser, op: PlanOp): TargetUser {
  const next: TargetUser = { ...user, attributes: { ...user.attributes }, emails: [...user.emails] };
  for (const c of op.changes) {
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
  const pathOf = (id: string | null): string[] => {
    const d = departments.find((x) => x.id === id);
    return d ? [...pathOf(d.parentId), d.name] : [];
  };
  for (const path of plan.departmentsToCreate) {
    const parentKey = JSON.stringify(path.slice(0, -1));
    const parent = path.length > 1 ? departments.find((d) => JSON.stringify(pathOf(d.id)) === parentKey) : undefined;
    departments.push({ id: `dep-${departments.length}`, name: path[path.length - 1] ?? '', parentId: parent?.id ?? null });
  }
  const ordered = [...plan.ops.filter((o) => o.phase === 'users'), ...plan.ops.filter((o) => o.phase === 'relations')];
  for (const op of ordered) {
    if (op.kind === 'conflict' || op.kind === 'skip') continue;
    if (op.kind === 'create') {
      const id = `new-${op.sourceId ?? ''}`;
      const blank: TargetUser = { id, externalId: null, userName: '', active: true, emails: [], attributes: {}, created: null, lastModified: null };
      users.set(id, applyChanges(blank, op));
      if (op.sourceId) setLink(op.sourceId, id, 'created');
      continue;
    }
    const targetId = op.targetId ?? ours.get(op.sourceId ?? '')?.targetId ?? null;
    const user = targetId ? users.get(targetId) : undefined;
    if (!user) throw new Error(`plan op for unknown LMS account: ${JSON.stringify(op)}`);
    users.set(user.id, applyChanges(user, op));
    if (op.sourceId && op.changes.some((c) => c.field === EXTERNAL_ID_FIELD)) setLink(op.sourceId, user.id, 'matched');
  }
  const others = links.filter((l) => l.integrationId !== plan.integrationId);
  return { target: { ...target, users: [...users.values()], departments }, links: [...others, ...ours.values()] };
}
