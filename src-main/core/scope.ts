/**
 * Who is in scope, and why. evaluateScope() returns a structured explanation that plan() uses
 * for its decisions and diagnose() reuses for "why is this user missing / excluded?".
 */
import type { ExcludeRule, IncludeRule, Scope } from './config';
import { groupNames, type GroupIndex } from './groups';
import type { SourceUser } from './model';
import { cleanText, normaliseEmail, personName } from './normalise';

/** A source attribute by its Graph name: standard attributes first, then `extra`. */
export function sourceAttribute(user: SourceUser, name: string): string | string[] | null {
  switch (name) {
    case 'id':
      return user.id;
    case 'department':
      return user.department;
    case 'jobTitle':
      return user.jobTitle;
    case 'companyName':
      return user.companyName;
    case 'employeeType':
      return user.employeeType;
    case 'employeeId':
      return user.employeeId;
    case 'country':
      return user.country;
    case 'usageLocation':
      return user.usageLocation;
    case 'preferredLanguage':
      return user.preferredLanguage;
    case 'officeLocation':
      return user.officeLocation;
    case 'mail':
      return user.mail;
    case 'userPrincipalName':
      return user.userPrincipalName;
    case 'displayName':
      return user.displayName;
    case 'givenName':
      return user.givenName;
    case 'surname':
      return user.surname;
    case 'otherMails':
      return user.otherMails;
    case 'employeeLeaveDateTime':
      return user.employeeLeaveDateTime;
    default:
      return user.extra[name] ?? null;
  }
}

export interface RuleMatch {
  list: 'include' | 'exclude';
  /** Position of the rule in its list (0-based), so the UI can point at it. */
  index: number;
  rule: IncludeRule | ExcludeRule;
  /** The rule in words: 'member of group "All Sales"', 'department equals "Sales"'. */
  description: string;
  /** For group rules: user display name, then groups from the direct one up to the rule's group. */
  groupPath?: string[];
}

export type ScopeVerdict = 'included' | 'not_included' | 'excluded' | 'skip_listed';

export interface ScopeExplanation {
  userId: string;
  inScope: boolean;
  verdict: ScopeVerdict;
  /** The include list is empty: everyone in the tenant is included. */
  includesEveryone: boolean;
  includedBy: RuleMatch[];
  excludedBy: RuleMatch[];
  /** Matches at least one include rule AND at least one exclude rule (exclude wins). */
  matchesBoth: boolean;
  /** The skip-list entry that matched, when skip-listed. */
  skipListEntry: string | null;
  /** The rule that decided: the first exclude rule, else the first include rule; null otherwise. */
  decidedBy: RuleMatch | null;
  /** The verdict in one admin-readable sentence. */
  sentence: string;
}

function lowerClean(value: string | null): string {
  return (cleanText(value) ?? '').toLowerCase();
}

function attributeMatches(actual: string | string[] | null, operator: string, expected: string): boolean {
  const want = lowerClean(expected);
  if (!Array.isArray(actual)) {
    // One value (the usual case): no arrays built.
    const v = lowerClean(actual);
    switch (operator) {
      case 'isEmpty':
        return v === '';
      case 'notEquals':
        return v === '' || v !== want;
      case 'startsWith':
        return v !== '' && v.startsWith(want);
      case 'contains':
        return v !== '' && v.includes(want);
      default:
        return v !== '' && v === want;
    }
  }
  const values = actual.map(lowerClean).filter((v) => v !== '');
  switch (operator) {
    case 'isEmpty':
      return values.length === 0;
    case 'notEquals':
      return !values.includes(want);
    case 'startsWith':
      return values.some((v) => v.startsWith(want));
    case 'contains':
      return values.some((v) => v.includes(want));
    default:
      return values.includes(want);
  }
}

const OPERATOR_WORDS: Record<string, string> = {
  equals: 'equals',
  notEquals: 'does not equal',
  startsWith: 'starts with',
  contains: 'contains',
  isEmpty: 'is empty',
};

export function describeRule(rule: IncludeRule | ExcludeRule, groups?: GroupIndex): string {
  switch (rule.kind) {
    case 'group': {
      const name = groups?.byId.get(rule.groupId)?.displayName ?? (rule.groupName || rule.groupId);
      return `member of group "${name}"`;
    }
    case 'attribute':
      return rule.operator === 'isEmpty'
        ? `${rule.attribute} is empty`
        : `${rule.attribute} ${OPERATOR_WORDS[rule.operator] ?? rule.operator} "${rule.value}"`;
    case 'user':
      return `user "${rule.value}"`;
  }
}

/** The user's identifiers a user rule or skip-list entry can name: object id, UPN, e-mail. */
function identifiers(user: SourceUser): string[] {
  return [user.id.toLowerCase(), normaliseEmail(user.userPrincipalName), normaliseEmail(user.mail)].filter(
    (v): v is string => v !== null && v !== '',
  );
}

/** Whether the user is in the group (directly or through nested groups). */
export type InGroup = (groupId: string) => boolean;

const inGroupOf = (user: SourceUser, groups: GroupIndex): InGroup => (groupId) => groups.members(groupId).has(user.id);

