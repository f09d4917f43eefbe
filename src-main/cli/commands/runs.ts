/** rollcall check | plan | apply | history */
import type { AppError } from '../../core/errors';
import type { Plan, PlanOp } from '../../core/model';
import { describeApplied, describeReads, relationWrites, type Check } from '../../core/reports';
import { warningLabel } from '../../core/ops';
import { describeUnmanaged } from '../../core/unmanaged';
import { describeUnusedDepartments } from '../../core/departments';
import { GROUP_REMOVAL_GUARD, groupPushLines, writesGroup } from '../../core/push-groups';
import { writeFileAtomic } from '../../store/atomic-file';
import { checkAndRecord, type CheckReport, type RecordedCheck } from '../../sync/check';
import { settleInterruptedRuns } from '../../sync/interrupted';
import { countWarnings, warningCodesOf } from '../../sync/plan-file';
import { runIntegration, type RunOutcome, type RunProgress } from '../../sync/run';
import { askYesNo, canAsk } from '../confirm';
import { requireOutFile } from '../out-file';
import { exitCodeFor, ExitCode } from '../exit-codes';
import { table } from '../output';
import { requireIntegration, requireString, UsageError, type CliContext, type Command } from '../context';

const STAGE_LABEL: Record<RunProgress['stage'], string> = {
  waiting: 'Waiting',
  reading: 'Reading Entra and the LMS',
  planning: 'Planning',
  applying: 'Applying',
  saving: 'Saving',
};

/** The documented `plan --json` shape (DESIGN.md §8), with the pushed groups when there are any. */
export function planJson(plan: Plan) {
  return {
    summary: plan.summary,
    // What would stop the apply (blocking) or is worth a look, before a script runs it.
    guards: plan.guards.map((g) => ({ code: g.code, blocking: g.blocking, confirmable: g.confirmable, count: g.count, limit: g.limit, message: g.message, fix: g.fix })),
    // Each op's warnings (a country naming no country, a job profile the LMS lacks), when it has any.
    ops: plan.ops.map((op) => ({ kind: op.kind, sourceId: op.sourceId, targetId: op.targetId, email: op.email, reason: op.reason, changes: op.changes, ...(op.warnings?.length ? { warnings: op.warnings.map((w) => ({ code: w.code, message: w.message })) } : {}) })),
    ...(plan.groups ? { groups: plan.groups } : {}),
    // Departments it created that nobody is in after this sync (core/departments.ts), when there are any.
    // null: not counted (the LMS read was incomplete), so a script can tell "none" from "unknown".
    ...(plan.unusedDepartments !== undefined ? { unusedDepartments: plan.unusedDepartments } : {}),
  };
}

function show(value: unknown): string {
  if (value === null || value === undefined) return '∅';
  return Array.isArray(value) ? value.join(' / ') : String(value);
}

function printPlan(ctx: CliContext, plan: Plan, sample = 20): void {
  const s = plan.summary;
  ctx.out.out(table(['CREATE', 'UPDATE', 'DEACTIVATE', 'REACTIVATE', 'CONFLICT', 'SKIP', 'UNCHANGED'], [[s.create, s.update, s.deactivate, s.reactivate, s.conflict, s.skip, s.unchanged]]));
  // The counts are people; the manager writes after them are update ops of their own.
  const links = relationWrites(plan.relationWrites ?? 0);
  if (links) ctx.out.out(`${links}.`);
  const interesting = [...plan.ops.filter((o) => o.kind === 'conflict'), ...plan.ops.filter((o) => o.kind === 'deactivate'), ...plan.ops.filter((o) => o.kind !== 'conflict' && o.kind !== 'deactivate')];
  if (interesting.length > 0) {
    ctx.out.out('');
    ctx.out.out(table(['KIND', 'USER', 'WHY', 'CHANGES'], interesting.slice(0, sample).map((op: PlanOp) => [op.kind, op.email ?? op.displayName, op.detail, op.changes.map((c) => `${c.field.split(':').pop()}: ${show(c.from)} → ${show(c.to)}`).join('; ') || '—']), 70));
    if (interesting.length > sample) ctx.out.out(`… and ${interesting.length - sample} more (use --json or --out FILE for all of them)`);
  }
  for (const g of plan.guards) ctx.out.out(`\n${g.blocking ? 'BLOCKED' : 'Note'}: ${g.message}\n  What to do: ${g.fix}`);
  // Data problems across the tenant, by kind: each change's own warning is in --out FILE.
  const warned = countWarnings(plan.ops.map(warningCodesOf));
  if (warned.length > 0) {
    const list = warned.map(({ code, count }) => `${count} × ${warningLabel(code) ?? code}`);
    ctx.out.out(`\nWarnings: ${list.join('; ')} (the changes that carry them: --out FILE, or the dry run's warning filter in the app)`);
  }
  const groups = groupPushLines(plan.groups);
  if (groups.length > 0) ctx.out.out(`\n${groups.join('\n')}`);
  if (plan.unmanaged === null) ctx.out.out('\nLMS accounts no integration manages: not counted, because the LMS read was incomplete.');
  else if (plan.unmanaged && plan.unmanaged.count > 0) {
    const { title, detail } = describeUnmanaged(plan.unmanaged, 'cli', plan.integrationId);
    ctx.out.out(`\n${title}. ${detail}\n  List them: rollcall unmanaged --integration ${plan.integrationId} --out unmanaged.csv`);
  }
  if (plan.unusedDepartments === null) ctx.out.out('\nDepartments this integration created that nobody is in: not counted, because the LMS read was incomplete.');
  else if (plan.unusedDepartments?.length) {
    const { title, detail } = describeUnusedDepartments(plan.unusedDepartments);
    ctx.out.out(`\n${title}: ${detail}`);
  }
}

