/**
 * One run of an integration (the imperative shell around plan()): lock → read Entra (full or
 * delta) and the LMS (full or by its changes) → plan → for an apply, execute → record history, audit log, links and
 * the integration's status. The desktop app, its scheduler, the preview and the CLI all run
 * integrations through here.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { SOURCE_ATTRIBUTES, type IntegrationConfig } from '../core/config';
import { appError, appErrorOf, type AppError, type Result } from '../core/errors';
import type { RunProgress } from '../core/reports';
import type { Plan, PlanSummary } from '../core/model';
import { planFrom } from '../core/replan';
import { planBasis } from '../core/plan-basis';
import { unmanagedAfterPlan } from '../core/unmanaged';
import { unusedCreatedDepartments } from '../core/departments';
import { groupRemovalGuard, pushedGroupNames, pushGroupsAfterPlan } from '../core/push-groups';
import { integrationStatusFor as entraStatusFor } from '../entra';
import { integrationStatusFor as lmsStatusFor } from '../lms';
import type { SecretStore } from '../secrets/secret-store';
import { credentialEnteredFor, integrationNotFound } from '../store/integrations';
import type { RunRecord } from '../core/reports';
import { MAX_RUNS_KEPT } from '../store/records';
import type { StoredIntegration } from '../store/settings';
import type { Store } from '../store/store';
import { applyPlan, runCounts, type ApplyProgress, type ApplyResult } from './apply';
import { accountsWrittenAfter, AuditLog } from './audit';
import { closeConnectors, defaultConnectorFactory, openConnectors, type ConnectorFactory } from './connectors';
import { acquireRunLock } from '../store/run-lock';
import { markInterruptedRuns } from './interrupted';
import { linkRecorder } from './link-recorder';
import { createdDepartmentsOf, saveCreatedDepartments } from './created-departments';
import { entraDeltaUsable, fullLmsReadReason, readProgress, readSource, readTarget } from './read-source';
import { forgetParsed, saveAll, takePlanMemo } from './snapshot-cache';

export type { RunProgress, RunStage } from '../core/reports';
export { groupsNeeded } from './read-source';

export interface RunOptions {
  integrationId: string;
  kind: 'dry-run' | 'apply';
  trigger: RunRecord['trigger'];
  /** Set when Troubleshoot starts the run (shown in the history). */
  via?: RunRecord['via'];
  /** Read both sides in full: no Entra delta, no LMS changes read. */
  full?: boolean;
  /** Deactivations the admin confirmed (lifts the threshold guard up to this number). */
  confirmedDeactivations?: number;
  /** Removals from pushed groups the admin confirmed (lifts that guard up to this number). */
  confirmedGroupRemovals?: number;
  signal?: AbortSignal;
  onProgress?: (p: RunProgress) => void;
  connectors?: ConnectorFactory;
  /** How long to wait for another run of the same integration (default: do not wait). */
  lockWaitMs?: number;
  /** Set by the run manager so the UI can follow the run before it has finished. */
  runId?: string;
  /**
   * What the admin reviewed and confirmed. An apply whose fresh plan differs (something changed in
   * Entra or the LMS since) stops before writing, so nothing unseen is applied.
   */
  expectedSummary?: PlanSummary;
}

export interface RunOutcome {
  run: RunRecord;
  plan: Plan | null;
  apply: ApplyResult | null;
  /** Why the run failed or was blocked, for the UI and the CLI's exit code. */
  error: AppError | null;
}

export interface RunServices {
  store: Store;
  secrets: SecretStore;
  now: () => Date;
}

/** Graph attributes beyond the standard set that rules and mappings name (extension attributes). */
export function attributesNeeded(config: IntegrationConfig): string[] {
  const standard = new Set<string>(SOURCE_ATTRIBUTES);
  const named = [
    ...[...config.scope.include, ...config.scope.exclude].flatMap((r) => (r.kind === 'attribute' ? [r.attribute] : [])),
    config.mapping.department.attribute,
    config.mapping.jobProfile.attribute,
    config.mapping.permissions.attribute,
    config.mapping.customFields.customField1,
    config.mapping.customFields.customField2,
    config.mapping.customFields.customField3,
    config.mapping.languageAttribute,
    config.mapping.approversAttribute,
  ];
  return [...new Set(named.filter((a): a is string => a !== null && !standard.has(a)))].sort();
}

