/**
 * "Never mass-deactivate because a read failed or returned nothing" (DESIGN.md §3, Safety).
 * With "deactivate users" ON and a first apply done, an Entra read that breaks halfway — Graph
 * answering 503 past the retry budget, or dropping every connection — and a scope group that
 * suddenly has no members must deactivate nobody, write nothing, and say what went wrong.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AppError } from '../../../src-main/core/errors';
import { createEntraSource } from '../../../src-main/entra';
import { createScimTarget } from '../../../src-main/lms';
import { runIntegration, type RunProgress } from '../../../src-main/sync/run';
import type { ConnectorFactory } from '../../../src-main/sync/connectors';
import { startSyncEnv, type SyncEnv } from '../../helpers/sync-env';

let env: SyncEnv | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});

/** The real connectors, with Graph retries kept short so "past the retry budget" takes milliseconds. */
const quickRetries: ConnectorFactory = {
  source: (settings, secret) => createEntraSource(settings, secret, { retry: { baseDelayMs: 5, maxDelayMs: 40 } }),
  target: (settings, token) => createScimTarget(settings, token),
};

/** A first apply with "deactivate users" on: everyone in scope is created and owned. */
async function appliedEnv(users: number): Promise<SyncEnv> {
  const e = await startSyncEnv({ users, seed: 21 });
  const config = e.store.settings.data.integrations[0]?.config;
  expect(config?.deactivation.deactivateUsers).toBe(true);
  const first = await runIntegration(e, { integrationId: e.integrationId, kind: 'apply', trigger: 'manual' });
  expect(first.run.outcome).toBe('succeeded');
  expect(first.run.applied).toBeGreaterThan(users * 0.8);
  return e;
}

