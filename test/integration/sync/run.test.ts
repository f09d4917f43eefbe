import { promises as fsPromises } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEMO_APPS } from '../../../src-main/demo/graph';
import { cleanText } from '../../../src-main/core/normalise';
import { runIntegration, type RunProgress } from '../../../src-main/sync/run';
import { createdDepartmentsOf } from '../../../src-main/sync/created-departments';
import { LMS_TOKEN, startSyncEnv, type SyncEnv } from '../../helpers/sync-env';

let env: SyncEnv | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});

const PLAN_EMPTY = { create: 0, update: 0, deactivate: 0, reactivate: 0 };

describe('sync run against the Graph and LMS simulators', () => {
  it('dry run writes nothing; apply creates and links everyone in scope; a second plan is empty', async () => {
    env = await startSyncEnv({ users: 150 });
    const services = env;
    const dry = await runIntegration(services, { integrationId: env.integrationId, kind: 'dry-run', trigger: 'manual' });
    expect(dry.error).toBeNull();
    expect(dry.run.outcome).toBe('succeeded');
    expect(dry.run.readMode).toBe('full');
    const creates = dry.plan?.summary.create ?? 0;
    expect(creates).toBeGreaterThan(100);
    expect(env.lms.users()).toHaveLength(0);
    expect(env.lms.outbox().count).toBe(0);

    const applied = await runIntegration(services, { integrationId: env.integrationId, kind: 'apply', trigger: 'manual' });
    expect(applied.error).toBeNull();
    expect(applied.run.outcome).toBe('succeeded');
    expect(applied.apply?.failed).toBe(0);
    const lmsUsers = env.lms.users();
    expect(lmsUsers.length).toBe(creates);
    // Every created account carries the Entra object id and is in the link table.
    const links = (await env.store.links(env.integrationId)).data.links;
    expect(links).toHaveLength(creates);
    const externalIds = new Set(lmsUsers.map((u) => u.externalId));
    for (const l of links) expect(externalIds.has(l.sourceId)).toBe(true);
    // The audit log has one line per executed op.
    const audit = (await readFile(path.join(env.store.auditDir, applied.run.auditLog ?? ''), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { result: string; op: string });
    expect(audit.filter((e) => e.result === 'ok' && e.op === 'create')).toHaveLength(creates);
    // History keeps both runs, newest first.
    const runs = (await env.store.runs(env.integrationId)).data.runs;
    expect(runs.map((r) => r.kind)).toEqual(['apply', 'dry-run']);
    expect(env.store.settings.data.integrations[0]?.status).toBe('active');

    const again = await runIntegration(services, { integrationId: env.integrationId, kind: 'dry-run', trigger: 'manual' });
    expect(again.plan?.summary).toMatchObject(PLAN_EMPTY);
  });

  it('picks up a change in Entra with a delta read and updates only that user', async () => {
    env = await startSyncEnv({ users: 120 });
    expect((await runIntegration(env, { integrationId: env.integrationId, kind: 'apply', trigger: 'manual' })).run.outcome).toBe('succeeded');
    const link = (await env.store.links(env.integrationId)).data.links[0];
    if (!link) throw new Error('no link');
    env.graph.mutateUser(link.sourceId, { jobTitle: 'Chief Learning Officer' });

    const next = await runIntegration(env, { integrationId: env.integrationId, kind: 'apply', trigger: 'schedule' });
    expect(next.run.readMode).toBe('delta');
    expect(next.plan?.summary).toMatchObject({ ...PLAN_EMPTY, update: 1 });
    const op = next.plan?.ops.find((o) => o.kind === 'update');
    expect(op?.sourceId).toBe(link.sourceId);
    expect(op?.changes).toContainEqual(expect.objectContaining({ field: 'title', to: 'Chief Learning Officer' }));
    const lmsUser = env.lms.users().find((u) => u.id === link.targetId);
    expect(lmsUser?.title).toBe('Chief Learning Officer');
  });

  it('a delta with its cached snapshot gone (deleted or damaged) becomes a full read with the same result', async () => {
    env = await startSyncEnv({ users: 120 });
    expect((await runIntegration(env, { integrationId: env.integrationId, kind: 'apply', trigger: 'manual' })).run.outcome).toBe('succeeded');
    const link = (await env.store.links(env.integrationId)).data.links[0];
    if (!link) throw new Error('no link');
    env.graph.mutateUser(link.sourceId, { jobTitle: 'Chief Learning Officer' });
    await writeFile(path.join(env.dataDir, 'integrations', `${env.integrationId}.source.json`), '{"version":1,"data":{"us');
    const next = await runIntegration(env, { integrationId: env.integrationId, kind: 'dry-run', trigger: 'schedule' });
    expect(next.error).toBeNull();
    expect(next.run.readMode).toBe('full');
    expect(next.plan?.summary).toMatchObject({ ...PLAN_EMPTY, update: 1 });
    expect(next.plan?.ops.find((o) => o.kind === 'update')?.sourceId).toBe(link.sourceId);
  });

  it('credentials missing from the keychain (a data folder moved to a new machine): one fix naming both, with this integration', async () => {
    env = await startSyncEnv({ users: 20 });
    await env.secrets.delete(env.integrationId, 'clientSecret');
    await env.secrets.delete(env.integrationId, 'lmsToken');
    const r = await runIntegration(env, { integrationId: env.integrationId, kind: 'dry-run', trigger: 'manual' });
    expect(r.error).toMatchObject({ code: 'SETUP_INCOMPLETE', message: 'The Entra client secret and the LMS token for this integration are not in the keychain.' });
    expect(r.error?.fix).toContain(`rollcall integration credentials --integration ${env.integrationId} --client-secret --lms-token, with ROLLCALL_CLIENT_SECRET / ROLLCALL_LMS_TOKEN set`);
  });

  it('a disabled integration can be dry-run but not applied, and nothing is written', async () => {
    env = await startSyncEnv({ users: 40, enabled: false });
    const dry = await runIntegration(env, { integrationId: env.integrationId, kind: 'dry-run', trigger: 'manual' });
    expect(dry.run.outcome).toBe('succeeded');
    const apply = await runIntegration(env, { integrationId: env.integrationId, kind: 'apply', trigger: 'cli' });
    expect(apply.run.outcome).toBe('blocked');
    expect(apply.error?.code).toBe('INTEGRATION_DISABLED');
    expect(apply.error?.fix).toContain(`rollcall integration enable --integration ${env.integrationId})`);
    expect(env.lms.users()).toHaveLength(0);
    expect(env.store.settings.data.integrations[0]?.status).toBe('disabled');
  });

  it('a full disk while saving a dry run fails it with what to do, and the history says the same', async () => {
    env = await startSyncEnv({ users: 150 });
    const { cacheFile } = await import('../../../src-main/sync/snapshot-cache');
    const planFile = cacheFile(env.dataDir, env.integrationId, 'plan');
    const full = Object.assign(new Error('ENOSPC: no space left on device, rename'), { code: 'ENOSPC' });
    const real = fsPromises.rename.bind(fsPromises);
    const rename = vi.spyOn(fsPromises, 'rename').mockImplementation((from, to) => (to === planFile ? Promise.reject(full) : real(from, to)));
    try {
      const dry = await runIntegration(env, { integrationId: env.integrationId, kind: 'dry-run', trigger: 'manual' });
      expect(dry.run.outcome).toBe('failed');
      expect(dry.error).toMatchObject({ code: 'DISK_WRITE_FAILED', message: expect.stringContaining('the disk is full') as unknown, fix: expect.stringContaining('Free some space on the disk that holds') as unknown });
      const [saved] = (await env.store.runs(env.integrationId)).data.runs;
      expect(saved?.error?.code).toBe('DISK_WRITE_FAILED');
    } finally {
      rename.mockRestore();
    }
  });

  it('a rejected client secret turns the integration invalid with the fix, and writes nothing', async () => {
    env = await startSyncEnv({ users: 20 });
    await env.secrets.set(env.integrationId, 'clientSecret', 'wrong-secret-value-123');
    const r = await runIntegration(env, { integrationId: env.integrationId, kind: 'apply', trigger: 'schedule' });
    expect(r.run.outcome).toBe('failed');
    expect(r.error?.code).toMatch(/^ENTRA_/);
    const record = env.store.settings.data.integrations[0];
    expect(record?.status).toBe('invalid');
    expect(record?.statusReason?.fix).toMatch(/Update credentials/i);
    expect(JSON.stringify(record)).not.toContain('wrong-secret-value-123');
    expect(env.lms.users()).toHaveLength(0);
  });

  it('reads Entra and the LMS at the same time, and shows each side in the progress', async () => {
    // Every Graph request is slowed, so the LMS (a few requests) is read while Entra still is.
    env = await startSyncEnv({ users: 60, graphFaults: { slowRate: 1, slowMs: 150 } });
    const seen: RunProgress[] = [];
    const r = await runIntegration(env, { integrationId: env.integrationId, kind: 'dry-run', trigger: 'manual', onProgress: (p) => seen.push(p) });
    expect(r.error).toBeNull();
    const reading = seen.filter((p) => p.stage === 'reading');
    expect(reading.some((p) => p.reads?.lms.finished === true && p.reads.entra.finished === false)).toBe(true);
    const last = reading.at(-1);
    expect(last?.reads).toMatchObject({ entra: { finished: true }, lms: { finished: true } });
    expect(last?.detail).toBe('Entra ID: done · LMS: done');
    expect(seen.map((p) => p.stage).filter((s, i, all) => s !== all[i - 1])).toEqual(['waiting', 'reading', 'planning', 'saving']);
  });

  it('a refused LMS token fails the run with the LMS error and stops the Entra read early', async () => {
    env = await startSyncEnv({ users: 60, graphFaults: { slowRate: 1, slowMs: 150 } });
    const e = env;
    await e.secrets.set(e.integrationId, 'lmsToken', 'not-the-lms-token-42');
    const r = await runIntegration(e, { integrationId: e.integrationId, kind: 'apply', trigger: 'schedule' });
    expect(r.run.outcome).toBe('failed');
    // The LMS's own reason, not the "cancelled" of the Entra read it stopped.
    expect(r.error?.code).toMatch(/^LMS_/);
    expect(e.store.settings.data.integrations[0]?.status).toBe('invalid');
    expect(e.store.settings.data.integrations[0]?.statusReason?.code).toBe(r.error?.code);
    const graphAfterFailure = e.graph.stats.graphRequests;
    // A full read of this tenant (users, groups, members) takes more Graph requests than were made.
    await e.secrets.set(e.integrationId, 'lmsToken', LMS_TOKEN);
    e.graph.setFaults({});
    const fine = await runIntegration(e, { integrationId: e.integrationId, kind: 'dry-run', trigger: 'manual', full: true });
    expect(fine.error).toBeNull();
    expect(graphAfterFailure).toBeLessThan(e.graph.stats.graphRequests - graphAfterFailure);
    expect(e.lms.users()).toHaveLength(0);
  });

  it('a run cancelled before it reads reads nothing and is recorded as cancelled', async () => {
    env = await startSyncEnv({ users: 60 });
    const cancelled = new AbortController();
    cancelled.abort(new Error('cancelled by the admin'));
    const r = await runIntegration(env, { integrationId: env.integrationId, kind: 'dry-run', trigger: 'manual', signal: cancelled.signal });
    expect(r.run.outcome).toBe('cancelled');
    expect(env.graph.stats.graphRequests).toBe(0);
    expect(env.lms.requests()).toHaveLength(0);
    expect(env.store.settings.data.integrations[0]?.deltaLink).toBeNull();
  });

  it('blocks a mass deactivation until the admin confirms that number', async () => {
    env = await startSyncEnv({ users: 150 });
    expect((await runIntegration(env, { integrationId: env.integrationId, kind: 'apply', trigger: 'manual' })).run.outcome).toBe('succeeded');
    const links = (await env.store.links(env.integrationId)).data.links;
    // 30 people leave the company (disabled in Entra): above 10 % of ~150 owned.
    const leaving = links.slice(0, 30);
    for (const l of leaving) env.graph.mutateUser(l.sourceId, { accountEnabled: false });

    const blocked = await runIntegration(env, { integrationId: env.integrationId, kind: 'apply', trigger: 'cli' });
    expect(blocked.run.outcome).toBe('blocked');
    expect(blocked.error?.code).toBe('GUARD_DEACTIVATION_THRESHOLD');
    expect(blocked.error?.details?.count).toBe(30);
    expect(env.lms.users().filter((u) => u.active === false)).toHaveLength(0);

    const tooFew = await runIntegration(env, { integrationId: env.integrationId, kind: 'apply', trigger: 'cli', confirmedDeactivations: 29 });
    expect(tooFew.run.outcome).toBe('blocked');
    const confirmed = await runIntegration(env, { integrationId: env.integrationId, kind: 'apply', trigger: 'cli', confirmedDeactivations: 30 });
    expect(confirmed.run.outcome).toBe('succeeded');
    const inactive = new Set(env.lms.users().filter((u) => u.active === false).map((u) => u.externalId));
    expect(inactive).toEqual(new Set(leaving.map((l) => l.sourceId)));
  });

  it('one run per integration at a time: a second run is refused, naming the holder', async () => {
    env = await startSyncEnv({ users: 300, lmsFaults: { latencyMs: 5 } });
    const first = runIntegration(env, { integrationId: env.integrationId, kind: 'apply', trigger: 'schedule' });
    await new Promise((r) => setTimeout(r, 150));
    const second = await runIntegration(env, { integrationId: env.integrationId, kind: 'dry-run', trigger: 'cli' });
    expect(second.error?.code).toBe('RUN_IN_PROGRESS');
    expect(second.error?.message).toContain(`process ${process.pid}`);
    expect((await first).run.outcome).toBe('succeeded');
  });
});

describe('linking while deactivating', () => {
  it('an existing LMS account of someone whose Last Day has passed is deactivated and linked', async () => {
    env = await startSyncEnv({
      users: 60,
      lmsSeed: {
        departments: [],
        jobProfiles: [{ name: 'Employee', isDefault: true }],
        permissionTypes: [],
        users: [{ userName: 'liam.leaver@contoso.example', givenName: 'Liam', familyName: 'Leaver', email: 'liam.leaver@contoso.example' }],
      },
    });
    const leaver = env.tenant.cases.find((c) => c.key === 'leave-date-past');
    if (!leaver) throw new Error('fixture has no leaver');
    // Nobody is owned yet, so even one deactivation needs the admin's confirmation.
    const blocked = await runIntegration(env, { integrationId: env.integrationId, kind: 'apply', trigger: 'manual' });
    expect(blocked.error?.code).toBe('GUARD_DEACTIVATION_THRESHOLD');
    const r = await runIntegration(env, { integrationId: env.integrationId, kind: 'apply', trigger: 'manual', confirmedDeactivations: 1 });
    expect(r.run.outcome).toBe('succeeded');
    const op = r.plan?.ops.find((o) => o.email === leaver.email);
    expect(op).toMatchObject({ kind: 'deactivate', reason: 'last_day_reached' });
    const account = env.lms.userByUserName(leaver.email);
    expect(account?.active).toBe(false);
    expect(account?.externalId).toBe(leaver.userIds[0]);
    const links = (await env.store.links(env.integrationId)).data.links;
    expect(links.find((l) => l.sourceId === leaver.userIds[0])).toMatchObject({ targetId: account?.id, origin: 'matched' });
  });
});

describe('Last Day without its Graph permission', () => {
  it('the plan says leave dates are unknown; once consent is given the next run reads Entra in full and deactivates the leaver', async () => {
    env = await startSyncEnv({ users: 60 });
    const leaver = env.tenant.cases.find((c) => c.key === 'leave-date-past');
    if (!leaver) throw new Error('fixture has no leaver');
    env.graph.setAppRoles(DEMO_APPS.main.clientId, ['User.Read.All', 'Group.Read.All']);
    // Everyone in scope is created first (the leaver is not: nobody is created on their last day,
    // and without the date that is not known), so the leaver has an account to deactivate later.
    const first = await runIntegration(env, { integrationId: env.integrationId, kind: 'apply', trigger: 'manual' });
    expect(first.run.outcome).toBe('succeeded');
    expect(first.plan?.guards).toContainEqual(expect.objectContaining({ code: 'last_day_unread', blocking: false }));
    expect(first.plan?.ops.find((o) => o.email === leaver.email)).toMatchObject({ kind: 'create' });

    const stillUnread = await runIntegration(env, { integrationId: env.integrationId, kind: 'dry-run', trigger: 'manual' });
    expect(stillUnread.run.readMode).toBe('delta');
    expect(stillUnread.plan?.guards.map((g) => g.code)).toContain('last_day_unread');

    env.graph.setAppRoles(DEMO_APPS.main.clientId, ['User.Read.All', 'Group.Read.All', 'User-LifecycleInfo.Read.All']);
    const granted = await runIntegration(env, { integrationId: env.integrationId, kind: 'dry-run', trigger: 'manual' });
    expect(granted.error).toBeNull();
    expect(granted.run.readMode).toBe('full');
    expect(granted.plan?.guards.map((g) => g.code)).not.toContain('last_day_unread');
    expect(granted.plan?.ops.find((o) => o.email === leaver.email)).toMatchObject({ kind: 'deactivate', reason: 'last_day_reached' });
  });
});

describe('departments the LMS spells in another case', () => {
  it('are used as they are: none created twice, and a second plan after apply writes nothing', async () => {
    env = await startSyncEnv({ users: 80, lmsSeed: { departments: [['SALES'], ['engineering']], jobProfiles: [], permissionTypes: [], users: [] } });
    const dry = await runIntegration(env, { integrationId: env.integrationId, kind: 'dry-run', trigger: 'manual' });
    expect(dry.error).toBeNull();
    const toCreate = (dry.plan?.departmentsToCreate ?? []).map((p) => p.join('/').toLowerCase());
    expect(toCreate).not.toContain('sales');
    expect(toCreate).not.toContain('engineering');
    const sales = dry.plan?.ops.find((o) => o.kind === 'create' && o.changes.some((c) => c.field.endsWith(':department') && JSON.stringify(c.to) === '["SALES"]'));
    expect(sales).toBeDefined();

    const applied = await runIntegration(env, { integrationId: env.integrationId, kind: 'apply', trigger: 'manual' });
    expect(applied.run.outcome).toBe('succeeded');
    const names = env.lms.departments().map((d) => d.displayName.toLowerCase());
    expect(names.filter((n) => n === 'sales')).toHaveLength(1);
    expect(names.filter((n) => n === 'engineering')).toHaveLength(1);
    const again = await runIntegration(env, { integrationId: env.integrationId, kind: 'dry-run', trigger: 'manual' });
    expect(again.plan?.summary).toMatchObject(PLAN_EMPTY);
    expect(again.plan?.departmentsToCreate).toEqual([]);
  });
});

describe('departments this integration created that nobody is in any more (reference 004)', () => {
  it('are recorded when an apply creates them, and named by the next dry run once their people have moved', async () => {
    env = await startSyncEnv({ users: 80, lmsSeed: { departments: [['SALES']], jobProfiles: [], permissionTypes: [], users: [] } });
    const applied = await runIntegration(env, { integrationId: env.integrationId, kind: 'apply', trigger: 'manual' });
    expect(applied.run.outcome).toBe('succeeded');
    // The ones it made, by the LMS's ids; not SALES, which the LMS had.
    const created = (await env.store.createdDepartments(env.integrationId)).data.created;
    const lmsIds = new Map(env.lms.departments().map((d) => [d.displayName, d.id]));
    expect(created.map((d) => d.path.join('/')).sort()).toEqual((applied.plan?.departmentsToCreate ?? []).map((p) => p.join('/')).sort());
    expect(created.every((d) => lmsIds.get(d.path[d.path.length - 1] ?? '') === d.id)).toBe(true);
    expect(created.some((d) => d.path.join('/').toLowerCase() === 'sales')).toBe(false);
    expect(applied.plan?.unusedDepartments).toBeUndefined();

    // Everyone in one department it made moves to SALES in Entra.
    const emptied = created[0]?.path ?? [];
    // (Some spell it with hidden characters, which Rollcall cleans: they are in it too.)
    const movers = [...env.tenant.fixture.users].filter((u) => cleanText(u.department) === emptied[emptied.length - 1]);
    expect(movers.length).toBeGreaterThan(0);
    for (const u of movers) env.graph.mutateUser(u.id, { department: 'SALES' });
    const next = await runIntegration(env, { integrationId: env.integrationId, kind: 'dry-run', trigger: 'manual' });
    expect(next.plan?.unusedDepartments).toEqual([{ id: created[0]?.id, path: emptied }]);
    // Each entry names the LMS it was made in: pointed at another LMS, the integration judges none of these.
    const lmsUrl = env.store.settings.data.integrations[0]?.config.target.baseUrl ?? '';
    expect(await createdDepartmentsOf(env.store, env.integrationId, `${lmsUrl}/`)).toHaveLength(created.length);
    expect(await createdDepartmentsOf(env.store, env.integrationId, 'https://lms.example.org/scim/v2')).toEqual([]);
    // The emptied SALES of the LMS's own would never be named: only departments this integration made.
  });
});

describe('delta reads and mapping changes', () => {
  it('a mapping that names a new Entra attribute makes the next run a full read, not a delta into a snapshot without it', async () => {
    env = await startSyncEnv({ users: 80 });
    expect((await runIntegration(env, { integrationId: env.integrationId, kind: 'apply', trigger: 'manual' })).run.outcome).toBe('succeeded');
    // The department now comes from the cost-centre extension attribute.
    const { COST_CENTER_ATTRIBUTE } = await import('../../../src-main/demo/graph');
    await env.store.settings.update((s) => {
      const r = s.integrations[0];
      if (r) r.config.mapping.department.attribute = COST_CENTER_ATTRIBUTE;
    });
    const next = await runIntegration(env, { integrationId: env.integrationId, kind: 'dry-run', trigger: 'schedule' });
    expect(next.run.readMode).toBe('full');
    const blanked = next.plan?.ops.filter((o) => o.changes.some((c) => c.field.endsWith(':department') && c.to === null)) ?? [];
    expect(blanked).toEqual([]);
    // And the run after that may use a delta again.
    const third = await runIntegration(env, { integrationId: env.integrationId, kind: 'dry-run', trigger: 'schedule' });
    expect(third.run.readMode).toBe('delta');
  });
});

describe('permission types from an Entra attribute', () => {
  it("a directory extension's value grants a permission type: read from Graph, written to the LMS as it spells it, and stable after", async () => {
    env = await startSyncEnv({ users: 60, lmsSeed: { departments: [], jobProfiles: [], permissionTypes: ['Learner', 'Manager'], users: [] } });
    const { COST_CENTER_ATTRIBUTE } = await import('../../../src-main/demo/graph');
    const update = (f: (m: NonNullable<SyncEnv>['store']['settings']['data']['integrations'][number]['config']['mapping']) => void) =>
      env?.store.settings.update((s) => {
        const r = s.integrations[0];
        if (r) f(r.config.mapping);
      });
    // Learn the tenant's cost centres from a dry run that writes them to custom field 1.
    await update((m) => (m.customFields.customField1 = COST_CENTER_ATTRIBUTE));
    const look = await runIntegration(env, { integrationId: env.integrationId, kind: 'dry-run', trigger: 'manual' });
    // By the LMS userName each create writes (the sign-in name, not always the e-mail).
    const centreOf = new Map(
      (look.plan?.ops ?? []).flatMap((o) => {
        const userName = o.changes.find((c) => c.field === 'userName')?.to;
        const cc = o.changes.find((c) => c.field.endsWith(':customField1'))?.to;
        return o.kind === 'create' && typeof userName === 'string' && typeof cc === 'string' ? [[userName, cc] as const] : [];
      }),
    );
    const counts = new Map<string, number>();
    for (const cc of centreOf.values()) counts.set(cc, (counts.get(cc) ?? 0) + 1);
    const [centre] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? [''];
    expect(centre).toMatch(/^CC-/);
    // That centre's people manage; typed in another case than Entra and the LMS spell it. Only the
    // permission mapping names the extension now, so that alone must have it read.
    await update((m) => {
      m.customFields.customField1 = null;
      m.permissions.attribute = COST_CENTER_ATTRIBUTE;
      m.permissions.valueMap = [{ value: centre.toLowerCase(), permissionType: 'manager' }];
    });
    const applied = await runIntegration(env, { integrationId: env.integrationId, kind: 'apply', trigger: 'manual' });
    expect(applied.run.outcome).toBe('succeeded');
    const managerId = env.lms.permissionTypes().find((p) => p.displayName === 'Manager')?.id;
    const granted = (userName: string) => JSON.stringify(env?.lms.userByUserName(userName) ?? {}).includes(`"${managerId ?? '-'}"`);
    const members = [...centreOf].filter(([, cc]) => cc === centre).map(([userName]) => userName);
    const others = [...centreOf].filter(([, cc]) => cc !== centre).map(([userName]) => userName);
    expect(members.length).toBeGreaterThan(0);
    expect(members.filter((e) => !granted(e))).toEqual([]);
    expect(others.filter((e) => granted(e))).toEqual([]);
    // Read back as written: the next plan has no permission change.
    const again = await runIntegration(env, { integrationId: env.integrationId, kind: 'dry-run', trigger: 'manual', full: true });
    expect(again.plan?.ops.filter((o) => o.changes.some((c) => c.field.endsWith(':permissionTypes')))).toEqual([]);
  });
});

describe('group membership by delta', () => {
  it('a delta run sees a newly nested group and its member, keeps the groups link beside the users link, and reads groups in full when the scope groups change', async () => {
    env = await startSyncEnv({ users: 90 });
    expect((await runIntegration(env, { integrationId: env.integrationId, kind: 'apply', trigger: 'manual' })).run.outcome).toBe('succeeded');
    const { allStaff, managers } = env.tenant.groupIds;
    const stored = () => env?.store.settings.data.integrations[0]?.groupsDelta;
    expect(stored()?.groupIds).toEqual([allStaff]);
    const firstLink = stored()?.link;

    const newcomer = env.graph.addUser({ userPrincipalName: 'nina.newcomer@contoso-demo.onmicrosoft.com', mail: 'nina.newcomer@contoso.example', givenName: 'Nina', surname: 'Newcomer', displayName: 'Nina Newcomer', department: 'Sales' });
    const team = env.graph.addGroup('Onboarding cohort');
    env.graph.addGroupMember(team.id, newcomer.id);
    env.graph.addGroupMember(allStaff, team.id);
    const next = await runIntegration(env, { integrationId: env.integrationId, kind: 'dry-run', trigger: 'schedule' });
    expect(next.run.readMode).toBe('delta');
    expect(next.plan?.ops.filter((o) => o.kind === 'create').map((o) => o.sourceId)).toEqual([newcomer.id]);
    expect(stored()?.link).not.toBe(firstLink);

    // Un-nested again: out of scope on the next delta run.
    env.graph.removeGroupMember(allStaff, team.id);
    const third = await runIntegration(env, { integrationId: env.integrationId, kind: 'dry-run', trigger: 'schedule' });
    expect(third.run.readMode).toBe('delta');
    expect(third.plan?.summary.create).toBe(0);

    // Another scope group: the stored link does not cover it, so the groups are read in full.
    await env.store.settings.update((s) => {
      const r = s.integrations[0];
      if (r) r.config.mapping.permissions.groupMap.push({ groupId: managers, permissionType: 'Manager' });
    });
    const fourth = await runIntegration(env, { integrationId: env.integrationId, kind: 'dry-run', trigger: 'schedule' });
    expect(fourth.error).toBeNull();
    expect(stored()?.groupIds).toEqual([allStaff, managers].sort());
  });
});

describe('cancelling a run', () => {
  it('records the run as cancelled and leaves the integration as it was', async () => {
    env = await startSyncEnv({ users: 300, lmsFaults: { latencyMs: 20 } });
    const { RunManager } = await import('../../../src-main/sync/run-manager');
    const runs = new RunManager(env);
    const started = runs.start({ integrationId: env.integrationId, kind: 'dry-run', trigger: 'manual' });
    await new Promise((r) => setTimeout(r, 60));
    expect(runs.cancel(started.runId)).toBe(true);
    const outcome = await runs.wait(started.runId);
    expect(outcome?.run.outcome).toBe('cancelled');
    expect(runs.get(started.runId)?.outcome).toBe('cancelled');
    expect(env.store.settings.data.integrations[0]).toMatchObject({ status: 'active', statusReason: null });
  });
});

describe('the run manager', () => {
  it('hands a finished run\'s plan to its listeners, then keeps only the run\'s status and record', async () => {
    env = await startSyncEnv({ users: 40 });
    const { RunManager } = await import('../../../src-main/sync/run-manager');
    const runs = new RunManager(env);
    const handed: Array<number | null> = [];
    runs.onFinished((_status, outcome) => void handed.push(outcome?.plan?.ops.length ?? null));
    const started = runs.start({ integrationId: env.integrationId, kind: 'dry-run', trigger: 'manual' });
    const first = await runs.wait(started.runId);
    expect(first?.plan?.ops.length).toBeGreaterThan(0);
    expect(handed).toEqual([first?.plan?.ops.length]);
    // Kept for the window's status polls, without the plan (most of the heap at 100k people).
    const later = await runs.wait(started.runId);
    expect(later?.plan).toBeNull();
    expect(later?.run.outcome).toBe('succeeded');
    expect(runs.get(started.runId)?.summary).toEqual(first?.plan?.summary);
  });
});

describe('apply what was reviewed', () => {
  it('an apply whose fresh plan differs from the reviewed one writes nothing and says why', async () => {
    env = await startSyncEnv({ users: 60 });
    const reviewed = await runIntegration(env, { integrationId: env.integrationId, kind: 'dry-run', trigger: 'manual' });
    // Someone joins in Entra between the review and the click on Apply.
    env.graph.addUser({ userPrincipalName: 'late.joiner@contoso-demo.onmicrosoft.com', mail: 'late.joiner@contoso.example', displayName: 'Late Joiner', accountEnabled: true });
    env.graph.addGroupMember(env.tenant.groupIds.allStaff, env.graph.getUser('late.joiner@contoso-demo.onmicrosoft.com')?.id ?? '');
    const changed = await runIntegration(env, { integrationId: env.integrationId, kind: 'apply', trigger: 'manual', full: true, expectedSummary: reviewed.plan?.summary });
    expect(changed.run.outcome).toBe('blocked');
    expect(changed.error?.code).toBe('PLAN_CHANGED');
    expect(env.lms.users()).toHaveLength(0);
    // Reviewing the new plan and applying it goes through.
    const ok = await runIntegration(env, { integrationId: env.integrationId, kind: 'apply', trigger: 'manual', full: true, expectedSummary: changed.plan?.summary });
    expect(ok.run.outcome).toBe('succeeded');
    expect(env.lms.users().filter((u) => JSON.stringify(u).includes('late.joiner'))).toHaveLength(1);
  });
});
