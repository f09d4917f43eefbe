/**
 * apply(): executes a Plan against the LMS. Order: missing departments, then creates, then
 * reactivations and updates, then the manager/approver pass (every user exists by then), then
 * the pushed groups' members, then deactivations. Crash-safe by construction: every created user
 * carries its Entra id in externalId, so a rerun after a kill at any point matches instead of
 * duplicating, links lost with the crash are recorded again from the plan's link_existing ops, and
 * a group created just before a kill is found by its name.
 */
import { ok, type AppError, type Result } from '../core/errors';
import type { TargetDirectory } from '../core/directories';
import { ScimPath, type AttrValue, type FieldChange, type GroupPush, type Link, type Plan, type PlanOp, type SafetyGuard } from '../core/model';
import { ACTIVE_FIELD, EXTERNAL_ID_FIELD, USER_NAME_FIELD } from '../core/plan';
import { GROUP_REMOVAL_GUARD, writesGroup } from '../core/push-groups';
import type { RunRecord } from '../core/reports';
import type { AuditLog } from './audit';

export type ApplyPhase = 'departments' | 'users' | 'relations' | 'groups' | 'deactivations';

export interface ApplyProgress {
  phase: ApplyPhase;
  done: number;
  total: number;
  /** The person (or department) being written. */
  current: string | null;
}

/** Where new links go as the run makes them; flushed in batches and at the end. */
export interface LinkRecorder {
  record(link: Link): void;
  flush(): Promise<void>;
}

export interface ApplyOptions {
  concurrency: number;
  signal?: AbortSignal;
  onProgress?: (p: ApplyProgress) => void;
  /** Deactivations the admin confirmed; lifts the threshold guard when at least the planned number. */
  confirmedDeactivations?: number;
  /** Removals from pushed groups the admin confirmed, apart: a confirmed deactivation never lifts them. */
  confirmedGroupRemovals?: number;
  now: () => Date;
  /** Called once the departments are made, before any person is written (the created-departments list is saved then). */
  afterDepartments?: () => Promise<void>;
}

export interface ApplyFailure {
  op: Pick<PlanOp, 'kind' | 'reason' | 'sourceId' | 'targetId' | 'email'>;
  error: AppError & { lmsDetail?: string | null };
}

export interface ApplyResult {
  outcome: 'succeeded' | 'partial' | 'blocked' | 'cancelled';
  /** The people's changes written. */
  applied: number;
  /** Pushed groups created or given new members (not among `applied`). */
  groupsWritten: number;
  failed: number;
  /** Manager and approver writes not sent: an account they name could not be created above (not among `failed`). */
  heldBack: number;
  failures: ApplyFailure[];
  blockedBy: SafetyGuard | null;
}

/** What an apply wrote, as its run record counts it (a sync's and an on-demand run's alike). */
export function runCounts(r: ApplyResult): Pick<RunRecord, 'applied' | 'failed' | 'groupsWritten' | 'heldBack'> {
  return { applied: r.applied, failed: r.failed, groupsWritten: r.groupsWritten, heldBack: r.heldBack };
}

/**
 * The guard that stops this apply, if any: a blocking guard that is not, or not enough, confirmed.
 * Each confirmable guard has its own number (deactivations, group removals).
 */
export function blockingGuard(plan: Plan, confirmedDeactivations = 0, confirmedGroupRemovals = 0): SafetyGuard | null {
  for (const g of plan.guards) {
    if (!g.blocking) continue;
    if (g.confirmable && (g.code === GROUP_REMOVAL_GUARD ? confirmedGroupRemovals : confirmedDeactivations) >= g.count) continue;
    return g;
  }
  return null;
}

function changeTo(changes: FieldChange[], field: string): AttrValue | undefined {
  return changes.find((c) => c.field === field)?.to;
}

/** An op that writes this person's Entra id into externalId links the account to them. */
function linksAccount(op: PlanOp): boolean {
  return op.sourceId !== null && op.changes.some((c) => c.field === EXTERNAL_ID_FIELD && c.to === op.sourceId);
}

/** Fields apply() writes with updateUser(): everything except `active`, which has its own call. */
function attributeChanges(changes: FieldChange[]): FieldChange[] {
  return changes.filter((c) => c.field !== ACTIVE_FIELD);
}

