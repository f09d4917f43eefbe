/**
 * The diff viewer's API (getPlanHeader, getPlanRows, getPlanOp, getPlanOps) through dispatch():
 * the header without ops, filtered windows of slim rows, one op's full detail, chunks for export,
 * a plan replaced on disk refused by version, and malformed input answered with {code, message, fix}.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AdoptResult, IntegrationSummary, PlanHeader, PlanHeaderResult, PlanOpDetail, PlanOpsChunk, PlanRows, UnmanagedChunk } from '../../src-preload/api-types';
import type { Plan } from '../../src-main/core/model';
import type { HandlerContext } from '../../src-main/ipc/context';
import { dispatch } from '../../src-main/ipc/dispatch';
import { forgetPlans, handOver } from '../../src-main/ipc/plan-holder';
import { indexPlan } from '../../src-main/ipc/plan-query';
import { tableOfPlan } from '../../src-main/ipc/plan-table';
import { PLAN_CACHE_VERSION } from '../../src-main/sync/cache-files';
import { saveCached } from '../../src-main/sync/snapshot-cache';
import { writeUnmanaged } from '../../src-main/sync/unmanaged-file';
import { acquireRunLock } from '../../src-main/store/run-lock';
import { planBasis } from '../../src-main/core/plan-basis';
import { testContext, VALID_CONFIG } from '../helpers/context';
import { samplePlan } from '../helpers/plans';
import { withTempDir } from '../helpers/tmp';

afterEach(() => forgetPlans());

async function value<T>(method: string, input: unknown, ctx: HandlerContext): Promise<T> {
  const r = await dispatch(method, input, ctx);
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}

async function withPlan(n: number, body: (ctx: HandlerContext, id: string, plan: Plan, header: PlanHeader) => Promise<void>): Promise<void> {
  await withTempDir(async (dir) => {
    const ctx = await testContext(dir);
    const { id } = await value<IntegrationSummary>('createIntegration', { config: VALID_CONFIG }, ctx);
    const plan = samplePlan(id, n);
    await saveCached(dir, id, 'plan', plan);
    const { plan: header } = await value<PlanHeaderResult>('getPlanHeader', { id }, ctx);
    if (!header) throw new Error('no header');
    await body(ctx, id, plan, header);
  });
}

const all = { kinds: [], reason: null, text: '' };

describe('the diff viewer API', () => {
  it('answers null before the first dry run, and names the missing plan for rows', async () => {
    await withTempDir(async (dir) => {
      const ctx = await testContext(dir);
      const { id } = await value<IntegrationSummary>('createIntegration', { config: VALID_CONFIG }, ctx);
      expect(await dispatch('getPlanHeader', { id }, ctx)).toEqual({ ok: true, value: { plan: null } });
      const rows = await dispatch('getPlanRows', { id, version: 'x', filter: all, offset: 0, limit: 10 }, ctx);
      expect(rows).toMatchObject({ ok: false, error: { code: 'PLAN_NOT_FOUND' } });
      expect(await dispatch('getPlanHeader', { id: 'int-nobody' }, ctx)).toMatchObject({ ok: false, error: { code: 'INTEGRATION_NOT_FOUND' } });
    });
  });

  it('sends the header without the ops: counts, guards, departments, reasons with their counts', async () => {
    await withPlan(60, async (_ctx, id, plan, header) => {
      expect(header).not.toHaveProperty('ops');
      expect(header).toMatchObject({ integrationId: id, createdAt: plan.createdAt, summary: plan.summary, guards: plan.guards, departmentsToCreate: [['Contoso', 'Sales']], opCount: 60 });
      expect(header.reasons).toEqual([
        { reason: 'attributes_changed', count: 20 },
        { reason: 'left_scope', count: 20 },
        { reason: 'email_taken', count: 10 },
        { reason: 'new_in_scope', count: 10 },
      ]);
      expect(header.version).toContain(plan.createdAt);
    });
  });

  it('gives windows of slim rows, filtered in main by kind, reason and text', async () => {
    await withPlan(600, async (ctx, id, plan, { version }) => {
      const first = await value<PlanRows>('getPlanRows', { id, version, filter: all, offset: 590, limit: 50 }, ctx);
      expect(first.total).toBe(600);
      expect(first.rows.map((r) => r.index)).toEqual([590, 591, 592, 593, 594, 595, 596, 597, 598, 599]);
      expect(first.rows[0]).toEqual({ index: 590, kind: plan.ops[590]?.kind, email: 'person.590@contoso.example', displayName: 'Person 590', sourceId: 'src-590', targetId: plan.ops[590]?.targetId, reason: plan.ops[590]?.reason, detail: `Person 590: ${plan.ops[590]?.kind ?? ''}.`, fields: ['title'] });

      const kinds = await value<PlanRows>('getPlanRows', { id, version, filter: { kinds: ['conflict', 'deactivate'], reason: null, text: '' }, offset: 0, limit: 1000 }, ctx);
      expect(kinds.total).toBe(200);
      expect(kinds.rows.every((r) => r.kind === 'conflict' || r.kind === 'deactivate')).toBe(true);
      expect(kinds.rows.map((r) => r.index)).toEqual([...kinds.rows.map((r) => r.index)].sort((a, b) => a - b));

      const text = await value<PlanRows>('getPlanRows', { id, version, filter: { kinds: [], reason: null, text: '  PERSON.42@' }, offset: 0, limit: 10 }, ctx);
      expect(text.rows.map((r) => r.email)).toEqual(['person.42@contoso.example']);
      const byId = await value<PlanRows>('getPlanRows', { id, version, filter: { kinds: [], reason: null, text: 'lms-43' }, offset: 0, limit: 100 }, ctx);
      expect(byId.rows.map((r) => r.index)).toContain(43);

      const reason = await value<PlanRows>('getPlanRows', { id, version, filter: { kinds: ['update'], reason: 'attributes_changed', text: 'person.1' }, offset: 0, limit: 1000 }, ctx);
      const expected = plan.ops.flatMap((op, i) => (op.kind === 'update' && op.reason === 'attributes_changed' && op.email?.includes('person.1') ? [i] : []));
      expect(reason.total).toBe(expected.length);
      expect(reason.rows.map((r) => r.index)).toEqual(expected);

      // Without a version: the current plan's rows, named by its version (the first window beside the header).
      const current = await value<PlanRows>('getPlanRows', { id, filter: all, offset: 0, limit: 3 }, ctx);
      expect(current).toMatchObject({ version, total: 600 });
      expect(current.rows.map((r) => r.index)).toEqual([0, 1, 2]);

      const none = await value<PlanRows>('getPlanRows', { id, version, filter: { kinds: [], reason: null, text: 'nobody@' }, offset: 0, limit: 10 }, ctx);
      expect(none).toMatchObject({ total: 0, rows: [] });
    });
  });

  it("gives one op's full detail when its row opens, from the plan kept in memory", async () => {
    await withPlan(30, async (ctx, id, plan, { version }) => {
      const one = await value<PlanOpDetail>('getPlanOp', { id, version, index: 1 }, ctx);
      expect(one.op).toEqual(plan.ops[1]);
      expect(one.op.notices?.[0]?.found).toEqual(['U+FEFF BYTE ORDER MARK']);
      const conflict = await value<PlanOpDetail>('getPlanOp', { id, version, index: 4 }, ctx);
      expect(conflict.op.candidates).toEqual({ sourceIds: ['src-4'], targetIds: ['lms-4', 'lms-x4'] });
      // Parsed once: the same object answers again (the file is not read and parsed per request).
      const again = await value<PlanOpDetail>('getPlanOp', { id, version, index: 4 }, ctx);
      expect(again.op).toBe(conflict.op);
      expect(await dispatch('getPlanOp', { id, version, index: 30 }, ctx)).toMatchObject({ ok: false, error: { code: 'PLAN_OP_NOT_FOUND' } });
    });
  });

  it('gives the filtered ops in chunks for an export, in plan order and complete', async () => {
    await withPlan(130, async (ctx, id, plan, { version }) => {
      const filter = { kinds: ['update', 'create'], reason: null, text: '' };
      const got = [];
      for (let offset = 0; ; ) {
        const chunk = await value<PlanOpsChunk>('getPlanOps', { id, version, filter, offset, limit: 25 }, ctx);
        got.push(...chunk.ops);
        offset += chunk.ops.length;
        if (offset >= chunk.total) break;
      }
      expect(got).toEqual(plan.ops.filter((o) => o.kind === 'update' || o.kind === 'create'));
    });
  });

  it('refuses rows of a plan a newer run has replaced, and the header then names the new one', async () => {
    await withPlan(20, async (ctx, id, _plan, { version }) => {
      await saveCached(ctx.store.dataDir, id, 'plan', samplePlan(id, 25, '2026-11-23T11:00:00.000Z'));
      const stale = await dispatch('getPlanRows', { id, version, filter: all, offset: 0, limit: 10 }, ctx);
      expect(stale).toMatchObject({ ok: false, error: { code: 'PLAN_REPLACED' } });
      if (!stale.ok) expect(stale.error.fix.length).toBeGreaterThan(5);
      const { plan: header } = await value<PlanHeaderResult>('getPlanHeader', { id }, ctx);
      expect(header).toMatchObject({ createdAt: '2026-11-23T11:00:00.000Z', opCount: 25 });
      expect(header?.version).not.toBe(version);
    });
  });

  it("serves a run's handed-over plan without parsing the file again", async () => {
    await withPlan(10, async (ctx, id) => {
      const fresh = samplePlan(id, 12, '2026-11-23T12:00:00.000Z');
      await saveCached(ctx.store.dataDir, id, 'plan', fresh);
      await handOver(ctx.store.dataDir, id, fresh);
      const { plan: header } = await value<PlanHeaderResult>('getPlanHeader', { id }, ctx);
      const op = await value<PlanOpDetail>('getPlanOp', { id, version: header?.version ?? '', index: 3 }, ctx);
      expect(op.op).toBe(fresh.ops[3]);
    });
  });

  it('serves a plan whose rows file is missing (no key: a crash between the two writes), parsed whole', async () => {
    await withTempDir(async (dir) => {
      const ctx = await testContext(dir);
      const { id } = await value<IntegrationSummary>('createIntegration', { config: VALID_CONFIG }, ctx);
      const plan = samplePlan(id, 2_500);
      await writeFile(path.join(dir, 'integrations', `${id}.plan.json`), JSON.stringify({ version: PLAN_CACHE_VERSION, data: plan }));
      const { plan: header } = await value<PlanHeaderResult>('getPlanHeader', { id }, ctx);
      const version = header?.version ?? '';
      expect(header?.opCount).toBe(2_500);
      const rows = await value<PlanRows>('getPlanRows', { id, version, filter: { kinds: [], reason: null, text: 'person.2400@' }, offset: 0, limit: 10 }, ctx);
      expect(rows.rows.map((r) => r.index)).toEqual([2400]);
      expect((await value<PlanOpDetail>('getPlanOp', { id, version, index: 2400 }, ctx)).op).toEqual(plan.ops[2400]);
    });
  });

  it('does not serve a plan an older version saved (its ops lack what the viewer now shows): a new dry run is asked for', async () => {
    await withTempDir(async (dir) => {
      const ctx = await testContext(dir);
      const { id } = await value<IntegrationSummary>('createIntegration', { config: VALID_CONFIG }, ctx);
      await writeFile(path.join(dir, 'integrations', `${id}.plan.json`), JSON.stringify({ version: PLAN_CACHE_VERSION - 1, data: samplePlan(id, 10) }));
      expect((await value<PlanHeaderResult>('getPlanHeader', { id }, ctx)).plan).toBeNull();
    });
  });

  it('answers an unreadable plan file with an error value, not INTERNAL', async () => {
    await withTempDir(async (dir) => {
      const ctx = await testContext(dir);
      const { id } = await value<IntegrationSummary>('createIntegration', { config: VALID_CONFIG }, ctx);
      // A directory where the plan file should be: reading it fails with EISDIR.
      await mkdir(path.join(dir, 'integrations', `${id}.plan.json`), { recursive: true });
      const r = await dispatch('getPlanHeader', { id }, ctx);
      expect(r).toMatchObject({ ok: false, error: { code: 'PLAN_UNREADABLE' } });
    });
  });

  it('counts the warnings ops carry and filters by one, from the rows file as from a plan in memory', async () => {
    await withTempDir(async (dir) => {
      const ctx = await testContext(dir);
      const { id } = await value<IntegrationSummary>('createIntegration', { config: VALID_CONFIG }, ctx);
      const plan = samplePlan(id, 30);
      const warn = (code: string) => ({ code, message: `${code}.` });
      const at = (i: number) => plan.ops[i] as Plan['ops'][number];
      at(4).warnings = [warn('approver_not_in_entra'), warn('manager_not_in_lms')];
      // Twice on one op (two addresses nobody has) counts as one op.
      at(7).warnings = [warn('approver_not_in_entra'), warn('approver_not_in_entra')];
      await saveCached(dir, id, 'plan', plan);
      const { plan: header } = await value<PlanHeaderResult>('getPlanHeader', { id }, ctx);
      if (!header) throw new Error('no header');
      // Op 1 of the sample carries a manager warning too, and a department cleaned of a byte-order mark.
      expect(header.warnings).toEqual([
        { code: 'approver_not_in_entra', count: 2 },
        { code: 'manager_not_in_lms', count: 2 },
        { code: 'hidden_characters', count: 1 },
      ]);
      const cleaned = await value<PlanRows>('getPlanRows', { id, version: header.version, filter: { ...all, warning: 'hidden_characters' }, offset: 0, limit: 100 }, ctx);
      expect(cleaned.rows.map((r) => r.index)).toEqual([1]);
      const rows = await value<PlanRows>('getPlanRows', { id, version: header.version, filter: { ...all, warning: 'approver_not_in_entra' }, offset: 0, limit: 100 }, ctx);
      expect(rows.rows.map((r) => r.index)).toEqual([4, 7]);
      const both = await value<PlanRows>('getPlanRows', { id, version: header.version, filter: { ...all, kinds: ['update'], warning: 'manager_not_in_lms' }, offset: 0, limit: 100 }, ctx);
      expect(both.rows.map((r) => r.index)).toEqual([1]);
      // A plan in memory (a run of this process handed it over) answers the same.
      expect(indexPlan(tableOfPlan(plan)).warnings).toEqual(header.warnings);
    });
  });

  it("gives the dry run's list of unmanaged accounts in chunks, for that dry run only", async () => {
    await withPlan(10, async (ctx, id, plan, header) => {
      // No list beside this plan: said, with what to do.
      expect(await dispatch('getUnmanagedAccounts', { id, version: header.version, offset: 0, limit: 10 }, ctx)).toMatchObject({ ok: false, error: { code: 'UNMANAGED_NOT_FOUND', fix: expect.stringContaining('dry run') } });
      const account = (i: number) => ({ id: `t-${i}`, userName: `u${i}@x.com`, email: null, displayName: null, active: i % 2 === 0, department: null, permissionTypes: null, created: null, lastModified: null, entraUser: null, secondAccount: false });
      await writeUnmanaged(ctx.store.dataDir, id, { createdAt: plan.createdAt, key: 'k' }, [0, 1, 2, 3, 4].map(account));
      const chunk = await value<UnmanagedChunk>('getUnmanagedAccounts', { id, version: header.version, offset: 3, limit: 10 }, ctx);
      expect(chunk).toEqual({ version: header.version, total: 5, offset: 3, accounts: [account(3), account(4)] });
      // A newer dry run replaced the plan: the old version is refused, as for its rows. (Another
      // size, as a newer plan has: the held plan is known stale by the file's size and time, and
      // two writes within one millisecond of the same size would look alike.)
      await saveCached(ctx.store.dataDir, id, 'plan', samplePlan(id, 11, '2026-11-23T12:00:00.000Z'));
      expect(await dispatch('getUnmanagedAccounts', { id, version: header.version, offset: 0, limit: 10 }, ctx)).toMatchObject({ ok: false, error: { code: 'PLAN_REPLACED' } });
    });
  });

  it("links the dry run's linkable unmanaged accounts: not while a run holds the lock, not what was linked since, not once settings or links changed, not from a replaced dry run", async () => {
    await withPlan(10, async (ctx, id, plan, header) => {
      const account = (i: number, owner: string | null) => ({ id: `t-${i}`, userName: `u${i}@x.com`, email: null, displayName: null, active: true, department: null, permissionTypes: null, created: null, lastModified: null, entraUser: owner === null ? null : `${owner}@x.com`, entraUserId: owner, secondAccount: false, whyNotLinkable: owner === null ? ('nobody_in_entra' as const) : null });
      // Another integration's link, as the dry run saw it.
      const other = await value<IntegrationSummary>('createIntegration', { config: { ...VALID_CONFIG, name: 'Other tenant' } }, ctx);
      const otherLinks = await ctx.store.links(other.id);
      await otherLinks.update((f) => void f.links.push({ integrationId: other.id, sourceId: 'x-8', targetId: 't-8', origin: 'created', linkedAt: plan.createdAt, emailAtLink: null }));
      const basis = () => {
        const record = ctx.store.settings.data.integrations.find((i) => i.id === id);
        if (!record) throw new Error('no integration');
        return planBasis({ ...record.config, id }, [], otherLinks.data.links);
      };
      const write = (b: string | undefined) => writeUnmanaged(ctx.store.dataDir, id, { createdAt: plan.createdAt, key: 'k', ...(b ? { basis: b } : {}) }, [account(0, 'e-0'), account(1, null), account(2, 'e-2'), account(3, 'e-3')]);
      // A list from before the basis was kept is not trusted.
      await write(undefined);
      expect(await dispatch('adoptUnmanaged', { id, version: header.version }, ctx)).toMatchObject({ ok: false, error: { code: 'DRY_RUN_OUTDATED', fix: expect.stringContaining('Run a dry run again') } });
      await write(basis());

      // A run of this integration (here or in another process) writes the link table too: nothing is linked under it.
      const lock = await acquireRunLock(ctx.store.dataDir, id, 'apply');
      if (!lock.ok) throw new Error('no lock');
      const refused = await dispatch('adoptUnmanaged', { id, version: header.version }, ctx);
      await lock.value.release();
      expect(refused).toMatchObject({ ok: false, error: { code: 'RUN_IN_PROGRESS', message: expect.stringMatching(/^Nothing was linked: another run of this integration is in progress \(apply/) } });
      expect((await ctx.store.links(id)).data.links).toEqual([]);

      // The dialog names the accounts linking would link.
      expect(await value<UnmanagedChunk>('getUnmanagedAccounts', { id, version: header.version, offset: 0, limit: 2, linkableOnly: true }, ctx)).toMatchObject({ total: 3, accounts: [{ id: 't-0' }, { id: 't-2' }] });
      const done = await value<AdoptResult>('adoptUnmanaged', { id, version: header.version }, ctx);
      expect(done).toEqual({ linked: 3, examples: [{ userName: 'u0@x.com', entraUser: 'e-0@x.com' }, { userName: 'u2@x.com', entraUser: 'e-2@x.com' }, { userName: 'u3@x.com', entraUser: 'e-3@x.com' }], notAdopted: { nobody_in_entra: 1 } });
      // Chosen by an administrator: 'relinked', which every release reads.
      expect((await ctx.store.links(id)).data.links.map((l) => [l.sourceId, l.targetId, l.origin, l.linkedAt])).toEqual([
        ['e-0', 't-0', 'relinked', ctx.now().toISOString()],
        ['e-2', 't-2', 'relinked', ctx.now().toISOString()],
        ['e-3', 't-3', 'relinked', ctx.now().toISOString()],
      ]);
      // The links changed, so the dry run no longer holds: asked again, nothing more is linked.
      expect(await dispatch('adoptUnmanaged', { id, version: header.version }, ctx)).toMatchObject({ ok: false, error: { code: 'DRY_RUN_OUTDATED' } });
      expect((await ctx.store.links(id)).data.links).toHaveLength(3);

      await saveCached(ctx.store.dataDir, id, 'plan', samplePlan(id, 11, '2026-11-23T12:00:00.000Z'));
      expect(await dispatch('adoptUnmanaged', { id, version: header.version }, ctx)).toMatchObject({ ok: false, error: { code: 'PLAN_REPLACED' } });
    });
  });

  it.each([
    ['getPlanRows', { id: 'int-1', version: 'v', filter: all, offset: 0, limit: 0 }, 'limit'],
    ['getPlanRows', { id: 'int-1', version: 'v', filter: all, offset: 0, limit: 5_000 }, 'limit'],
    ['getPlanRows', { id: 'int-1', version: 'v', filter: all, offset: -1, limit: 10 }, 'offset'],
    ['getPlanRows', { id: 'int-1', version: 'v', filter: { kinds: ['delete'], reason: null, text: '' }, offset: 0, limit: 10 }, 'filter.kinds.0'],
    ['getPlanRows', { id: 'int-1', version: '', filter: all, offset: 0, limit: 10 }, 'version'],
    ['getPlanRows', { id: '../etc', version: 'v', filter: all, offset: 0, limit: 10 }, 'id'],
    ['getPlanOp', { id: 'int-1', version: 'v', index: 1.5 }, 'index'],
    ['getPlanOp', { id: 'int-1', index: 2 }, 'version'],
    ['getPlanOps', { id: 'int-1', version: 'v', filter: all, offset: 0, limit: 50_000 }, 'limit'],
    ['getPlanOps', { id: 'int-1', version: 'v', filter: { kinds: [], reason: null, text: 'x'.repeat(400) }, offset: 0, limit: 10 }, 'filter.text'],
    ['getPlanHeader', { id: 42 }, 'id'],
  ])('%s with a malformed %j: INVALID_INPUT naming the field, with a fix', async (method, input, field) => {
    await withTempDir(async (dir) => {
      const r = await dispatch(method, input, await testContext(dir));
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.code).toBe('INVALID_INPUT');
      expect(r.error.message).toContain(field);
      expect(r.error.fix).toContain(field);
    });
  });
});