function progressHandler(ctx: CliContext) {
  // While reading, the detail says where each side is ("Entra ID: users 12,000 · LMS: done").
  return (p: RunProgress) => ctx.out.progress(p.stage === 'reading' && p.detail ? p.detail : STAGE_LABEL[p.stage], p.done, p.total);
}

/** One line per check, PASS / FAIL / WARN, with what to do. */
export function printChecks(ctx: CliContext, checks: readonly Check[]): void {
  for (const c of checks) {
    const mark = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', info: '    ' }[c.status];
    ctx.out.out(`${mark}  ${c.title}: ${c.detail}${c.fix ? `\n      What to do: ${c.fix}` : ''}`);
  }
}

/** The checks, then the status they leave the integration in (the dashboard's colour). */
export function printRecordedCheck(ctx: CliContext, result: RecordedCheck): void {
  printChecks(ctx, result.checks);
  // Not recorded: the status is the one from before this check, and said to be.
  const label = result.notRecorded ? 'Status (not updated by this check)' : 'Status';
  ctx.out.out(`${label}: ${result.status}${result.statusReason ? ` (${result.statusReason.message.replace(/\.$/, '')})` : ''}.`);
  if (result.notRecorded) ctx.out.err(`Warning: this result was not recorded on the integration's status: ${result.notRecorded.message} ${result.notRecorded.fix}`);
}

/** `check --json` and `integration credentials --json`: the checks and the status they leave. */
export function recordedCheckJson(result: RecordedCheck) {
  return { ok: result.ok, status: result.status, checks: result.checks, ...(result.notRecorded ? { notRecorded: result.notRecorded } : {}) };
}

/** 3 when a credential was refused, 1 when another check failed, 0 when all passed. */
export function checkExitCode(result: CheckReport): number {
  if (result.credentialsError) return ExitCode.credentials;
  return result.ok ? ExitCode.ok : ExitCode.failed;
}

/** Like the app's Test: the result is recorded, so credentials fixed since turn the integration back from red. */
async function check(ctx: CliContext, id: string): Promise<number> {
  await requireIntegration(ctx, id);
  const result = await checkAndRecord(await ctx.openStore(), ctx.secrets(), id);
  if (!result.ok) return ctx.out.error(result.error), exitCodeFor(result.error);
  if (ctx.out.json) ctx.out.result(recordedCheckJson(result.value));
  else printRecordedCheck(ctx, result.value);
  return checkExitCode(result.value);
}

function finishRun(ctx: CliContext, outcome: RunOutcome): number {
  ctx.out.endProgress();
  if (outcome.error && !outcome.plan) {
    ctx.out.error(outcome.error);
    return exitCodeFor(outcome.error);
  }
  return ExitCode.ok;
}

