/**
 * checkAndRecord (`rollcall check`, `rollcall integration credentials`): the checks are made
 * against the real simulators and their result is recorded on the integration's status. When the
 * settings file cannot be written, the checks are still given, with why the status was not.
 */
import fsPromises from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkAndRecord } from '../../../src-main/sync/check';
import { startSyncEnv, type SyncEnv } from '../../helpers/sync-env';

let env: SyncEnv | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await env?.close();
  env = undefined;
});

describe('checkAndRecord', () => {
  it('records a refused secret as invalid, and a fixed one as active again', async () => {
    env = await startSyncEnv({ users: 20 });
    const good = await env.secrets.get(env.integrationId, 'clientSecret');
    await env.secrets.set(env.integrationId, 'clientSecret', 'wrong-secret-value-123');
    const refused = await checkAndRecord(env.store, env.secrets, env.integrationId);
    expect(refused.ok && refused.value).toMatchObject({ status: 'invalid', notRecorded: null });
    await env.secrets.set(env.integrationId, 'clientSecret', good.ok ? (good.value ?? '') : '');
    const fixed = await checkAndRecord(env.store, env.secrets, env.integrationId);
    expect(fixed.ok && fixed.value).toMatchObject({ ok: true, status: 'active', statusReason: null, notRecorded: null });
  });

  it('a settings file that cannot be written still gives the checks, and says the status was not recorded', async () => {
    env = await startSyncEnv({ users: 20 });
    await env.secrets.set(env.integrationId, 'clientSecret', 'wrong-secret-value-123');
    const settingsFile = path.join(env.dataDir, 'settings.json');
    const full = Object.assign(new Error('ENOSPC: no space left on device, rename'), { code: 'ENOSPC' });
    const real = fsPromises.rename.bind(fsPromises);
    vi.spyOn(fsPromises, 'rename').mockImplementation((from, to) => (to === settingsFile ? Promise.reject(full) : real(from, to)));
    const r = await checkAndRecord(env.store, env.secrets, env.integrationId);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.credentialsError?.code).toBe('ENTRA_WRONG_SECRET');
    expect(r.value.checks.find((c) => c.id === 'entra-sign-in')?.status).toBe('fail');
    expect(r.value.notRecorded).toMatchObject({ code: 'DISK_WRITE_FAILED', fix: expect.any(String) as unknown });
    // Not recorded: the integration keeps the status it had.
    expect(r.value.status).toBe('active');
    expect(JSON.stringify(r.value)).not.toContain('wrong-secret-value-123');
  });
});
