/** When: the last run that touched the person, the next scheduled run, and what it will do. */
import { fieldLabel } from '../diff';
import type { PlanOp } from '../model';
import { conflictFix } from './checks-identity';
import { UPDATE_OFF_FIX } from './checks-attributes';
import type { DiagnoseContext } from './context';
import { ambiguousByName } from './find';
import { ev, relative, shown, when } from './format';
import type { Check, DiagnoseAuditEntry, Evidence } from './types';

const OP_WORDS: Record<string, string> = {
  create: 'created the LMS account',
  update: 'updated the LMS account',
  reactivate: 'reactivated the LMS account',
  deactivate: 'deactivated the LMS account',
  conflict: 'reported a conflict (nothing written)',
  skip: 'skipped the person',
  department: 'created a department',
};

function auditLine(a: DiagnoseAuditEntry): string {
  const fields = a.fields.length > 0 ? ` [${[...new Set(a.fields.map((f) => fieldLabel(f.field)))].join(', ')}]` : '';
  const error = a.error ? `: ${a.error.message}${a.error.lmsDetail ? ` (LMS: ${a.error.lmsDetail})` : ''}` : '';
  return `${when(a.at)} run ${a.runId}: ${a.op} (${a.reason})${fields} → ${a.result}${error}`;
}

export function lastRunCheck(ctx: DiagnoseContext): Check {
  const title = 'Last run that touched this user';
  const { runs, now } = ctx.inputs;
  const audit = [...(ctx.inputs.audit ?? [])].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  const latest = audit[0];
  const lastRun = runs[0];
  const runEvidence: Evidence[] = lastRun ? [ev('Last run', `${lastRun.id}: ${lastRun.kind}, ${lastRun.outcome}, ${when(lastRun.finishedAt ?? lastRun.startedAt)} (${relative(now, lastRun.finishedAt ?? lastRun.startedAt)})`)] : [];
  if (latest) {
    const evidence = [...audit.slice(0, 5).map((a) => ev('Audit log', auditLine(a))), ...runEvidence];
    const what = OP_WORDS[latest.op] ?? latest.op;
    if (latest.result === 'failed') {
      return {
        id: 'last-run',
        status: 'fail',
        title,
        detail: `The last write for this user failed (run ${latest.runId}, ${when(latest.at)}): ${latest.op} — ${latest.error?.message ?? 'no message'}${latest.error?.lmsDetail ? ` (the LMS said: ${latest.error.lmsDetail})` : ''}.`,
        fix: 'Fix what the LMS reports, then sync again or use Provision on demand for this user; other users were not affected.',
        evidence,
      };
    }
    return { id: 'last-run', status: latest.result === 'ok' ? 'pass' : 'info', title, detail: `Run ${latest.runId} ${what} (${latest.reason}) on ${when(latest.at)}.`, fix: null, evidence };
  }
  if (!lastRun) return { id: 'last-run', status: 'info', title, detail: 'The integration has never run.', fix: 'Run a dry run to see what the first sync would do.', evidence: [] };
  if ((lastRun.outcome === 'failed' || lastRun.outcome === 'interrupted') && lastRun.error) {
    return { id: 'last-run', status: 'warn', title, detail: `No recorded run wrote to this user, and the last run ${lastRun.outcome === 'failed' ? 'failed' : 'did not finish'}: ${lastRun.error.message}`, fix: lastRun.error.fix, evidence: runEvidence };
  }
  return { id: 'last-run', status: 'info', title, detail: 'No run in the kept audit logs wrote to this user.', fix: null, evidence: runEvidence };
}