/** A run record as a run starts; the run fills in the rest as it goes. */
export function newRunRecord(r: { id?: string; integrationId: string; kind: RunRecord['kind']; trigger: RunRecord['trigger']; via?: RunRecord['via']; startedAt: Date }): RunRecord {
  return {
    id: r.id ?? runId(r.startedAt),
    integrationId: r.integrationId,
    kind: r.kind,
    trigger: r.trigger,
    via: r.via ?? null,
    readMode: null,
    lmsRead: null,
    planMode: null,
    startedAt: r.startedAt.toISOString(),
    finishedAt: null,
    outcome: 'running',
    planned: null,
    applied: 0,
    failed: 0,
    groupsWritten: 0,
    heldBack: 0,
    error: null,
    auditLog: null,
  };
}

export function runId(now: Date): string {
  return `run-${now.toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}-${randomUUID().slice(0, 6)}`;
}

async function updateRecord(store: Store, id: string, change: (r: StoredIntegration) => void): Promise<void> {
  await store.settings.update((s) => {
    const r = s.integrations.find((i) => i.id === id);
    if (r) change(r);
  });
}

/** Adds a run to the history, or updates it there; prunes the oldest runs and their audit logs. */
export async function saveRun(store: Store, run: RunRecord): Promise<void> {
  const runs = await store.runs(run.integrationId);
  const pruned = await runs.update((file) => {
    const i = file.runs.findIndex((r) => r.id === run.id);
    if (i >= 0) file.runs[i] = run;
    else file.runs.unshift(run);
    return file.runs.splice(MAX_RUNS_KEPT);
  });
  for (const old of pruned) if (old.auditLog) await fs.rm(path.join(store.auditDir, old.auditLog), { force: true });
}

