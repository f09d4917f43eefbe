/**
 * Indexes over a plan's ops, built once per plan (100,000 ops: a few tens of milliseconds), so
 * every filter change is a scan over small integer arrays and precomputed lowercase strings.
 */
import type { OpKind, Plan, PlanOp } from '../../../../src-preload/api-types';

export interface PlanIndex {
  /** Lowercased "email name sourceId targetId" per op, same order as plan.ops. */
  haystack: string[];
  byKind: Map<OpKind, number[]>;
  /** Reason code → how many ops carry it, most frequent first. */
  reasons: Array<{ reason: string; count: number }>;
}

export function indexPlan(plan: Plan): PlanIndex {
  const haystack = new Array<string>(plan.ops.length);
  const byKind = new Map<OpKind, number[]>();
  const reasonCounts = new Map<string, number>();
  plan.ops.forEach((op, i) => {
    haystack[i] = `${op.email ?? ''}\u0000${op.displayName ?? ''}\u0000${op.sourceId ?? ''}\u0000${op.targetId ?? ''}`.toLowerCase();
    let list = byKind.get(op.kind);
    if (!list) byKind.set(op.kind, (list = []));
    list.push(i);
    reasonCounts.set(op.reason, (reasonCounts.get(op.reason) ?? 0) + 1);
  });
  const reasons = [...reasonCounts].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  return { haystack, byKind, reasons };
}

export interface PlanFilter {
  kinds: ReadonlySet<OpKind>;
  reason: string | null;
  text: string;
}

/** Indices of the ops that pass the filter, in plan order. */
export function filterPlan(plan: Plan, index: PlanIndex, filter: PlanFilter): number[] {
  let candidates: number[];
  if (filter.kinds.size === 0) {
    candidates = Array.from({ length: plan.ops.length }, (_v, i) => i);
  } else {
    candidates = [];
    for (const k of filter.kinds) candidates.push(...(index.byKind.get(k) ?? []));
    if (filter.kinds.size > 1) candidates.sort((a, b) => a - b);
  }
  const text = filter.text.trim().toLowerCase();
  if (!text && !filter.reason) return candidates;
  const out: number[] = [];
  for (const i of candidates) {
    if (filter.reason && plan.ops[i]?.reason !== filter.reason) continue;
    if (text && !(index.haystack[i] ?? '').includes(text)) continue;
    out.push(i);
  }
  return out;
}

/** "new_in_scope" → "New in scope". */
export function reasonLabel(reason: string): string {
  const s = reason.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function opChangesText(op: PlanOp): string {
  return op.changes.map((c) => shortField(c.field)).join(', ');
}

/** "urn:…:enterprise:2.0:User:department" → "department"; plain SCIM paths stay as they are. */
export function shortField(field: string): string {
  return field.startsWith('urn:') ? field.slice(field.lastIndexOf(':') + 1) : field;
}
