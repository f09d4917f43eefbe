/**
 * Provision on demand (reference article 003, Entra's "Provision on demand"): the pipeline for
 * ONE user, step by step with evidence — test the connection, read the user fresh from Entra,
 * scope, match against the LMS, the action plan() yields for them and, with apply, its result
 * through the same applyPlan() as a sync. Same safety rules: nothing is written while the
 * integration is disabled, and nobody is deactivated from data Rollcall could not read.
 */
import path from 'node:path';
import { ambiguousByName, diagnose, findPerson, type Check, type Evidence } from '../core/diagnose';
import type { ProvisionStep, ProvisionStepId, ProvisionTrace } from '../core/diagnose/provision-types';
import { account, ev, shown, when } from '../core/diagnose/format';
import { appError, fail, ok, type AppError, type Result } from '../core/errors';
import { buildGroupIndex } from '../core/groups';
import type { Plan, PlanOp, PlanSummary, SourceGroup, SourceUser, TargetSnapshot } from '../core/model';
import { planWithMemo } from '../core/plan';
import { groupsForPerson, pushedGroupNames, pushGroupsAfterPlan, writesGroup } from '../core/push-groups';
import { evaluateScope } from '../core/scope';
import { vendorField } from '../core/mapping';
import { describeCapabilities } from '../lms';
import { credentialEnteredFor, findIntegration, integrationNotFound, nextRunAt } from '../store/integrations';
import type { RunRecord } from '../store/records';
import type { StoredIntegration } from '../store/settings';
import { applyPlan, runCounts, type ApplyResult } from './apply';
import { linkRecorder } from './link-recorder';
import { saveCreatedDepartments } from './created-departments';
import { AuditLog } from './audit';
import { defaultConnectorFactory, openConnectors, type ConnectorFactory, type Connectors } from './connectors';
import { acquireRunLock } from '../store/run-lock';
import { attributesNeeded, groupsNeeded, newRunRecord, runIntegration, saveRun, type RunServices } from './run';
import { loadCached } from './snapshot-cache';

export type { ProvisionStep, ProvisionStepId, ProvisionTrace } from '../core/diagnose/provision-types';

export interface ProvisionOptions {
  apply: boolean;
  connectors?: ConnectorFactory;
  trigger?: RunRecord['trigger'];
  signal?: AbortSignal;
}

const TITLES: Record<ProvisionStepId, string> = {
  connection: 'Test connection',
  'read-user': 'Read the user from Entra',
  scope: 'Scope',
  match: 'Match in the LMS',
  action: 'Action',
  apply: 'Write to the LMS',
};

function step(id: ProvisionStepId, status: ProvisionStep['status'], detail: string, evidence: Evidence[] = [], fix: string | null = null): ProvisionStep {
  return { id, title: TITLES[id], status, detail, fix, evidence };
}

function failedStep(id: ProvisionStepId, error: AppError): ProvisionStep {
  return step(id, 'fail', `${error.message} [${error.code}]`, [], error.fix);
}

/** The one-user plan: this user's ops, the departments they need, and only the guards that concern them. */
function onePlan(full: Plan, ops: PlanOp[]): Plan {
  const summary: PlanSummary = { create: 0, update: 0, deactivate: 0, reactivate: 0, conflict: 0, skip: 0, unchanged: 0 };
  for (const op of ops) if (op.phase === 'users') summary[op.kind]++;
  const wanted = ops.flatMap((op) => op.changes).filter((c) => c.field.endsWith(':department') && Array.isArray(c.to)).map((c) => c.to as string[]);
  const departmentsToCreate = full.departmentsToCreate.filter((d) => wanted.some((w) => d.every((name, i) => w[i] === name)));
  // The threshold is about many users; an emptied scope still stops a deactivation.
  const deactivating = ops.some((op) => op.kind === 'deactivate');
  const guards = full.guards.filter((g) => g.code === 'empty_scope' && deactivating);
  return { ...full, summary, ops, departmentsToCreate, guards };
}

function newRun(record: StoredIntegration, started: Date, trigger: RunRecord['trigger']): RunRecord {
  return newRunRecord({ integrationId: record.id, kind: 'on-demand', trigger, startedAt: started });
}