export async function runIntegration(services: RunServices, options: RunOptions): Promise<RunOutcome> {
  const { store, now } = services;
  const record = store.settings.data.integrations.find((i) => i.id === options.integrationId);
  const startedAt = now();
  const run = newRunRecord({ id: options.runId, integrationId: options.integrationId, kind: options.kind, trigger: options.trigger, via: options.via ?? null, startedAt });
  const finish = async (outcome: RunRecord['outcome'], error: AppError | null, planResult: Plan | null, applyResult: ApplyResult | null): Promise<RunOutcome> => {
    run.outcome = outcome;
    run.error = error ? { code: error.code, message: error.message, fix: error.fix } : null;
    run.finishedAt = now().toISOString();
    if (record) await saveRun(store, run);
    // Every apply attempt counts for the schedule: a failing one waits for the next slot.
    if (record && options.kind === 'apply') await updateRecord(store, record.id, (r) => void (r.lastRunAt = run.startedAt));
    return { run, plan: planResult, apply: applyResult, error };
  };

  if (!record) return { run: { ...run, outcome: 'failed' }, plan: null, apply: null, error: integrationNotFound(options.integrationId) };
  // A run that cannot start did nothing: its error goes back to the caller, not into the history.
  const notStarted = (error: AppError): RunOutcome => ({ run: { ...run, outcome: 'failed', finishedAt: now().toISOString(), error }, plan: null, apply: null, error });
  if (record.status === 'setup') {
    return notStarted(appError('SETUP_INCOMPLETE', 'The integration setup is not finished.', 'Finish the setup wizard, then run it.'));
  }
  if (options.kind === 'apply' && !record.enabled) {
    return finish(
      'blocked',
      appError('INTEGRATION_DISABLED', 'The integration is disabled, so it writes nothing to the LMS.', `Review a dry run, then enable the integration (in the app, or rollcall integration enable --integration ${record.id}) and apply again.`),
      null,
      null,
    );
  }

  options.onProgress?.({ stage: 'waiting', done: 0, total: null, detail: 'Waiting for other runs of this integration' });
  const lock = await acquireRunLock(store.dataDir, record.id, `${options.kind} (${options.trigger})`, options.lockWaitMs ?? 0);
  if (!lock.ok) return { run: { ...run, outcome: 'blocked' }, plan: null, apply: null, error: lock.error };
  let connectors: Awaited<ReturnType<typeof openConnectors>> | null = null;
  try {
    // With the lock held no other run of this integration is alive: a "running" one died.
    await markInterruptedRuns(store, record.id);
    connectors = await openConnectors(services.secrets, record.id, record.config, options.connectors ?? defaultConnectorFactory, credentialEnteredFor(store, record.id));
    if (!connectors.ok) {
      // A scheduled run that cannot start shows on the dashboard (an enabled integration turns amber).
      if (options.trigger === 'schedule') {
        const error = connectors.error;
        await updateRecord(store, record.id, (r) => {
          if (r.enabled && r.status !== 'invalid') r.status = 'error';
          r.statusReason = error;
        });
      }
      return notStarted(connectors.error);
    }
    const { source, target } = connectors.value;
    const config = record.config;
    const extraAttributes = attributesNeeded(config);
    // Both sides are read at the same time: the LMS read hides behind Entra's (the slower one).
    // The first failure stops the other side, so a run that cannot finish does not keep reading.
    // Cancelled while the connectors opened (a keychain prompt, say): any() is aborted already.
    const reading = new AbortController();
    const readSignal = options.signal ? AbortSignal.any([options.signal, reading.signal]) : reading.signal;
    // Each side's read mode is decided once, here. What the last run kept in memory (at 100k
    // people ~340 MB of snapshots, plan and plan memo) is planned on only when both sides are
    // read by their changes. A side read by its changes takes its snapshot from it as it starts.
    // Otherwise it is let go of as soon as nothing needs it, rather than after the reads: then it
    // is not held beside the new snapshots (peak memory), and the collector does not mark it
    // again while the pages arrive.
    const full = options.full === true;
    const entraByDelta = entraDeltaUsable(record, full, extraAttributes, now());
    const lmsFullBecause = fullLmsReadReason(record, full, now());
    const lmsByChanges = lmsFullBecause === null;
    const letGoOfKeptCopy = () => forgetParsed(store.dataDir, record.id);
    if (!entraByDelta && !lmsByChanges) letGoOfKeptCopy();
    const onCacheTaken = entraByDelta !== lmsByChanges ? letGoOfKeptCopy : undefined;
    const progress = readProgress(options.onProgress);
    let firstError: AppError | null = null;
    const side = async <T>(which: 'entra' | 'lms', read: () => Promise<Result<T>>): Promise<Result<T>> => {
      let r: Result<T>;
      try {
        r = await read();
      } catch (err) {
        // A side that throws (a cache file the OS refuses, say) is a failed side like any other:
        // the other one is stopped before the run ends and its lock is released.
        r = { ok: false, error: appErrorOf(err) ?? appError('RUN_FAILED', `Reading ${which === 'entra' ? 'Entra ID' : 'the LMS'} stopped unexpectedly: ${err instanceof Error ? err.message : 'unknown error'}.`, 'Run it again; if it keeps failing, report it with the run id.', { runId: run.id }) };
      }
      if (r.ok) progress.finished(which);
      else if (firstError === null) {
        // The side that failed first is the reason; the other one only reports being stopped.
        firstError = r.error;
        reading.abort(r.error);
      }
      return r;
    };
    const [sourceSide, targetSide] = await Promise.all([
      side('entra', () => readSource({ source, record, extraAttributes, byDelta: entraByDelta, now, dataDir: store.dataDir, signal: readSignal, onProgress: progress.entra, onCacheTaken })),
      side('lms', () =>
        readTarget({
          target,
          record,
          fullReadBecause: lmsFullBecause,
          now,
          dataDir: store.dataDir,
          signal: readSignal,
          onProgress: progress.lms,
          writtenAfter: async (at) => accountsWrittenAfter(store.auditDir, (await store.runs(record.id)).data.runs, at),
          onCacheTaken,
          pushedGroups: pushedGroupNames(config.mapping.pushGroups),
        }),
      ),
    ]);
    if (!sourceSide.ok) return await finishFailed((firstError as AppError | null) ?? sourceSide.error);
    if (!targetSide.ok) return await finishFailed((firstError as AppError | null) ?? targetSide.error);
    const sourceRead = sourceSide.value;
    const targetRead = targetSide.value;
    run.readMode = sourceRead.readMode;
    run.lmsRead = { mode: targetRead.snapshot.readMode, reason: targetRead.fullReadBecause };

    options.onProgress?.({ stage: 'planning', done: 0, total: null, detail: null });
    const changed = { source: sourceRead.builtOn, target: targetRead.builtOn };
    const links = (await store.links(record.id)).data.links;
    const otherLinks = await store.otherIntegrationsLinks(record.id);
    // The last plan's memo, when both sides were read by their changes on top of what it planned:
    // then only the people who changed are planned again (replan.ts proves the rest still holds).
    const made = planFrom(await takePlanMemo(store.dataDir, record.id, changed), sourceRead.snapshot, targetRead.snapshot, { ...config, id: record.id }, links, now(), otherLinks);
    // The accounts nothing manages, counted on the plan and listed beside it ("too many users").
    const unmanaged = unmanagedAfterPlan(made.memo);
    const pushed = pushGroupsAfterPlan(made.memo, config.mapping.pushGroups);
    const removals = groupRemovalGuard(pushed, config.deactivation);
    // Departments it created that nobody is in any more (reference 004 deletes those; Rollcall names them).
    const created = await createdDepartmentsOf(store, record.id, config.target.baseUrl);
    const unusedDepartments = created.length > 0 ? unusedCreatedDepartments(targetRead.snapshot, made.plan.ops, created) : [];
    const thePlan: Plan = {
      ...made.plan,
      basis: planBasis({ ...config, id: record.id }, links, otherLinks),
      // After an apply its new links make this plan's judgement of what can be linked outdated: a dry run tells.
      unmanaged: unmanaged ? (options.kind === 'apply' ? { ...unmanaged.summary, linkable: undefined } : unmanaged.summary) : null,
      ...(pushed.length > 0 ? { groups: pushed } : {}),
      ...(removals ? { guards: [...made.plan.guards, removals] } : {}),
      ...(unusedDepartments === null || unusedDepartments.length > 0 ? { unusedDepartments } : {}),
    };
    run.planned = thePlan.summary;
    run.planMode = { mode: made.fullBecause === null ? 'changes' : 'full', reason: made.fullBecause };
    options.onProgress?.({ stage: 'saving', done: 0, total: null, detail: null });
    const snapshotIds = await saveAll(store.dataDir, record.id, { source: sourceRead.snapshot, target: targetRead.snapshot, plan: thePlan, unmanaged: unmanaged?.accounts ?? null }, changed, made.memo);
    await updateRecord(store, record.id, (r) => {
      // The settings changed while this run read (another tenant or LMS, say): what it learnt
      // about the old ones (delta link, health) must not be written over them.
      if (r.updatedAt !== record.updatedAt) return;
      // The next run builds on these saves only (a lost changes file means a full read).
      r.snapshotIds = snapshotIds;
      if (sourceRead.deltaLink) {
        r.deltaLink = sourceRead.deltaLink;
        r.deltaLinkIssuedAt = now().toISOString();
        r.deltaAttributes = extraAttributes;
      }
      // Each read hands out a new groups link (or none): an old one would replay old changes.
      r.groupsDelta = sourceRead.groupsDelta ? { ...sourceRead.groupsDelta, issuedAt: now().toISOString() } : null;
      const lmsReadInFull = targetRead.snapshot.readMode === 'full' && targetRead.snapshot.complete;
      if (lmsReadInFull) r.lmsFullReadAt = now().toISOString();
      // An incomplete read proves nothing: the next run reads in full again.
      else if (!targetRead.snapshot.complete) r.lmsFullReadAt = null;
      if (sourceRead.readMode === 'full' && sourceRead.snapshot.complete && lmsReadInFull) r.needsFullSync = false;
      markHealthy(r);
    });
    if (options.kind === 'dry-run') return await finish('succeeded', null, thePlan, null);
    if (options.expectedSummary && JSON.stringify(options.expectedSummary) !== JSON.stringify(thePlan.summary)) {
      return await finish(
        'blocked',
        appError(
          'PLAN_CHANGED',
          'The changes are not the ones you reviewed: something changed since that dry run (in Entra, in the LMS, or in this integration\'s settings or links). Nothing was written.',
          'Review the new dry run, then apply again.',
        ),
        thePlan,
        null,
      );
    }

    // --- Apply.
    const audit = AuditLog.open(store.auditDir, record.id, run.id);
    run.auditLog = path.basename(audit.file);
    // In the history before the first write: if this process dies, the next reader of the
    // history finds it "running" with no one behind it and marks it interrupted. It counts for
    // the schedule now too, so an apply that takes the app down is not retried at every start.
    await saveRun(store, run);
    await updateRecord(store, record.id, (r) => void (r.lastRunAt = run.startedAt));
    let result: ApplyResult;
    const saveDepartments = () => saveCreatedDepartments(store, record.id, target, config.target.baseUrl, now);
    try {
      result = await applyPlan(thePlan, target, linkRecorder(store, record.id), audit, {
        concurrency: config.target.concurrency,
        signal: options.signal,
        confirmedDeactivations: options.confirmedDeactivations,
        confirmedGroupRemovals: options.confirmedGroupRemovals,
        now,
        onProgress: (p: ApplyProgress) => options.onProgress?.({ stage: 'applying', done: p.done, total: p.total, detail: p.current }),
        // Written before the people: an apply killed later keeps the record of what it made.
        afterDepartments: saveDepartments,
      });
    } finally {
      await audit.close();
      // Also after a failed or cancelled apply: what it created is in the LMS all the same.
      await saveDepartments();
    }
    Object.assign(run, runCounts(result));
    if (result.outcome === 'blocked' && result.blockedBy) {
      const g = result.blockedBy;
      return await finish('blocked', appError(`GUARD_${g.code.toUpperCase()}`, g.message, g.fix, { count: g.count, limit: g.limit }), thePlan, result);
    }
    return await finish(result.outcome, null, thePlan, result);
  } catch (err) {
    const error = appErrorOf(err) ?? appError('RUN_FAILED', `The run stopped unexpectedly: ${err instanceof Error ? err.message : 'unknown error'}.`, 'Run it again; nothing is lost (apply resumes safely). If it keeps failing, report it with the run id.', { runId: run.id });
    return await finish('failed', error, null, null);
  } finally {
    if (connectors?.ok) closeConnectors(connectors.value);
    await lock.value.release();
  }

  async function finishFailed(error: AppError): Promise<RunOutcome> {
    // Cancelled by the admin: nothing is wrong with the integration.
    if (options.signal?.aborted) return finish('cancelled', error, null, null);
    const status = error.code.startsWith('LMS_') ? lmsStatusFor(error) : entraStatusFor(error);
    await updateRecord(store, options.integrationId, (r) => {
      // A disabled integration stays disabled; an enabled one turns red (credentials) or amber.
      r.status = status === 'invalid' ? 'invalid' : r.enabled ? 'error' : r.status === 'invalid' ? 'disabled' : r.status;
      r.statusReason = error;
    });
    return finish('failed', error, null, null);
  }
}

/** A run that read both sides cleared whatever made the integration red or amber. */
function markHealthy(r: StoredIntegration): void {
  r.status = r.enabled ? 'active' : 'disabled';
  r.statusReason = null;
}
