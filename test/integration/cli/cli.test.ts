/**
 * The automation contract (DESIGN.md §8), end to end: the real CLI as a child process, the
 * real keychain, the Graph and LMS simulators on loopback.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startDemoTenant, type DemoTenant } from '../../../src-main/demo/tenant';
import { KeytarSecretStore } from '../../../src-main/secrets/keytar-store';
import { runCli, type CliResult } from '../../helpers/cli';
import { missingSystemPart } from '../../helpers/system';
import { readTree } from '../../helpers/tmp';

const keychain = await new KeytarSecretStore().available();
const skipReason = keychain.ok ? null : missingSystemPart('The OS keychain', keychain.error.message);

const PlanJson = z.strictObject({
  summary: z.strictObject({ create: z.number(), update: z.number(), deactivate: z.number(), reactivate: z.number(), conflict: z.number(), skip: z.number(), unchanged: z.number() }),
  guards: z.array(z.strictObject({ code: z.string(), blocking: z.boolean(), confirmable: z.boolean(), count: z.number(), limit: z.number(), message: z.string(), fix: z.string() })),
  ops: z.array(
    z.strictObject({
      kind: z.enum(['create', 'update', 'deactivate', 'reactivate', 'conflict', 'skip']),
      sourceId: z.string().nullable(),
      targetId: z.string().nullable(),
      email: z.string().nullable(),
      reason: z.string(),
      changes: z.array(z.strictObject({ field: z.string(), from: z.unknown(), to: z.unknown() })),
      warnings: z.array(z.strictObject({ code: z.string(), message: z.string() })).min(1).optional(),
    }),
  ),
  // Only when the integration pushes groups (the demo does).
  groups: z
    .array(
      z.strictObject({
        groupId: z.string(),
        groupName: z.string(),
        lmsGroup: z.string(),
        lmsGroupId: z.string().nullable(),
        action: z.enum(['create', 'update', 'unchanged', 'blocked']),
        add: z.array(z.strictObject({ targetId: z.string().nullable(), sourceId: z.string().nullable(), name: z.string() })),
        remove: z.array(z.strictObject({ targetId: z.string().nullable(), sourceId: z.string().nullable(), name: z.string() })),
        members: z.number(),
        problem: z.string().nullable(),
      }),
    )
    .optional(),
  // Only when departments it created have nobody in them after the sync.
  unusedDepartments: z.array(z.strictObject({ id: z.string(), path: z.array(z.string()) })).optional(),
});

let demo: DemoTenant;
let dataDir: string;
let configFile: string;
const outputs: CliResult[] = [];

async function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  const r = await runCli(['--data-dir', dataDir, ...args], env);
  outputs.push(r);
  return r;
}

beforeAll(async () => {
  if (skipReason) return;
  demo = await startDemoTenant({ users: 150, seed: 11 });
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'rollcall-cli-'));
  configFile = path.join(dataDir, '..', `${path.basename(dataDir)}-config.json`);
  await writeFile(configFile, JSON.stringify(demo.config));
});

afterAll(async () => {
  if (skipReason) return;
  await demo.close();
  await rm(dataDir, { recursive: true, force: true });
  await rm(configFile, { force: true });
});

describe.skipIf(skipReason !== null)(`rollcall CLI${skipReason ? ` — skipped: ${skipReason}` : ''}`, () => {
  let id = '';

  it('rejects a bad config with exit code 2, naming the field and the problem', async () => {
    const bad = path.join(dataDir, 'bad.json');
    await writeFile(bad, JSON.stringify({ ...demo.config, source: { ...demo.config.source, clientId: 'not-a-guid' } }));
    const r = await cli(['integration', 'add', '--config', bad], { ROLLCALL_CLIENT_SECRET: demo.clientSecret, ROLLCALL_LMS_TOKEN: demo.lmsToken });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('source.clientId');
    expect(r.stderr).toContain('Application (client) ID');
    // A misspelt setting is named, not dropped; a secret nested in the file is refused.
    await writeFile(bad, JSON.stringify({ ...demo.config, deactivation: { deactivateUser: true } }));
    const typo = await cli(['integration', 'add', '--config', bad], { ROLLCALL_CLIENT_SECRET: demo.clientSecret, ROLLCALL_LMS_TOKEN: demo.lmsToken });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('deactivation.deactivateUser is not a setting Rollcall knows (did you mean "deactivateUsers"?)');
    // (Written outside the data directory, which a later test scans for the token.)
    const withToken = `${dataDir}-token.json`;
    await writeFile(withToken, JSON.stringify({ ...demo.config, target: { ...demo.config.target, token: demo.lmsToken } }));
    const nested = await cli(['integration', 'add', '--config', withToken], { ROLLCALL_CLIENT_SECRET: demo.clientSecret, ROLLCALL_LMS_TOKEN: demo.lmsToken });
    await rm(withToken, { force: true });
    expect(nested.code).toBe(2);
    expect(nested.stderr).toContain('target.token looks like a secret');
    expect(nested.stderr).not.toContain(demo.lmsToken);
    const missing = await cli(['integration', 'add', '--config', configFile]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('ROLLCALL_CLIENT_SECRET');
    expect((await cli(['plan'])).code).toBe(2);
    expect((await cli(['frobnicate'])).code).toBe(2);
  });

  it('adds an integration with the secrets from the environment, into the keychain', async () => {
    const r = await cli(['integration', 'add', '--config', configFile, '--json'], { ROLLCALL_CLIENT_SECRET: demo.clientSecret, ROLLCALL_LMS_TOKEN: demo.lmsToken });
    expect(r.code, r.stderr).toBe(0);
    const added = JSON.parse(r.stdout) as { id: string; name: string; status: string; secrets: { clientSecret: { stored: boolean } } };
    expect(added).toMatchObject({ name: demo.config.name, status: 'disabled', secrets: { clientSecret: { stored: true }, lmsToken: { stored: true } } });
    id = added.id;
    expect(await new KeytarSecretStore().get(id, 'clientSecret')).toEqual({ ok: true, value: demo.clientSecret });
  });

  it('check passes credentials, permissions, groups and LMS discovery', async () => {
    const r = await cli(['check', '--integration', id]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('PASS  Sign in to Microsoft Entra ID');
    expect(r.stdout).toContain('PASS  Graph permission User-LifecycleInfo.Read.All');
    expect(r.stdout).toContain('PASS  Group All Staff');
    expect(r.stdout).toContain('Departments: yes');
  });

  // The desktop app's "Update credentials", for a server: no remove and add again (which loses the history and links).
  it('integration credentials replaces a refused LMS token and checks it; a Secret ID instead of the secret is refused', async () => {
    expect((await cli(['integration', 'credentials', '--integration', id])).code).toBe(2);
    const wrong = await cli(['integration', 'credentials', '--integration', id, '--lms-token'], { ROLLCALL_LMS_TOKEN: 'not-the-lms-token-0000' });
    expect(wrong.code, wrong.stdout + wrong.stderr).toBe(3);
    expect(wrong.stdout).toContain('FAIL  Connect to the LMS (SCIM)');
    expect(wrong.stdout).toContain('Status: invalid');
    const right = await cli(['integration', 'credentials', '--integration', id, '--lms-token', '--json'], { ROLLCALL_LMS_TOKEN: demo.lmsToken });
    expect(right.code, right.stderr).toBe(0);
    expect(JSON.parse(right.stdout)).toMatchObject({ replaced: ['lmsToken'], ok: true, status: 'disabled' });
    const secretId = await cli(['integration', 'credentials', '--integration', id, '--client-secret'], { ROLLCALL_CLIENT_SECRET: '6f1c2a4e-1b2c-4d5e-8f90-1234567890ab' });
    expect(secretId.code).toBe(2);
    expect(secretId.stderr).toContain('looks like the Secret ID');
    expect(await new KeytarSecretStore().get(id, 'clientSecret')).toEqual({ ok: true, value: demo.clientSecret });
    // Nothing it printed holds a secret.
    for (const r of [wrong, right, secretId]) expect(r.stdout + r.stderr).not.toContain(demo.lmsToken);
  });

  it('plan --json prints exactly the documented shape and writes nothing', async () => {
    const r = await cli(['plan', '--integration', id, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const plan = PlanJson.parse(JSON.parse(r.stdout));
    expect(plan.summary.create).toBeGreaterThan(100);
    expect(plan.ops.filter((o) => o.kind === 'create')).toHaveLength(plan.summary.create);
    // Each op's warnings, so a script sees what the text output counts (the demo's missing job profiles, managers without an account…).
    const warned = plan.ops.filter((o) => o.warnings !== undefined);
    expect(warned.length).toBeGreaterThan(0);
    expect(warned.every((o) => o.warnings?.every((w) => w.message.length > 0))).toBe(true);
    // The demo's pushed groups: the LMS's own "People Managers" linked by name, "Sales team" created.
    expect(plan.groups?.map((g) => [g.lmsGroup, g.action])).toEqual([['People Managers', 'update'], ['Sales team', 'create']]);
    expect(plan.groups?.[1]?.add.every((m) => m.targetId === null || plan.ops.some((o) => o.targetId === m.targetId))).toBe(true);
    expect(demo.lms.outbox().count).toBe(0);
  });

  it('plan --out writes the whole plan owner-only; a folder, or a file in a folder that does not exist, exits 2 with the fix before any dry run', async () => {
    const file = path.join(dataDir, 'plan-out.json');
    const r = await cli(['plan', '--integration', id, '--out', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`The whole plan was written to ${file}.`);
    const saved = JSON.parse(await readFile(file, 'utf8')) as { summary: { create: number }; ops: unknown[] };
    expect(saved.ops.length).toBeGreaterThan(100);
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);

    const runs = async () => (JSON.parse((await cli(['history', '--integration', id, '--json'])).stdout) as unknown[]).length;
    const runsBefore = await runs();
    const exports = path.join(dataDir, 'exports');
    await mkdir(exports);
    const folder = await cli(['plan', '--integration', id, '--out', exports]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain(`Error [USAGE]: --out needs a file path, not a folder: try ${path.join(exports, 'plan.json')}. Nothing was written.`);
    expect(folder.stderr).toContain(`What to do: Name the file to write inside the folder, for example: --out ${path.join(exports, 'plan.json')}`);
    const missing = path.join(dataDir, 'no-such-dir');
    const noParent = await cli(['plan', '--integration', id, '--out', path.join(missing, 'plan.json'), '--json']);
    expect(noParent.code).toBe(2);
    expect(JSON.parse(noParent.stdout)).toEqual({ error: { code: 'USAGE', message: `--out ${path.join(missing, 'plan.json')}: the folder ${missing} does not exist, so nothing was written.`, fix: `Create the folder first (mkdir -p ${missing}), or name a file in a folder that exists.` } });
    // The same for the unmanaged list's --out and diagnose's --report.
    expect((await cli(['unmanaged', '--integration', id, '--out', exports])).stderr).toContain(`--out needs a file path, not a folder: try ${path.join(exports, 'unmanaged.csv')}`);
    expect((await cli(['diagnose', '--integration', id, '--user', 'bo.mark@contoso.example', '--report', path.join(missing, 'r.txt')])).code).toBe(2);
    // Nothing written: no file, no folder made, and no dry run was run to fail at the end.
    expect(await readdir(exports)).toEqual([]);
    await expect(stat(missing)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await runs()).toBe(runsBefore);
    await rm(exports, { recursive: true });
  });

  it('plan counts the LMS accounts no integration manages; `unmanaged` lists them (terminal, --out CSV, --json)', async () => {
    // The demo LMS has three: its administrator and a leaver nobody in Entra has, and an account made by hand for the excluded contractor.
    const r = await cli(['plan', '--integration', id]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('3 LMS accounts not managed by any integration (3 active). No integration links them');
    expect(r.stdout).toContain('1 belongs to someone in Entra who is not synced');
    expect(r.stdout).toContain('2 belong to nobody in Entra');
    expect(r.stdout).toContain(`List them: rollcall unmanaged --integration ${id} --out unmanaged.csv`);
    // The tenant's data problems, by kind (managers outside the scope, here).
    expect(r.stdout).toMatch(/\nWarnings: [^\n]*\d+ × Manager has no LMS account[^\n]*\(the changes that carry them/);
    expect(r.stdout).toMatch(/\nWarnings: [^\n]*\d+ × Hidden characters cleaned from Entra values/);
    // The pushed groups, a line each.
    expect(r.stdout).toMatch(/\nGroups in the LMS \(only people this integration syncs are added; only accounts it links are taken out\):\n {2}- LMS group "People Managers" \(from People Managers\): add \d+, remove 0; \d+ synced members after\n {2}- create the LMS group "Sales team" with \d+ members \(from Sales\)\n/);

    const file = path.join(dataDir, 'unmanaged.csv');
    const listed = await cli(['unmanaged', '--integration', id, '--out', file]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/3 LMS account\(s\) no integration manages \(3 active\), from the dry run of 20\d\d-/);
    expect(listed.stdout).toContain('olaf.former@contoso.example');
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\r\n');
    expect(lines[0]).toBe('lmsId,userName,email,displayName,active,department,permissionTypes,created,lastModified,entraUser,secondAccount,entraUserId,whyNotLinkable');
    expect(lines.slice(1).map((l) => l.split(',')[1]).sort()).toEqual(['connor.contract@contoso.example', 'lms.admin@contoso.example', 'olaf.former@contoso.example']);
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);

    const json = await cli(['unmanaged', '--integration', id, '--json']);
    const out = JSON.parse(json.stdout) as { accounts: Array<{ userName: string; entraUser: string | null; department: string | null; permissionTypes: string | null }> };
    expect(out.accounts.find((a) => a.userName === 'connor.contract@contoso.example')?.entraUser).toMatch(/^connor\.contract@/);
    expect(out.accounts.find((a) => a.userName === 'olaf.former@contoso.example')).toMatchObject({ entraUser: null, department: 'Contoso / Sales' });
    // The LMS's own administrator stands out by the permission types it holds.
    expect(out.accounts.find((a) => a.userName === 'lms.admin@contoso.example')).toMatchObject({ entraUser: null, permissionTypes: 'LMS Administrator' });

    // No list (removed, or the LMS read was incomplete): say which command makes one.
    await rm(path.join(dataDir, 'integrations', `${id}.unmanaged.json`));
    const none = await cli(['unmanaged', '--integration', id]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`rollcall plan --integration ${id}`);
  });

  it('a settings change whose last-good copy cannot be written is saved, and the CLI says so on stderr', async () => {
    // Something in the way of the backup (here a folder where the copy goes): the save itself stands.
    const backup = path.join(dataDir, 'settings.json.last-good');
    await rm(backup, { force: true });
    await mkdir(backup);
    try {
      const r = await cli(['integration', 'disable', '--integration', id]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('Notice: Rollcall saved the settings but could not refresh its last good copy');
      expect((JSON.parse(await readFile(path.join(dataDir, 'settings.json'), 'utf8')) as { integrations: { id: string; enabled: boolean }[] }).integrations.find((i) => i.id === id)?.enabled).toBe(false);
    } finally {
      await rm(backup, { recursive: true, force: true });
    }
  });

  it('apply refuses while disabled (exit 2), then applies once enabled', async () => {
    const disabled = await cli(['apply', '--integration', id, '--yes']);
    expect(disabled.code).toBe(2);
    expect(disabled.stderr).toContain('disabled');
    // Enabling starts the first sync: not before the LMS's welcome e-mails are confirmed dealt with.
    const unconfirmed = await cli(['integration', 'enable', '--integration', id]);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain("nobody has confirmed yet that the LMS's welcome e-mails for new users are turned off");
    expect(unconfirmed.stderr).toContain(`rollcall integration enable --integration ${id} --emails-confirmed`);
    expect((await cli(['integration', 'enable', '--integration', id, '--emails-confirmed'])).code).toBe(0);
    const r = await cli(['apply', '--integration', id, '--yes', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { outcome: string; applied: number; failed: number };
    expect(result.outcome).toBe('succeeded');
    expect(result.failed).toBe(0);
    expect(result.applied).toBeGreaterThan(100);
  });

  it('history lists the runs', async () => {
    const r = await cli(['history', '--integration', id, '--json']);
    expect(r.code).toBe(0);
    const runs = JSON.parse(r.stdout) as { kind: string; outcome: string }[];
    // Newest first: the apply, the refused apply, and the three dry runs (--json, --out, the unmanaged count's; an --out naming a folder ran none).
    expect(runs.map((x) => `${x.kind}:${x.outcome}`)).toEqual(['apply:succeeded', 'apply:blocked', 'dry-run:succeeded', 'dry-run:succeeded', 'dry-run:succeeded']);
  });

  it('unmanaged --link makes the excluded contractor’s hand-made account the integration’s own, and the next apply deactivates it', async () => {
    const connor = () => demo.lms.users().find((u) => u.userName === 'connor.contract@contoso.example');
    expect(connor()?.active).toBe(true);
    expect((await cli(['plan', '--integration', id])).code).toBe(0);
    // A script is not asked: it is refused with what --link leads to, and nothing is linked.
    const unasked = await cli(['unmanaged', '--integration', id, '--link']);
    expect(unasked.code).toBe(2);
    expect(unasked.stderr).toContain('unmanaged --link makes 1 LMS account this integration\'s own. With "Deactivate users" on, the next sync deactivates it: its person is outside the scope or disabled in Entra.');
    // Enabled: its scheduled syncs would do that on their own, and the question says so.
    expect(unasked.stderr).toContain('This integration is enabled: its next scheduled sync (next: ');
    expect(unasked.stderr).toContain(`rollcall unmanaged --integration ${id} --link --yes`);
    expect((await cli(['unmanaged', '--integration', id, '--yes'])).code).toBe(2);

    const linked = await cli(['unmanaged', '--integration', id, '--link', '--yes', '--json']);
    expect(linked.code, linked.stderr).toBe(0);
    // Only the contractor's: the administrator and the leaver belong to nobody in Entra.
    expect(JSON.parse(linked.stdout)).toMatchObject({ linked: 1, examples: [{ userName: 'connor.contract@contoso.example', entraUser: expect.stringMatching(/^connor\.contract@/) }], notAdopted: { nobody_in_entra: 2 } });
    // Nothing was written to the LMS by linking.
    expect(connor()?.active).toBe(true);

    const planned = PlanJson.parse(JSON.parse((await cli(['plan', '--integration', id, '--json'])).stdout));
    expect(planned.ops.filter((o) => o.targetId === connor()?.id).map((o) => [o.kind, o.reason])).toEqual([['deactivate', 'left_scope']]);
    expect((await cli(['apply', '--integration', id, '--yes'])).code).toBe(0);
    expect(connor()?.active).toBe(false);
    // Linked once: the next dry run's list no longer has it, and a second --link finds nothing to link.
    expect((await cli(['plan', '--integration', id])).stdout).toContain('2 LMS accounts not managed by any integration');
    const again = await cli(['unmanaged', '--integration', id, '--link', '--yes']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe("No account of the last dry run's list can be linked. 2 belong to nobody in Entra: remove only those that should not be there, by hand in the LMS.\n");
  });

  it('apply --full reads both sides in full (a force sync); without it a sync reads the changes', async () => {
    const history = async () => JSON.parse((await cli(['history', '--integration', id, '--json'])).stdout) as { kind: string; readMode: string | null; lmsRead?: { mode: string } | null }[];
    expect((await cli(['apply', '--integration', id, '--yes', '--json'])).code).toBe(0);
    const byChanges = (await history())[0];
    expect(byChanges?.readMode).toBe('delta');
    expect((await cli(['apply', '--integration', id, '--yes', '--full', '--json'])).code).toBe(0);
    const forced = (await history())[0];
    expect(forced).toMatchObject({ kind: 'apply', readMode: 'full' });
    expect(forced?.lmsRead?.mode).toBe('full');
  });

  it('a mass deactivation is blocked with exit code 4 until confirmed with --max-deactivations', async () => {
    const linked = demo.lms.users().filter((u) => typeof u.externalId === 'string' && u.active !== false && demo.graph.getUser(String(u.externalId)) !== undefined);
    for (const u of linked.slice(0, 40)) demo.graph.mutateUser(String(u.externalId), { accountEnabled: false });
    // A script sees it in the dry run first.
    const planned = JSON.parse((await cli(['plan', '--integration', id, '--json'])).stdout) as z.infer<typeof PlanJson>;
    expect(planned.guards).toContainEqual(expect.objectContaining({ code: 'deactivation_threshold', blocking: true, confirmable: true, count: 40 }));
    const blocked = await cli(['apply', '--integration', id, '--yes']);
    expect(blocked.code).toBe(4);
    expect(blocked.stderr).toMatch(/40 users would be deactivated/);
    const short = await cli(['apply', '--integration', id, '--yes', '--max-deactivations', '10']);
    expect(short.code).toBe(4);
    expect(short.stderr).toContain('--max-deactivations 10 is below the 40 this apply would make, so nothing was written.');
    const ok = await cli(['apply', '--integration', id, '--yes', '--max-deactivations', '40']);
    expect(ok.code, ok.stderr).toBe(0);
  });

  it('a wrong client secret gives exit code 3 with the fix', async () => {
    const store = new KeytarSecretStore();
    await store.set(id, 'clientSecret', 'definitely-the-wrong-secret-42');
    const r = await cli(['plan', '--integration', id]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/ENTRA_WRONG_SECRET/);
    expect(r.stderr).toContain('What to do:');
    const show = await cli(['integration', 'show', '--integration', id, '--json']);
    expect(JSON.parse(show.stdout)).toMatchObject({ status: 'invalid' });
    await store.set(id, 'clientSecret', demo.clientSecret);
  });

  it('never prints or stores a secret: not in output, the data directory or the audit log', async () => {
    const secrets = [demo.clientSecret, demo.lmsToken, 'definitely-the-wrong-secret-42'];
    for (const r of outputs) for (const s of secrets) expect(`${r.stdout}${r.stderr}`).not.toContain(s);
    const files = await readTree(dataDir);
    expect(files.some((f) => f.file.endsWith('.jsonl'))).toBe(true);
    for (const { file, content } of files) for (const s of secrets) expect(content.includes(s), file).toBe(false);
  });

  it('remove deletes the integration and its keychain entries', async () => {
    expect((await cli(['integration', 'remove', '--integration', id, '--yes'])).code).toBe(0);
    expect(await new KeytarSecretStore().get(id, 'clientSecret')).toEqual({ ok: true, value: null });
  });
});

describe('rollcall demo', () => {
  it('prints a real dry run of the demo tenant with no setup and no keychain', async () => {
    const r = await runCli(['demo', '--users', '300', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { summary: { create: number; conflict: number }; cases: { email: string }[]; sampleDiagnosis: { verdict: string; checks: { id: string; status: string; fix: string | null }[] } };
    expect(out.summary.create).toBeGreaterThan(200);
    // A sample diagnosis of an interesting person: the contractor, excluded by a rule, with the fix.
    expect(out.sampleDiagnosis.verdict).toMatch(/Excluded by rule department equals "Contractors"/);
    expect(out.sampleDiagnosis.checks.find((c) => c.id === 'excluded')).toMatchObject({ status: 'fail', fix: expect.stringContaining('exclude rule') });
    expect(out.summary.conflict).toBeGreaterThan(0);
    expect(out.cases.map((c) => c.email)).toContain('bo.mark@contoso.example');
  });
});
