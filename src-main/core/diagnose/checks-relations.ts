/**
 * "Manager and approvers in the LMS": whether the people the manager and approvers fields name
 * have LMS accounts, and what the next sync writes. Approvers are the manager, or the people an
 * Entra attribute lists by address (plan-relations.ts), each looked up as plan() looks them up.
 */
import { fieldLabel } from '../diff';
import { vendorField } from '../mapping';
import { ScimPath, type SourceUser, type TargetUser } from '../model';
import { lmsEmail } from '../plan-person';
import { approverAddresses, relationFields, sourceByAddress, type ApproverLookup } from '../plan-relations';
import { sourceAttribute } from '../scope';
import { UPDATE_OFF, UPDATE_OFF_FIX } from './checks-attributes';
import type { DiagnoseContext, Lookup } from './context';
import type { DiagnoseInputs } from './types';
import { account, ev, personName, shown } from './format';
import type { Check, Evidence } from './types';

/**
 * How Diagnose finds an approver's account: the Entra user with the address, then the account this
 * integration links them to. Builds its address index on first use (only with approvers by attribute).
 */
export function approverLookup(inputs: DiagnoseInputs, targetById: Lookup<TargetUser>): (address: string) => ApproverLookup {
  let byAddress: Map<string, { user: SourceUser } | null> | null = null;
  return (address) => {
    byAddress ??= sourceByAddress(inputs.source.users.map((user) => ({ user })));
    const e = byAddress.get(address);
    if (e === undefined) return { missing: 'not_in_entra' };
    if (e === null) return { missing: 'two_in_entra' };
    const link = inputs.links.find((l) => l.integrationId === inputs.integration.id && l.sourceId === e.user.id);
    const t = link ? targetById.get(link.targetId) : undefined;
    return t ? { account: { userName: t.userName, email: lmsEmail(t) } } : { missing: 'not_in_lms', who: e.user };
  };
}

/** What Diagnose found for the approvers attribute: a line per address, and what stops each one being written. */
function approverFindings(ctx: DiagnoseContext, subject: SourceUser, attribute: string): { evidence: Evidence[]; problems: string[] } {
  const value = sourceAttribute(subject, attribute);
  const evidence = [ev(`Approvers attribute (${attribute})`, value === null ? '(empty)' : Array.isArray(value) ? value.join('; ') : value)];
  const problems: string[] = [];
  if (relationFields(ctx.config.mapping, ctx.inputs.target.capabilities).approversField === null) {
    evidence.push(ev('Approvers in this LMS', 'none: its schema has no approvers attribute, so they are not written'));
    return { evidence, problems };
  }
  const find = approverLookup(ctx.inputs, ctx.targetById);
  for (const address of approverAddresses(value)) {
    const found = find(address);
    let what: string;
    if ('account' in found) what = `LMS account ${found.account.userName}`;
    else if (found.missing === 'not_in_lms') {
      // Someone this sync creates is written as approver once their account exists (the relations pass).
      const created = ctx.inputs.plan.ops.some((op) => op.sourceId === found.who.id && op.kind === 'create');
      what = created ? `${personName(found.who)}: gets an LMS account ${ctx.nextSync}` : `${personName(found.who)}: no LMS account from this integration`;
      if (!created) problems.push(`The approver ${personName(found.who)} (${address}) has no LMS account, so they are left out of the approvers.`);
    } else {
      what = found.missing === 'two_in_entra' ? 'two people in Entra have this address' : 'nobody in Entra has this address';
      problems.push(`${attribute} lists ${address}, but ${found.missing === 'two_in_entra' ? 'two people in Entra have' : 'nobody in Entra has'} that address, so it is left out of the approvers.`);
    }
    evidence.push(ev(`Approver ${address}`, what));
  }
  return { evidence, problems };
}

