/**
 * The one line on top of the checklist. The order follows what decides the person's fate: not
 * found, skip list, a conflict, scope, disabled, Last Day, then what the next sync does (the
 * plan's op), so the verdict always names the reason that actually applies.
 */
import { GUID_PATTERN } from '../config';
import { fieldLabel } from '../diff';
import { lastDayReached } from '../plan';
import { describeRule } from '../scope';
import type { DiagnoseContext } from './context';
import { ambiguousByName } from './find';
import { personName, when } from './format';
import type { VerdictKind } from './types';

export interface Verdict {
  kind: VerdictKind;
  text: string;
}

function accountShort(ctx: DiagnoseContext, id: string): string {
  const t = ctx.targetById.get(id);
  return t ? `${id} (${t.userName}, ${t.active ? 'active' : 'inactive'})` : id;
}

function both(items: string[]): string {
  return items.length <= 2 ? items.join(' and ') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`;
}

function count(n: number): string {
  return ['No', 'One', 'Two', 'Three', 'Four'][n] ?? String(n);
}

/** Why an owned account whose person is no longer wanted stays active (the skip's reason). */
function whyKeptActive(reason: string): string {
  if (reason === 'shared_with_other_integration') return 'another integration also claims it';
  if (reason === 'administrator_kept') return "it holds an LMS administrator's permission type";
  return '"Deactivate users" is off';
}

/** What happens to the LMS account of someone the integration no longer wants. */
function lmsFate(ctx: DiagnoseContext): string {
  const op = ctx.usersOp;
  if (op?.kind === 'deactivate') return `; the LMS account is deactivated ${ctx.nextSync}`;
  if (op?.kind === 'skip') return `; the LMS account stays active (${whyKeptActive(op.reason)})`;
  if (ctx.linkedTarget) return ctx.linkedTarget.active ? '' : '; the LMS account is inactive';
  const first = ctx.person.targets[0];
  if (!first) return '; no LMS account is created';
  const several = ctx.person.targets.length > 1;
  return `; ${ctx.person.targets.map((t) => `${several ? `LMS account ${accountShort(ctx, t.id)}` : 'the LMS account'} ${managedBy(ctx, t.linkedBy)}`).join('; ')}`;
}

/** Who manages an LMS account that is not the person's: this integration (for someone else), another integration, or nobody (then Rollcall never changes it). */
function managedBy(ctx: DiagnoseContext, linkedBy: { integrationId: string } | null): string {
  if (linkedBy === null) return 'is managed by no integration, so Rollcall leaves it alone';
  return linkedBy.integrationId === ctx.inputs.integration.id ? 'is linked by this integration to someone else' : `is managed by another integration (${linkedBy.integrationId})`;
}

export function verdictFor(ctx: DiagnoseContext): Verdict {
  const { subject, person, usersOp: op, scope } = ctx;
  if (!subject) {
    const first = person.targets[0];
    if (!first) return { kind: 'not_found', text: `Not in Entra: nobody in Entra or the LMS answers to "${ctx.query}"` };
    const accounts = both(person.targets.map((t) => accountShort(ctx, t.id)));
    const deact = ctx.ops.find((o) => o.kind === 'deactivate');
    const skip = ctx.ops.find((o) => o.kind === 'skip');
    if (deact || skip) return { kind: 'not_in_entra', text: `Not in Entra (deleted, or never there): LMS account ${accounts}${deact ? ` is deactivated ${ctx.nextSync}` : ` stays active (${whyKeptActive(skip?.reason ?? '')})`}` };
    // Each account with whoever manages it (this integration's link names the person deleted from Entra).
    const each = person.targets.map((t) => `LMS account ${accountShort(ctx, t.id)}${t.linkedBy?.integrationId === ctx.inputs.integration.id ? '' : ` ${managedBy(ctx, t.linkedBy)}`}`);
    return { kind: 'not_in_entra', text: `Not in Entra (deleted, or never there): ${each.join('; ')}` };
  }
  const name = personName(subject);
  // Several people answer equally well (a first name, a shared name): say so before anything about
  // the one picked, whose answer may not be the one the admin is asking about.
  // (Two accounts sharing one address are a duplicate, whose own verdict below says more.)
  if (ambiguousByName(person)) {
    const how = person.sources.find((s) => s.id === subject.id)?.matchedBy;
    const same = person.sources.filter((s) => s.matchedBy === how).length;
    return { kind: 'ambiguous', text: `${same} people in Entra answer to "${ctx.query}": pick the one you mean from the list (this checklist is about ${name}, ${subject.userPrincipalName})` };
  }
  if (scope?.verdict === 'skip_listed') return { kind: 'skip_listed', text: `On the skip list ("${scope.skipListEntry ?? ''}"): the integration never touches ${name}` };
  if (op?.kind === 'conflict') {
    const targets = op.candidates?.targetIds ?? [];
    const sources = op.candidates?.sourceIds ?? [];
    switch (op.reason) {
      case 'duplicate_lms_accounts':
        return { kind: 'duplicate_lms_accounts', text: `${count(targets.length)} LMS accounts for this person: ${both(targets.map((id) => accountShort(ctx, id)))}` };
      case 'duplicate_entra_accounts': {
        const who = sources.map((id) => ctx.sourceById.get(id)).map((u, i) => (u ? `${personName(u)} (${u.userPrincipalName}, ${u.id})` : (sources[i] ?? '')));
        return { kind: 'duplicate_entra_accounts', text: `${count(sources.length)} Entra accounts for one person (${op.email ?? name}): ${both(who)}` };
      }
      case 'recreated_in_entra': {
        const old = sources.filter((id) => id !== subject.id);
        return { kind: 'recreated_in_entra', text: `Recreated in Entra: LMS account ${accountShort(ctx, targets[0] ?? '')} still belongs to the deleted object id ${old.join(', ')}` };
      }
      case 'alias_match':
        return { kind: 'alias_match', text: `An LMS account exists under another of their addresses: ${both(targets.map((id) => accountShort(ctx, id)))}; relink it if it is theirs, ${ctx.inputs.integration.config.mapping.createUsers ? 'or confirm a new account' : 'or mark it not theirs ("Create users" is off, so no new account is created)'}` };
      case 'external_id_mismatch': {
        // The account carries an object id no current Entra user has: most likely this person's
        // earlier (deleted) account. Still the plan's conflict; diagnose only names the likely story.
        const t = ctx.targetById.get(targets[0] ?? '');
        const ext = t?.externalId ?? null;
        if (ext !== null && GUID_PATTERN.test(ext) && !ctx.sourceById.has(ext)) {
          return { kind: 'recreated_in_entra', text: `Recreated in Entra? LMS account ${accountShort(ctx, targets[0] ?? '')} carries the object id ${ext}, which no longer exists in Entra` };
        }
        return { kind: 'conflict', text: `Conflict: ${op.detail}` };
      }
      case 'email_taken':
        return { kind: 'email_taken', text: `E-mail taken: ${op.detail}` };
      case 'claimed_by_other_integration':
        return { kind: 'claimed_by_other_integration', text: `Claimed by another integration: ${op.detail}` };
      default:
        return { kind: 'conflict', text: `Conflict: ${op.detail}` };
    }
  }
  if (scope?.verdict === 'excluded') return { kind: 'excluded', text: `Excluded by rule ${scope.decidedBy?.description ?? ''}${lmsFate(ctx)}` };
  if (scope?.verdict === 'not_included') {
    const rules = ctx.config.scope.include;
    const which = rules.length === 1 && rules[0] ? `does not match the include rule ${describeRule(rules[0], ctx.groups)}` : `matches none of the ${rules.length} include rules`;
    return { kind: 'not_included', text: `Not in scope: ${which}${lmsFate(ctx)}` };
  }
  if (!subject.accountEnabled) return { kind: 'disabled_in_entra', text: `Disabled in Entra${lmsFate(ctx)}` };
  if (ctx.config.deactivation.useLastDay && lastDayReached(subject, ctx.inputs.now)) {
    return { kind: 'last_day', text: `Last Day passed on ${when(subject.employeeLeaveDateTime)}${lmsFate(ctx)}` };
  }

  const failed = [...(ctx.inputs.audit ?? [])].sort((a, b) => (a.at < b.at ? 1 : -1))[0];
  const retry = failed?.result === 'failed' && op !== null && op.kind === failed.op;
  const blocked = ctx.inputs.plan.guards.some((g) => g.blocking) && ctx.ops.length > 0 ? ' — but the next apply is blocked by a safety guard' : '';
  if (retry) return { kind: 'last_write_failed', text: `The last sync could not ${op.kind} this user (${failed.error?.message ?? 'error'}); it is tried again ${ctx.nextSync}${blocked}` };
  if (!op) {
    if (ctx.relationsOp) return { kind: 'will_update', text: `Will be updated ${ctx.nextSync}: manager${blocked}` };
    if (ctx.linkedTarget?.active && ctx.keptByUpdateOff.length > 0) {
      const fields = [...new Set(ctx.keptByUpdateOff.map((c) => fieldLabel(c.field)))].join(', ');
      return { kind: 'not_updated', text: `Not updated: "Update user attributes" is off, and the LMS account differs from the mapping in ${fields}` };
    }
    if (ctx.linkedTarget?.active) return { kind: 'up_to_date', text: 'Up to date' };
    if (!ctx.inputs.target.complete) return { kind: 'create_held', text: 'Will be created after a complete LMS read (the last LMS read was incomplete)' };
    return { kind: 'up_to_date', text: 'No change planned' };
  }
  switch (op.kind) {
    case 'create':
      return { kind: 'will_create', text: `Will be created ${ctx.nextSync}${blocked}` };
    case 'reactivate':
      return { kind: 'will_reactivate', text: `Will be reactivated ${ctx.nextSync}${blocked}` };
    case 'deactivate':
      return { kind: 'will_deactivate', text: `Will be deactivated ${ctx.nextSync}: ${op.detail}${blocked}` };
    case 'skip':
      return op.reason === 'create_users_off' ? { kind: 'not_created', text: 'Not created: "Create users" is off' } : { kind: 'kept_active', text: op.detail };
    default: {
      if (op.reason === 'link_existing') return { kind: 'will_link', text: `Will be linked to the existing LMS account ${accountShort(ctx, op.targetId ?? '')} ${ctx.nextSync}${blocked}` };
      const fields = [...new Set(op.changes.map((c) => fieldLabel(c.field)))].join(', ');
      return { kind: 'will_update', text: `Will be updated ${ctx.nextSync}: ${fields}${blocked}` };
    }
  }
}
