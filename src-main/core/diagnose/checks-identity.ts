/**
 * Which LMS account is this person's? Link, candidates, duplicates on either side, a recreated
 * Entra account, a changed e-mail, another integration's claim. The verdict on each comes from
 * the plan's op (matchUsers decided it); the lookups here only gather the evidence.
 */
import { GUID_PATTERN } from '../config';
import { administratorTypes } from '../lms-names';
import { vendorField } from '../mapping';
import { externalIdKey } from '../matching';
import { normaliseEmail } from '../normalise';
import type { PlanOp, SourceUser, TargetUser } from '../model';
import type { DiagnoseContext } from './context';
import { sameAddress } from './find';
import { account, ev, personName, when } from './format';
import type { Check, Evidence, TargetCandidate } from './types';

function conflictOf(ctx: DiagnoseContext, ...reasons: string[]): PlanOp | null {
  const op = ctx.usersOp;
  return op?.kind === 'conflict' && reasons.includes(op.reason) ? op : null;
}

function lmsAccount(ctx: DiagnoseContext, id: string): string {
  const t = ctx.targetById.get(id);
  return t ? account(t) : `LMS account ${id}`;
}

/**
 * "Not theirs" on the conflict, as the dry run names it: with "Create users" off it creates
 * nothing (the person is listed as not created until it is turned on).
 */
function notTheirs(ctx: DiagnoseContext): string {
  return ctx.inputs.integration.config.mapping.createUsers
    ? 'choose "Not theirs: create a new account" on this person\'s conflict in the dry run'
    : 'choose "Not theirs" on this person\'s conflict in the dry run (no LMS account is created for them while "Create users" is off: turn it on in the integration\'s settings, What the integration may change)';
}

/** The concrete way out of each conflict plan() reports. */
export function conflictFix(ctx: DiagnoseContext, op: PlanOp): string {
  const targets = op.candidates?.targetIds ?? (op.targetId ? [op.targetId] : []);
  const first = targets[0] ?? '?';
  const name = ctx.subject ? personName(ctx.subject) : (op.displayName ?? op.email ?? 'this person');
  const others = (op.candidates?.sourceIds ?? []).filter((id) => id !== op.sourceId).map((id) => ctx.sourceById.get(id)?.userPrincipalName ?? id);
  switch (op.reason) {
    case 'duplicate_lms_accounts':
      // Which one holds the learning history only the LMS can say: name them all, pick none.
      return `Check ${targets.length === 2 ? 'both' : `all ${targets.length}`} in the LMS (LMS accounts ${targets.join(' and ')}) and keep the one with the learning history: relink it to this Entra user, then deactivate the other${targets.length === 2 ? '' : 's'} in the LMS (delete only an account with no learning data).`;
    case 'duplicate_entra_accounts':
      return `Decide which Entra account is ${name}'s learner account: give the other one (${others.join(', ') || 'the duplicate'}) its own e-mail in Entra, or add it to the skip list or an exclude rule. Then relink LMS account ${first} to the right Entra user if needed.`;
    case 'recreated_in_entra':
      return `Relink LMS account ${first} to this Entra user (new object id ${op.sourceId ?? ''}) to keep the learning history; the old object id ${others.join(', ')} no longer exists in Entra.`;
    case 'alias_match':
      return `If ${lmsAccount(ctx, first)} is ${name}'s old account, relink LMS account ${first} to this Entra user (the next sync updates its e-mail). If it is someone else's (a reused or shared address), ${notTheirs(ctx)}, or remove that address from ${name}'s other e-mail addresses in Entra.`;
    case 'email_taken':
    case 'external_id_taken':
    case 'external_id_mismatch':
      return `If LMS account ${first} is ${name}'s, relink LMS account ${first} to this Entra user; otherwise correct the e-mail in Entra (two people cannot share one LMS account).`;
    case 'claimed_by_other_integration':
      return `Decide which integration owns LMS account ${first}: take ${name} out of the other integration's scope, or add them to this integration's skip list.`;
    case 'email_taken_by_skip_listed_account':
      return 'The LMS account with this e-mail is on the skip list: remove it from the skip list to let the integration link it, or leave both alone.';
    default:
      return `Relink LMS account ${first} to this Entra user, or ignore the conflict.`;
  }
}