/** Runs work over items with at most `limit` in flight; stops taking new items once aborted. */
async function pool<T>(items: readonly T[], limit: number, signal: AbortSignal | undefined, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal?.aborted) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

export async function applyPlan(plan: Plan, target: TargetDirectory, links: LinkRecorder, audit: AuditLog, options: ApplyOptions): Promise<ApplyResult> {
  const blocked = blockingGuard(plan, options.confirmedDeactivations, options.confirmedGroupRemovals);
  if (blocked) return { outcome: 'blocked', applied: 0, groupsWritten: 0, failed: 0, heldBack: 0, failures: [], blockedBy: blocked };

  const { signal, now } = options;
  const failures: ApplyFailure[] = [];
  let applied = 0;
  let groupsWritten = 0;
  let heldBack = 0;
  /** LMS ids of users created in this run, for the relations pass. */
  const createdTargetIds = new Map<string, string>();

  const executable = plan.ops.filter((op) => op.kind !== 'conflict' && op.kind !== 'skip');
  const usersPhase = executable.filter((op) => op.phase === 'users' && op.kind !== 'deactivate');
  const creates = usersPhase.filter((op) => op.kind === 'create');
  const updates = usersPhase.filter((op) => op.kind !== 'create');
  const relations = executable.filter((op) => op.phase === 'relations');
  const deactivations = executable.filter((op) => op.kind === 'deactivate');
  const groupWrites = (plan.groups ?? []).filter(writesGroup);
  const total = plan.departmentsToCreate.length + executable.length + groupWrites.length;
  let done = 0;
  const progress = (phase: ApplyPhase, current: string | null) => options.onProgress?.({ phase, done, total, current });

  /** People whose users-phase write failed: not added to a pushed group (their account is not as planned). */
  const failedPeople = new Set<string>();
  /** How people whose account could not be created are named (userName, e-mail), lower case: nobody's manager or approver yet. */
  const notCreated = new Set<string>();
  const fail = (op: PlanOp, error: ApplyFailure['error']) => {
    if (op.sourceId !== null && op.phase === 'users') failedPeople.add(op.sourceId);
    if (op.kind === 'create') for (const c of op.changes) if ((c.field === USER_NAME_FIELD || c.field === ScimPath.email) && typeof c.to === 'string') notCreated.add(c.to.toLowerCase());
    failures.push({ op: { kind: op.kind, reason: op.reason, sourceId: op.sourceId, targetId: op.targetId, email: op.email }, error });
    audit.write({ at: now().toISOString(), op: op.kind, reason: op.reason, sourceId: op.sourceId, targetId: op.targetId, email: op.email, fields: op.changes, result: 'failed', error: { code: error.code, message: error.message, lmsDetail: error.lmsDetail ?? null } });
  };
  const holdBack = (op: PlanOp, why: string) => {
    heldBack++;
    audit.write({ at: now().toISOString(), op: op.kind, reason: op.reason, sourceId: op.sourceId, targetId: op.targetId, email: op.email, fields: op.changes, result: 'not-executed', error: { code: 'RELATION_HELD_BACK', message: `Manager and approvers not written: ${why}. They are written at the next run.` } });
  };
  const succeed = (op: PlanOp, targetId: string | null) => {
    applied++;
    audit.write({ at: now().toISOString(), op: op.kind, reason: op.reason, sourceId: op.sourceId, targetId, email: op.email, fields: op.changes, result: 'ok' });
  };
  const link = (op: PlanOp, targetId: string, origin: Link['origin']) => {
    if (op.sourceId === null) return;
    links.record({ integrationId: plan.integrationId, sourceId: op.sourceId, targetId, origin, linkedAt: now().toISOString(), emailAtLink: op.email });
  };

  // 1. Departments the users below need, parents first (ensureDepartment creates missing parents).
  for (const path of plan.departmentsToCreate) {
    if (signal?.aborted) break;
    progress('departments', path.join(' / '));
    const r = await target.ensureDepartment(path, signal);
    done++;
    if (!r.ok) failures.push({ op: { kind: 'update', reason: 'department_missing', sourceId: null, targetId: null, email: null }, error: { ...r.error, message: `Department ${path.join(' / ')}: ${r.error.message}` } });
    audit.write({ at: now().toISOString(), op: 'department', reason: 'department_missing', sourceId: null, targetId: r.ok ? r.value : null, email: null, fields: [{ field: 'department', from: null, to: path }], result: r.ok ? 'ok' : 'failed', ...(r.ok ? {} : { error: { code: r.error.code, message: r.error.message } }) });
  }

  await options.afterDepartments?.();

  // 2. Creates. externalId is set in the same request, so a crash after it cannot duplicate.
  await pool(creates, options.concurrency, signal, async (op) => {
    progress('users', op.email);
    const externalId = changeTo(op.changes, EXTERNAL_ID_FIELD);
    const userName = changeTo(op.changes, USER_NAME_FIELD);
    const attributes: Record<string, AttrValue> = {};
    for (const c of op.changes) if (c.field !== EXTERNAL_ID_FIELD && c.field !== USER_NAME_FIELD && c.field !== ACTIVE_FIELD) attributes[c.field] = c.to;
    const r = await target.createUser({ externalId: String(externalId ?? op.sourceId), userName: String(userName ?? op.email), active: true, attributes }, signal);
    done++;
    if (!r.ok) return fail(op, r.error);
    if (op.sourceId) createdTargetIds.set(op.sourceId, r.value.id);
    link(op, r.value.id, 'created');
    succeed(op, r.value.id);
  });
  await links.flush();

  // 3. Reactivations and updates (including linking existing accounts: externalId is among the changes).
  await pool(updates, options.concurrency, signal, async (op) => {
    progress('users', op.email);
    const targetId = op.targetId;
    done++;
    if (!targetId) return fail(op, { code: 'PLAN_INVALID', message: 'The operation has no LMS account to write to.', fix: 'Run a new dry run.' });
    if (op.kind === 'reactivate') {
      const r = await target.setActive(targetId, true, signal);
      if (!r.ok) return fail(op, r.error);
    }
    const changes = attributeChanges(op.changes);
    if (changes.length > 0) {
      const r = await target.updateUser(targetId, changes, signal);
      if (!r.ok) return fail(op, r.error);
    }
    if (linksAccount(op)) link(op, targetId, 'matched');
    succeed(op, targetId);
  });
  await links.flush();

  // 4. Manager and approvers: every account exists now.
  await pool(relations, options.concurrency, signal, async (op) => {
    progress('relations', op.email);
    const targetId = op.targetId ?? (op.sourceId ? createdTargetIds.get(op.sourceId) : undefined) ?? null;
    done++;
    // Held back, not failed, when the cause is a create that failed above (theirs, or their
    // manager's or an approver's): one refused account is one failure, not one per person they manage.
    const heldBy = !targetId && op.sourceId !== null && failedPeople.has(op.sourceId) ? 'their own account was not created' : namesNotCreated(op, notCreated);
    if (heldBy !== null) return holdBack(op, heldBy);
    if (!targetId) return fail(op, { code: 'RELATION_TARGET_MISSING', message: 'The manager could not be set because the account was not created.', fix: 'See the error for this user above; the manager is set at the next run.' });
    const r = await target.updateUser(targetId, op.changes, signal);
    if (!r.ok) return fail(op, r.error);
    succeed(op, targetId);
  });

  // 5. Pushed groups: every account exists now (a group created here and lost to a crash is
  // found by its name next time, and its members added then).
  for (const g of groupWrites) {
    if (signal?.aborted) break;
    progress('groups', g.lmsGroup);
    const add = resolveMembers(g.add, createdTargetIds, failedPeople);
    const remove = resolveMembers(g.remove, createdTargetIds, new Set());
    // Nothing left to send (everyone it was to add failed above): no empty group is made, no
    // line claims a write; the next run does it.
    if (add.length === 0 && remove.length === 0 && g.add.length + g.remove.length > 0) {
      done++;
      continue;
    }
    const r = await writeGroup(g, add.map((m) => m.id), remove.map((m) => m.id), target, signal);
    done++;
    // What was sent, by name: the audit line never claims a member the apply left out.
    const fields: FieldChange[] = [
      { field: 'LMS group', from: null, to: g.lmsGroup },
      { field: 'members added', from: null, to: add.map((m) => m.name) },
      ...(remove.length > 0 ? [{ field: 'members removed', from: remove.map((m) => m.name), to: null }] : []),
    ];
    // A group that turned out to exist already is said so: the admin approved a create.
    const reason = g.action !== 'create' ? 'group_members_changed' : r.ok && r.value.foundMade ? 'group_found_made_and_linked' : 'group_created';
    const entry = { at: now().toISOString(), op: 'group' as const, reason, sourceId: g.groupId, targetId: r.ok ? r.value.id : g.lmsGroupId, email: null, fields };
    // Not counted in `applied`, as departments are not: that counts the people's changes.
    if (r.ok) {
      groupsWritten++;
      audit.write({ ...entry, result: 'ok' });
    } else {
      const error: ApplyFailure['error'] = { ...r.error, message: `LMS group "${g.lmsGroup}": ${r.error.message}` };
      failures.push({ op: { kind: 'update', reason: entry.reason, sourceId: g.groupId, targetId: g.lmsGroupId, email: null }, error });
      audit.write({ ...entry, result: 'failed', error: { code: error.code, message: error.message, lmsDetail: error.lmsDetail ?? null } });
    }
  }

  // 6. Deactivations last: never deleted, only active=false.
  await pool(deactivations, options.concurrency, signal, async (op) => {
    progress('deactivations', op.email);
    const targetId = op.targetId;
    done++;
    if (!targetId) return fail(op, { code: 'PLAN_INVALID', message: 'The operation has no LMS account to write to.', fix: 'Run a new dry run.' });
    const other = attributeChanges(op.changes);
    if (other.length > 0) {
      const r = await target.updateUser(targetId, other, signal);
      if (!r.ok) return fail(op, r.error);
    }
    const r = await target.setActive(targetId, false, signal);
    if (!r.ok) return fail(op, r.error);
    if (linksAccount(op)) link(op, targetId, 'matched');
    succeed(op, targetId);
  });
  await links.flush();

  for (const op of plan.ops) {
    if (op.kind === 'conflict' || op.kind === 'skip') {
      audit.write({ at: now().toISOString(), op: op.kind, reason: op.reason, sourceId: op.sourceId, targetId: op.targetId, email: op.email, fields: [], result: 'not-executed' });
    }
  }
  progress('deactivations', null);
  const outcome = signal?.aborted ? 'cancelled' : failures.length > 0 ? 'partial' : 'succeeded';
  return { outcome, applied, groupsWritten, failed: failures.length, heldBack, failures, blockedBy: null };
}

