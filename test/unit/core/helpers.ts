/** Shared shorthand for plan() tests. */
import { plan, type PlanConfig } from '../../../src-main/core/plan';
import type { Link, Plan, PlanOp, SourceGroup, SourceSnapshot, SourceUser, TargetSnapshot, TargetUser } from '../../../src-main/core/model';
import { planConfig, sourceSnapshot, targetSnapshot } from '../../../src-main/core/testing/builders';

export const NOW = new Date('2026-03-01T12:00:00Z');

export interface World {
  users?: SourceUser[];
  groups?: SourceGroup[];
  targets?: TargetUser[];
  links?: Link[];
  config?: PlanConfig;
  source?: Partial<SourceSnapshot>;
  target?: Partial<TargetSnapshot>;
  others?: Link[];
  now?: Date;
}

export function run(w: World): Plan {
  return plan(
    sourceSnapshot(w.users ?? [], w.groups ?? [], w.source),
    targetSnapshot(w.targets ?? [], w.target),
    w.config ?? planConfig(),
    w.links ?? [],
    w.now ?? NOW,
    w.others ?? [],
  );
}

/** The single op for a source user (fails loudly when there are several). */
export function opFor(p: Plan, sourceId: string, phase: PlanOp['phase'] = 'users'): PlanOp | undefined {
  const found = p.ops.filter((o) => o.sourceId === sourceId && o.phase === phase);
  if (found.length > 1) throw new Error(`several ${phase} ops for ${sourceId}: ${found.map((o) => o.kind).join(', ')}`);
  return found[0];
}

export function change(op: PlanOp | undefined, field: string): { from: unknown; to: unknown } | undefined {
  const c = op?.changes.find((x) => x.field === field);
  return c ? { from: c.from, to: c.to } : undefined;
}