function userEvidence(user: SourceUser, before: SourceUser | null): Evidence[] {
  const out = [ev('Object id', user.id), ev('UPN', user.userPrincipalName), ev('E-mail', user.mail ?? '(none)'), ev('accountEnabled', String(user.accountEnabled)), ev('department', shown(user.department)), ev('employeeLeaveDateTime', when(user.employeeLeaveDateTime))];
  if (before) {
    const changed = (Object.keys(user) as (keyof SourceUser)[]).filter((k) => JSON.stringify(user[k]) !== JSON.stringify(before[k]));
    out.push(ev('Changed since the last sync read', changed.length > 0 ? changed.join(', ') : 'nothing'));
  } else out.push(ev('Changed since the last sync read', 'not in the last read (new, or newly readable)'));
  return out;
}

function fromCheck(id: ProvisionStepId, c: Check | undefined, fallback: string): ProvisionStep {
  return c ? step(id, c.status, c.detail, c.evidence, c.fix) : step(id, 'info', fallback);
}

/**
 * Whether every account an op's manager and approvers name is in the LMS now: managers by
 * userName, approvers by e-mail where the LMS takes addresses (as plan() names them). Alone,
 * provision on demand cannot create the manager first, as a full sync does.
 */
export function namesInLms(target: Pick<TargetSnapshot, 'users' | 'capabilities'>): (op: PlanOp) => boolean {
  const userNames = new Set(target.users.map((t) => t.userName.toLowerCase()));
  const emails = new Set(target.users.flatMap((t) => (t.emails.length > 0 ? t.emails : [t.userName]).map((n) => n.toLowerCase())));
  const approvers = vendorField(target.capabilities, 'approvers');
  const keys = (field: string): ReadonlySet<string> => (field === approvers && target.capabilities.approversByEmail === true ? emails : userNames);
  return (op) => op.changes.every((c) => (c.to === null ? [] : Array.isArray(c.to) ? c.to : [c.to]).every((n) => keys(c.field).has(n.toLowerCase())));
}

