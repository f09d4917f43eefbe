/** Shorthand for diagnose() tests: a world in, the plan computed from it, the checklist out. */
import { diagnose, type Check, type CheckId, type Checklist, type DiagnoseAuditEntry, type DiagnoseIntegration, type DiagnoseRun } from '../../../src-main/core/diagnose';
import { planWithMemo } from '../../../src-main/core/plan';
import { pushGroupsAfterPlan } from '../../../src-main/core/push-groups';
import { planConfig, sourceSnapshot, targetSnapshot } from '../../../src-main/core/testing/builders';
import { NOW, type World } from './helpers';

export interface DiagWorld extends World {
  integration?: Partial<Omit<DiagnoseIntegration, 'config' | 'id'>>;
  runs?: DiagnoseRun[];
  audit?: DiagnoseAuditEntry[];
  /** Default: 2 h 10 min after NOW. */
  nextRunAt?: string | null;
}

export const NEXT_RUN = '2026-03-01T14:10:00Z';

export function diag(query: string, w: DiagWorld = {}): Checklist {
  const source = sourceSnapshot(w.users ?? [], w.groups ?? [], w.source);
  const target = targetSnapshot(w.targets ?? [], w.target);
  const config = w.config ?? planConfig();
  const links = w.links ?? [];
  const others = w.others ?? [];
  const now = w.now ?? NOW;
  // As a run makes it: the people's plan, then the pushed groups.
  const made = planWithMemo(source, target, config, links, now, others);
  const groups = pushGroupsAfterPlan(made.memo, config.mapping.pushGroups);
  const p = groups.length > 0 ? { ...made.plan, groups } : made.plan;
  return diagnose(query, {
    source,
    target,
    integration: { id: config.id, config, status: 'active', statusReason: null, enabled: true, ...w.integration },
    links,
    otherLinks: others,
    plan: p,
    runs: w.runs ?? [],
    audit: w.audit,
    nextRunAt: w.nextRunAt === undefined ? NEXT_RUN : w.nextRunAt,
    now,
  });
}

export function check(c: Checklist, id: CheckId): Check {
  const found = c.checks.find((x) => x.id === id);
  if (!found) throw new Error(`no check ${id}; have ${c.checks.map((x) => x.id).join(', ')}`);
  return found;
}

/** Every evidence line of a check as "label: value", for toContain assertions. */
export function evidence(c: Checklist, id: CheckId): string {
  return check(c, id).evidence.map((e) => `${e.label}: ${e.value}`).join('\n');
}
