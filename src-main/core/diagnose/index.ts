/**
 * diagnose(): "why is this person missing / duplicated / not updated / inactive / in the wrong
 * department?" as an evidence-backed checklist. Pure: the snapshots, the plan computed from
 * them, the link table, run history and audit lines come in; the checklist goes out. What the
 * next sync does is the plan's op, never re-derived, so diagnose cannot disagree with plan.
 */
import { accountEnabledCheck, excludedCheck, includeAndExcludeCheck, includedCheck, inEntraCheck, lastDayCheck, skipListCheck } from './checks-scope';
import { attributesCheck, contentRegionCheck, departmentCheck, jobProfileCheck, permissionsCheck } from './checks-attributes';
import { managerCheck } from './checks-relations';
import { groupsCheck } from './checks-groups';
import { emailChangedCheck, entraDuplicatesCheck, lmsAccountCheck, lmsDuplicatesCheck, otherIntegrationCheck, recreatedCheck } from './checks-identity';
import { credentialsCheck, dataCheck, enabledCheck } from './checks-integration';
import { lastRunCheck, nextActionCheck, nextRunCheck } from './checks-runs';
import { buildContext } from './context';
import { normaliseEmail } from '../normalise';
import type { Check, Checklist, DiagnoseInputs } from './types';
import { verdictFor } from './verdict';

export type * from './types';
export { ambiguousByName, findPerson, type PersonMatch } from './find';
export { supportReport, type SupportReportInput } from './report';
export type { Verdict } from './verdict';

export function diagnose(query: string, inputs: DiagnoseInputs): Checklist {
  const ctx = buildContext(query, inputs);
  const { subject } = ctx;
  const checks: Check[] = [credentialsCheck(ctx), enabledCheck(ctx), inEntraCheck(ctx)];
  if (subject) {
    checks.push(
      accountEnabledCheck(ctx, subject),
      lastDayCheck(ctx, subject),
      skipListCheck(ctx),
      includedCheck(ctx, subject),
      excludedCheck(ctx, subject),
      includeAndExcludeCheck(ctx, subject),
      lmsAccountCheck(ctx),
      lmsDuplicatesCheck(ctx),
      entraDuplicatesCheck(ctx, subject),
      recreatedCheck(ctx, subject),
      emailChangedCheck(ctx, subject),
      otherIntegrationCheck(ctx),
      attributesCheck(ctx),
      departmentCheck(ctx, subject),
      jobProfileCheck(ctx, subject),
      permissionsCheck(ctx, subject),
      managerCheck(ctx, subject),
      ...[contentRegionCheck(ctx, subject), groupsCheck(ctx, subject)].filter((c): c is Check => c !== null),
    );
  } else if (ctx.person.targets.length > 0) {
    checks.push(lmsAccountCheck(ctx), lmsDuplicatesCheck(ctx), otherIntegrationCheck(ctx));
  }
  checks.push(lastRunCheck(ctx), nextRunCheck(ctx), nextActionCheck(ctx), dataCheck(ctx));
  const verdict = verdictFor(ctx);
  return {
    verdict: verdict.text,
    verdictKind: verdict.kind,
    user: {
      query,
      sourceId: subject?.id ?? null,
      displayName: subject?.displayName ?? null,
      email: subject ? (ctx.mapped?.email ?? normaliseEmail(subject.userPrincipalName)) : null,
      userPrincipalName: subject?.userPrincipalName ?? null,
      targetIds: ctx.person.targets.map((t) => t.id),
    },
    checks,
    candidates: { source: ctx.person.sources, target: ctx.person.targets },
    ops: ctx.ops,
    integrationId: inputs.integration.id,
    dataAsOf: { source: inputs.source.readAt, target: inputs.target.readAt, plan: inputs.plan.createdAt },
  };
}
