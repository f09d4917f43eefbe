import { afterEach, describe, expect, it } from 'vitest';
import { RunManager } from '../../../src-main/sync/run-manager';
import { Scheduler } from '../../../src-main/sync/scheduler';
import { setEnabled } from '../../../src-main/store/integrations';
import { startSyncEnv, type SyncEnv } from '../../helpers/sync-env';

let env: SyncEnv | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});

describe('scheduler', () => {
  it('runs an enabled integration when due, then every N hours, and never a disabled one', async () => {
    let now = new Date('2026-11-23T08:00:00Z');
    env = await startSyncEnv({ users: 40, now: () => now });
    const runs = new RunManager({ store: env.store, secrets: env.secrets, now: () => now });
    const scheduler = new Scheduler({ store: env.store, runs, now: () => now });

    // Never run yet: due at once.
    const first = await scheduler.tick();
    expect(first).toHaveLength(1);
    const outcome = await runs.wait(first[0] ?? '');
    expect(outcome?.run).toMatchObject({ kind: 'apply', trigger: 'schedule', outcome: 'succeeded' });
    expect(env.lms.users().length).toBeGreaterThan(20);

    // 3 h 59 min later: not due (every 4 h by default).
    now = new Date('2026-11-23T11:59:00Z');
    expect(await scheduler.tick()).toEqual([]);
    now = new Date('2026-11-23T12:00:00Z');
    const second = await scheduler.tick();
    expect(second).toHaveLength(1);
    await runs.wait(second[0] ?? '');

    // Disabled: nothing is read or written, however late it is.
    await setEnabled(env.store, env.secrets, env.integrationId, false, now);
    now = new Date('2026-11-24T12:00:00Z');
    expect(await scheduler.tick()).toEqual([]);
    const history = (await env.store.runs(env.integrationId)).data.runs;
    expect(history.map((r) => r.trigger)).toEqual(['schedule', 'schedule']);
  });

  it('a failing scheduled run waits for its next slot instead of retrying in a loop', async () => {
    let now = new Date('2026-11-23T08:00:00Z');
    env = await startSyncEnv({ users: 10, now: () => now });
    await env.secrets.set(env.integrationId, 'lmsToken', 'refused-token-123');
    const runs = new RunManager({ store: env.store, secrets: env.secrets, now: () => now });
    const scheduler = new Scheduler({ store: env.store, runs, now: () => now });
    const [failed] = await scheduler.tick();
    expect((await runs.wait(failed ?? ''))?.error?.code).toBe('LMS_TOKEN_REFUSED');
    expect(env.store.settings.data.integrations[0]?.status).toBe('invalid');
    now = new Date('2026-11-23T08:05:00Z');
    expect(await scheduler.tick()).toEqual([]);
    now = new Date('2026-11-23T12:00:00Z');
    const retried = await scheduler.tick();
    expect(retried).toHaveLength(1);
    expect((await runs.wait(retried[0] ?? ''))?.error?.code).toBe('LMS_TOKEN_REFUSED');
  });
});