export async function provisionOnDemand(services: RunServices, integrationId: string, query: string, options: ProvisionOptions): Promise<Result<ProvisionTrace>> {
  const { store, now } = services;
  const record0 = findIntegration(store, integrationId);
  if (!record0) return fail(integrationNotFound(integrationId));
  if (record0.status === 'setup') return fail(appError('SETUP_INCOMPLETE', 'The integration setup is not finished.', 'Finish the setup wizard, then try again.'));
  if (query.trim() === '') return fail(appError('INVALID_INPUT', 'Say who to provision.', 'Give an e-mail address, UPN, Entra object id or name.'));

  const steps: ProvisionStep[] = [];
  const trace: ProvisionTrace = { integrationId, query, apply: options.apply, outcome: 'failed', summary: '', steps, sourceId: null, ops: [], run: null, account: null, error: null };
  const run = options.apply ? newRun(record0, now(), options.trigger ?? 'manual') : null;
  const finish = async (outcome: ProvisionTrace['outcome'], summary: string, error: AppError | null = null): Promise<Result<ProvisionTrace>> => {
    for (const id of Object.keys(TITLES) as ProvisionStepId[]) if (!steps.some((s) => s.id === id) && (id !== 'apply' || options.apply)) steps.push(step(id, 'skipped', 'Not reached.'));
    Object.assign(trace, { outcome, summary, error });
    if (run) {
      run.outcome = outcome === 'applied' || outcome === 'nothing-to-do' ? 'succeeded' : outcome === 'partial' ? 'partial' : outcome === 'blocked' ? 'blocked' : 'failed';
      run.error = error ? { code: error.code, message: error.message, fix: error.fix } : null;
      run.finishedAt = now().toISOString();
      await saveRun(store, run);
      trace.run = run;
    }
    return ok(trace);
  };

  // Without a cached read there is nothing to match duplicates against: read both sides once.
  let source = await loadCached(store.dataDir, integrationId, 'source');
  let target = await loadCached(store.dataDir, integrationId, 'target');
  if (!source || !target) {
    const dry = await runIntegration(services, { integrationId, kind: 'dry-run', trigger: options.trigger ?? 'manual', connectors: options.connectors, signal: options.signal });
    if (!dry.plan) {
      steps.push(failedStep('connection', dry.error ?? appError('RUN_FAILED', 'Entra and the LMS could not be read.', 'Test the connection.')));
      return finish('failed', 'Could not read Entra and the LMS.', dry.error);
    }
    [source, target] = await Promise.all([loadCached(store.dataDir, integrationId, 'source'), loadCached(store.dataDir, integrationId, 'target')]);
    if (!source || !target) return finish('failed', 'The read could not be saved.', appError('RUN_FAILED', 'The read of Entra and the LMS could not be saved.', 'Check that the data folder is writable.'));
  }
  const record = findIntegration(store, integrationId) ?? record0;
  const config = record.config;

  const opened = await openConnectors(services.secrets, integrationId, config, options.connectors ?? defaultConnectorFactory, credentialEnteredFor(services.store, integrationId));
  if (!opened.ok) {
    steps.push(failedStep('connection', opened.error));
    return finish('failed', opened.error.message, opened.error);
  }
  const connectors: Connectors = opened.value;
  try {
    // 1. Connection.
    const signIn = await connectors.source.testConnection(options.signal);
    if (!signIn.ok) return (steps.push(failedStep('connection', signIn.error)), finish('failed', signIn.error.message, signIn.error));
    const caps = await connectors.target.discover(options.signal);
    if (!caps.ok) return (steps.push(failedStep('connection', caps.error)), finish('failed', caps.error.message, caps.error));
    const missing = signIn.value.missingPermissions;
    steps.push(step('connection', missing.length > 0 ? 'warn' : 'pass', `Signed in to tenant ${signIn.value.tenantId}; the LMS answered.${missing.length > 0 ? ` Missing Graph permissions: ${missing.join(', ')}.` : ''}`, describeCapabilities(caps.value).map((line) => ev('LMS', line)), missing.length > 0 ? 'Add the missing application permissions in Entra and grant admin consent.' : null));

    // 2. The user, fresh from Entra, and the groups the rules and mappings name.
    const links = (await store.links(integrationId)).data.links;
    const otherLinks = await store.otherIntegrationsLinks(integrationId);
    const cachedPerson = findPerson(query, source, target, integrationId, links, otherLinks);
    // "Anna" may be eight people: never write for whichever one a name picks.
    if (ambiguousByName(cachedPerson)) {
      const who = cachedPerson.sources.slice(0, 5).map((s) => ev('Answers to it', `${s.displayName ?? s.userPrincipalName} (${s.userPrincipalName}, ${s.id})`));
      steps.push(step('read-user', 'fail', `${cachedPerson.sources.length} people in Entra answer to "${query}".`, who, 'Provision by the person\'s e-mail address or Entra object id.'));
      return finish('not-found', `Ambiguous: ${query}`);
    }
    const read = await connectors.source.readUser(cachedPerson.subject?.id ?? query.trim(), attributesNeeded(config), options.signal);
    if (!read.ok) return (steps.push(failedStep('read-user', read.error)), finish('failed', read.error.message, read.error));
    const user = read.value;
    if (!user) {
      const linked = cachedPerson.targets.filter((t) => t.linkedBy?.integrationId === integrationId);
      steps.push(step('read-user', 'fail', `Entra has no user "${query}" (by object id, UPN or e-mail).`, linked.map((t) => ev('Linked LMS account', account(t))), linked.length > 0 ? 'Provision on demand never deactivates someone it cannot read; the next full sync handles an account whose Entra user is gone.' : 'Check the spelling, or use the object id.'));
      return finish('not-found', `Not found in Entra: ${query}`);
    }
    trace.sourceId = user.id;
    const groupIds = groupsNeeded(config);
    let groups: SourceGroup[] = source.groups;
    if (groupIds.length > 0) {
      const fresh = await connectors.source.readGroups(groupIds, options.signal);
      if (!fresh.ok) return (steps.push(failedStep('read-user', fresh.error)), finish('failed', fresh.error.message, fresh.error));
      groups = fresh.value;
    }
    steps.push(step('read-user', 'pass', `Read ${user.displayName ?? user.userPrincipalName} from Entra just now${groupIds.length > 0 ? `, with ${groups.length} group(s) the rules and mappings name` : ''}.`, userEvidence(user, source.users.find((u) => u.id === user.id) ?? null)));

    // 3. Scope, from the fresh user and groups.
    const e = evaluateScope(user, config.scope, buildGroupIndex(groups));
    const scopeEvidence = [...e.includedBy, ...e.excludedBy].map((m) => ev(`${m.list} rule ${m.index + 1}`, m.groupPath ? m.groupPath.join(' → ') : m.description));
    steps.push(step('scope', e.inScope ? (user.accountEnabled ? 'pass' : 'warn') : 'fail', `${e.sentence}${user.accountEnabled ? '' : ' The account is disabled in Entra.'}`, scopeEvidence));

    // 4. Match: fresh lookups in the LMS, merged over the cached read (which shows duplicates and aliases).
    const found = await connectors.target.findUsers({ externalId: user.id, ...(user.mail ? { email: user.mail } : {}), userName: user.userPrincipalName }, options.signal);
    if (!found.ok) return (steps.push(failedStep('match', found.error)), finish('failed', found.error.message, found.error));
    const byId = new Map(target.users.map((t) => [t.id, t]));
    for (const t of found.value) byId.set(t.id, t);
    const mergedTarget: TargetSnapshot = { ...target, users: [...byId.values()], capabilities: caps.value };
    delete mergedTarget.groups;
    delete mergedTarget.groupsUnreadBecause;
    // The pushed groups, read now: this person's membership is written with their account.
    const pushGroups = config.mapping.pushGroups;
    if (pushGroups.length > 0) {
      const read = await connectors.target.readGroups(pushedGroupNames(pushGroups), options.signal);
      if (read.ok) mergedTarget.groups = read.value;
      else mergedTarget.groupsUnreadBecause = `${read.error.message} ${read.error.fix}`.trim();
    }
    // Fresh and whole for THIS user (a failed read stopped above), so their own deactivation may stand.
    const mergedSource = { ...source, complete: true, incompleteReason: null, groups, users: [...source.users.filter((u) => u.id !== user.id), user] };
    const made = planWithMemo(mergedSource, mergedTarget, { ...config, id: integrationId }, links, now(), otherLinks);
    const pushed = pushGroupsAfterPlan(made.memo, pushGroups);
    const full: Plan = pushed.length > 0 ? { ...made.plan, groups: pushed } : made.plan;
    const checklist = diagnose(user.id, {
      source: mergedSource,
      target: mergedTarget,
      integration: { id: integrationId, name: config.name, config, status: record.status, statusReason: record.statusReason, enabled: record.enabled },
      links,
      otherLinks,
      plan: full,
      runs: [],
      nextRunAt: nextRunAt(record, now()),
      now: now(),
      timing: options.apply ? 'now' : 'when provisioned on demand with apply',
    });
    const lmsCheck = checklist.checks.find((c) => c.id === 'lms-account');
    const fresh = found.value.map((t) => ev('Found just now', account(t)));
    const matchStep = fromCheck('match', lmsCheck, 'No LMS account.');
    steps.push({ ...matchStep, evidence: [...fresh, ...matchStep.evidence] });

    // 5. The action: exactly what plan() yields for this user.
    // A full sync creates everyone before the manager pass; alone, this user's manager must already be in the LMS.
    // By userName, and by e-mail for approvers the LMS takes as e-mail addresses.
    const namesKnown = namesInLms(mergedTarget);
    const mine = full.ops.filter((op) => op.sourceId === user.id).sort((a, b) => (a.phase === b.phase ? 0 : a.phase === 'users' ? -1 : 1));
    const ops = mine.filter((op) => op.phase === 'users' || namesKnown(op));
    const heldBack = mine.filter((op) => !ops.includes(op)).map((op) => ev('Held back', `${op.changes.map((c) => `${c.field.split(':').pop() ?? c.field} → ${shown(c.to)}`).join('; ')}: not in the LMS yet, so it is set by the sync after that person is created`));
    trace.ops = ops;
    const action = checklist.checks.find((c) => c.id === 'next-action');
    const personGroups = groupsForPerson(full.groups ?? [], user.id);
    const groupWrites = personGroups.filter(writesGroup);
    // A group left alone is said only when this person is in its Entra group (the others are not their story).
    const entraGroups = buildGroupIndex(groups);
    const groupEvidence = personGroups.filter((g) => writesGroup(g) || (g.action === 'blocked' && entraGroups.members(g.groupId).has(user.id))).map((g) => ev('Group in the LMS', g.action === 'blocked' ? `"${g.lmsGroup}" is left alone: ${g.problem ?? ''}` : g.action === 'create' ? `create "${g.lmsGroup}" with this person (the next sync adds the others)` : g.add.length > 0 ? `add to "${g.lmsGroup}"` : `take out of "${g.lmsGroup}"`));
    const executable = ops.filter((op) => op.kind !== 'conflict' && op.kind !== 'skip');
    const writes = executable.length + groupWrites.length;
    const actionStep = fromCheck('action', action, 'Nothing to do.');
    steps.push({ ...actionStep, evidence: [...actionStep.evidence, ...heldBack, ...groupEvidence], detail: checklist.verdict, status: ops.some((o) => o.kind === 'conflict') ? 'fail' : writes > 0 ? 'info' : ops.some((o) => o.kind === 'skip') ? 'warn' : 'pass' });
    if (!options.apply) return finish(writes > 0 ? 'would-change' : 'nothing-to-do', checklist.verdict);

    // 6. Apply: same code as a sync, same rules.
    if (!record.enabled) {
      const error = appError('INTEGRATION_DISABLED', 'The integration is disabled, so it writes nothing to the LMS.', 'Review the action above, then enable the integration and provision again.');
      steps.push(failedStep('apply', error));
      return finish('blocked', error.message, error);
    }
    if (writes === 0) {
      steps.push(step('apply', 'pass', 'Nothing to write.'));
      return finish('nothing-to-do', checklist.verdict);
    }
    const lock = await acquireRunLock(store.dataDir, integrationId, 'provision on demand', 0);
    if (!lock.ok) return (steps.push(failedStep('apply', lock.error)), finish('blocked', lock.error.message, lock.error));
    let result: ApplyResult;
    const one = { ...onePlan(full, ops), ...(personGroups.length > 0 ? { groups: personGroups } : {}) };
    if (run) run.planned = one.summary;
    const audit = AuditLog.open(store.auditDir, integrationId, run?.id ?? 'on-demand');
    if (run) run.auditLog = path.basename(audit.file);
    const saveDepartments = () => saveCreatedDepartments(store, integrationId, connectors.target, config.target.baseUrl, now);
    try {
      result = await applyPlan(one, connectors.target, linkRecorder(store, integrationId), audit, { concurrency: 1, now, signal: options.signal, afterDepartments: saveDepartments });
    } finally {
      await audit.close();
      // What it created is the integration's, as a sync's would be (the dry run's unused-departments note).
      await saveDepartments();
      await lock.value.release();
    }
    if (run) Object.assign(run, runCounts(result));
    const after = await connectors.target.findUsers({ externalId: user.id }, options.signal);
    trace.account = after.ok ? (after.value[0] ?? null) : null;
    const failures = result.failures.map((f) => ev(`${f.op.kind} failed`, `${f.error.message}${f.error.lmsDetail ? ` (LMS: ${f.error.lmsDetail})` : ''}`));
    if (result.blockedBy) {
      const error = appError(`GUARD_${result.blockedBy.code.toUpperCase()}`, result.blockedBy.message, result.blockedBy.fix);
      steps.push(failedStep('apply', error));
      return finish('blocked', error.message, error);
    }
    const written = trace.account ? [ev('Now in the LMS', account(trace.account))] : [];
    if (result.failed > 0) {
      steps.push(step('apply', 'fail', `${result.applied + result.groupsWritten} change(s) written, ${result.failed} failed.`, [...failures, ...written], 'Fix what the LMS reports, then provision again.'));
      return finish('partial', `Failed: ${result.failures[0]?.error.message ?? 'the LMS refused the change'}`);
    }
    steps.push(step('apply', 'pass', `${result.applied + result.groupsWritten} change(s) written to the LMS.`, written));
    const done = [...executable.map((o) => (o.phase === 'relations' ? 'manager set' : o.kind)), ...groupWrites.map((g) => (g.action === 'create' ? `group "${g.lmsGroup}" created` : g.add.length > 0 ? `added to "${g.lmsGroup}"` : `taken out of "${g.lmsGroup}"`))];
    return finish('applied', `Done: ${done.join(', ')}`);
  } finally {
    connectors.source.close?.();
  }
}
