/**
 * The diff viewer's API: the plan's header, windows of slim rows filtered here, one op's detail,
 * and chunks of full ops for an export. Every answer comes from the plan kept in memory
 * (plan-holder.ts); none re-reads the cache file unless a newer run has replaced it.
 */
import { appError, fail, ok, type Result } from '../core/errors';
import { findIntegration, integrationNotFound } from '../store/integrations';
import type { HandlerContext } from './context';
import type { Handlers } from './handlers';
import { heldPlan, type HeldPlan } from './plan-holder';
import { rowOf, windowOf } from './plan-query';

type PlanHandlerNames = 'getPlanHeader' | 'getPlanRows' | 'getPlanOp' | 'getPlanOps';

const noPlan = () => appError('PLAN_NOT_FOUND', 'There is no dry run for this integration yet.', 'Start a dry run: it lists every change a sync would make, without writing anything.');

/**
 * The plan the window is looking at, or why it is gone: never rows of one plan mixed into another.
 * No version: whichever plan is current (its answer names it).
 */
async function planAt(ctx: HandlerContext, id: string, version: string | undefined): Promise<Result<HeldPlan>> {
  if (!findIntegration(ctx.store, id)) return fail(integrationNotFound(id));
  const held = await heldPlan(ctx.store.dataDir, id);
  if (!held) return fail(noPlan());
  if (version !== undefined && held.version !== version) {
    return fail(
      appError('PLAN_REPLACED', 'A newer dry run has replaced the one on screen.', 'The newer dry run is shown now; review it before you apply.', { current: held.plan.createdAt }),
    );
  }
  return ok(held);
}

export const planHandlers: Pick<Handlers, PlanHandlerNames> = {
  async getPlanHeader({ id }, ctx) {
    if (!findIntegration(ctx.store, id)) return fail(integrationNotFound(id));
    const held = await heldPlan(ctx.store.dataDir, id);
    if (!held) return ok({ plan: null });
    const { ops, ...header } = held.plan;
    return ok({ plan: { ...header, version: held.version, opCount: ops.length, reasons: held.index.reasons } });
  },

  async getPlanRows({ id, version, filter, offset, limit }, ctx) {
    const at = await planAt(ctx, id, version);
    if (!at.ok) return at;
    const { plan, index } = at.value;
    const { total, indices } = windowOf(plan, index, filter, offset, limit);
    const rows = [];
    for (const i of indices) {
      const op = plan.ops[i];
      if (op) rows.push(rowOf(op, i));
    }
    return ok({ version: at.value.version, total, offset, rows });
  },

  async getPlanOp({ id, version, index }, ctx) {
    const at = await planAt(ctx, id, version);
    if (!at.ok) return at;
    const op = at.value.plan.ops[index];
    if (!op) return fail(appError('PLAN_OP_NOT_FOUND', `This dry run has no change number ${index + 1}.`, 'Reload the dry run and open the row again.', { index }));
    return ok({ version, index, op });
  },

  async getPlanOps({ id, version, filter, offset, limit }, ctx) {
    const at = await planAt(ctx, id, version);
    if (!at.ok) return at;
    const { plan, index } = at.value;
    const { total, indices } = windowOf(plan, index, filter, offset, limit);
    const ops = [];
    for (const i of indices) {
      const op = plan.ops[i];
      if (op) ops.push(op);
    }
    return ok({ version, total, offset, ops });
  },
};