/** Whether one rule matches, without building an explanation (the cheap path plan() takes). */
function ruleMatches(user: SourceUser, rule: IncludeRule | ExcludeRule, inGroup: InGroup): boolean {
  switch (rule.kind) {
    case 'group':
      return inGroup(rule.groupId);
    case 'attribute':
      return attributeMatches(sourceAttribute(user, rule.attribute), rule.operator, rule.value);
    case 'user': {
      const wanted = normaliseEmail(rule.value);
      return wanted !== null && identifiers(user).includes(wanted);
    }
  }
}

function matchRule(
  user: SourceUser,
  rule: IncludeRule | ExcludeRule,
  list: 'include' | 'exclude',
  index: number,
  groups: GroupIndex,
): RuleMatch | null {
  if (!ruleMatches(user, rule, inGroupOf(user, groups))) return null;
  const description = describeRule(rule, groups);
  if (rule.kind !== 'group') return { list, index, rule, description };
  const path = groups.members(rule.groupId).get(user.id) ?? [];
  const who = personName(user);
  return { list, index, rule, description, groupPath: [who, ...groupNames(groups, path)] };
}

/**
 * The verdict alone, without the explanation: plan() asks this (through scopeVerdictWith) for
 * every user and builds the full explanation only for users it writes a sentence about.
 */
export function scopeVerdict(user: SourceUser, scope: Scope, groups: GroupIndex): ScopeVerdict {
  return scopeVerdictWith(user, scope, inGroupOf(user, groups));
}

/** scopeVerdict() with group membership answered by the caller (plan() keeps it on each person). */
export function scopeVerdictWith(user: SourceUser, scope: Scope, inGroup: InGroup): ScopeVerdict {
  if (scope.skipList.length > 0 && skipListEntryFor(user, scope.skipList) !== null) return 'skip_listed';
  if (scope.exclude.some((rule) => ruleMatches(user, rule, inGroup))) return 'excluded';
  if (scope.include.length === 0 || scope.include.some((rule) => ruleMatches(user, rule, inGroup))) return 'included';
  return 'not_included';
}

// Normalised once per skip list, not once per user: plan() calls this for 100k users.
const preparedSkipLists = new WeakMap<readonly string[], Map<string, string>>();

/** Normalised skip-list entry → the entry as the admin typed it. */
export function prepareSkipList(skipList: readonly string[]): ReadonlyMap<string, string> {
  let prepared = preparedSkipLists.get(skipList);
  if (!prepared) {
    prepared = new Map();
    for (const entry of skipList) {
      const key = normaliseEmail(entry);
      if (key !== null && !prepared.has(key)) prepared.set(key, entry);
    }
    preparedSkipLists.set(skipList, prepared);
  }
  return prepared;
}

/** The skip-list entry that names this user (by object id, UPN or e-mail), or null. */
export function skipListEntryFor(user: SourceUser, skipList: readonly string[]): string | null {
  if (skipList.length === 0) return null;
  const prepared = prepareSkipList(skipList);
  for (const id of identifiers(user)) {
    const entry = prepared.get(id);
    if (entry !== undefined) return entry;
  }
  return null;
}

function sentenceFor(e: Omit<ScopeExplanation, 'sentence'>): string {
  switch (e.verdict) {
    case 'skip_listed':
      return `On the skip list ("${e.skipListEntry ?? ''}"): the integration never touches this user.`;
    case 'excluded': {
      const by = e.decidedBy?.description ?? 'an exclude rule';
      const both = e.matchesBoth ? ` although it also matches the include rule ${e.includedBy[0]?.description ?? ''}` : '';
      return `Excluded by the rule ${by}${both}; exclude rules win over include rules.`;
    }
    case 'not_included':
      return 'Matches none of the include rules.';
    case 'included':
      if (e.includesEveryone) return 'In scope: the include list is empty, so every user is included.';
      return e.decidedBy?.groupPath
        ? `In scope through ${e.decidedBy.groupPath.join(' → ')}.`
        : `In scope: ${e.decidedBy?.description ?? 'an include rule'}.`;
  }
}

/**
 * Evaluate one user against the scope. Skip list first (never touched), then exclude beats
 * include; every matching rule is reported so "included by e-mail but excluded by department"
 * is visible. An empty include list includes everyone.
 */
export function evaluateScope(user: SourceUser, scope: Scope, groups: GroupIndex): ScopeExplanation {
  const skipListEntry = skipListEntryFor(user, scope.skipList);
  const includedBy: RuleMatch[] = [];
  scope.include.forEach((rule, i) => {
    const m = matchRule(user, rule, 'include', i, groups);
    if (m) includedBy.push(m);
  });
  const excludedBy: RuleMatch[] = [];
  scope.exclude.forEach((rule, i) => {
    const m = matchRule(user, rule, 'exclude', i, groups);
    if (m) excludedBy.push(m);
  });
  const includesEveryone = scope.include.length === 0;
  const included = includesEveryone || includedBy.length > 0;
  const verdict: ScopeVerdict =
    skipListEntry !== null ? 'skip_listed' : excludedBy.length > 0 ? 'excluded' : included ? 'included' : 'not_included';
  const base = {
    userId: user.id,
    inScope: verdict === 'included',
    verdict,
    includesEveryone,
    includedBy,
    excludedBy,
    matchesBoth: includedBy.length > 0 && excludedBy.length > 0,
    skipListEntry,
    decidedBy: excludedBy[0] ?? includedBy[0] ?? null,
  };
  return { ...base, sentence: sentenceFor(base) };
}
