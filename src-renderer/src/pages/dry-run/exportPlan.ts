/**
 * Export of the rows shown (after filters) with every detail: the full ops come from main in
 * chunks, so a 100,000-op plan downloads with a progress bar instead of one giant message.
 */
import type { PlanFilterInput } from '../../../../src-preload/api';
import type { PlanHeader, PlanOp } from '../../../../src-preload/api-types';
import { call } from '../../api';
import { downloadCsv, downloadJson } from '../../lib/download';
import { formatValue } from '../../lib/format';

const OPS_PER_REQUEST = 5_000;

function exportName(plan: PlanHeader, ext: string): string {
  return `rollcall-plan-${plan.integrationId}-${plan.createdAt.replace(/[:.]/g, '-')}.${ext}`;
}

/** Every op passing the filter, in plan order; onProgress(done, total) after each chunk. */
async function opsOf(plan: PlanHeader, filter: PlanFilterInput, onProgress: (done: number, total: number) => void, signal: AbortSignal): Promise<PlanOp[] | null> {
  const ops: PlanOp[] = [];
  let total = Infinity;
  while (ops.length < total) {
    if (signal.aborted) return null;
    const chunk = await call('getPlanOps', { id: plan.integrationId, version: plan.version, filter, offset: ops.length, limit: OPS_PER_REQUEST });
    total = chunk.total;
    ops.push(...chunk.ops);
    onProgress(ops.length, total);
    if (chunk.ops.length === 0) break;
  }
  return ops;
}

export async function exportPlan(format: 'csv' | 'json', plan: PlanHeader, filter: PlanFilterInput, onProgress: (done: number, total: number) => void, signal: AbortSignal): Promise<boolean> {
  const ops = await opsOf(plan, filter, onProgress, signal);
  if (!ops || signal.aborted) return false;
  if (format === 'csv') {
    downloadCsv(
      exportName(plan, 'csv'),
      ['kind', 'reason', 'email', 'displayName', 'sourceId', 'targetId', 'detail', 'changes', 'warnings'],
      ops.map((op) => [op.kind, op.reason, op.email, op.displayName, op.sourceId, op.targetId, op.detail, op.changes.map((c) => `${c.field}: ${formatValue(c.from)} → ${formatValue(c.to)}`).join('; '), [...(op.warnings ?? []).map((w) => w.message), ...(op.notices ?? []).map((n) => `${n.attribute}: ${n.found.join(', ')} cleaned`)].join('; ')]),
    );
  } else {
    downloadJson(exportName(plan, 'json'), { integrationId: plan.integrationId, createdAt: plan.createdAt, summary: plan.summary, guards: plan.guards, filter, ops });
  }
  return true;
}