export function managerCheck(ctx: DiagnoseContext, subject: SourceUser): Check {
  const title = 'Manager and approvers in the LMS';
  const { mapping } = ctx.config;
  const attribute = mapping.approversAttribute;
  if (!mapping.manager && !mapping.approversFromManager && attribute === null) return { id: 'manager', status: 'info', title, detail: 'Manager and approvers are not synced (turned off).', fix: null, evidence: [] };
  if (attribute === null) {
    // Approvers are the manager: the manager's finding says it all.
    if (subject.managerId === null) return { id: 'manager', status: 'info', title, detail: 'No manager is set in Entra.', fix: null, evidence: [] };
    return managerFinding(ctx, subject, title);
  }
  const approvers = approverFindings(ctx, subject, attribute);
  const withApprovers = (c: Check): Check => {
    const evidence = [...c.evidence, ...approvers.evidence];
    if (approvers.problems.length === 0 || c.status === 'fail') return { ...c, evidence };
    // The manager's own finding first, when it has one; then what is wrong with the approvers.
    const managerToo = c.status === 'warn';
    const fix = `Bring each approver into scope so they get an LMS account, or correct the addresses in ${attribute} in Entra; the approvers are written at the sync after.`;
    return { ...c, status: 'warn', detail: `${managerToo ? `${c.detail} ` : ''}${approvers.problems.join(' ')}`, fix: managerToo && c.fix ? `${c.fix} ${fix}` : fix, evidence };
  };
  if (subject.managerId !== null && mapping.manager) return withApprovers(managerFinding(ctx, subject, title));
  const kept = ctx.keptByUpdateOff.filter((c) => c.field === ScimPath.manager || c.field === vendorField(ctx.inputs.target.capabilities, 'approvers'));
  if (kept.length > 0) return keptCheck(kept, title, approvers.evidence);
  const pendingChange = ctx.relationsOp ? ctx.relationsOp.changes.map((x) => `${fieldLabel(x.field)} ${shown(x.from)} → ${shown(x.to)}`).join('; ') : null;
  const noApprovers = relationFields(mapping, ctx.inputs.target.capabilities).approversField === null;
  const base: Check = pendingChange
    ? { id: 'manager', status: 'info', title, detail: `Written ${ctx.nextSync}, after every user exists: ${pendingChange}.`, fix: null, evidence: [] }
    : noApprovers
      ? { id: 'manager', status: 'info', title, detail: `This LMS has no approvers, so ${attribute} is not written.`, fix: null, evidence: [] }
      : { id: 'manager', status: 'pass', title, detail: subject.managerId === null && mapping.manager ? 'No manager is set in Entra; the approvers are in the LMS as listed.' : 'The approvers are in the LMS as listed.', fix: null, evidence: [] };
  return withApprovers(base);
}

function keptCheck(kept: ReturnType<DiagnoseContext['keptByUpdateOff']['filter']>, title: string, evidence: Evidence[]): Check {
  const what = kept.map((c) => `${fieldLabel(c.field)} ${shown(c.from)} instead of ${shown(c.to)}`).join('; ');
  return { id: 'manager', status: 'fail', title, detail: `${UPDATE_OFF}, so the LMS keeps ${what}.`, fix: UPDATE_OFF_FIX, evidence: [...evidence, ev('Update user attributes', 'off')] };
}

/** The manager: whether they have an LMS account, and what the next sync writes. */
function managerFinding(ctx: DiagnoseContext, subject: SourceUser, title: string): Check {
  const { mapping } = ctx.config;
  const managerId = subject.managerId ?? '';
  const manager = ctx.sourceById.get(managerId) ?? null;
  const managerName = manager ? personName(manager) : managerId;
  const link = ctx.inputs.links.find((l) => l.integrationId === ctx.inputs.integration.id && l.sourceId === managerId);
  const managerAccount = link ? (ctx.targetById.get(link.targetId) ?? null) : null;
  const evidence: Evidence[] = [ev('Manager in Entra', manager ? `${managerName} (${manager.id})` : `${managerId} (not in the Entra read)`)];
  evidence.push(ev('Manager in the LMS', managerAccount ? account(managerAccount) : 'no linked account'));
  if (mapping.approversAttribute === null) evidence.push(ev('Approvers from manager', mapping.approversFromManager ? 'on' : 'off'));
  // In scope, but not created because "Create users" is off: bringing them into scope is no fix.
  const notCreated = ctx.inputs.plan.ops.some((op) => op.sourceId === managerId && op.kind === 'skip' && op.reason === 'create_users_off');
  const giveAccount = notCreated
    ? `Create an LMS account for ${managerName} by hand ("Create users" is off; the next sync links it by e-mail), or turn on "Create users"`
    : `Bring ${managerName} into scope so they get an LMS account`;
  const warning = ctx.usersOp?.warnings?.find((w) => w.code === 'manager_not_in_lms');
  if (warning) {
    return { id: 'manager', status: 'warn', title, detail: `${warning.message} (manager: ${managerName}).`, fix: `${giveAccount} (or correct the manager in Entra); the manager and approvers are written at the sync after.`, evidence };
  }
  const approvers = vendorField(ctx.inputs.target.capabilities, 'approvers');
  const kept = ctx.keptByUpdateOff.filter((c) => c.field === ScimPath.manager || c.field === approvers);
  if (kept.length > 0) return keptCheck(kept, title, evidence);
  if (ctx.relationsOp) {
    const c = ctx.relationsOp.changes.map((x) => `${fieldLabel(x.field)} ${shown(x.from)} → ${shown(x.to)}`).join('; ');
    return { id: 'manager', status: 'info', title, detail: `Written ${ctx.nextSync}, after every user exists: ${c}.`, fix: null, evidence };
  }
  if (!managerAccount) {
    if (ctx.inputs.plan.ops.some((op) => op.sourceId === managerId && op.kind === 'create')) {
      return { id: 'manager', status: 'info', title, detail: `${managerName} gets an LMS account ${ctx.nextSync}; the manager is set once both accounts exist.`, fix: null, evidence };
    }
    return { id: 'manager', status: 'warn', title, detail: `${managerName} has no LMS account from this integration, so the manager is left as it is.`, fix: `${giveAccount}.`, evidence };
  }
  return { id: 'manager', status: 'pass', title, detail: `The manager ${managerName} is in the LMS.`, fix: null, evidence };
}
