/** Handlers for checks, runs, conflicts, history and the demo tenant (the plan's are in plan-handlers.ts). */
import path from 'node:path';
import { appError, fail, ok, type Result } from '../core/errors';
import { auditLines, type AuditEntry } from '../sync/audit';
import { checkSource, checkTarget, type Check } from '../sync/check';
import { closeConnectors, openSource, openTarget } from '../sync/connectors';
import { diagnoseUser, provisionOnDemand } from '../sync/diagnose-service';
import { settleInterruptedRuns } from '../sync/interrupted';
import { credentialEnteredFor, findIntegration, integrationNotFound, noteCredentialCheck, summarise } from '../store/integrations';
import type { StoredIntegration } from '../store/settings';
import type { HandlerContext } from './context';
import type { Handlers } from './handlers';

type RunHandlerNames =
  | 'checkIntegration'
  | 'searchGroups'
  | 'listLmsGroups'
  | 'startRun'
  | 'getRunStatus'
  | 'getActiveRun'
  | 'cancelRun'
  | 'resolveConflict'
  | 'listRuns'
  | 'getAuditLog'
  | 'startDemo'
  | 'diagnoseUser'
  | 'provisionOnDemand';

function record(ctx: HandlerContext, id: string): Result<StoredIntegration> {
  const r = findIntegration(ctx.store, id);
  return r ? ok(r) : fail(integrationNotFound(id));
}

async function summaryOf(ctx: HandlerContext, id: string) {
  const r = record(ctx, id);
  return r.ok ? summarise(ctx.store, ctx.secrets, r.value, ctx.now()) : r;
}

/** The other integration (if any) whose link table holds this LMS account. */
async function claimedElsewhere(ctx: HandlerContext, integrationId: string, targetId: string): Promise<{ integrationId: string; name: string; sourceId: string } | null> {
  for (const other of ctx.store.settings.data.integrations) {
    if (other.id === integrationId) continue;
    const link = (await ctx.store.links(other.id)).data.links.find((l) => l.targetId === targetId);
    if (link) return { integrationId: other.id, name: other.config.name, sourceId: link.sourceId };
  }
  return null;
}

async function readAudit(file: string, limit: number): Promise<{ entries: AuditEntry[]; truncated: boolean }> {
  const entries: AuditEntry[] = [];
  let truncated = false;
  // Lines cut short (the end of an interrupted apply's log) are skipped by auditLines.
  for await (const line of auditLines(file)) {
    if (entries.length >= limit) {
      truncated = true;
      break;
    }
    if (line.note === undefined) entries.push(line as AuditEntry);
    else truncated = true;
  }
  return { entries, truncated };
}