/**
 * The LMS ids of a pushed group's members. Left out: people whose write failed in this apply (an
 * account not created, or not linked or reactivated as planned); the next run adds them.
 */
function resolveMembers(members: GroupPush['add'], created: ReadonlyMap<string, string>, failed: ReadonlySet<string>): Array<{ id: string; name: string }> {
  return members.flatMap((m) => {
    if (m.sourceId !== null && failed.has(m.sourceId)) return [];
    const id = m.targetId ?? (m.sourceId !== null ? created.get(m.sourceId) : undefined);
    return id === undefined ? [] : [{ id, name: m.name }];
  });
}

/**
 * One pushed group's write: the group's LMS id, and whether a group planned to be created was
 * found made already (by someone else since the dry run, or by a create whose answer was lost):
 * the client then added the members to it, and its answer lists no members.
 */
async function writeGroup(g: GroupPush, add: string[], remove: string[], target: TargetDirectory, signal: AbortSignal | undefined): Promise<Result<{ id: string; foundMade: boolean }>> {
  if (g.action === 'create' || g.lmsGroupId === null) {
    const r = await target.createGroup(g.lmsGroup, add, signal);
    return r.ok ? ok({ id: r.value.id, foundMade: r.value.memberIds === null }) : r;
  }
  const id = g.lmsGroupId;
  const r = await target.updateGroupMembers(id, add, remove, signal);
  return r.ok ? ok({ id, foundMade: false }) : r;
}

/** Whom of a relations op's manager and approvers this apply failed to create, in words; null when none. */
function namesNotCreated(op: PlanOp, notCreated: ReadonlySet<string>): string | null {
  if (notCreated.size === 0) return null;
  const named = op.changes.flatMap((c) => (typeof c.to === 'string' ? [c.to] : Array.isArray(c.to) ? c.to : []));
  const missing = named.filter((n) => notCreated.has(n.toLowerCase()));
  return missing.length > 0 ? `${missing.join(', ')} ${missing.length === 1 ? 'has' : 'have'} no account (the create failed above)` : null;
}
