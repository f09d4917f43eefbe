/**
 * A flaky network must not change what a sync does. 10 % of Graph requests and 10 % of LMS
 * requests fail (429 with Retry-After, 503, connections reset without an answer); the dry run and
 * the apply must end exactly as the same runs on a healthy network: the same plan, the same LMS
 * accounts field by field, the same link table, one welcome e-mail per person, and nothing left
 * to do afterwards. The runs after the first read both sides by their changes (Entra delta, LMS
 * modified-since), so those reads go through the faults too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../../src-main/core/model';
import type { GraphFaults } from '../../../src-main/demo/graph';
import type { LmsFaults } from '../../../src-main/demo/lms';
import { runIntegration, type RunOutcome } from '../../../src-main/sync/run';
import { createPrng } from '../../helpers/prng';
import { startSyncEnv, type SyncEnv } from '../../helpers/sync-env';
import { lmsState, pointLmsAt, startResetProxy, type AdminView, type ResetMode } from './helpers';

const USERS = 400;
const SEED = 8;
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** The plan without what legitimately differs between two environments (time, integration id). */
function comparable(plan: Plan | null) {
  if (!plan) throw new Error('no plan');
  return { summary: plan.summary, ops: plan.ops, guards: plan.guards, departmentsToCreate: plan.departmentsToCreate };
}

const run = (env: SyncEnv, kind: 'dry-run' | 'apply') => runIntegration(env, { integrationId: env.integrationId, kind, trigger: 'manual' });

interface CleanResult {
  dry: RunOutcome;
  apply: RunOutcome;
  lms: AdminView;
  linkedSourceIds: string[];
  welcomeMails: number;
}
let clean: CleanResult;

beforeAll(async () => {
  const env = await startSyncEnv({ users: USERS, seed: SEED });
  cleanups.push(() => env.close());
  const dry = await run(env, 'dry-run');
  const apply = await run(env, 'apply');
  expect(dry.error).toBeNull();
  expect(apply.run.outcome).toBe('succeeded');
  expect(dry.plan?.summary.create).toBeGreaterThan(USERS * 0.8);
  clean = {
    dry,
    apply,
    lms: await lmsState(env),
    linkedSourceIds: (await env.store.links(env.integrationId)).data.links.map((l) => l.sourceId).sort(),
    welcomeMails: env.lms.outbox().count,
  };
}, 60_000);

/** Runs a dry run then an apply through faults and checks both against the healthy runs. */
async function syncThroughFaults(graphFaults: GraphFaults, lmsFaults: LmsFaults, resets: ResetMode) {
  const env = await startSyncEnv({ users: USERS, seed: SEED, graphFaults, lmsFaults });
  cleanups.push(() => env.close());
  const proxy = await startResetProxy(env.lms.baseUrl, resets);
  cleanups.push(() => proxy.close());
  await pointLmsAt(env, proxy.baseUrl);

  // Dry run: the same plan, op for op.
  const dry = await run(env, 'dry-run');
  expect(dry.error).toBeNull();
  expect(dry.run.outcome).toBe('succeeded');
  expect(comparable(dry.plan)).toEqual(comparable(clean.dry.plan));

  // Apply: one run, no per-user failure, the same LMS account by account.
  const apply = await run(env, 'apply');
  expect(apply.error).toBeNull();
  expect(apply.apply?.failures ?? []).toEqual([]);
  expect(apply.run.outcome).toBe('succeeded');
  expect(apply.run.applied).toBe(clean.apply.run.applied);
  // After the dry run's full reads, the apply read both sides by their changes, through the faults.
  expect(apply.run.readMode).toBe('delta');
  expect(apply.run.lmsRead).toEqual({ mode: 'changes', reason: null });
  const actual = await lmsState(env);
  expect(actual.size).toBe(clean.lms.size);
  for (const [userName, user] of clean.lms) expect(actual.get(userName), userName).toEqual(user);
  const externalIds = env.lms.users().map((u) => u.externalId);
  expect(new Set(externalIds).size).toBe(externalIds.length);
  // The same people linked, each to the account that carries their Entra id.
  const links = (await env.store.links(env.integrationId)).data.links;
  expect(links.map((l) => l.sourceId).sort()).toEqual(clean.linkedSourceIds);
  const byId = new Map(env.lms.users().map((u) => [String(u.id), u]));
  for (const l of links) expect(byId.get(l.targetId)?.externalId, l.sourceId).toBe(l.sourceId);
  // One welcome e-mail per person, not one per retry.
  expect(env.lms.outbox().count).toBe(clean.welcomeMails);
  // Nothing left to do.
  const after = await run(env, 'dry-run');
  expect(after.run.lmsRead).toEqual({ mode: 'changes', reason: null });
  expect(after.plan?.summary).toMatchObject({ create: 0, update: 0, deactivate: 0, reactivate: 0 });
  return { env, proxy };
}

describe('10 % of Graph and LMS requests fail', () => {
  it('429s, 503s and reset connections on both sides: the runs end exactly as on a healthy network', async () => {
    const { env, proxy } = await syncThroughFaults(
      // Graph: 4 % throttled, 3 % unavailable, 3 % connections dropped.
      { throttleRate: 0.04, unavailableRate: 0.03, dropRate: 0.03, retryAfterSeconds: 0, seed: 6 },
      // LMS: 4 % throttled, 3 % unavailable, and (proxy) 3 % of requests on a kept-alive connection reset.
      { rate429: 0.04, rate5xx: 0.03, status5xx: 503, retryAfterSeconds: 0.01, random: createPrng(17) },
      { kind: 'reused', rate: 0.03 },
    );
    // The faults really happened, on both sides.
    expect(env.graph.stats.throttled).toBeGreaterThan(0);
    expect(env.graph.stats.unavailable).toBeGreaterThan(0);
    expect(env.graph.stats.dropped).toBeGreaterThan(0);
    expect(env.lms.requests().filter((r) => r.status === 429).length).toBeGreaterThan(5);
    expect(env.lms.requests().filter((r) => r.status === 503).length).toBeGreaterThan(5);
    expect(proxy.resets).toBeGreaterThan(5);
  }, 90_000);

  // A reset on a fresh connection (not only a reused keep-alive socket) is retried with backoff.
  it('a reset on a brand-new LMS connection is retried like any other transient failure', async () => {
    const { proxy } = await syncThroughFaults({}, {}, { kind: 'fresh', every: 3 });
    expect(proxy.resets).toBeGreaterThan(0);
  }, 90_000);
});
