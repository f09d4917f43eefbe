/**
 * The diff viewer's API: the plan's header, windows of slim rows filtered here, one op's detail,
 * and chunks of full ops for an export. Every answer comes from the plan kept in memory
 * (plan-holder.ts); none re-reads the cache file unless a newer run has replaced it. Beside them,
 * the names of people by id from the same dry run's Entra read, for the wizard's lists of ids.
 */
import { appError, fail, ok, type Result } from '../core/errors';
import { findIntegration, integrationNotFound } from '../store/integrations';
import type { HandlerContext } from './context';
import type { Handlers } from './handlers';
import { heldPlan, type HeldPlan } from './plan-holder';
import { windowOf } from './plan-query';
import { planReplaced } from './plan-table';
import { readUnmanaged, type UnmanagedList } from '../sync/unmanaged-file';
import { groupPushView } from '../core/push-groups';
import { loadCachedForRun } from '../sync/snapshot-cache';
import { adoptUnmanaged, listToLink } from '../sync/adopt';
import type { PersonName } from '../../src-preload/api-types';

type PlanHandlerNames = 'getPlanHeader' | 'getPlanRows' | 'getPlanOp' | 'getPlanOps' | 'getUnmanagedAccounts' | 'adoptUnmanaged' | 'getPeopleNames';

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
    return fail({ ...planReplaced(), details: { current: held.table.header.createdAt } });
  }
  return ok(held);
}

/** The last list read, while an export asks for it chunk after chunk (dropped after a minute). */
let lastList: { key: string; list: UnmanagedList; timer: ReturnType<typeof setTimeout> } | null = null;

async function unmanagedListOf(dataDir: string, id: string, planCreatedAt: string): Promise<UnmanagedList | null> {
  const key = `${dataDir}\u0000${id}\u0000${planCreatedAt}`;
  if (lastList?.key === key) return lastList.list;
  const list = await readUnmanaged(dataDir, id, planCreatedAt);
  if (lastList) clearTimeout(lastList.timer);
  lastList = null;
  if (!list) return null;
  const timer = setTimeout(() => (lastList = null), 60_000);
  timer.unref?.();
  lastList = { key, list, timer };
  return list;
}

/**
 * The people of `sourceIds` in the last dry run's Entra snapshot (the copy kept in memory when it
 * is still the one on disk, else the file), in the order asked (each id once); whom it does not
 * hold is left out. Names are a courtesy: an unreadable snapshot names nobody, never fails the window.
 */
async function peopleNames(dataDir: string, id: string, sourceIds: readonly string[]): Promise<PersonName[]> {
  const wanted = new Map(sourceIds.map((s) => [s.toLowerCase(), s]));
  if (wanted.size === 0) return [];
  const saved = await loadCachedForRun(dataDir, id, 'source').catch(() => null);
  const found = new Map<string, PersonName>();
  for (const u of saved?.snapshot.users ?? []) {
    const asked = wanted.get(u.id.toLowerCase());
    if (asked !== undefined) found.set(asked, { sourceId: asked, displayName: u.displayName, userPrincipalName: u.userPrincipalName, mail: u.mail });
  }
  return [...wanted.values()].flatMap((s) => found.get(s) ?? []);
}

export const planHandlers: Pick<Handlers, PlanHandlerNames> = {
  async getPlanHeader({ id }, ctx) {
    if (!findIntegration(ctx.store, id)) return fail(integrationNotFound(id));
    const held = await heldPlan(ctx.store.dataDir, id);
    if (!held) return ok({ plan: null });
    const { groups, ...header } = held.table.header;
    // A pushed group can list 100,000 members: the header carries its counts and first names.
    return ok({ plan: { ...header, ...(groups ? { groups: groups.map(groupPushView) } : {}), version: held.version, opCount: held.table.length, reasons: held.index.reasons, warnings: held.index.warnings } });
  },

  async getPlanRows({ id, version, filter, offset, limit }, ctx) {
    const at = await planAt(ctx, id, version);
    if (!at.ok) return at;
    const { table, index } = at.value;
    const { total, indices } = windowOf(table, index, filter, offset, limit);
    return ok({ version: at.value.version, total, offset, rows: indices.map((i) => table.row(i)) });
  },

  async getPlanOp({ id, version, index }, ctx) {
    const at = await planAt(ctx, id, version);
    if (!at.ok) return at;
    const [op] = await at.value.table.ops([index]);
    if (!op) return fail(appError('PLAN_OP_NOT_FOUND', `This dry run has no change number ${index + 1}.`, 'Reload the dry run and open the row again.', { index }));
    return ok({ version, index, op });
  },

  async getPlanOps({ id, version, filter, offset, limit }, ctx) {
    const at = await planAt(ctx, id, version);
    if (!at.ok) return at;
    const { table, index } = at.value;
    const { total, indices } = windowOf(table, index, filter, offset, limit);
    return ok({ version, total, offset, ops: await table.ops(indices) });
  },

  async getPeopleNames({ id, sourceIds }, ctx) {
    if (!findIntegration(ctx.store, id)) return fail(integrationNotFound(id));
    return ok(await peopleNames(ctx.store.dataDir, id, sourceIds));
  },

  async getUnmanagedAccounts({ id, version, offset, limit, linkableOnly }, ctx) {
    const at = await planAt(ctx, id, version);
    if (!at.ok) return at;
    const list = await unmanagedListOf(ctx.store.dataDir, id, at.value.table.header.createdAt);
    if (!list) {
      return fail(appError('UNMANAGED_NOT_FOUND', 'This dry run has no list of the LMS accounts no integration manages (its LMS read was incomplete, or the list was removed).', 'Start a dry run again, then export the list.'));
    }
    const accounts = linkableOnly ? list.accounts.filter((a) => a.whyNotLinkable === null) : list.accounts;
    return ok({ version, total: accounts.length, offset, accounts: accounts.slice(offset, offset + limit) });
  },

  async adoptUnmanaged({ id, version }, ctx) {
    // Only from the dry run on screen being the current one: an older list may name accounts since linked or gone.
    const at = await planAt(ctx, id, version);
    if (!at.ok) return at;
    const list = await listToLink(ctx.store, id, at.value.table.header.createdAt);
    if (!list.ok) return list;
    return adoptUnmanaged(ctx.store, id, list.value, ctx.now());
  },
};
