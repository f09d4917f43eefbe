/**
 * Everything the checks share, computed once: the person, their scope explanation and mapping
 * (core's own evaluateScope/mapUser, so diagnose and plan cannot disagree), and the plan's ops
 * for them.
 */
import { buildGroupIndex, type GroupIndex } from '../groups';
import { mapUser, toggledFields, vendorField, type MappedUser, type MappingContext } from '../mapping';
import { type FieldChange, type Link, type PlanOp, type SourceUser, type TargetUser } from '../model';
import type { PlanConfig } from '../plan';
import { lmsEmail, userChanges } from '../plan-person';
import { relationChanges, relationFields, resolveApprovers } from '../plan-relations';
import { approverLookup } from './checks-relations';
import { evaluateScope, type ScopeExplanation } from '../scope';
import { findPerson, type PersonMatch } from './find';
import { relative } from './format';
import type { DiagnoseInputs } from './types';

/** Lookup by id for the handful of ids a checklist needs (no 100k-entry map per diagnosis). */
export interface Lookup<V> {
  get(id: string): V | undefined;
  has(id: string): boolean;
}

function lookup<V extends { id: string }>(items: readonly V[]): Lookup<V> {
  const memo = new Map<string, V | undefined>();
  const get = (id: string): V | undefined => {
    if (!memo.has(id)) memo.set(id, items.find((x) => x.id === id));
    return memo.get(id);
  };
  return { get, has: (id) => get(id) !== undefined };
}

export interface DiagnoseContext {
  inputs: DiagnoseInputs;
  query: string;
  config: PlanConfig;
  groups: GroupIndex;
  mappingContext: MappingContext;
  person: PersonMatch;
  subject: SourceUser | null;
  scope: ScopeExplanation | null;
  mapped: MappedUser | null;
  /** The plan's ops for this person, users phase first. */
  ops: PlanOp[];
  usersOp: PlanOp | null;
  relationsOp: PlanOp | null;
  /** Our link for the subject, and the LMS account it points at (null when gone from the LMS). */
  link: Link | null;
  /** All our links for the subject: more than one only in a damaged link table. */
  links: Link[];
  linkedTarget: TargetUser | null;
  /**
   * With "Update user attributes" off: what the next sync would write to the person's existing
   * LMS account if it were on (plan()'s own comparison). Empty when it is on, or there is no account.
   */
  keptByUpdateOff: FieldChange[];
  sourceById: Lookup<SourceUser>;
  targetById: Lookup<TargetUser>;
  /** "at the next sync (in 2 h 10 min)", or why there is none. */
  nextSync: string;
}

function nextSyncPhrase(inputs: DiagnoseInputs): string {
  const { integration, nextRunAt, now } = inputs;
  if (integration.status === 'setup') return 'once the setup is finished';
  if (integration.status === 'invalid') return 'once the credentials are updated (the integration is invalid now)';
  if (!integration.enabled) return 'once the integration is enabled (it is disabled now)';
  if (inputs.timing !== undefined) return inputs.timing;
  if (nextRunAt === null) return 'at the next sync';
  const rel = relative(now, nextRunAt);
  return rel === 'now' || rel.endsWith('ago') ? 'at the next sync (due now)' : `at the next sync (${rel})`;
}

/** What plan() would write to the account if "Update user attributes" were on: its fields, then manager and approvers. */
function notUpdated(subject: SourceUser, mapped: MappedUser, account: TargetUser, config: PlanConfig, inputs: DiagnoseInputs, targetById: Lookup<TargetUser>): FieldChange[] {
  const caps = inputs.target.capabilities;
  const changes = userChanges(mapped, account, vendorField(caps, 'permissionTypes'), toggledFields(config.mapping, caps));
  // Nobody's account is updated with the switch off, so the manager's and approvers' e-mails are the LMS's own.
  let manager: { userName: string; email: string } | null | undefined = null;
  if (subject.managerId !== null) {
    const link = inputs.links.find((l) => l.integrationId === inputs.integration.id && l.sourceId === subject.managerId);
    const t = link ? targetById.get(link.targetId) : undefined;
    // Without an account the manager is left as it is: the manager check says why.
    manager = t ? { userName: t.userName, email: lmsEmail(t) } : undefined;
  }
  const fields = relationFields(config.mapping, caps);
  const approvers = fields.approversAttribute === null ? undefined : resolveApprovers(subject, fields.approversAttribute, approverLookup(inputs, targetById)).approvers;
  return [...changes, ...relationChanges(account, manager, fields, approvers)];
}

export function buildContext(query: string, inputs: DiagnoseInputs): DiagnoseContext {
  const { source, target, integration, plan } = inputs;
  const config: PlanConfig = { ...integration.config, id: integration.id };
  const groups = buildGroupIndex(source.groups);
  const person = findPerson(query, source, target, integration.id, inputs.links, inputs.otherLinks);
  const subject = person.subject;
  const mappingContext: MappingContext = { mapping: config.mapping, capabilities: target.capabilities, groups, jobProfiles: target.jobProfiles, departments: target.departments, permissionTypes: target.permissionTypes };
  const targetIds = new Set(person.targets.map((t) => t.id));
  const ops = plan.ops
    .filter((op) => (subject ? op.sourceId === subject.id : op.targetId !== null && targetIds.has(op.targetId)))
    .sort((a, b) => (a.phase === b.phase ? 0 : a.phase === 'users' ? -1 : 1));
  const targetById = lookup(target.users);
  const links = subject ? inputs.links.filter((l) => l.integrationId === integration.id && l.sourceId === subject.id) : [];
  // The plan follows the link whose account the LMS still lists when a damaged table has two.
  const link = links.find((l) => targetById.has(l.targetId)) ?? links[0] ?? null;
  const linkedTarget = link ? (targetById.get(link.targetId) ?? null) : null;
  const mapped = subject ? mapUser(subject, mappingContext) : null;
  const usersOp = ops.find((op) => op.phase === 'users') ?? null;
  // Only for a person the integration keeps: a leaver's account is not updated either way.
  const kept = usersOp === null || usersOp.kind === 'update' || usersOp.kind === 'reactivate';
  const account = !kept ? null : (linkedTarget ?? (usersOp?.targetId ? (targetById.get(usersOp.targetId) ?? null) : null));
  const keptByUpdateOff = config.mapping.updateUsers || !subject || !mapped || !account ? [] : notUpdated(subject, mapped, account, config, inputs, targetById);
  return {
    inputs,
    query,
    config,
    groups,
    mappingContext,
    person,
    subject,
    scope: subject ? evaluateScope(subject, config.scope, groups) : null,
    mapped,
    ops,
    usersOp,
    relationsOp: ops.find((op) => op.phase === 'relations') ?? null,
    link,
    links,
    linkedTarget,
    keptByUpdateOff,
    sourceById: lookup(source.users),
    targetById,
    nextSync: nextSyncPhrase(inputs),
  };
}
