/** rollcall diagnose: the "Troubleshoot user" checklist on the command line. */
import { appVersion } from '../../app-context';
import { supportReport, type Checklist } from '../../core/diagnose';
import { writeFileAtomic } from '../../store/atomic-file';
import { diagnoseUser } from '../../sync/diagnose-service';
import { exitCodeFor, ExitCode } from '../exit-codes';
import { requireOutFile } from '../out-file';
import { requireIntegration, requireString, type CliContext, type Command } from '../context';

const USAGE = 'rollcall diagnose --integration ID --user EMAIL|UPN|OBJECT_ID [--refresh] [--report FILE] [--json]';
const MARK = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', info: 'INFO' } as const;
/** Evidence lines shown per check in the terminal; --json has them all. */
const EVIDENCE_SHOWN = 8;

/** The documented `diagnose --json` shape (DESIGN.md §8), with the evidence and candidates beside it. */
export function checklistJson(c: Checklist) {
  return {
    verdict: c.verdict,
    verdictKind: c.verdictKind,
    user: c.user,
    checks: c.checks.map((x) => ({ id: x.id, status: x.status, title: x.title, detail: x.detail, fix: x.fix, evidence: x.evidence })),
    candidates: c.candidates,
    ops: c.ops.map((op) => ({ kind: op.kind, sourceId: op.sourceId, targetId: op.targetId, email: op.email, reason: op.reason, changes: op.changes })),
    dataAsOf: c.dataAsOf,
  };
}

function print(ctx: CliContext, c: Checklist): void {
  const who = c.user.sourceId ? `${c.user.displayName ?? c.user.userPrincipalName ?? c.user.sourceId} (${c.user.email ?? c.user.userPrincipalName ?? ''}, ${c.user.sourceId})` : `"${c.user.query}"`;
  ctx.out.out(`${who}\nVerdict: ${c.verdict}\n`);
  for (const check of c.checks) {
    ctx.out.out(`${MARK[check.status]}  ${check.title}: ${check.detail}`);
    for (const e of check.evidence.slice(0, EVIDENCE_SHOWN)) ctx.out.out(`      ${e.label}: ${e.value}`);
    if (check.evidence.length > EVIDENCE_SHOWN) ctx.out.out(`      … and ${check.evidence.length - EVIDENCE_SHOWN} more (--json shows all)`);
    if (check.fix) ctx.out.out(`      What to do: ${check.fix}`);
  }
  if (c.candidates.source.length > 1) {
    ctx.out.out('\nOther people this may mean:');
    for (const s of c.candidates.source.filter((x) => x.id !== c.user.sourceId)) ctx.out.out(`  ${s.displayName ?? s.userPrincipalName} (${s.userPrincipalName}, ${s.id}) — matched by ${s.matchedBy}`);
  }
}

async function run(ctx: CliContext, values: Record<string, string | boolean | undefined>): Promise<number> {
  const id = requireString(values, 'integration', USAGE);
  const query = requireString(values, 'user', USAGE);
  await requireIntegration(ctx, id);
  const report = typeof values.report === 'string' ? await requireOutFile('report', values.report, 'rollcall-report.txt') : null;
  const services = { store: await ctx.openStore(), secrets: ctx.secrets(), now: ctx.now };
  const result = await diagnoseUser(services, id, query, { freshness: values.refresh === true ? 'refresh' : 'auto', trigger: 'cli' });
  if (!result.ok) return ctx.out.error(result.error), exitCodeFor(result.error);
  if (report !== null) {
    // The Troubleshoot page's "Save report for support", for a ticket from a server.
    const name = services.store.settings.data.integrations.find((i) => i.id === id)?.config.name ?? null;
    await writeFileAtomic(report, supportReport({ checklist: result.value, trace: null, integrationName: name, appVersion: appVersion(), now: ctx.now() }));
  }
  if (ctx.out.json) ctx.out.result(checklistJson(result.value));
  else {
    print(ctx, result.value);
    if (report !== null) ctx.out.out(`\nThe report for support was written to ${report}.`);
  }
  // The diagnosis ran: whatever it found, that is success for scripts.
  return ExitCode.ok;
}

export const diagnoseCommand: Command = {
  summary: 'explain why a person is missing, duplicated, not updated, inactive or in the wrong department',
  usage: USAGE,
  options: { integration: { type: 'string' }, user: { type: 'string' }, refresh: { type: 'boolean' }, report: { type: 'string' } },
  run: (ctx, values) => run(ctx, values),
};
