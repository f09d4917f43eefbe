/**
 * `rollcall diagnose` end to end: the real CLI as a child process, the real keychain (skipped
 * with a reason where there is none, required in CI), the demo simulators on loopback.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startDemoTenant, type DemoTenant } from '../../../src-main/demo/tenant';
import { KeytarSecretStore } from '../../../src-main/secrets/keytar-store';
import { runCli, type CliResult } from '../../helpers/cli';
import { missingSystemPart } from '../../helpers/system';

const keychain = await new KeytarSecretStore().available();
const skipReason = keychain.ok ? null : missingSystemPart('The OS keychain', keychain.error.message);

/** DESIGN.md §8: { verdict, user, checks: [{ id, status: pass|fail|warn|info, title, detail, fix }] }. */
const DiagnoseJson = z.object({
  verdict: z.string().min(1),
  user: z.object({ query: z.string(), sourceId: z.string().nullable() }),
  checks: z.array(z.object({ id: z.string(), status: z.enum(['pass', 'fail', 'warn', 'info']), title: z.string(), detail: z.string(), fix: z.string().nullable() })).min(5),
});

let demo: DemoTenant;
let dataDir: string;
let configFile: string;
let id = '';

const cli = (args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> => runCli(['--data-dir', dataDir, ...args], env);

beforeAll(async () => {
  if (skipReason) return;
  demo = await startDemoTenant({ users: 120, seed: 5 });
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'rollcall-diagnose-cli-'));
  configFile = path.join(dataDir, '..', `${path.basename(dataDir)}-config.json`);
  await writeFile(configFile, JSON.stringify(demo.config));
  const added = await cli(['integration', 'add', '--config', configFile, '--json'], { ROLLCALL_CLIENT_SECRET: demo.clientSecret, ROLLCALL_LMS_TOKEN: demo.lmsToken });
  if (added.code !== 0) throw new Error(added.stderr);
  id = (JSON.parse(added.stdout) as { id: string }).id;
});

afterAll(async () => {
  if (skipReason) return;
  if (id) await cli(['integration', 'remove', '--integration', id, '--yes']);
  await demo.close();
  await rm(dataDir, { recursive: true, force: true });
  await rm(configFile, { force: true });
});

describe.skipIf(skipReason !== null)(`rollcall diagnose${skipReason ? ` — skipped: ${skipReason}` : ''}`, () => {
  it('bad usage and an unknown integration exit with 2', async () => {
    expect((await cli(['diagnose', '--integration', id])).code).toBe(2);
    const unknown = await cli(['diagnose', '--integration', 'int-nope', '--user', 'a@b.c']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('There is no integration with id int-nope');
  });

  it('rejected credentials and no cache to fall back on exit with 3', async () => {
    const store = new KeytarSecretStore();
    await store.set(id, 'clientSecret', 'definitely-the-wrong-secret-42');
    try {
      const r = await cli(['diagnose', '--integration', id, '--user', 'bo.mark@contoso.example']);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain('What to do:');
    } finally {
      await store.set(id, 'clientSecret', demo.clientSecret);
    }
  });

  it('--json prints the documented shape', async () => {
    const r = await cli(['diagnose', '--integration', id, '--user', 'bo.mark@contoso.example', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = DiagnoseJson.parse(JSON.parse(r.stdout));
    expect(out.user.sourceId).not.toBeNull();
    expect(out.checks.find((c) => c.id === 'department')?.detail).toContain('⟨U+FEFF⟩Sales');
  });

  it('prints a readable checklist: the verdict, one line per check, and what to do', async () => {
    const r = await cli(['diagnose', '--integration', id, '--user', 'connor.contract@contoso.example']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Verdict: Excluded by rule department equals "Contractors"');
    expect(r.stdout).toMatch(/^FAIL {2}Not excluded by a rule: /m);
    expect(r.stdout).toMatch(/^PASS {2}User exists in Entra: /m);
    expect(r.stdout).toContain('What to do: If Connor Contract should be in the LMS');
  });

  it('--report writes the report for support, without secrets; a file in a folder that does not exist is refused first (exit 2) with the fix', async () => {
    const file = path.join(dataDir, 'support.txt');
    const r = await cli(['diagnose', '--integration', id, '--user', 'bo.mark@contoso.example', '--report', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`The report for support was written to ${file}.`);
    const report = await readFile(file, 'utf8');
    expect(report).toContain('Rollcall support report');
    expect(report).toContain(`Integration: ${demo.config.name} (${id})`);
    expect(report).toMatch(/^\[WARN\] Department$/m);
    expect(report).toContain('⟨U+FEFF⟩Sales');
    for (const secret of [demo.clientSecret, demo.lmsToken]) expect(report.includes(secret)).toBe(false);
    const bad = await cli(['diagnose', '--integration', id, '--user', 'bo.mark@contoso.example', '--report', path.join(dataDir, 'no-such-dir', 'r.txt')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`What to do: Create the folder first (mkdir -p ${path.join(dataDir, 'no-such-dir')})`);
  });

  it('a person nobody has still exits with 0: the diagnosis ran', async () => {
    const r = await cli(['diagnose', '--integration', id, '--user', 'nobody@nowhere.example', '--json']);
    expect(r.code).toBe(0);
    expect(DiagnoseJson.parse(JSON.parse(r.stdout)).verdict).toMatch(/^Not in Entra/);
  });
});