async function plan(ctx: CliContext, id: string, values: Record<string, string | boolean | undefined>): Promise<number> {
  await requireIntegration(ctx, id);
  // Checked before the dry run: a folder or a missing folder is said at once, and nothing is run.
  const out = typeof values.out === 'string' ? await requireOutFile('out', values.out, 'plan.json') : null;
  const outcome = await runIntegration({ store: await ctx.openStore(), secrets: ctx.secrets(), now: ctx.now }, { integrationId: id, kind: 'dry-run', trigger: 'cli', full: values.full === true, onProgress: progressHandler(ctx) });
  const code = finishRun(ctx, outcome);
  if (!outcome.plan) return code;
  // Atomic, owner-only (the plan names everyone), and a path that cannot be written says what to do.
  if (out !== null) await writeFileAtomic(out, JSON.stringify(outcome.plan, null, 1));
  if (ctx.out.json) ctx.out.result(planJson(outcome.plan));
  else {
    ctx.out.out(`Dry run of ${id} (${describeReads(outcome.run)}). Nothing was written.\n`);
    printPlan(ctx, outcome.plan);
    if (out !== null) ctx.out.out(`\nThe whole plan was written to ${out}.`);
  }
  return ExitCode.ok;
}

function confirmInteractively(plan: Plan): Promise<boolean> {
  const s = plan.summary;
  return askYesNo(`Apply ${s.create} create(s), ${s.update} update(s), ${s.reactivate} reactivation(s) and ${s.deactivate} deactivation(s) to the LMS? [y/N] `);
}

