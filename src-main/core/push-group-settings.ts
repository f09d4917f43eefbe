/**
 * The pushed groups as the admin types them (the wizard's "Groups to push to the LMS"): what
 * would keep them from being saved or pushed, in words, per row and for the whole list. Pure;
 * the renderer shows the row messages under the fields and the list's first one beside Next.
 */
import { lmsGroupKey, MAX_LMS_GROUP_NAME, MAX_PUSH_GROUPS, type PushGroup } from './config';

export { MAX_LMS_GROUP_NAME, MAX_PUSH_GROUPS };

/** A row as typed: the group may not be picked yet, the name may be empty. */
export type PushGroupRow = Pick<PushGroup, 'groupId' | 'groupName' | 'lmsGroup'>;

export interface PushGroupRowProblems {
  /** Under the Entra group: none picked. */
  group: string | null;
  /** Under the LMS group name: empty, too long, or another row's. */
  lmsGroup: string | null;
}

export interface PushGroupCheck {
  /** One entry per row, in order. */
  rows: PushGroupRowProblems[];
  /** Every problem of the list, in row order, each naming where it is. */
  problems: string[];
}

/** How a row is named in a message: its group, else its place. */
function rowName(row: PushGroupRow, i: number): string {
  return row.groupName.trim() || `row ${i + 1}`;
}

export function duplicateLmsGroupMessage(lmsGroup: string): string {
  return `Two Entra groups push to the LMS group “${lmsGroup}”: give each its own LMS group.`;
}

/** Each row needs a group and an LMS group name of its own (names compared without case or outer spaces). */
export function checkPushGroups(rows: readonly PushGroupRow[]): PushGroupCheck {
  const out: PushGroupRowProblems[] = rows.map(() => ({ group: null, lmsGroup: null }));
  const problems: string[] = [];
  if (rows.length > MAX_PUSH_GROUPS) problems.push(`Groups to push: at most ${MAX_PUSH_GROUPS} (there are ${rows.length}); remove ${rows.length - MAX_PUSH_GROUPS}.`);
  // The first row naming each LMS group, to point at when a later one names it again.
  const firstByKey = new Map<string, number>();
  const reported = new Set<string>();
  rows.forEach((row, i) => {
    const problem = out[i] ?? { group: null, lmsGroup: null };
    if (row.groupId.trim() === '') {
      problem.group = 'Pick the Entra group to push, or remove the row.';
      problems.push(`Groups to push, ${rowName(row, i)}: pick the Entra group to push, or remove the row.`);
    }
    const name = row.lmsGroup.trim();
    if (name === '') {
      problem.lmsGroup = 'Name the LMS group: it is created when the LMS has none of that name, linked when it has one.';
      problems.push(`Groups to push, ${rowName(row, i)}: name the LMS group to create or link.`);
      return;
    }
    if (name.length > MAX_LMS_GROUP_NAME) {
      problem.lmsGroup = `At most ${MAX_LMS_GROUP_NAME} characters (this one has ${name.length}).`;
      problems.push(`Groups to push, ${rowName(row, i)}: the LMS group name is longer than ${MAX_LMS_GROUP_NAME} characters.`);
      return;
    }
    const key = lmsGroupKey(name);
    const first = firstByKey.get(key);
    if (first === undefined) {
      firstByKey.set(key, i);
      return;
    }
    const firstName = rows[first]?.lmsGroup.trim() ?? name;
    const message = duplicateLmsGroupMessage(firstName);
    problem.lmsGroup = message;
    const firstProblem = out[first];
    if (firstProblem) firstProblem.lmsGroup = message;
    if (!reported.has(key)) {
      reported.add(key);
      problems.push(message);
    }
  });
  return { rows: out, problems };
}

/** Whether picking a group fills in the LMS group name: it is empty, or still the name of the group picked before. */
export function lmsNameFollowsGroup(row: PushGroupRow): boolean {
  const name = row.lmsGroup.trim();
  return name === '' || name === row.groupName.trim();
}

/** The row once a group is picked: its name kept for messages, the LMS name following it unless typed. */
export function pickPushGroup(row: PushGroupRow, groupId: string, groupName: string): PushGroupRow {
  return { groupId, groupName, lmsGroup: lmsNameFollowsGroup(row) ? groupName : row.lmsGroup };
}

/** An LMS group as the wizard lists them (listLmsGroups): its name. */
export interface LmsGroupName {
  name: string;
}

/** What a row's typed LMS group name does with the LMS's groups, as the apply will decide it (lmsGroupKey). */
export type LmsGroupMatch =
  /** Nothing typed yet. */
  | { kind: 'none' }
  | { kind: 'creates' }
  /** `name` as the LMS spells it. */
  | { kind: 'links'; name: string }
  /** Several LMS groups have the name: the run leaves the row's group alone. */
  | { kind: 'ambiguous'; name: string; count: number };

export function matchLmsGroup(typed: string, lmsGroups: readonly LmsGroupName[]): LmsGroupMatch {
  const key = lmsGroupKey(typed);
  if (key === '') return { kind: 'none' };
  const found = lmsGroups.filter((g) => lmsGroupKey(g.name) === key);
  const first = found[0];
  if (!first) return { kind: 'creates' };
  return found.length === 1 ? { kind: 'links', name: first.name } : { kind: 'ambiguous', name: first.name, count: found.length };
}

/** How many names the LMS group name field suggests at once. */
export const MAX_LMS_GROUP_SUGGESTIONS = 50;

/** The LMS's group names that contain the typed text (without case or outer spaces), each once, in the list's order. */
export function lmsGroupSuggestions(typed: string, lmsGroups: readonly LmsGroupName[], limit = MAX_LMS_GROUP_SUGGESTIONS): string[] {
  const key = lmsGroupKey(typed);
  const seen = new Set<string>();
  const out: string[] = [];
  for (const g of lmsGroups) {
    if (out.length >= limit) break;
    const k = lmsGroupKey(g.name);
    if (k === '' || seen.has(k) || !k.includes(key)) continue;
    seen.add(k);
    out.push(g.name.trim());
  }
  return out;
}
