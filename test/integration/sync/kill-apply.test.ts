/**
 * Crash safety: apply runs in a real child process that is SIGKILLed at random points; each time
 * it is run again. The LMS must end exactly as after one clean run, with no duplicate users and a
 * link table that matches the LMS.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_APPS } from '../../../src-main/demo/graph';
import type { TargetUser } from '../../../src-main/core/model';
import type { RequestLogEntry } from '../../../src-main/demo/lms/server';
import { createScimTarget } from '../../../src-main/lms';
import { Store } from '../../../src-main/store/store';
import { createPrng } from '../../helpers/prng';
import { LMS_TOKEN, startSyncEnv, type SyncEnv } from '../../helpers/sync-env';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const USERS = Number(process.env.KILL_TEST_USERS ?? 2_000);
const KILLS = Number(process.env.KILL_TEST_KILLS ?? 10);
const envs: SyncEnv[] = [];
afterAll(async () => {
  await Promise.all(envs.map((e) => e.close()));
});

/**
 * Starts apply in a child; kills it with SIGKILL once the LMS has seen `killAfter` requests, or
 * one `killAfter` picks out (if given).
 */
function applyInChild(env: SyncEnv, killAfter: number | ((r: RequestLogEntry) => boolean) | null): Promise<{ killed: boolean; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/helpers/apply-child.ts'), env.dataDir, env.integrationId], {
      cwd: ROOT,
      env: { ...process.env, TEST_CLIENT_SECRET: DEMO_APPS.main.secret, TEST_LMS_TOKEN: LMS_TOKEN },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let killed = false;
    const start = env.lms.requests().length;
    const seen = () => env.lms.requests().slice(start);
    const due = killAfter === null ? null : typeof killAfter === 'number' ? () => seen().length >= killAfter : () => seen().some(killAfter);
    const watch = due === null ? null : setInterval(() => {
      if (due()) {
        killed = true;
        child.kill('SIGKILL');
      }
    }, 2);
    let err = '';
    let out = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (watch) clearInterval(watch);
      if (!killed && code !== 0) reject(new Error(`apply child failed (${code}): ${out} ${err}`));
      resolve({ killed, code });
    });
  });
}

/** The LMS as an admin sees it: by userName, with names instead of ids (departments, managers…). */
async function lmsState(env: SyncEnv): Promise<Map<string, Omit<TargetUser, 'id' | 'created' | 'lastModified'>>> {
  const target = createScimTarget({ kind: 'scim', baseUrl: env.lms.baseUrl, auth: { scheme: 'bearer' }, concurrency: 4, rateLimitPerSecond: null }, LMS_TOKEN);
  const read = await target.readAll();
  target.close();
  if (!read.ok) throw new Error(read.error.message);
  const out = new Map<string, Omit<TargetUser, 'id' | 'created' | 'lastModified'>>();
  for (const { id: _id, created: _c, lastModified: _m, ...rest } of read.value.users) out.set(rest.userName, rest);
  return out;
}