/** A confirmation flag's whole number, undefined when not given. */
function wholeNumber(values: Record<string, string | boolean | undefined>, flag: 'max-deactivations' | 'max-group-removals'): number | undefined {
  const raw = values[flag];
  if (typeof raw !== 'string') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${flag} takes a whole number.`, `For example: --${flag} 120`);
  return n;
}

async function apply(ctx: CliContext, id: string, values: Record<string, string | boolean | undefined>): Promise<number> {
  await requireIntegration(ctx, id);
  const confirmedDeactivations = wholeNumber(values, 'max-deactivations');
  // Apart from deactivations: a routine --max-deactivations never lets a mass group removal through.
  const confirmedGroupRemovals = wholeNumber(values, 'max-group-removals');
  const services = { store: await ctx.openStore(), secrets: ctx.secrets(), now: ctx.now };
  // A "force sync": both sides read in full, for when something seems missed by reading changes.
  const full = values.full === true;
  let reviewed: Plan | null = null;
  if (values.yes !== true) {
    if (!canAsk(ctx)) throw new UsageError('apply changes the LMS and needs --yes when not run in a terminal.', 'Review `rollcall plan` first, then add --yes (and --max-deactivations N to confirm a large deactivation).');
    const dry = await runIntegration(services, { integrationId: id, kind: 'dry-run', trigger: 'cli', full, onProgress: progressHandler(ctx) });
    const code = finishRun(ctx, dry);
    if (!dry.plan) return code;
    printPlan(ctx, dry.plan, 10);
    if (!dry.plan.ops.some((o) => o.kind !== 'conflict' && o.kind !== 'skip') && !(dry.plan.groups ?? []).some(writesGroup)) return ctx.out.out('Nothing to apply: the LMS is in step with Entra.'), ExitCode.ok;
    if (!(await confirmInteractively(dry.plan))) return ctx.out.out('Nothing was applied.'), ExitCode.ok;
    reviewed = dry.plan;
  }
  // Interactively, apply exactly what was shown: a plan that changed meanwhile stops (exit 4).
  // After a full preview, the apply reads the changes since it (its snapshots are fresh).
  const outcome = await runIntegration(services, { integrationId: id, kind: 'apply', trigger: 'cli', full: full && reviewed === null, confirmedDeactivations, confirmedGroupRemovals, expectedSummary: reviewed?.summary, onProgress: progressHandler(ctx) });
  ctx.out.endProgress();
  const failures = (outcome.apply?.failures ?? []).map((f) => ({ email: f.op.email, kind: f.op.kind, code: f.error.code, message: f.error.message, lmsDetail: f.error.lmsDetail ?? null }));
  if (ctx.out.json) {
    ctx.out.result({ runId: outcome.run.id, outcome: outcome.run.outcome, summary: outcome.plan?.summary ?? null, applied: outcome.run.applied, failed: outcome.run.failed, groupsWritten: outcome.run.groupsWritten, heldBack: outcome.run.heldBack, failures, error: outcome.error });
  } else {
    if (outcome.plan) printPlan(ctx, outcome.plan, 10);
    if (outcome.error) ctx.out.error(outcome.error);
    else {
      const { written, heldBack } = describeApplied(outcome.run);
      ctx.out.out(`\nRun ${outcome.run.id}: ${outcome.run.outcome}; ${written}.`);
      if (heldBack) ctx.out.out(heldBack);
    }
    if (failures.length) ctx.out.out(table(['USER', 'OP', 'ERROR'], failures.slice(0, 20).map((f) => [f.email, f.kind, `${f.message}${f.lmsDetail ? ` (LMS: ${f.lmsDetail})` : ''}`]), 80));
  }
  const tooSmall = outcome.error ? confirmationTooSmall(outcome.error, confirmedDeactivations, confirmedGroupRemovals) : null;
  if (tooSmall) ctx.out.err(tooSmall);
  if (outcome.error) return exitCodeFor(outcome.error);
  return outcome.run.failed > 0 || outcome.run.outcome === 'cancelled' ? ExitCode.failed : ExitCode.ok;
}

/** A confirmation flag given with a smaller number than the guard's: said apart from the guard's own message. */
function confirmationTooSmall(error: AppError, deactivations: number | undefined, groupRemovals: number | undefined): string | null {
  const count = error.details?.count;
  if (typeof count !== 'number') return null;
  const [flag, given] = error.code === `GUARD_${GROUP_REMOVAL_GUARD.toUpperCase()}` ? ['--max-group-removals', groupRemovals] : error.code === 'GUARD_DEACTIVATION_THRESHOLD' ? ['--max-deactivations', deactivations] : [null, undefined];
  if (flag === null || given === undefined || given >= count) return null;
  return `${flag} ${given} is below the ${count.toLocaleString('en-US')} this apply would make, so nothing was written. Review them (rollcall plan), then confirm with ${flag} ${count}.`;
}

async function history(ctx: CliContext, id: string): Promise<number> {
  await requireIntegration(ctx, id);
  const store = await ctx.openStore();
  // An apply whose process died shows as interrupted, with what its audit log shows it wrote.
  await settleInterruptedRuns(store, [id]);
  const runs = (await store.runs(id)).data.runs;
  if (ctx.out.json) ctx.out.result(runs);
  else if (runs.length === 0) ctx.out.out('No runs yet.');
  else {
    ctx.out.out(
      table(
        ['RUN', 'KIND', 'TRIGGER', 'STARTED', 'SECONDS', 'READ (ENTRA/LMS)', 'OUTCOME', 'PLANNED (C/U/D/R/!)', 'APPLIED', 'FAILED', 'ERROR'],
        runs.map((r) => [r.id, r.kind, r.trigger, r.startedAt, r.finishedAt ? ((Date.parse(r.finishedAt) - Date.parse(r.startedAt)) / 1000).toFixed(1) : null, r.readMode || r.lmsRead ? `${r.readMode ?? '-'}/${r.lmsRead?.mode ?? '-'}${r.lmsRead?.reason ? ` (LMS in full: ${r.lmsRead.reason})` : ''}` : null, r.outcome, r.planned ? `${r.planned.create}/${r.planned.update}/${r.planned.deactivate}/${r.planned.reactivate}/${r.planned.conflict}` : null, r.applied, r.failed, r.error?.message ?? null]),
      ),
    );
  }
  return ExitCode.ok;
}

const withIntegration = { integration: { type: 'string' } } as const;

export const checkCommand: Command = {
  summary: 'test credentials, Graph permissions, groups and LMS capabilities (the result is recorded on the status, like the app\'s Test)',
  usage: 'rollcall check --integration ID',
  options: withIntegration,
  run: (ctx, values) => check(ctx, requireString(values, 'integration', 'rollcall check --integration ID')),
};

export const planCommand: Command = {
  summary: 'dry run: show every change a sync would make, write nothing (--full: read both sides in full, not by their changes)',
  usage: 'rollcall plan --integration ID [--full] [--out FILE]',
  options: { ...withIntegration, full: { type: 'boolean' }, out: { type: 'string' } },
  run: (ctx, values) => plan(ctx, requireString(values, 'integration', 'rollcall plan --integration ID'), values),
};

export const applyCommand: Command = {
  summary: 'sync now: plan and apply the changes to the LMS (--full: read both sides in full, not by their changes)',
  usage: 'rollcall apply --integration ID [--yes] [--max-deactivations N] [--max-group-removals N] [--full]',
  options: { ...withIntegration, yes: { type: 'boolean', short: 'y' }, 'max-deactivations': { type: 'string' }, 'max-group-removals': { type: 'string' }, full: { type: 'boolean' } },
  run: (ctx, values) => apply(ctx, requireString(values, 'integration', 'rollcall apply --integration ID --yes'), values),
};

export const historyCommand: Command = {
  summary: 'past runs with counts, duration and errors',
  usage: 'rollcall history --integration ID',
  options: withIntegration,
  run: (ctx, values) => history(ctx, requireString(values, 'integration', 'rollcall history --integration ID')),
};