/** An account the query finds, and whom it is linked to, by name as the admin knows them. */
function candidateLine(ctx: DiagnoseContext, c: TargetCandidate): Evidence {
  const by = c.linkedBy;
  const owner = !by ? '' : by.sourceId === ctx.subject?.id ? 'this person' : ((u) => (u ? `${personName(u)} (${by.sourceId})` : by.integrationId === ctx.inputs.integration.id ? `${by.sourceId} (no longer in Entra)` : `Entra user ${by.sourceId}`))(ctx.sourceById.get(by.sourceId));
  const integration = by?.integrationId === ctx.inputs.integration.id ? 'this integration' : `another integration (${by?.integrationId ?? ''})`;
  const link = by ? `, linked to ${owner} by ${integration}` : ', not linked';
  return ev('LMS account', `${account(c)}${link}; found by ${c.matchedBy.join(', ')}`);
}

export function lmsAccountCheck(ctx: DiagnoseContext): Check {
  const title = 'Linked LMS account';
  const { link, linkedTarget, usersOp: op, subject } = ctx;
  const evidence: Evidence[] = [];
  for (const l of ctx.links) evidence.push(ev('Link', `Entra ${l.sourceId} → LMS ${l.targetId} (${l.origin} ${when(l.linkedAt)}, e-mail then: ${l.emailAtLink ?? '(not recorded)'})`));
  evidence.push(...ctx.person.targets.map((c) => candidateLine(ctx, c)));
  if (op?.kind === 'conflict') {
    return { id: 'lms-account', status: 'fail', title, detail: `Not settled: ${op.detail}`, fix: conflictFix(ctx, op), evidence };
  }
  if (!subject) {
    const ours = ctx.person.targets.filter((t) => t.linkedBy?.integrationId === ctx.inputs.integration.id);
    return {
      id: 'lms-account',
      status: ours.length > 0 ? 'warn' : 'info',
      title,
      detail: ours.length > 0 ? `The LMS account is linked to an Entra user that no longer exists (${ours.map((t) => t.linkedBy?.sourceId).join(', ')}).` : 'No LMS account is linked to this query by this integration.',
      fix: null,
      evidence,
    };
  }
  if (link && !linkedTarget) {
    return { id: 'lms-account', status: 'warn', title, detail: `The linked LMS account ${link.targetId} no longer exists in the LMS (deleted there)${op?.kind === 'create' ? `; a new account is created ${ctx.nextSync}` : ''}.`, fix: null, evidence };
  }
  if (linkedTarget) {
    if (linkedTarget.active) return { id: 'lms-account', status: 'pass', title, detail: `Linked to ${account(linkedTarget)}.`, fix: null, evidence };
    const back = op?.kind === 'reactivate' ? ` It is reactivated ${ctx.nextSync}.` : '';
    return { id: 'lms-account', status: op?.kind === 'reactivate' ? 'info' : 'warn', title, detail: `Linked to ${account(linkedTarget)}, which is inactive in the LMS.${back}`, fix: null, evidence };
  }
  if (op && op.reason === 'link_existing' && op.targetId) {
    return { id: 'lms-account', status: 'info', title, detail: `Not linked yet: ${op.detail} This happens ${ctx.nextSync}.`, fix: null, evidence };
  }
  if (op?.kind === 'create') return { id: 'lms-account', status: 'info', title, detail: `No LMS account yet: one is created ${ctx.nextSync}.`, fix: null, evidence };
  const manual = ctx.person.targets.filter((t) => !t.linkedBy);
  return {
    id: 'lms-account',
    status: 'info',
    title,
    detail: manual.length > 0 ? `Not linked: the LMS has ${manual.length === 1 ? 'an account' : 'accounts'} for this person that this integration does not manage.` : 'No LMS account is linked, and none is created (see the checks above).',
    fix: manual.length === 1 && manual[0] && mayBeLinked(ctx, manual[0]) ? linkUnmanagedFix(ctx, manual[0].id) : null,
    evidence,
  };
}

/**
 * Whether linking could take this account (the dry run's judge, core/adopt.ts, has the last word):
 * active, no administrator's permission type, found by the person's object id or their own
 * address (not an alias), carrying no other object id, and the person not on the skip list.
 */
function mayBeLinked(ctx: DiagnoseContext, c: TargetCandidate): boolean {
  const t = ctx.targetById.get(c.id);
  if (!t?.active || ctx.scope?.verdict === 'skip_listed' || !ctx.subject) return false;
  const field = vendorField(ctx.inputs.target.capabilities, 'permissionTypes');
  if (field !== null && administratorTypes(t.attributes[field]).length > 0) return false;
  const ext = externalIdKey(t);
  if (ext !== null && ext !== ctx.subject.id.toLowerCase()) return false;
  return c.matchedBy.includes('externalId') || c.matchedBy.includes('e-mail');
}

