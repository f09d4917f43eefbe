/**
 * The diff viewer's questions about one plan, answered in main so the window never holds
 * 100,000 ops: counts per reason and warning, the filter (kinds, reason, warning, text), windows of slim rows.
 * Pure functions over the plan's table (plan-table.ts) plus a small per-plan index built once.
 */
import type { OpKind } from '../core/model';
import type { PlanFilterInput } from '../../src-preload/api';
import { countWarnings } from '../sync/plan-file';
import type { PlanTable } from './plan-table';

export interface PlanIndex {
  byKind: Map<OpKind, number[]>;
  /** Reason code → how many ops carry it, most frequent first. */
  reasons: Array<{ reason: string; count: number }>;
  /** Warning code → how many ops carry it, most frequent first. */
  warnings: Array<{ code: string; count: number }>;
  /** Lowercased "email name sourceId targetId" per op; built on the first text filter. */
  haystack: string[] | null;
  /** The last few filter results (op indices in plan order; null = every op), newest last. */
  results: Map<string, number[] | null>;
}

/** Filter results kept per plan: scrolling asks for many windows of the same filter. */
const KEEP_RESULTS = 8;

export function indexPlan(table: PlanTable): PlanIndex {
  const byKind = new Map<OpKind, number[]>();
  const reasonCounts = new Map<string, number>();
  for (let i = 0; i < table.length; i++) {
    const kind = table.kind(i);
    let list = byKind.get(kind);
    if (!list) byKind.set(kind, (list = []));
    list.push(i);
    const reason = table.reason(i);
    reasonCounts.set(reason, (reasonCounts.get(reason) ?? 0) + 1);
  }
  const reasons = [...reasonCounts].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  const warnings = countWarnings(Array.from({ length: table.length }, (_v, i) => table.warnings(i)));
  return { byKind, reasons, warnings, haystack: null, results: new Map() };
}

function haystackOf(table: PlanTable, index: PlanIndex): string[] {
  index.haystack ??= Array.from({ length: table.length }, (_v, i) => table.searchText(i));
  return index.haystack;
}

/** Indices of the ops that pass the filter, in plan order; null when the filter passes every op. */
export function filterOps(table: PlanTable, index: PlanIndex, filter: PlanFilterInput): number[] | null {
  const kinds = [...new Set(filter.kinds)].sort();
  const text = filter.text.trim().toLowerCase();
  const warning = filter.warning ?? null;
  const key = JSON.stringify([kinds, filter.reason, text, warning]);
  if (index.results.has(key)) {
    const kept = index.results.get(key) ?? null;
    // Most recently used last.
    index.results.delete(key);
    index.results.set(key, kept);
    return kept;
  }
  let out: number[] | null;
  if (kinds.length === 0 && !text && filter.reason === null && warning === null) out = null;
  else {
    let candidates: Iterable<number>;
    if (kinds.length === 0) candidates = Array.from({ length: table.length }, (_v, i) => i);
    else {
      const merged = kinds.flatMap((k) => index.byKind.get(k) ?? []);
      if (kinds.length > 1) merged.sort((a, b) => a - b);
      candidates = merged;
    }
    const hay = text ? haystackOf(table, index) : null;
    out = [];
    for (const i of candidates) {
      if (filter.reason !== null && table.reason(i) !== filter.reason) continue;
      if (warning !== null && !table.warnings(i).includes(warning)) continue;
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
export function windowOf(table: PlanTable, index: PlanIndex, filter: PlanFilterInput, offset: number, limit: number): { total: number; indices: number[] } {
  const matching = filterOps(table, index, filter);
  if (matching === null) {
    const end = Math.min(table.length, offset + limit);
    return { total: table.length, indices: Array.from({ length: Math.max(0, end - offset) }, (_v, k) => offset + k) };
  }
  return { total: matching.length, indices: matching.slice(offset, offset + limit) };
}
