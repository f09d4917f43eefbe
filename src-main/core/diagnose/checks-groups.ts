/**
 * "Groups in the LMS" (reference 002, pushed groups): for each Entra group the integration pushes,
 * whether the person is in it (and through which nested group), whether their account is in its
 * LMS group, and what the last dry run plans for them there. Read off that plan (core/push-groups.ts
 * made it), so Diagnose and the apply cannot disagree.
 */
import type { GroupPush, SourceUser } from '../model';
import { lmsGroupKey } from '../config';
import type { DiagnoseContext } from './context';
import { ev } from './format';
import { pathThrough } from './checks-scope';
import type { Check, Evidence } from './types';

const TITLE = 'Groups in the LMS';

/** Null when the integration pushes no groups (the checklist leaves the line out). */
export function groupsCheck(ctx: DiagnoseContext, subject: SourceUser): Check | null {
  const pushes = ctx.config.mapping.pushGroups;
  if (pushes.length === 0) return null;
  const { plan, target } = ctx.inputs;
  const account = ctx.linkedTarget?.id ?? ctx.usersOp?.targetId ?? null;
  const evidence: Evidence[] = [];
  const problems: string[] = [];
  const pending: string[] = [];
  let fix: string | null = null;
  for (const push of pushes) {
    const planned: GroupPush | undefined = plan.groups?.find((g) => g.groupId === push.groupId && lmsGroupKey(g.lmsGroup) === lmsGroupKey(push.lmsGroup));
    const name = planned?.groupName ?? ctx.groups.byId.get(push.groupId)?.displayName ?? (push.groupName || push.groupId);
    const label = `${name} → LMS group "${push.lmsGroup.trim()}"`;
    const through = pathThrough(ctx, subject, push.groupId);
    const inEntra = through !== null ? `in the Entra group (${through})` : 'not in the Entra group';
    if (!planned) {
      evidence.push(ev(label, `${inEntra}; not worked out by the last plan (made before the group was pushed, or for one person only)`));
      pending.push(`"${push.lmsGroup.trim()}" is worked out at the next dry run`);
      fix ??= 'Run a dry run to see what it does to this group.';
      continue;
    }
    if (planned.action === 'blocked') {
      evidence.push(ev(label, `${inEntra}; left alone: ${planned.problem ?? ''}`));
      problems.push(planned.problem ?? `The LMS group "${planned.lmsGroup}" is left alone.`);
      continue;
    }
    const lmsGroup = planned.lmsGroupId !== null ? target.groups?.find((g) => g.id === planned.lmsGroupId) : undefined;
    const inLms = account !== null && (lmsGroup?.memberIds?.includes(account) ?? false);
    const added = planned.add.some((m) => m.sourceId === subject.id);
    const removed = planned.remove.some((m) => m.sourceId === subject.id || (account !== null && m.targetId === account));
    let what: string;
    if (added) {
      what = `${inEntra}; added to the LMS group ${ctx.nextSync}`;
      pending.push(`added to "${planned.lmsGroup}"`);
    } else if (removed) {
      what = `${inEntra}${through !== null ? ', but no longer synced' : ''}; taken out of the LMS group ${ctx.nextSync}`;
      pending.push(`taken out of "${planned.lmsGroup}"`);
    } else if (through !== null && !inLms) {
      // In the group, not added: they have no account from this integration (the account check says why).
      what = `${inEntra}; not added, because they have no LMS account from this integration`;
      problems.push(`${name} is pushed to "${planned.lmsGroup}", but this person has no LMS account from this integration, so they are not added.`);
      fix ??= 'See the checks above for why there is no account; they are added once it exists.';
    } else if (inLms && through === null) {
      // Not taken out: an account in a conflict is never touched, nor is one this integration does not link.
      what = `${inEntra}; in the LMS group, and left there: ${ctx.usersOp?.kind === 'conflict' ? 'the account is in a conflict, which is settled first' : 'this integration does not link the account'}`;
    } else what = `${inEntra}; ${inLms ? 'in the LMS group' : 'not in the LMS group'}, as it should be`;
    evidence.push(ev(label, what));
  }
  if (problems.length > 0) return { id: 'groups', status: 'fail', title: TITLE, detail: problems.join(' '), fix: fix ?? 'Follow the reason given for each group.', evidence };
  if (pending.length > 0) return { id: 'groups', status: 'warn', title: TITLE, detail: `The next sync: ${pending.join('; ')} (${ctx.nextSync}).`, fix, evidence };
  return { id: 'groups', status: 'pass', title: TITLE, detail: 'Every pushed group in the LMS agrees with Entra for this person.', fix: null, evidence };
}
