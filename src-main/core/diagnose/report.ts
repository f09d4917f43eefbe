/**
 * The diagnosis as a plain-text report for the LMS vendor's or Rollcall's support: what support
 * articles ask for (which directory, what happens against what is expected, the errors seen),
 * with every check's evidence, what the next sync does and, when it was run, provision on
 * demand's steps. Built from the checklist the window already shows; it holds no secret (the
 * checklist never carries one: errors are scrubbed where they arise).
 */
import type { FieldChange } from '../model';
import { fieldLabel } from '../diff';
import { shown } from './format';
import type { ProvisionTrace } from './provision-types';
import type { Check, Checklist } from './types';

export interface SupportReportInput {
  checklist: Checklist;
  /** Provision on demand's steps, when it was run for this person. */
  trace: ProvisionTrace | null;
  integrationName: string | null;
  appVersion: string | null;
  now: Date;
}

const MARK = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', info: 'INFO', skipped: 'SKIP' } as const;

function checkLines(c: Pick<Check, 'title' | 'detail' | 'fix' | 'evidence'> & { status: keyof typeof MARK }): string[] {
  const lines = [`[${MARK[c.status]}] ${c.title}`, `    ${c.detail}`];
  if (c.fix) lines.push(`    What to do: ${c.fix}`);
  for (const e of c.evidence) lines.push(`    - ${e.label}: ${e.value}`);
  return lines;
}

const changeLine = (c: FieldChange): string => `    ${fieldLabel(c.field)}: ${shown(c.from)} → ${shown(c.to)}`;

export function supportReport({ checklist: c, trace, integrationName, appVersion, now }: SupportReportInput): string {
  const u = c.user;
  const who = u.sourceId ? `${u.displayName ?? u.userPrincipalName ?? u.sourceId} · ${u.email ?? u.userPrincipalName ?? '—'} · Entra object id ${u.sourceId}` : `not found in Entra (searched for "${u.query}")`;
  const lines = [
    'Rollcall support report',
    `Created: ${now.toISOString()}`,
    `Rollcall: ${appVersion ?? 'unknown version'}`,
    `Integration: ${integrationName ?? '—'} (${c.integrationId}) · Microsoft Entra ID → LMS over SCIM 2.0`,
    `Data as of: Entra ${c.dataAsOf.source} · LMS ${c.dataAsOf.target} · plan ${c.dataAsOf.plan}`,
    '',
    `Person: ${who}`,
    `LMS accounts that answer to them: ${u.targetIds.length ? u.targetIds.join(', ') : '(none)'}`,
    `Verdict: ${c.verdict} [${c.verdictKind}]`,
    '',
    'What happens, and what you expected instead (fill in before sending):',
    '',
    '',
    'Checks',
    ...c.checks.flatMap((check) => checkLines(check)),
    '',
    'What the next sync does for this person',
  ];
  if (c.ops.length === 0) lines.push('    Nothing: the LMS is as the mapping wants it.');
  for (const op of c.ops) {
    lines.push(`  ${op.kind} (${op.reason})${op.targetId ? ` on LMS account ${op.targetId}` : ''}: ${op.detail}`);
    for (const change of op.changes) lines.push(changeLine(change));
    for (const w of op.warnings ?? []) lines.push(`    Warning: ${w.message}`);
  }
  if (c.candidates.source.length > 1 || c.candidates.target.length > 1) {
    lines.push('', 'Everyone this could mean');
    for (const s of c.candidates.source) lines.push(`  Entra: ${s.displayName ?? '—'} · ${s.mail ?? s.userPrincipalName} · ${s.id} (${s.matchedBy})${s.accountEnabled ? '' : ' · disabled'}`);
    for (const t of c.candidates.target) lines.push(`  LMS: ${t.userName} · id ${t.id} · externalId ${t.externalId ?? '—'} · ${t.active ? 'active' : 'inactive'} (${t.matchedBy.join(', ')})`);
  }
  if (trace) {
    lines.push('', `Provision on demand (${trace.apply ? 'written to the LMS' : 'dry run'}): ${trace.summary} [${trace.outcome}]`);
    for (const step of trace.steps) lines.push(...checkLines(step));
    if (trace.error) lines.push(`    Error: ${trace.error.message} [${trace.error.code}]`);
  }
  return `${lines.join('\n')}\n`;
}
