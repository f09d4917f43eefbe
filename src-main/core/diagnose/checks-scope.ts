/**
 * Is the person in Entra, enabled, before their Last Day, and in scope — by which rule? The
 * answers come from core's evaluateScope(); this file only puts them in words.
 */
import type { ExcludeRule, IncludeRule } from '../config';
import { groupNames } from '../groups';
import type { SourceUser } from '../model';
import { lastDayReached } from '../plan';
import { sourceAttribute, type RuleMatch } from '../scope';
import type { DiagnoseContext } from './context';
import { account, ev, personName, relative, shown, when } from './format';
import type { Check, Evidence } from './types';

export function inEntraCheck(ctx: DiagnoseContext): Check {
  const { subject, person, query } = ctx;
  const title = 'User exists in Entra';
  if (!subject) {
    const accounts = person.targets.map((t) => ev('In the LMS', account(t)));
    return {
      id: 'in-entra',
      status: 'fail',
      title,
      detail:
        accounts.length > 0
          ? `Nobody in the Entra tenant answers to "${query}" (by object id, UPN, e-mail, alias or name), but the LMS has ${accounts.length === 1 ? 'an account' : `${accounts.length} accounts`} for it: the person was deleted in Entra, or never existed there.`
          : `Nobody in Entra or the LMS answers to "${query}" (by object id, UPN, e-mail, alias or name).`,
      fix:
        accounts.length > 0
          ? 'If the person was deleted by mistake, restore them in Entra (Deleted users, within 30 days): the link by object id then picks the LMS account up again. Otherwise nothing to do in Entra.'
          : 'Check the spelling, or search by the object id or UPN. A person created in Entra only now is read at the next sync.',
      evidence: accounts,
    };
  }
  const evidence: Evidence[] = [
    ev('Object id', subject.id),
    ev('UPN', subject.userPrincipalName),
    ev('E-mail', subject.mail ?? '(none)'),
    ev('Display name', shown(subject.displayName)),
    ev('Created in Entra', when(subject.createdDateTime)),
  ];
  const how = person.sources.find((s) => s.id === subject.id)?.matchedBy ?? 'id';
  if (person.ambiguous) {
    const same = person.sources.filter((s) => s.matchedBy === how);
    return {
      id: 'in-entra',
      status: 'warn',
      title,
      detail: `${same.length} Entra users answer to "${query}" (by ${how}); this checklist is about ${personName(subject)} (${subject.id}).`,
      fix: 'Pick the person you mean from the list of everyone this could mean, or search by their e-mail address or object id. If they are one person with two Entra accounts, see "Duplicate Entra accounts" below.',
      evidence: [...evidence, ...same.filter((s) => s.id !== subject.id).map((s) => ev('Also matches', `${s.displayName ?? s.userPrincipalName} (${s.id}, ${s.userPrincipalName}, ${s.accountEnabled ? 'enabled' : 'disabled'})`))],
    };
  }
  const found = how === 'alias' ? ` (found by an alias: "${query}" is one of the other addresses)` : how === 'lms account' ? ` (found through the LMS account "${query}")` : '';
  return { id: 'in-entra', status: 'pass', title, detail: `${personName(subject)} is in Entra${found}.`, fix: null, evidence };
}

export function accountEnabledCheck(ctx: DiagnoseContext, subject: SourceUser): Check {
  const title = 'Account enabled in Entra';
  const evidence = [ev('accountEnabled', String(subject.accountEnabled))];
  if (subject.accountEnabled) return { id: 'account-enabled', status: 'pass', title, detail: 'The account is enabled in Entra.', fix: null, evidence };
  const name = personName(subject);
  const op = ctx.usersOp;
  const lmsActive = ctx.linkedTarget?.active === true;
  let consequence = 'so no LMS account is created for them.';
  if (op?.kind === 'deactivate') consequence = `so the LMS account is deactivated ${ctx.nextSync}.`;
  else if (op?.reason === 'disabled_deactivation_off') consequence = 'but the LMS account stays active because "Deactivate users" is off.';
  else if (op?.reason === 'shared_with_other_integration') consequence = 'but another integration also claims the LMS account, so only Last Day deactivates it.';
  else if (op?.reason === 'administrator_kept') consequence = "but the LMS account holds an LMS administrator's permission type, so Rollcall leaves it active.";
  else if (ctx.linkedTarget && !lmsActive) consequence = 'and the LMS account is already inactive.';
  const fixes = [`If ${name} should have access, enable the account in Entra (Users → ${name} → Edit properties → Account enabled).`];
  if (op?.reason === 'disabled_deactivation_off') fixes.push('If disabled people should lose LMS access, turn on "Deactivate users" (or use Last Day): a disabled account alone does not deprovision.');
  return { id: 'account-enabled', status: 'fail', title, detail: `${name} is disabled in Entra (sign-in blocked), ${consequence}`, fix: fixes.join(' '), evidence };
}

