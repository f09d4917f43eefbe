/**
 * `rollcall check` records what it finds about the credentials on the integration's status, as
 * the app's Test button does: refused credentials turn it red, and once they are fixed a check
 * turns it back (the dashboard, `integration list` and the scheduler read that status).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeytarSecretStore } from '../../../src-main/secrets/keytar-store';
import { keychainSkipReason, startCliKit, type CliKit } from './kit';

let kit: CliKit;
let id = '';
const WRONG = 'definitely-the-wrong-secret-77';

beforeAll(async () => {
  if (keychainSkipReason) return;
  kit = await startCliKit({ users: 60, seed: 31, prefix: 'cli-check' });
  id = await kit.addIntegration();
});

afterAll(async () => {
  if (keychainSkipReason) return;
  await kit.close();
});

const statusOf = async () => (JSON.parse((await kit.cli(['integration', 'show', '--integration', id, '--json'])).stdout) as { status: string; statusReason: { code: string } | null });

describe.skipIf(keychainSkipReason !== null)(`rollcall check and the integration's status${keychainSkipReason ? ` — skipped: ${keychainSkipReason}` : ''}`, () => {
  it('a check after the secret was fixed turns a red integration back to active', async () => {
    expect((await kit.cli(['integration', 'enable', '--integration', id, '--emails-confirmed'])).code).toBe(0);
    // The client secret in the keychain stops working: the next run turns the integration red.
    const keychain = new KeytarSecretStore();
    await keychain.set(id, 'clientSecret', WRONG);
    expect((await kit.cli(['plan', '--integration', id])).code).toBe(3);
    expect(await statusOf()).toMatchObject({ status: 'invalid', statusReason: { code: 'ENTRA_WRONG_SECRET' } });

    // The admin fixes the secret, then checks.
    await keychain.set(id, 'clientSecret', kit.demo.clientSecret);
    const r = await kit.cli(['check', '--integration', id]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('PASS  Sign in to Microsoft Entra ID');
    expect(r.stdout).toContain('Status: active.');
    expect(await statusOf()).toMatchObject({ status: 'active', statusReason: null });
    expect((await kit.cli(['integration', 'list'])).stdout).toMatch(new RegExp(`${id} +\\S.* +active`));
  });

  it('a check whose credentials are refused turns it red (exit 3), with the reason; --json says the status', async () => {
    await new KeytarSecretStore().set(id, 'clientSecret', WRONG);
    try {
      const r = await kit.cli(['check', '--integration', id]);
      expect(r.code).toBe(3);
      expect(r.stdout).toContain('FAIL  Sign in to Microsoft Entra ID');
      expect(r.stdout).toMatch(/Status: invalid \(.+\)\./);
      expect(await statusOf()).toMatchObject({ status: 'invalid', statusReason: { code: 'ENTRA_WRONG_SECRET' } });
    } finally {
      await new KeytarSecretStore().set(id, 'clientSecret', kit.demo.clientSecret);
    }
    const json = await kit.cli(['check', '--integration', id, '--json']);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, status: 'active', checks: expect.arrayContaining([expect.objectContaining({ id: 'entra-sign-in', status: 'pass' })]) });
  });

  it('a refused LMS token is recorded too, and a check with it fixed clears it; a disabled integration goes back to disabled', async () => {
    expect((await kit.cli(['integration', 'disable', '--integration', id])).code).toBe(0);
    await new KeytarSecretStore().set(id, 'lmsToken', 'not-the-lms-token-0000');
    expect((await kit.cli(['check', '--integration', id])).code).toBe(3);
    expect(await statusOf()).toMatchObject({ status: 'invalid', statusReason: { code: 'LMS_TOKEN_REFUSED' } });
    await new KeytarSecretStore().set(id, 'lmsToken', kit.demo.lmsToken);
    const r = await kit.cli(['check', '--integration', id]);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain('Status: disabled.');
    expect(await statusOf()).toMatchObject({ status: 'disabled', statusReason: null });
  });

  it('prints no secret', () => {
    for (const r of kit.outputs) for (const s of [kit.demo.clientSecret, kit.demo.lmsToken, WRONG, 'not-the-lms-token-0000']) expect(r.stdout + r.stderr).not.toContain(s);
  });
});
