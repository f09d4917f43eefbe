/**
 * Safety guards (DESIGN.md §3 "Safety"): never mass-deactivate because a read failed or
 * returned nothing, and stop for confirmation above the deactivation threshold.
 */
import type { SafetyGuard } from './model';
import { showHidden } from './normalise';

export interface GuardInput {
  sourceComplete: boolean;
  sourceIncompleteReason: string | null;
  targetComplete: boolean;
  targetIncompleteReason: string | null;
  /** Deactivations plan() dropped because the source snapshot is incomplete. */
  droppedDeactivations: number;
  /** Creates plan() dropped because the LMS snapshot is incomplete. */
  droppedCreates: number;
  /** Users the scope rules include. */
  inScope: number;
  /** LMS accounts this integration owns (linked, still present in the LMS). */
  owned: number;
  /** Deactivations left in the plan. */
  deactivations: number;
  thresholdCount: number;
  thresholdPercent: number;
  /** The integration deactivates on Last Day, but the read could not ask Entra for it. */
  lastDayUnread: boolean;
  /** "Deactivate users" (leavers of the scope, people disabled in Entra) is on. */
  deactivateUsers: boolean;
  /** "Below the LMS department" when the LMS lacks it (this run creates it), as the admin typed it; else null. */
  underMissing: string | null;
  /** People whose department this run writes below it. */
  underPeople: number;
  /** Departments this run would create beside look-alikes the LMS has (lookalikeDepartments()). */
  lookalikeDepartments?: ReadonlyArray<{ wanted: readonly string[]; existing: readonly string[] }>;
}

/** "More than N users or P % of owned users, whichever is smaller." */
export function deactivationLimit(owned: number, thresholdCount: number, thresholdPercent: number): number {
  return Math.min(thresholdCount, Math.floor((owned * thresholdPercent) / 100));
}

export function evaluateGuards(g: GuardInput): SafetyGuard[] {
  const guards: SafetyGuard[] = [];
  if (!g.sourceComplete) {
    // Deactivations are always dropped; the guard blocks only when some were dropped, because
    // then the admin must know people who should be deactivated are still active.
    const blocking = g.droppedDeactivations > 0;
    guards.push({
      code: 'incomplete_source',
      blocking,
      confirmable: false,
      message:
        `The Entra read was incomplete${g.sourceIncompleteReason ? ` (${g.sourceIncompleteReason})` : ''}, so nobody is deactivated in this run` +
        (blocking ? `; ${g.droppedDeactivations} deactivation(s) were held back.` : '.'),
      fix: 'Run the sync again; if the read keeps failing, check the Entra connection and the Graph permissions.',
      count: g.droppedDeactivations,
      limit: 0,
    });
  }
  if (!g.targetComplete) {
    guards.push({
      code: 'incomplete_target',
      blocking: false,
      confirmable: false,
      message:
        `The LMS read was incomplete${g.targetIncompleteReason ? ` (${g.targetIncompleteReason})` : ''}, so no users are created in this run` +
        (g.droppedCreates > 0 ? `; ${g.droppedCreates} new user(s) wait for a complete read to avoid duplicates.` : '.'),
      fix: 'Run the sync again; if the LMS read keeps failing, test the LMS connection.',
      count: g.droppedCreates,
      limit: 0,
    });
  }
  if (g.lastDayUnread) {
    // Not blocking: everything else in the plan is right; only the leave dates are unknown.
    guards.push({
      code: 'last_day_unread',
      blocking: false,
      confirmable: false,
      message: `Last Day could not be read from Entra: the app is not granted User-LifecycleInfo.Read.All, so nobody is deactivated on their Last Day in this run${g.deactivateUsers ? ' (people who leave the scope or are disabled in Entra still are)' : ''}.`,
      fix: 'In Entra: App registrations → your app → API permissions → Add a permission → Microsoft Graph → Application permissions → User-LifecycleInfo.Read.All, then "Grant admin consent". The next run reads Entra in full to pick up every Last Day.',
      count: 0,
      limit: 0,
    });
  }
  if (g.underMissing !== null) {
    // Not blocking: a first setup creates the top department on purpose; a typo must be seen before it moves everyone.
    guards.push({
      code: 'under_department_missing',
      blocking: false,
      confirmable: false,
      message: `"Below the LMS department" names ${g.underMissing}, which the LMS does not have: this run creates it and writes ${g.underPeople} ${g.underPeople === 1 ? "person's department" : "people's departments"} below it.`,
      fix: 'If the LMS has that department under another name, correct "Below the LMS department" in the integration\'s mapping settings to match it, then plan again; if it is new, nothing to do.',
      count: g.underPeople,
      limit: 0,
    });
  }
  const lookalikes = g.lookalikeDepartments ?? [];
  if (lookalikes.length > 0) {
    // Not blocking: the people still get the department they should; a twin department is untidy, not harmful.
    const shown = (p: readonly string[]) => `"${p.map(showHidden).join(' › ')}"`;
    const first = lookalikes[0] as { wanted: readonly string[]; existing: readonly string[] };
    guards.push({
      code: 'department_lookalike',
      blocking: false,
      confirmable: false,
      message: `${lookalikes.length === 1 ? 'A department this run creates looks like one' : `${lookalikes.length} departments this run creates look like ones`} the LMS has, differing only by hidden characters or spaces: ${shown(first.wanted)} beside the LMS's ${shown(first.existing)}${lookalikes.length > 1 ? ', and others' : ''}. Applied, the LMS would have both.`,
      fix: "Rename the LMS's department to the plain name (remove the hidden character) so Rollcall uses it, then run a dry run again.",
      count: lookalikes.length,
      limit: 0,
    });
  }
  if (g.inScope === 0 && g.owned > 0) {
    guards.push({
      code: 'empty_scope',
      blocking: true,
      confirmable: false,
      message: `No Entra user is in scope, but this integration owns ${g.owned} LMS account(s). An emptied or deleted group, or a failed read, would otherwise deactivate everyone.`,
      fix: 'Check the include rules: does the security group still exist and have members? Fix the scope, then plan again.',
      count: 0,
      limit: g.owned,
    });
  }
  const limit = deactivationLimit(g.owned, g.thresholdCount, g.thresholdPercent);
  if (g.deactivations > limit) {
    guards.push({
      code: 'deactivation_threshold',
      blocking: true,
      confirmable: true,
      message: `${g.deactivations} users would be deactivated, more than the limit of ${limit} (${g.thresholdCount} users or ${g.thresholdPercent} % of ${g.owned} owned users, whichever is smaller).`,
      fix: 'Review the deactivations in the dry run; if they are expected, confirm them (CLI: --yes --max-deactivations N).',
      count: g.deactivations,
      limit,
    });
  }
  return guards;
}