export function lastDayCheck(ctx: DiagnoseContext, subject: SourceUser): Check {
  const title = 'Last Day (employeeLeaveDateTime)';
  const on = ctx.config.deactivation.useLastDay;
  const leave = subject.employeeLeaveDateTime;
  const setting = ev('Use Last Day', on ? 'on' : 'off');
  if (!leave && on && ctx.inputs.source.lastDayUnread) {
    return {
      id: 'last-day',
      status: 'warn',
      title,
      detail: 'Last Day could not be read: the app is not granted User-LifecycleInfo.Read.All, so Rollcall cannot tell whether this person has one, and nobody is deactivated on their Last Day.',
      fix: 'In Entra: App registrations → your app → API permissions → Add a permission → Microsoft Graph → Application permissions → User-LifecycleInfo.Read.All, then "Grant admin consent".',
      evidence: [ev('employeeLeaveDateTime', '(not readable without User-LifecycleInfo.Read.All)'), setting],
    };
  }
  if (!leave) {
    return { id: 'last-day', status: 'info', title, detail: `No Last Day is set in Entra${on ? '' : ' (and this integration does not use Last Day)'}.`, fix: null, evidence: [ev('employeeLeaveDateTime', '(not set, or not readable without User-LifecycleInfo.Read.All)'), setting] };
  }
  const evidence = [ev('employeeLeaveDateTime', `${when(leave)} (${relative(ctx.inputs.now, leave)})`), setting];
  const name = personName(subject);
  if (!lastDayReached(subject, ctx.inputs.now)) {
    return { id: 'last-day', status: 'info', title, detail: on ? `Last Day is ${when(leave)}: ${name} stays active until then and is deactivated at the first sync after it.` : `Last Day is ${when(leave)}, but this integration does not use Last Day.`, fix: null, evidence };
  }
  if (!on) {
    return { id: 'last-day', status: 'warn', title, detail: `${name}'s Last Day (${when(leave)}) has passed, but this integration does not use Last Day, so the date deactivates nothing.`, fix: 'Turn on "Use Last Day" (needs the Graph permission User-LifecycleInfo.Read.All) if leavers should be deactivated on their last day.', evidence };
  }
  const lmsAccount = ctx.linkedTarget ?? null;
  const consequence = ctx.usersOp?.reason === 'last_day_reached' ? `the LMS account is deactivated ${ctx.nextSync}` : lmsAccount && !lmsAccount.active ? 'the LMS account is inactive' : lmsAccount ? 'the LMS account is deactivated' : 'no LMS account is created';
  return {
    id: 'last-day',
    status: 'fail',
    title,
    detail: `${name}'s Last Day (${when(leave)}) has passed, so ${consequence}.`,
    fix: `If ${name} is staying, correct or clear employeeLeaveDateTime in Entra (or in the HR system that feeds it).`,
    evidence,
  };
}

export function skipListCheck(ctx: DiagnoseContext): Check {
  const entry = ctx.scope?.skipListEntry ?? null;
  const title = 'Not on the skip list';
  if (entry === null) return { id: 'skip-list', status: 'pass', title, detail: 'The user is not on the skip list.', fix: null, evidence: [ev('Skip list entries', String(ctx.config.scope.skipList.length))] };
  return {
    id: 'skip-list',
    status: 'fail',
    title,
    detail: `The skip list names this user ("${entry}"): the integration never creates, updates or deactivates them, in any direction.`,
    fix: `If the integration should manage this user, remove "${entry}" from the skip list.`,
    evidence: [ev('Skip list entry', entry)],
  };
}

/** "rule 2: department equals "Sales" (the user's department: "Sales⟨U+FEFF⟩")". */
function ruleLine(ctx: DiagnoseContext, subject: SourceUser, m: Pick<RuleMatch, 'index' | 'description' | 'groupPath' | 'list' | 'rule'>): Evidence {
  const label = `${m.list === 'include' ? 'Include' : 'Exclude'} rule ${m.index + 1}`;
  if (m.groupPath) return ev(label, `${m.groupPath.join(' → ')} (${m.list === 'include' ? 'included' : 'excluded'})`);
  if (m.rule.kind === 'attribute') return ev(label, `${m.description} — ${m.rule.attribute} is ${shown(sourceAttribute(subject, m.rule.attribute))}`);
  return ev(label, m.description);
}

function groupName(ctx: DiagnoseContext, rule: { groupId: string; groupName: string }): string {
  return ctx.groups.byId.get(rule.groupId)?.displayName ?? (rule.groupName || rule.groupId);
}