/** What an admin must be able to read: a code, a sentence, a fix, and no programmer's debris. */
function expectReadable(error: AppError | null): asserts error is AppError {
  expect(error).not.toBeNull();
  if (!error) return;
  expect(error.code).toMatch(/^[A-Z][A-Z_]+$/);
  expect(error.message.length).toBeGreaterThan(20);
  expect(error.fix.length).toBeGreaterThan(10);
  for (const text of [error.message, error.fix]) {
    expect(text).not.toMatch(/undefined|\[object |^\s+at |Error: |null/);
  }
}

/** The LMS after a failed run: nobody inactive and no write since `since` requests. */
function expectNothingWritten(e: SyncEnv, since: number): void {
  expect(e.lms.users().filter((u) => u.active === false)).toEqual([]);
  expect(e.lms.requests().slice(since).filter((r) => r.method !== 'GET')).toEqual([]);
}

async function expectRecordedFailure(e: SyncEnv, error: AppError): Promise<void> {
  const record = e.store.settings.data.integrations[0];
  expect(record?.status).toBe('error');
  expect(record?.statusReason?.code).toBe(error.code);
  const [last] = (await e.store.runs(e.integrationId)).data.runs;
  expect(last).toMatchObject({ kind: 'apply', outcome: 'failed', applied: 0, error: { code: error.code, message: error.message, fix: error.fix } });
}

/** Flips the Graph simulator into a failure mode once the user listing has passed `afterUsers`. */
function breakGraphAfter(e: SyncEnv, afterUsers: number, faults: Parameters<SyncEnv['graph']['setFaults']>[0]) {
  let broken = false;
  return (p: RunProgress) => {
    if (!broken && p.reads?.entra.phase === 'users' && p.reads.entra.done >= afterUsers) {
      broken = true;
      e.graph.setFaults(faults);
    }
  };
}

describe('a read that fails or comes back empty deactivates nobody', () => {
  it('Graph answers 503 past the retry budget halfway through a full read: the run fails readably and writes nothing', async () => {
    env = await appliedEnv(400);
    const e = env;
    const before = e.lms.requests().length;
    const linksBefore = (await e.store.links(e.integrationId)).data.links;
    const r = await runIntegration(e, {
      integrationId: e.integrationId,
      kind: 'apply',
      trigger: 'schedule',
      full: true,
      connectors: quickRetries,
      onProgress: breakGraphAfter(e, 200, { unavailableRate: 1, retryAfterSeconds: 0 }),
    });
    expect(e.graph.stats.unavailable).toBeGreaterThan(0);
    expect(r.run.outcome).toBe('failed');
    expect(r.plan).toBeNull();
    expectReadable(r.error);
    expect(r.error.code).toMatch(/^ENTRA_/);
    expectNothingWritten(e, before);
    await expectRecordedFailure(e, r.error);
    expect((await e.store.links(e.integrationId)).data.links).toEqual(linksBefore);

    // Graph recovers: the next run deactivates nobody either (no one left), and the integration is green again.
    e.graph.setFaults({});
    const next = await runIntegration(e, { integrationId: e.integrationId, kind: 'apply', trigger: 'schedule', full: true });
    expect(next.run.outcome).toBe('succeeded');
    expect(next.plan?.summary.deactivate).toBe(0);
    expect(e.store.settings.data.integrations[0]?.status).toBe('active');
  });

  it('Graph drops every connection after some pages: the run fails readably and writes nothing', async () => {
    env = await appliedEnv(300);
    const e = env;
    const before = e.lms.requests().length;
    const r = await runIntegration(e, {
      integrationId: e.integrationId,
      kind: 'apply',
      trigger: 'schedule',
      full: true,
      connectors: quickRetries,
      onProgress: breakGraphAfter(e, 100, { dropRate: 1 }),
    });
    expect(e.graph.stats.dropped).toBeGreaterThan(0);
    expect(r.run.outcome).toBe('failed');
    expectReadable(r.error);
    expect(r.error.code).toMatch(/^ENTRA_/);
    expectNothingWritten(e, before);
    await expectRecordedFailure(e, r.error);
  });

  it('a delta read that keeps failing writes nothing', async () => {
    env = await appliedEnv(200);
    const e = env;
    // Someone really leaves; the failed read must not act on it, nor on anyone else.
    const [leaver] = (await e.store.links(e.integrationId)).data.links;
    if (!leaver) throw new Error('no link');
    e.graph.mutateUser(leaver.sourceId, { accountEnabled: false });
    e.graph.setFaults({ unavailableRate: 1, retryAfterSeconds: 0 });
    const before = e.lms.requests().length;
    const r = await runIntegration(e, { integrationId: e.integrationId, kind: 'apply', trigger: 'schedule', connectors: quickRetries });
    expect(r.run.outcome).toBe('failed');
    expectReadable(r.error);
    expectNothingWritten(e, before);
    await expectRecordedFailure(e, r.error);
  });

  it('the scope group suddenly has no members: apply is blocked by empty_scope, even when deactivations are confirmed', async () => {
    env = await appliedEnv(200);
    const e = env;
    const allStaff = e.tenant.fixture.groups.find((g) => g.id === e.tenant.groupIds.allStaff);
    if (!allStaff) throw new Error('no All Staff group');
    for (const m of [...allStaff.memberUserIds, ...allStaff.memberGroupIds]) e.graph.removeGroupMember(allStaff.id, m);
    const owned = (await e.store.links(e.integrationId)).data.links.length;
    const before = e.lms.requests().length;

    const dry = await runIntegration(e, { integrationId: e.integrationId, kind: 'dry-run', trigger: 'manual' });
    expect(dry.run.outcome).toBe('succeeded');
    expect(dry.plan?.guards).toContainEqual(expect.objectContaining({ code: 'empty_scope', blocking: true, confirmable: false, limit: owned }));

    for (const confirmedDeactivations of [undefined, owned, 10_000_000]) {
      const r = await runIntegration(e, { integrationId: e.integrationId, kind: 'apply', trigger: 'manual', confirmedDeactivations });
      expect(r.run.outcome).toBe('blocked');
      expect(r.error?.code).toBe('GUARD_EMPTY_SCOPE');
      expectReadable(r.error);
      expect(r.run.applied).toBe(0);
    }
    expectNothingWritten(e, before);
    expect(e.lms.users().filter((u) => u.active !== false).length).toBe(owned);
  });
});