/**
 * One account of someone the integration does not sync (outside the scope, disabled): Rollcall
 * leaves it alone until it is linked (core/adopt.ts), which is how "Deactivate users" reaches it.
 */
function linkUnmanagedFix(ctx: DiagnoseContext, targetId: string): string {
  const id = ctx.inputs.integration.id;
  const then = ctx.config.deactivation.deactivateUsers ? 'so that the integration deactivates it while they are not synced' : 'so that the integration manages it (with "Deactivate users" on, it deactivates it while they are not synced)';
  return `If LMS account ${targetId} is theirs, link it to them ${then}: "Link … to their Entra users" under the dry run's count of unmanaged accounts, or \`rollcall unmanaged --integration ${id} --link\` (either takes it when the dry run found it theirs for sure; the list's whyNotLinkable says why not). If it should not be there at all, remove it by hand in the LMS.`;
}

/** Accounts that answer to the person's own identifiers (not only an alias). */
function ownAccounts(ctx: DiagnoseContext): TargetCandidate[] {
  return ctx.person.targets.filter((t) => t.matchedBy.some((m) => m === 'linked' || m === 'externalId' || m === 'e-mail'));
}

export function lmsDuplicatesCheck(ctx: DiagnoseContext): Check {
  const title = 'Duplicate LMS accounts';
  const op = conflictOf(ctx, 'duplicate_lms_accounts');
  if (op) {
    const ids = op.candidates?.targetIds ?? [];
    const linkedTwice = ids.filter((id) => ctx.links.some((l) => l.targetId === id && l.sourceId === op.sourceId)).length > 1;
    return {
      id: 'lms-duplicates',
      status: 'fail',
      title,
      detail: `${ids.length} LMS accounts ${linkedTwice ? 'are linked to this person in the link table (a damaged table: a restored backup or a hand edit)' : 'answer to this person'}: ${ids.map((id) => lmsAccount(ctx, id)).join(' and ')}. Rollcall never guesses which one is the person.`,
      fix: conflictFix(ctx, op),
      evidence: ids.map((id) => ev('LMS account', lmsAccount(ctx, id))),
    };
  }
  if (!ctx.subject) {
    // Nobody in Entra: what the LMS has under the query, said of the query, not of a person.
    const found = ctx.person.targets;
    const q = `"${ctx.query}"`;
    if (found.length <= 1) return { id: 'lms-duplicates', status: 'pass', title, detail: found.length === 1 ? `One LMS account answers to ${q}.` : `No LMS account answers to ${q}.`, fix: null, evidence: [] };
    return {
      id: 'lms-duplicates',
      status: 'warn',
      title,
      detail: `${found.length} LMS accounts answer to ${q}, and nobody in Entra does.`,
      fix: 'Check them for learning data; deactivate (or delete, if empty) the ones that should not be there.',
      evidence: found.map((c) => candidateLine(ctx, c)),
    };
  }
  const own = ownAccounts(ctx);
  const aliasOnly = ctx.person.targets.filter((t) => !own.includes(t) && t.matchedBy.includes('alias'));
  const extra = [...own, ...aliasOnly];
  if (extra.length > 1) {
    const keep = ctx.linkedTarget?.id ?? own[0]?.id ?? '?';
    return {
      id: 'lms-duplicates',
      status: 'warn',
      title,
      detail: `${extra.length} LMS accounts may belong to this person (an old account under another address, or one created by hand); the integration uses ${keep}.`,
      fix: `Check the others for learning data; deactivate (or delete, if empty) the ones that are not LMS account ${keep}.`,
      evidence: extra.map((c) => candidateLine(ctx, c)),
    };
  }
  // Article 000: "Check whether the person already exists … under another email address, username".
  const sameName = ctx.person.sameName;
  if (sameName.length > 0 && ctx.subject) {
    const who = personName(ctx.subject);
    const address = normaliseEmail(ctx.subject.mail) ?? normaliseEmail(ctx.subject.userPrincipalName) ?? ctx.subject.userPrincipalName;
    const these = sameName.length === 1 ? 'an account' : `${sameName.length} accounts`;
    const creating = ctx.usersOp?.kind === 'create';
    return {
      id: 'lms-duplicates',
      status: 'warn',
      title,
      detail: `The LMS has ${these} named ${who} under another address that no integration links: ${sameName.map((c) => lmsAccount(ctx, c.id)).join(' and ')}. It may be ${who}'s, made by hand or under an old address${creating ? `; Rollcall matches by id and e-mail, not by name, so ${ctx.nextSync} it creates a second account` : ''}.`,
      fix:
        extra.length > 0
          ? `If it is an old account of ${who}'s, check it for learning history, then deactivate it in the LMS (or delete it, if empty); Rollcall keeps using LMS account ${ctx.linkedTarget?.id ?? extra[0]?.id ?? '?'}. If it is someone else with the same name, nothing to do.`
          : `If it is ${who}'s and has learning history, set its e-mail in the LMS to ${address}${creating ? ' before the next sync' : ''}: Rollcall then links it${creating ? ' instead of creating one' : ''}. If it is someone else with the same name, nothing to do.`,
      evidence: sameName.map((c) => candidateLine(ctx, c)),
    };
  }
  return { id: 'lms-duplicates', status: 'pass', title, detail: extra.length === 1 ? 'One LMS account answers to this person.' : 'No LMS account answers to this person yet.', fix: null, evidence: [] };
}