export function includedCheck(ctx: DiagnoseContext, subject: SourceUser): Check {
  const e = ctx.scope;
  const title = 'Included by a rule (assignment scope)';
  if (!e) return { id: 'included', status: 'info', title, detail: 'Not evaluated.', fix: null, evidence: [] };
  if (e.includesEveryone) {
    return {
      id: 'included',
      status: 'info',
      title,
      detail: 'The include list is empty, so every user in the tenant is included.',
      fix: 'To sync only the people you need, include them through a security group (an include rule), and turn on "Deactivate users" for the accounts that fall out.',
      evidence: [],
    };
  }
  if (e.includedBy.length > 0) {
    return { id: 'included', status: 'pass', title, detail: e.includedBy[0]?.groupPath ? `Included through ${e.includedBy[0].groupPath.join(' → ')}.` : `Included by the rule ${e.includedBy[0]?.description ?? ''}.`, fix: null, evidence: e.includedBy.map((m) => ruleLine(ctx, subject, m)) };
  }
  const name = personName(subject);
  const evidence = ctx.config.scope.include.map((rule: IncludeRule, i) => {
    const label = `Include rule ${i + 1}`;
    if (rule.kind === 'group') {
      const known = ctx.groups.byId.has(rule.groupId);
      return ev(label, `member of group "${groupName(ctx, rule)}" — ${known ? 'not a member, directly or through nested groups' : 'the group was not found in the last Entra read (deleted, or not a security group?)'}`);
    }
    if (rule.kind === 'user') return ev(label, `the person "${rule.value}" — not ${name}'s object id, sign-in name or e-mail`);
    return ev(label, `${rule.attribute} ${rule.operator} "${rule.value}" — ${rule.attribute} is ${shown(sourceAttribute(subject, rule.attribute))}`);
  });
  const first = ctx.config.scope.include[0];
  const fix =
    first?.kind === 'group'
      ? `Add ${name} to the group "${groupName(ctx, first)}" (or a group nested in it) in Entra, then wait for the next sync or provision on demand.`
      : first?.kind === 'attribute'
        ? `Set ${first.attribute} to "${first.value}" for ${name} in Entra, or add an include rule that matches ${name}.`
        : `Add an include rule that matches ${name} (or include ${name} by e-mail: "Include one person" in the scope settings).`;
  return { id: 'included', status: 'fail', title, detail: `${name} matches none of the include rules, so the integration does not pick them up.`, fix: fix + keepAlone(ctx, subject), evidence };
}

/** For someone about to be deactivated: the skip list keeps the LMS account as it is. */
function keepAlone(ctx: DiagnoseContext, subject: SourceUser): string {
  if (ctx.usersOp?.kind !== 'deactivate') return '';
  return ` To keep the LMS account of ${personName(subject)} untouched (for example your own admin account), add ${subject.userPrincipalName} to the skip list.`;
}

function excludeFix(ctx: DiagnoseContext, subject: SourceUser, m: RuleMatch): string {
  const name = personName(subject);
  const rule = m.rule as ExcludeRule;
  const where = `exclude rule ${m.index + 1}`;
  switch (rule.kind) {
    case 'group':
      return `If ${name} should be in the LMS, remove ${name} from the group "${groupName(ctx, rule)}" (path: ${(m.groupPath ?? []).join(' → ')}) or remove the ${where} ${m.description}. If the exclusion is intended, nothing to do.`;
    case 'attribute':
      return `If ${name} should be in the LMS, remove or narrow the ${where} ${m.description}, or change ${rule.attribute} in Entra. If the exclusion is intended, nothing to do.`;
    case 'user':
      return `If ${name} should be in the LMS, remove "${rule.value}" from the excluded users. If the exclusion is intended, nothing to do.`;
  }
}

export function excludedCheck(ctx: DiagnoseContext, subject: SourceUser): Check {
  const e = ctx.scope;
  const title = 'Not excluded by a rule';
  const first = e?.excludedBy[0];
  if (!e || !first) return { id: 'excluded', status: 'pass', title, detail: `No exclude rule matches (${ctx.config.scope.exclude.length} rule(s) checked).`, fix: null, evidence: [] };
  const value = first.rule.kind === 'attribute' ? ` (${first.rule.attribute} is ${shown(sourceAttribute(subject, first.rule.attribute))})` : first.rule.kind === 'user' ? ' (excluded directly by id or e-mail)' : '';
  return {
    id: 'excluded',
    status: 'fail',
    title,
    detail: `Excluded by the rule ${first.description}${value}; exclude rules win over include rules.`,
    fix: excludeFix(ctx, subject, first) + keepAlone(ctx, subject),
    evidence: e.excludedBy.map((m) => ruleLine(ctx, subject, m)),
  };
}

export function includeAndExcludeCheck(ctx: DiagnoseContext, subject: SourceUser): Check {
  const e = ctx.scope;
  const title = 'Matches both an include and an exclude rule';
  const inc = e?.includedBy[0];
  const exc = e?.excludedBy[0];
  if (!e?.matchesBoth || !inc || !exc) return { id: 'include-and-exclude', status: 'pass', title, detail: 'No: the rules do not contradict each other for this user.', fix: null, evidence: [] };
  return {
    id: 'include-and-exclude',
    status: 'warn',
    title,
    detail: `Included by ${inc.description} but excluded by ${exc.description}: the exclude rule wins.`,
    fix: excludeFix(ctx, subject, exc),
    evidence: [ruleLine(ctx, subject, inc), ruleLine(ctx, subject, exc)],
  };
}

/** The group names on a path, for other checks (permissions, job profiles). */
export function pathThrough(ctx: DiagnoseContext, subject: SourceUser, groupId: string): string | null {
  const path = ctx.groups.members(groupId).get(subject.id);
  return path ? [personName(subject), ...groupNames(ctx.groups, path)].join(' → ') : null;
}
