/**
 * "Troubleshoot a user" for the app, the preview and the CLI: gathers what diagnose() needs —
 * the last reads and plan (snapshot cache), links, run history, this person's audit lines —
 * and calls it. Reading Entra and the LMS again is done only when there is no usable cache.
 */
import path from 'node:path';
import { diagnose, findPerson, type Checklist, type DiagnoseAuditEntry } from '../core/diagnose';
import { appError, fail, ok, type Result } from '../core/errors';
import { normaliseEmail } from '../core/normalise';
import { plan as makePlan } from '../core/plan';
import { planBasis } from '../core/plan-basis';
import { findIntegration, integrationNotFound, nextRunAt } from '../store/integrations';
import type { RunRecord } from '../store/records';
import { auditLines, type AuditEntry } from './audit';
import type { ConnectorFactory } from './connectors';
import { runIntegration, type RunServices } from './run';
import { readParsedCache } from './snapshot-cache';

export { provisionOnDemand, type ProvisionOptions, type ProvisionStep, type ProvisionStepId, type ProvisionTrace } from './provision';

export interface DiagnoseOptions {
  /**
   * 'auto' (default): the cached reads, unless an apply wrote to the LMS after they were taken
   * (then a dry-run read; if that fails, the older cache with a warning). 'cache': the cache
   * whenever there is one. 'refresh': always a dry-run read first.
   */
  freshness?: 'auto' | 'cache' | 'refresh';
  connectors?: ConnectorFactory;
  trigger?: RunRecord['trigger'];
  /** How many of the most recent runs' audit logs are searched (default 10). */
  auditRuns?: number;
  signal?: AbortSignal;
}

/** A run's audit log is read up to this many bytes: a diagnosis never reads gigabytes. */
const AUDIT_READ_LIMIT = 16 * 1024 * 1024;
/** At most this many audit lines about one person are kept (newest runs first). */
const AUDIT_LINES_LIMIT = 200;

/** An apply (scheduled, manual or on demand) that wrote to the LMS after the cached reads. */
export function writtenSince(runs: readonly RunRecord[], readAt: string): RunRecord | null {
  return runs.find((r) => (r.kind === 'apply' || r.kind === 'on-demand') && r.applied + r.failed + r.groupsWritten > 0 && (r.finishedAt ?? r.startedAt) > readAt) ?? null;
}

/** This person's lines from the most recent runs' audit logs, bounded in runs, bytes and lines. */
export async function auditLinesFor(auditDir: string, runs: readonly RunRecord[], ids: ReadonlySet<string>, email: string | null, maxRuns = 10): Promise<DiagnoseAuditEntry[]> {
  const needles = [...ids, ...(email ? [email] : [])].filter((n) => n !== '').map((n) => n.toLowerCase());
  if (needles.length === 0) return [];
  const out: DiagnoseAuditEntry[] = [];
  // A cheap substring test first: JSON.parse only the lines that can be about this person.
  const wanted = (text: string) => {
    const lower = text.toLowerCase();
    return needles.some((n) => lower.includes(n));
  };
  for (const run of runs.slice(0, maxRuns)) {
    if (!run.auditLog || out.length >= AUDIT_LINES_LIMIT) continue;
    try {
      for await (const line of auditLines(path.join(auditDir, path.basename(run.auditLog)), { wanted, maxBytes: AUDIT_READ_LIMIT })) {
        const entry = line as AuditEntry;
        const about = (typeof entry.sourceId === 'string' && ids.has(entry.sourceId)) || (typeof entry.targetId === 'string' && ids.has(entry.targetId)) || (email !== null && normaliseEmail(entry.email) === email);
        if (about && entry.op !== undefined) out.push({ runId: run.id, ...entry });
        if (out.length >= AUDIT_LINES_LIMIT) break;
      }
    } catch {
      // A pruned or unreadable log is simply not evidence.
    }
  }
  return out;
}