export const runHandlers: Pick<Handlers, RunHandlerNames> = {
  async checkIntegration({ id, part }, ctx) {
    const r = record(ctx, id);
    if (!r.ok) return r;
    const checks: Check[] = [];
    let rejected = null;
    if (part !== 'lms') {
      const source = await openSource(ctx.secrets, id, r.value.config.source, undefined, credentialEnteredFor(ctx.store, id));
      if (!source.ok) return source;
      try {
        const report = await checkSource(source.value, r.value.config);
        checks.push(...report.checks);
        rejected = report.credentialsError;
      } finally {
        closeConnectors({ source: source.value });
      }
    }
    if (part !== 'entra') {
      const target = await openTarget(ctx.secrets, id, r.value.config.target, undefined, credentialEnteredFor(ctx.store, id));
      if (!target.ok) return target;
      try {
        const report = await checkTarget(target.value, r.value.config);
        checks.push(...report.checks);
        rejected ??= report.credentialsError;
      } finally {
        closeConnectors({ target: target.value });
      }
    }
    const passed = checks.every((c) => c.status !== 'fail');
    await noteCredentialCheck(ctx.store, id, rejected, checks);
    return ok({ ok: passed, checks });
  },

  async searchGroups({ id, prefix }, ctx) {
    const r = record(ctx, id);
    if (!r.ok) return r;
    const source = await openSource(ctx.secrets, id, r.value.config.source);
    if (!source.ok) return source;
    try {
      return await source.value.searchGroups(prefix);
    } finally {
      closeConnectors({ source: source.value });
    }
  },

  async listLmsGroups({ id }, ctx) {
    const r = record(ctx, id);
    if (!r.ok) return r;
    // As the LMS Test: the stored token, only for the address it was entered for.
    const target = await openTarget(ctx.secrets, id, r.value.config.target, undefined, credentialEnteredFor(ctx.store, id));
    if (!target.ok) return target;
    try {
      // No names asked for: every group's name, no member read.
      const groups = await target.value.readGroups([]);
      if (!groups.ok) return groups;
      if (groups.value === null) return ok({ groups: null });
      const names = groups.value.map((g) => ({ name: g.displayName.trim() })).filter((g) => g.name !== '');
      return ok({ groups: names.sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }) || a.name.localeCompare(b.name)) });
    } finally {
      closeConnectors({ target: target.value });
    }
  },

  async startRun({ id, kind, full, confirmedDeactivations, confirmedGroupRemovals, expectedSummary }, ctx) {
    const r = record(ctx, id);
    if (!r.ok) return r;
    return ok(ctx.runs.start({ integrationId: id, kind, trigger: 'manual', full, confirmedDeactivations, confirmedGroupRemovals, expectedSummary }));
  },

  async getRunStatus({ runId }, ctx) {
    return ok(ctx.runs.get(runId));
  },

  async getActiveRun({ id }, ctx) {
    return ok(ctx.runs.active(id));
  },

  async cancelRun({ runId }, ctx) {
    return ok({ cancelled: ctx.runs.cancel(runId) });
  },

  async resolveConflict(input, ctx) {
    const r = record(ctx, input.id);
    if (!r.ok) return r;
    if (input.action === 'ignore' || input.action === 'new-account') {
      await ctx.store.settings.update((s) => {
        const rec = s.integrations.find((i) => i.id === input.id);
        const list = input.action === 'ignore' ? rec?.config.scope.skipList : rec?.config.scope.confirmedNewAccounts;
        if (list && !list.includes(input.sourceId)) list.push(input.sourceId);
      });
    } else {
      // Two integrations writing one LMS account would overwrite each other's changes.
      const claimed = await claimedElsewhere(ctx, input.id, input.targetId);
      if (claimed) {
        return fail(
          appError(
            'ACCOUNT_LINKED_ELSEWHERE',
            `That LMS account is already linked to the integration "${claimed.name}" (Entra user ${claimed.sourceId}); nothing was changed.`,
            `Unlink it there first (relink that person to another account, or ignore them in "${claimed.name}"), or ignore this person here.`,
            { integrationId: claimed.integrationId },
          ),
        );
      }
      const links = await ctx.store.links(input.id);
      await links.update((file) => {
        file.links = file.links.filter((l) => l.sourceId !== input.sourceId && l.targetId !== input.targetId);
        file.links.push({ integrationId: input.id, sourceId: input.sourceId, targetId: input.targetId, origin: 'relinked', linkedAt: ctx.now().toISOString(), emailAtLink: null });
      });
    }
    return summaryOf(ctx, input.id);
  },

  async listRuns({ id }, ctx) {
    const r = record(ctx, id);
    if (!r.ok) return r;
    const runs = (await ctx.store.runs(id)).data.runs;
    // An apply of another process (the CLI) that died while the window is open: "running" with
    // no run of this process behind it is marked interrupted once its lock is free.
    if (!runs.some((x) => x.outcome === 'running' && ctx.runs.get(x.id) === null)) return ok(runs);
    await settleInterruptedRuns(ctx.store, [id]);
    return ok((await ctx.store.runs(id)).data.runs);
  },

  async getAuditLog({ id, runId, limit }, ctx) {
    const r = record(ctx, id);
    if (!r.ok) return r;
    // Only files the run history names: no path from the window reaches the disk.
    const run = (await ctx.store.runs(id)).data.runs.find((x) => x.id === runId);
    if (!run) return fail(appError('RUN_NOT_FOUND', `There is no run ${runId} for this integration.`, 'Pick a run from the history.'));
    if (!run.auditLog) return ok({ entries: [], truncated: false });
    try {
      return ok(await readAudit(path.join(ctx.store.auditDir, path.basename(run.auditLog)), limit));
    } catch {
      return fail(appError('AUDIT_MISSING', 'The audit log of this run is no longer on disk.', 'Older runs are pruned; newer runs keep theirs.'));
    }
  },

  async diagnoseUser({ id, query, refresh }, ctx) {
    const r = record(ctx, id);
    if (!r.ok) return r;
    return diagnoseUser(ctx, id, query, { freshness: refresh ? 'refresh' : 'auto' });
  },

  async provisionOnDemand({ id, query, apply }, ctx) {
    const r = record(ctx, id);
    if (!r.ok) return r;
    return provisionOnDemand(ctx, id, query, { apply });
  },

  async startDemo(_input, ctx) {
    const started = await ctx.demo.start();
    if (!started.ok) return started;
    return summaryOf(ctx, started.value.id);
  },
};