export function entraDuplicatesCheck(ctx: DiagnoseContext, subject: SourceUser): Check {
  const title = 'Duplicate Entra accounts';
  const keys = [...new Set([normaliseEmail(subject.mail), normaliseEmail(subject.userPrincipalName)].filter((k): k is string => k !== null))];
  const twins = ctx.inputs.source.users.filter((u) => u.id !== subject.id && keys.some((k) => sameAddress(u.mail, k) || sameAddress(u.userPrincipalName, k)));
  const evidence = twins.map((u) => ev('Also in Entra', `${personName(u)} (${u.id}, UPN ${u.userPrincipalName}, e-mail ${u.mail ?? '(none)'}, ${u.accountEnabled ? 'enabled' : 'disabled'})`));
  const op = conflictOf(ctx, 'duplicate_entra_accounts');
  if (op) {
    return { id: 'entra-duplicates', status: 'fail', title, detail: op.detail, fix: conflictFix(ctx, op), evidence: evidence.length > 0 ? evidence : (op.candidates?.sourceIds ?? []).map((id) => ev('Entra user', id)) };
  }
  if (twins.length > 0) {
    return { id: 'entra-duplicates', status: 'warn', title, detail: `${twins.length + 1} Entra accounts share this person's e-mail or UPN.`, fix: 'Give each Entra account its own e-mail, or keep the extra one out of scope (exclude rule or skip list).', evidence };
  }
  // The same employee id on another account (article 000: "more than one account for the same
  // person in the source system"): each would get its own LMS account and learning history.
  const employeeId = subject.employeeId?.trim() ?? '';
  const sameEmployee = employeeId === '' ? [] : ctx.inputs.source.users.filter((u) => u.id !== subject.id && u.employeeId?.trim() === employeeId);
  if (sameEmployee.length > 0) {
    return {
      id: 'entra-duplicates',
      status: 'warn',
      title,
      detail: `${sameEmployee.length + 1} Entra accounts carry the employee id ${employeeId}: if they are one person, each gets its own LMS account and learning history.`,
      fix: `Decide which account is ${personName(subject)}'s learner account, and keep the other out of scope (exclude rule or skip list); if they are two people, correct the employee id in Entra (or in the HR system that feeds it).`,
      evidence: sameEmployee.map((u) => ev('Same employee id', `${personName(u)} (${u.id}, UPN ${u.userPrincipalName}, e-mail ${u.mail ?? '(none)'}, ${u.accountEnabled ? 'enabled' : 'disabled'})`)),
    };
  }
  return { id: 'entra-duplicates', status: 'pass', title, detail: `No other Entra account has this e-mail or UPN${employeeId ? ` or employee id` : ''}.`, fix: null, evidence: [] };
}