/** The LMS's groups by name, each with its members' userNames. */
function groupsOf(e: SyncEnv): Array<readonly [string, string[]]> {
  const userNameOf = new Map(e.lms.users().map((u) => [String(u.id), String(u.userName)]));
  return (e.lms.store.orgList('groups') as Array<{ displayName: string; members?: Array<{ value: string }> }>)
    .map((g) => [g.displayName, (g.members ?? []).map((m) => userNameOf.get(m.value) ?? m.value).sort()] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/** Sales pushed to "Sales team" and the managers to "Managers": created at the end of an apply. */
const PUSHED: Pick<NonNullable<Parameters<typeof startSyncEnv>[0]>, 'config'> = {
  config: (base, tenant) => ({ ...base, mapping: { pushGroups: [{ groupId: tenant.groupIds.sales, groupName: 'Sales', lmsGroup: 'Sales team' }, { groupId: tenant.groupIds.managers, groupName: 'People Managers', lmsGroup: 'Managers' }] } }),
};

describe('apply killed at random points and run again', () => {
  it('killed right after a group create reached the LMS, the rerun links that group instead of making a second', async () => {
    const clean = await startSyncEnv({ users: 300, seed: 7, ...PUSHED });
    const crashy = await startSyncEnv({ users: 300, seed: 7, ...PUSHED });
    envs.push(clean, crashy);
    expect((await applyInChild(clean, null)).code).toBe(0);
    expect((await applyInChild(crashy, (r) => r.method === 'POST' && r.path.endsWith('/Groups'))).killed).toBe(true);
    expect((await applyInChild(crashy, null)).code).toBe(0);
    expect(groupsOf(crashy)).toEqual(groupsOf(clean));
    expect(groupsOf(clean).map(([name]) => name)).toEqual(['Managers', 'Sales team']);
  }, 120_000);

  it(`ends identical to a clean run, with no duplicates and a consistent link table (${USERS} users, ${KILLS} kills)`, async () => {
    const clean = await startSyncEnv({ users: USERS, seed: 5, ...PUSHED });
    const crashy = await startSyncEnv({ users: USERS, seed: 5, lmsFaults: { latencyMs: 1 }, ...PUSHED });
    envs.push(clean, crashy);

    expect((await applyInChild(clean, null)).code).toBe(0);
    const cleanRequests = clean.lms.requests().length;
    expect(clean.lms.users().length).toBeGreaterThan(USERS * 0.8);

    const prng = createPrng(20261123);
    let kills = 0;
    for (let i = 0; i < KILLS; i++) {
      // Anywhere from the first write to the last relation update of what is left to do.
      const r = await applyInChild(crashy, 5 + Math.floor(prng() * cleanRequests * 0.6));
      if (r.killed) kills++;
    }
    expect(kills).toBeGreaterThan(0);
    expect((await applyInChild(crashy, null)).code).toBe(0);

    const expected = await lmsState(clean);
    const actual = await lmsState(crashy);
    // No duplicates: one account per userName and per externalId.
    const externalIds = crashy.lms.users().map((u) => u.externalId).filter((x) => typeof x === 'string');
    expect(new Set(externalIds).size).toBe(externalIds.length);
    expect(actual.size).toBe(expected.size);
    for (const [userName, user] of expected) expect(actual.get(userName), userName).toEqual(user);
    // The same groups, once each, with the same members (by userName).
    expect(groupsOf(clean).map(([name, members]) => [name, members.length > 0])).toEqual([['Managers', true], ['Sales team', true]]);
    expect(groupsOf(crashy)).toEqual(groupsOf(clean));

    // The link table matches the LMS: every account the integration made is linked to its Entra id.
    const links = (await crashy.store.links(crashy.integrationId)).data.links;
    const byTarget = new Map(crashy.lms.users().map((u) => [String(u.id), u]));
    expect(new Set(links.map((l) => l.sourceId)).size).toBe(links.length);
    for (const l of links) expect(byTarget.get(l.targetId)?.externalId, l.sourceId).toBe(l.sourceId);
    expect(links.length).toBe((await clean.store.links(clean.integrationId)).data.links.length);

    // The history, as the app reads it from disk: every killed apply that had started writing is
    // there as interrupted (with what its audit log shows it wrote), none is left "running".
    const history = (await (await Store.open(crashy.dataDir)).runs(crashy.integrationId)).data.runs;
    expect(history[0]?.outcome).toBe('succeeded');
    expect(history.filter((r) => r.outcome === 'running')).toEqual([]);
    const interrupted = history.filter((r) => r.outcome === 'interrupted');
    expect(interrupted.length).toBeGreaterThan(0);
    expect(interrupted.length).toBeLessThanOrEqual(kills);
    for (const r of interrupted) expect(r.error?.code).toBe('RUN_INTERRUPTED');
    expect(interrupted.some((r) => r.applied > 0)).toBe(true);
  }, 240_000);
});