export function nextRunCheck(ctx: DiagnoseContext): Check {
  const title = 'Next scheduled sync';
  const { nextRunAt, now, integration } = ctx.inputs;
  if (nextRunAt === null) {
    return integration.enabled
      ? { id: 'next-run', status: 'info', title, detail: 'No sync is scheduled.', fix: null, evidence: [] }
      : { id: 'next-run', status: 'warn', title, detail: 'No sync is scheduled: the integration is disabled.', fix: 'Enable the integration to start the schedule.', evidence: [] };
  }
  const rel = relative(now, nextRunAt);
  const due = rel === 'now' || rel.endsWith('ago') ? 'due now' : rel;
  // Offered exactly when provision on demand would act: on someone in Entra (not for a query Entra
  // has nobody for), and not for a name several people answer to, which it refuses. Another tie
  // (two accounts sharing the address asked about) it takes, for the person this checklist is about.
  const onDemand = ctx.subject && !ambiguousByName(ctx.person) ? ' To sync only this user now, use Provision on demand.' : '';
  return { id: 'next-run', status: 'info', title, detail: `${when(nextRunAt)} (${due}).${onDemand}`, fix: null, evidence: [ev('Next run', nextRunAt)] };
}

function opEvidence(op: PlanOp): Evidence[] {
  return [ev(`${op.kind} (${op.reason})`, op.detail), ...op.changes.map((c) => ev(`  ${fieldLabel(c.field)}`, `${shown(c.from)} → ${shown(c.to)}`))];
}

export function nextActionCheck(ctx: DiagnoseContext): Check {
  const title = 'What the next sync does';
  const { usersOp: op } = ctx;
  const evidence = ctx.ops.flatMap(opEvidence);
  const blocking = ctx.inputs.plan.guards.filter((g) => g.blocking);
  const blockNote = blocking.length > 0 && ctx.ops.some((o) => o.kind !== 'conflict' && o.kind !== 'skip') ? ` But the next apply is blocked: ${blocking.map((g) => g.message).join(' ')}` : '';
  const blockFix = blocking[0]?.fix ?? null;
  if (op?.kind === 'conflict') {
    return { id: 'next-action', status: 'fail', title, detail: `Nothing is written for this user until the conflict is settled: ${op.detail}`, fix: conflictFix(ctx, op), evidence };
  }
  if (op?.kind === 'skip') {
    const fix = op.reason === 'create_users_off'
      ? 'Turn on "Create users" in the integration\'s settings (What the integration may change), or create the account in the LMS by hand: the next sync links it by e-mail.'
      : op.reason.endsWith('_deactivation_off')
        ? 'Turn on "Deactivate users" so accounts of people who leave the scope or are disabled in Entra are deactivated (a disabled account alone does not deprovision), or deactivate this account by hand in the LMS.'
        : op.reason === 'administrator_kept'
          ? "If they should lose LMS access, take the administrator's permission type away in the LMS (the next sync then deactivates the account), or deactivate it by hand. If they should keep it, bring them back into scope or put them on the skip list."
          : 'Shared accounts are deactivated by Last Day only: set employeeLeaveDateTime and turn on "Use Last Day".';
    return { id: 'next-action', status: 'warn', title, detail: op.detail, fix, evidence };
  }
  if (ctx.ops.length > 0) {
    const words = ctx.ops.map((o) => (o.phase === 'relations' ? 'set the manager/approvers' : o.kind === 'update' && o.reason === 'link_existing' ? `link the existing account ${o.targetId ?? ''} and update it` : o.kind)).join(', then ');
    return { id: 'next-action', status: blockNote ? 'warn' : 'info', title, detail: `The next sync will ${words} (${ctx.nextSync}).${blockNote}`, fix: blockNote ? blockFix : null, evidence };
  }
  const inScope = ctx.scope?.inScope === true && ctx.subject?.accountEnabled === true;
  if (inScope && ctx.linkedTarget?.active && ctx.keptByUpdateOff.length > 0) {
    const fields = [...new Set(ctx.keptByUpdateOff.map((c) => fieldLabel(c.field)))].join(', ');
    return { id: 'next-action', status: 'warn', title, detail: `Nothing: "Update user attributes" is off, so ${fields} stay as the LMS has them.`, fix: UPDATE_OFF_FIX, evidence };
  }
  if (inScope && ctx.linkedTarget?.active) return { id: 'next-action', status: 'pass', title, detail: 'Nothing: the LMS account is up to date.', fix: null, evidence };
  return { id: 'next-action', status: 'info', title, detail: 'The next sync does nothing for this user.', fix: null, evidence };
}
