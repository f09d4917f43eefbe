/**
 * The diff viewer's questions about one parsed plan, answered in main so the window never holds
 * 100,000 ops: counts per reason, the filter (kinds, reason, text), windows of slim rows.
 * Pure functions over the plan plus a small per-plan index built once.
 */
import type { OpKind, Plan, PlanOp } from '../core/model';
import type { PlanFilterInput } from '../../src-preload/api';
import type { PlanRow } from '../../src-preload/api-types';

export interface PlanIndex {
  byKind: Map<OpKind, number[]>;
  /** Reason code → how many ops carry it, most frequent first. */
  reasons: Array<{ reason: string; count: number }>;
  /** Lowercased "email name sourceId targetId" per op; built on the first text filter. */
  haystack: string[] | null;
  /** The last few filter results (op indices in plan order; null = every op), newest last. */
  results: Map<string, number[] | null>;
}

/** Filter results kept per plan: scrolling asks for many windows of the same filter. */
const KEEP_RESULTS = 8;

export function indexPlan(plan: Plan): PlanIndex {
  const byKind = new Map<OpKind, number[]>();
  const reasonCounts = new Map<string, number>();
  plan.ops.forEach((op, i) => {
    let list = byKind.get(op.kind);
    if (!list) byKind.set(op.kind, (list = []));
    list.push(i);
    reasonCounts.set(op.reason, (reasonCounts.get(op.reason) ?? 0) + 1);
  });
  const reasons = [...reasonCounts].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  return { byKind, reasons, haystack: null, results: new Map() };
}

function haystackOf(plan: Plan, index: PlanIndex): string[] {
  index.haystack ??= plan.ops.map((op) => `${op.email ?? ''}\u0000${op.displayName ?? ''}\u0000${op.sourceId ?? ''}\u0000${op.targetId ?? ''}`.toLowerCase());
  return index.haystack;
}

/** Indices of the ops that pass the filter, in plan order; null when the filter passes every op. */
export function filterOps(plan: Plan, index: PlanIndex, filter: PlanFilterInput): number[] | null {
  const kinds = [...new Set(filter.kinds)].sort();
  const text = filter.text.trim().toLowerCase();
  const key = JSON.stringify([kinds, filter.reason, text]);
  if (index.results.has(key)) {
    const kept = index.results.get(key) ?? null;
    // Most recently used last.
    index.results.delete(key);
    index.results.set(key, kept);
    return kept;
  }
  let out: number[] | null;
  if (kinds.length === 0 && !text && filter.reason === null) out = null;
  else {
    let candidates: Iterable<number>;
    if (kinds.length === 0) candidates = plan.ops.keys();
    else {
      const merged = kinds.flatMap((k) => index.byKind.get(k) ?? []);
      if (kinds.length > 1) merged.sort((a, b) => a - b);
      candidates = merged;
    }
    const hay = text ? haystackOf(plan, index) : null;
    out = [];
    for (const i of candidates) {
      if (filter.reason !== null && plan.ops[i]?.reason !== filter.reason) continue;
      if (hay && !(hay[i] ?? '').includes(text)) continue;
      out.push(i);
    }
  }
  index.results.set(key, out);
  for (const k of index.results.keys()) {
    if (index.results.size <= KEEP_RESULTS) break;
    index.results.delete(k);
  }
  return out;
}

/** The op indices of one window of the filtered list, and how many pass the filter in all. */
export function windowOf(plan: Plan, index: PlanIndex, filter: PlanFilterInput, offset: number, limit: number): { total: number; indices: number[] } {
  const matching = filterOps(plan, index, filter);
  if (matching === null) {
    const end = Math.min(plan.ops.length, offset + limit);
    return { total: plan.ops.length, indices: Array.from({ length: Math.max(0, end - offset) }, (_v, k) => offset + k) };
  }
  return { total: matching.length, indices: matching.slice(offset, offset + limit) };
}

export function rowOf(op: PlanOp, index: number): PlanRow {
  return {
    index,
    kind: op.kind,
    email: op.email,
    displayName: op.displayName,
    sourceId: op.sourceId,
    targetId: op.targetId,
    reason: op.reason,
    detail: op.detail,
    fields: op.changes.map((c) => c.field),
  };
}