export async function diagnoseUser(services: RunServices, integrationId: string, query: string, options: DiagnoseOptions = {}): Promise<Result<Checklist>> {
  const { store, now } = services;
  const before = findIntegration(store, integrationId);
  if (!before) return fail(integrationNotFound(integrationId));
  if (query.trim() === '') return fail(appError('INVALID_INPUT', 'Say who to look for.', 'Give an e-mail address, UPN, Entra object id or name.'));
  const runsBefore = (await store.runs(integrationId)).data.runs;
  let cache = await readParsedCache(store.dataDir, integrationId);
  const freshness = options.freshness ?? 'auto';
  const stale = cache ? writtenSince(runsBefore, cache.plan?.createdAt ?? cache.target.readAt) : null;
  // The last plan answers only while what it was made from holds: after a new include rule, an
  // Ignore or a Relink the checklist would follow the new settings and the verdict the old plan.
  // Read once: a dry run made below writes no links.
  const links = (await store.links(integrationId)).data.links;
  const otherLinks = await store.otherIntegrationsLinks(integrationId);
  const basisNow = planBasis({ ...before.config, id: before.id }, links, otherLinks);
  // A plan saved before it carried its basis: changed when the settings were saved after it.
  const changedSince = cache?.plan ? (cache.plan.basis !== undefined ? cache.plan.basis !== basisNow : before.updatedAt > cache.plan.createdAt) : false;
  let dataWarning: string | null = null;

  if (!cache || freshness === 'refresh' || (freshness === 'auto' && (stale || changedSince))) {
    const dry = await runIntegration(services, { integrationId, kind: 'dry-run', trigger: options.trigger ?? 'manual', via: 'troubleshoot', connectors: options.connectors, signal: options.signal });
    if (dry.plan) cache = (await readParsedCache(store.dataDir, integrationId)) ?? cache;
    else if (!cache) return fail(dry.error ?? appError('RUN_FAILED', 'Entra and the LMS could not be read.', 'Test the connection, then try again.'));
    else dataWarning = `Entra and the LMS could not be read again (${dry.error?.message ?? 'unknown error'}), so this uses the reads of ${cache.source.readAt}${stale ? `, from before run ${stale.id} wrote to the LMS` : changedSince ? ', planned with the settings and links as they were then' : ''}.`;
  } else if (changedSince) {
    dataWarning = `The settings or the links changed after the last dry run (${cache?.plan?.createdAt ?? 'unknown time'}): this answer follows that dry run. Read Entra and the LMS again for one under the current settings.`;
  }
  if (!cache) return fail(appError('RUN_FAILED', 'There is no read of Entra and the LMS to diagnose from.', 'Run a dry run, then try again.'));

  const record = findIntegration(store, integrationId);
  if (!record) return fail(integrationNotFound(integrationId));
  const config = { ...record.config, id: record.id };
  const thePlan = cache.plan ?? makePlan(cache.source, cache.target, config, links, now(), otherLinks);
  const runs = (await store.runs(integrationId)).data.runs;

  const person = findPerson(query, cache.source, cache.target, integrationId, links, otherLinks);
  const ids = new Set<string>([...person.sources.map((s) => s.id), ...person.targets.map((t) => t.id)]);
  const email = person.subject ? (normaliseEmail(person.subject.mail) ?? normaliseEmail(person.subject.userPrincipalName)) : normaliseEmail(query);
  const audit = await auditLinesFor(store.auditDir, runs, ids, email, options.auditRuns);

  return ok(
    diagnose(query, {
      source: cache.source,
      target: cache.target,
      integration: { id: record.id, name: record.config.name, config: record.config, status: record.status, statusReason: record.statusReason, enabled: record.enabled },
      links,
      otherLinks,
      plan: thePlan,
      runs,
      audit,
      nextRunAt: nextRunAt(record, now()),
      now: now(),
      dataWarning,
    }),
  );
}
