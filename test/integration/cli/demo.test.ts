/**
 * `rollcall demo --data-dir DIR` makes its own integration for the run and takes it out again
 * when it ends, even on Ctrl+C: its simulators, ports and made-up credentials end with it, so a
 * demo integration left behind could never run. The admin's integrations in DIR are untouched.
 */
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/cli';
import { keychainSkipReason, startCliKit, type CliKit } from './kit';

let kit: CliKit;
let real = '';

beforeAll(async () => {
  if (keychainSkipReason) return;
  kit = await startCliKit({ users: 60, seed: 41, prefix: 'cli-demo' });
  real = await kit.addIntegration('Our HR feed');
  // A history, cached snapshots and an unmanaged list of its own.
  const planned = await kit.cli(['plan', '--integration', real]);
  if (planned.code !== 0) throw new Error(planned.stderr);
});

afterAll(async () => {
  if (keychainSkipReason) return;
  await kit.close();
});

const settings = async () => JSON.parse(await readFile(path.join(kit.dataDir, 'settings.json'), 'utf8')) as { integrations: { id: string; config: { name: string } }[] };

/** Every file the integrations keep (not settings.json, which every write rewrites), with its content. */
async function keptFiles(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const dir of ['integrations', 'audit']) {
    for (const name of await readdir(path.join(kit.dataDir, dir))) if (!name.endsWith('.lock')) out[`${dir}/${name}`] = await readFile(path.join(kit.dataDir, dir, name), 'latin1');
  }
  return out;
}

describe.skipIf(keychainSkipReason !== null)(`rollcall demo --data-dir${keychainSkipReason ? ` — skipped: ${keychainSkipReason}` : ''}`, () => {
  it('runs the demo in the folder and removes its integration again: a second demo does not add another; the admin\'s is untouched', async () => {
    const before = await keptFiles();
    expect(Object.keys(before).some((f) => f.startsWith(`integrations/${real}.`))).toBe(true);
    const made: string[] = [];
    for (const round of [1, 2]) {
      const r = await kit.cli(['demo', '--users', '200', '--json']);
      expect(r.code, `${round}: ${r.stderr}`).toBe(0);
      const out = JSON.parse(r.stdout) as { integration: { id: string }; summary: { create: number } };
      expect(out.summary.create).toBeGreaterThan(100);
      made.push(out.integration.id);
      expect(r.stderr).toContain(`The demo's integration ${out.integration.id} was removed from ${kit.dataDir} again; nothing else there was changed.`);
      expect((await settings()).integrations.map((i) => i.id)).toEqual([real]);
    }
    expect(made[0]).not.toBe(made[1]);
    // No history, cache or list of the demo's stays; the admin's integration's files are as they were.
    expect(await keptFiles()).toEqual(before);
    const list = await kit.cli(['integration', 'list', '--json']);
    expect((JSON.parse(list.stdout) as { id: string; name: string }[]).map((i) => [i.id, i.name])).toEqual([[real, 'Our HR feed']]);
    expect((await kit.cli(['plan', '--integration', real])).code).toBe(0);
  });

  it('Ctrl+C during the dry run stops the demo and still removes its integration', async () => {
    const before = await keptFiles();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src-main/cli/main.ts'), '--data-dir', kit.dataDir, 'demo', '--users', '20000'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.resume();
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Once the demo's integration is in the settings, the dry run is under way.
    const deadline = Date.now() + 60_000;
    let demoId: string | undefined;
    while (!demoId && Date.now() < deadline) {
      demoId = (await settings().catch(() => ({ integrations: [] }))).integrations.find((i) => i.id !== real)?.id;
      if (!demoId) await new Promise((r) => setTimeout(r, 25));
    }
    expect(demoId).toBeDefined();
    child.kill('SIGINT');
    const code = await exited;
    expect(stderr).toContain(`The demo's integration ${demoId} was removed from ${kit.dataDir} again`);
    // Stopped before it printed its dry run (1); on a very fast machine it may have finished (0).
    expect([0, 1]).toContain(code);
    if (code === 1) expect(stderr).toContain('The demo was stopped before it finished.');
    expect((await settings()).integrations.map((i) => i.id)).toEqual([real]);
    expect(await keptFiles()).toEqual(before);
  });
});
