/**
 * `rollcall integration remove` deletes an integration's settings, keychain entries, history and
 * link table for good: on a terminal it asks first, naming what goes; a script says --yes;
 * without either it refuses (exit 2) and nothing is removed.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeytarSecretStore } from '../../../src-main/secrets/keytar-store';
import { acquireRunLock } from '../../../src-main/store/run-lock';
import { runCliInTerminal, terminalAvailable } from '../../helpers/cli';
import { keychainSkipReason, startCliKit, type CliKit } from './kit';

let kit: CliKit;

beforeAll(async () => {
  if (keychainSkipReason) return;
  kit = await startCliKit({ users: 60, seed: 23, prefix: 'cli-remove' });
});

afterAll(async () => {
  if (keychainSkipReason) return;
  await kit.close();
});

const ids = async () => (JSON.parse(await readFile(path.join(kit.dataDir, 'settings.json'), 'utf8')) as { integrations: { id: string }[] }).integrations.map((i) => i.id);
const filesOf = async (id: string) => (await readdir(path.join(kit.dataDir, 'integrations'))).filter((f) => f.startsWith(`${id}.`));

describe.skipIf(keychainSkipReason !== null)(`rollcall integration remove${keychainSkipReason ? ` — skipped: ${keychainSkipReason}` : ''}`, () => {
  it('without a terminal and without --yes: refused with exit 2, the error names the integration and what is lost, nothing removed', async () => {
    const id = await kit.addIntegration('Contoso HR feed');
    expect((await kit.cli(['plan', '--integration', id])).code).toBe(0);
    const before = await filesOf(id);
    expect(before.length).toBeGreaterThan(0);

    const r = await kit.cli(['integration', 'remove', '--integration', id]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Error [USAGE]: integration remove deletes Contoso HR feed (${id}) for good`);
    expect(r.stderr).toContain('its run history (1 run) and audit logs, its link table (0 linked LMS accounts)');
    expect(r.stderr).toContain('It needs --yes when not run in a terminal.');
    expect(r.stderr).toContain(`What to do: Check that it is the one to remove (rollcall integration show --integration ${id}), then run: rollcall integration remove --integration ${id} --yes`);
    // --json: the same error value on stdout, for a script.
    const json = await kit.cli(['integration', 'remove', '--integration', id, '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'USAGE', message: expect.stringContaining(id), fix: expect.stringContaining('--yes') } });

    expect(await ids()).toContain(id);
    expect(await filesOf(id)).toEqual(before);
    expect(await new KeytarSecretStore().get(id, 'clientSecret')).toEqual({ ok: true, value: kit.demo.clientSecret });
  });

  it('--yes removes it without asking; the other integrations stay', async () => {
    const keep = await kit.addIntegration('Keep me');
    const id = await kit.addIntegration('Remove me');
    const r = await kit.cli(['integration', 'remove', '--integration', id, '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Removed ${id}`);
    expect(await ids()).not.toContain(id);
    expect(await ids()).toContain(keep);
    expect(await new KeytarSecretStore().get(id, 'clientSecret')).toEqual({ ok: true, value: null });
    expect(await new KeytarSecretStore().get(keep, 'clientSecret')).toEqual({ ok: true, value: kit.demo.clientSecret });
    const json = await kit.cli(['integration', 'remove', '--integration', keep, '-y', '--json']);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ id: keep, removed: true });
  });

  it.skipIf(!terminalAvailable())('on a terminal it asks, naming the integration and what is lost: no keeps it, yes removes it', async () => {
    const id = await kit.addIntegration('Fabrikam staff');
    expect((await kit.cli(['plan', '--integration', id])).code).toBe(0);
    expect((await kit.cli(['plan', '--integration', id])).code).toBe(0);

    const no = await runCliInTerminal(['--data-dir', kit.dataDir, 'integration', 'remove', '--integration', id], 'n');
    expect(no.code, no.screen).toBe(0);
    expect(no.asked).toContain(`Remove Fabrikam staff (${id})? This deletes its settings, its client secret and LMS token in the keychain, its run history (2 runs) and audit logs`);
    expect(no.asked).toContain('Nothing changes in the LMS: the users it created stay as they are. [y/N] ');
    expect(no.screen).toContain('Nothing was removed.');
    expect(await ids()).toContain(id);
    expect(await new KeytarSecretStore().get(id, 'lmsToken')).toEqual({ ok: true, value: kit.demo.lmsToken });

    // Enter alone is a no, too.
    const enter = await runCliInTerminal(['--data-dir', kit.dataDir, 'integration', 'remove', '--integration', id], '');
    expect(enter.code).toBe(0);
    expect(await ids()).toContain(id);

    const yes = await runCliInTerminal(['--data-dir', kit.dataDir, 'integration', 'remove', '--integration', id], 'y');
    expect(yes.code, yes.screen).toBe(0);
    expect(yes.screen).toContain(`Removed ${id}`);
    expect(await ids()).not.toContain(id);
    expect(await filesOf(id)).toEqual([]);
    expect(await new KeytarSecretStore().get(id, 'lmsToken')).toEqual({ ok: true, value: null });
    for (const screen of [no.screen, enter.screen, yes.screen]) expect(screen).not.toContain(kit.demo.lmsToken);
  });

  it('a run in progress is said before anything is asked: exit 4, nothing removed, with or without --yes', async () => {
    const id = await kit.addIntegration('Busy feed');
    const lock = await acquireRunLock(kit.dataDir, id, 'apply');
    if (!lock.ok) throw new Error(lock.error.message);
    try {
      for (const extra of [[], ['--yes']]) {
        const r = await kit.cli(['integration', 'remove', '--integration', id, ...extra]);
        expect(r.code, r.stderr).toBe(4);
        expect(r.stderr).toContain('The integration was not removed: one of its runs is in progress');
        expect(r.stderr).not.toContain('--yes when not run in a terminal');
      }
      expect(await ids()).toContain(id);
    } finally {
      await lock.value.release();
    }
    expect((await kit.cli(['integration', 'remove', '--integration', id, '--yes'])).code).toBe(0);
  });

  it('prints no secret', () => {
    for (const r of kit.outputs) for (const s of [kit.demo.clientSecret, kit.demo.lmsToken]) expect(r.stdout + r.stderr).not.toContain(s);
  });
});