export function recreatedCheck(ctx: DiagnoseContext, subject: SourceUser): Check {
  const title = 'Recreated in Entra';
  const op = conflictOf(ctx, 'recreated_in_entra');
  const created = ev('Created in Entra', when(subject.createdDateTime));
  if (op) {
    const old = (op.candidates?.sourceIds ?? []).filter((id) => id !== subject.id);
    return {
      id: 'recreated',
      status: 'fail',
      title,
      detail: `${personName(subject)} was probably deleted and created again in Entra: the LMS account with this e-mail belongs to the old object id ${old.join(', ')}, which no longer exists.`,
      fix: conflictFix(ctx, op),
      evidence: [created, ...(op.candidates?.targetIds ?? []).map((id) => ev('LMS account', lmsAccount(ctx, id))), ...old.map((id) => ev('Old object id', id))],
    };
  }
  // An account carrying an Entra id that is gone, with this person's address: worth a look.
  // An externalId that is not a GUID was written by something else (an HR id), not by Entra.
  const ghosts = ownAccounts(ctx).filter((t) => {
    const owner = t.linkedBy?.sourceId ?? (t.externalId !== null && GUID_PATTERN.test(t.externalId) ? t.externalId : null);
    return owner !== null && owner.toLowerCase() !== subject.id.toLowerCase() && !ctx.sourceById.has(owner);
  });
  if (ghosts.length > 0) {
    // With the plan holding the account back (externalId mismatch), this is what blocks the person.
    const blocking = conflictOf(ctx, 'external_id_mismatch') !== null;
    return {
      id: 'recreated',
      status: blocking ? 'fail' : 'warn',
      title,
      detail: 'An LMS account with this e-mail belongs to an Entra object id that no longer exists: probably an earlier account of this person, deleted and recreated in Entra.',
      fix: `If it is, relink LMS account ${ghosts[0]?.id ?? ''} to this Entra user to keep the learning history.`,
      evidence: [created, ...ghosts.map((c) => candidateLine(ctx, c))],
    };
  }
  return { id: 'recreated', status: 'pass', title, detail: 'No sign of a deleted-and-recreated account.', fix: null, evidence: [created] };
}

export function emailChangedCheck(ctx: DiagnoseContext, subject: SourceUser): Check {
  const title = 'E-mail and identifiers';
  const now = ctx.mapped?.email ?? normaliseEmail(subject.userPrincipalName);
  const evidence: Evidence[] = [ev('E-mail now', now ?? '(none)')];
  const op = conflictOf(ctx, 'alias_match', 'email_taken', 'external_id_taken', 'external_id_mismatch');
  if (op) {
    return { id: 'email-changed', status: 'fail', title, detail: op.detail, fix: conflictFix(ctx, op), evidence: [...evidence, ...(op.candidates?.targetIds ?? []).map((id) => ev('LMS account', lmsAccount(ctx, id)))] };
  }
  const then = ctx.link?.emailAtLink ?? null;
  if (then !== null) evidence.push(ev('E-mail when linked', then));
  const lms: TargetUser | null = ctx.linkedTarget;
  if (lms) evidence.push(ev('E-mail in the LMS', lms.emails[0] ?? lms.userName));
  if (then !== null && now !== null && normaliseEmail(then) !== now) {
    const pending = ctx.usersOp?.changes.some((c) => c.field.startsWith('emails') || c.field === 'userName') === true;
    return {
      id: 'email-changed',
      status: 'info',
      title,
      detail: `The e-mail changed from ${then} to ${now} since the account was linked. The link is by Entra object id, so the same LMS account follows${pending ? ` (the new address is written ${ctx.nextSync})` : ''}.`,
      fix: null,
      evidence,
    };
  }
  return { id: 'email-changed', status: 'pass', title, detail: 'The identifiers in Entra and the LMS agree.', fix: null, evidence };
}

export function otherIntegrationCheck(ctx: DiagnoseContext): Check {
  const title = 'Claimed by another integration';
  const op = conflictOf(ctx, 'claimed_by_other_integration');
  const claimed = ctx.person.targets.filter((t) => t.linkedBy !== null && t.linkedBy.integrationId !== ctx.inputs.integration.id);
  const evidence = claimed.map((c) => candidateLine(ctx, c));
  if (op) return { id: 'other-integration', status: 'fail', title, detail: op.detail, fix: conflictFix(ctx, op), evidence };
  if (claimed.length > 0) {
    return { id: 'other-integration', status: 'warn', title, detail: `Another integration also manages ${claimed.length === 1 ? 'an LMS account' : 'LMS accounts'} of this person: only Last Day deactivates shared accounts.`, fix: null, evidence };
  }
  return { id: 'other-integration', status: 'pass', title, detail: 'No other integration claims this person.', fix: null, evidence: [] };
}
