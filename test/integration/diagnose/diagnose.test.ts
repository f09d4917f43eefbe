/**
 * diagnoseUser over the real Graph and LMS simulators: the demo tenant's named cases, the cache,
 * and the refresh after an apply wrote to the LMS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Checklist } from '../../../src-main/core/diagnose';
import { generateTenant } from '../../../src-main/demo/graph';
import { demoLmsSeed } from '../../../src-main/demo/tenant';
import { diagnoseUser } from '../../../src-main/sync/diagnose-service';
import { runIntegration } from '../../../src-main/sync/run';
import { findIntegration, updateIntegration } from '../../../src-main/store/integrations';
import { startSyncEnv, type SyncEnv } from '../../helpers/sync-env';

const USERS = 150;
const SEED = 42;
let env: SyncEnv;

function caseEmail(key: string): string {
  const found = env.tenant.cases.find((c) => c.key === key);
  if (!found) throw new Error(`no case ${key}`);
  return found.email;
}

async function diagnose(query: string): Promise<Checklist> {
  const r = await diagnoseUser(env, env.integrationId, query);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

const checkOf = (c: Checklist, id: string) => c.checks.find((x) => x.id === id);

beforeAll(async () => {
  env = await startSyncEnv({
    users: USERS,
    seed: SEED,
    // The demo's LMS: hand-made accounts for the troubleshooting stories (same tenant, same seed).
    lmsSeed: demoLmsSeed(generateTenant({ users: USERS, seed: SEED })),
    config: (base) => ({ ...base, scope: { ...base.scope, exclude: [{ kind: 'attribute', attribute: 'department', operator: 'equals', value: 'Contractors' }] } }),
  });
});

afterAll(async () => {
  await env.close();
});

describe('diagnose the demo tenant', () => {
  it('without a cache, reads once (a dry run) and then answers from the cache', async () => {
    const c = await diagnose(caseEmail('bom-department'));
    const runs = (await env.store.runs(env.integrationId)).data.runs;
    expect(runs.map((r) => r.kind)).toEqual(['dry-run']);
    // bom-department: the department check shows the hidden character and the fix.
    const dep = checkOf(c, 'department');
    expect(dep?.status).toBe('warn');
    expect(dep?.detail).toContain('"⟨U+FEFF⟩Sales"');
    expect(dep?.evidence.map((e) => e.value).join('\n')).toContain('U+FEFF BYTE ORDER MARK');
    expect(dep?.fix).toContain('Retype the department of Bo Mark in Entra as "Sales"');
    expect(c.verdict).toMatch(/^Will be created at the next sync/);

    const t0 = performance.now();
    await diagnose(caseEmail('nested-group'));
    expect(performance.now() - t0).toBeLessThan(2_000);
    expect((await env.store.runs(env.integrationId)).data.runs).toHaveLength(1);
  });

  it('contractor: excluded by the department rule', async () => {
    const c = await diagnose(caseEmail('contractor'));
    expect(c.verdictKind).toBe('excluded');
    // The demo LMS has an account made for him by hand: it stays, unmanaged.
    expect(c.verdict).toBe('Excluded by rule department equals "Contractors"; the LMS account is managed by no integration, so Rollcall leaves it alone');
    expect(checkOf(c, 'excluded')?.fix).toContain('remove or narrow the exclude rule 1 department equals "Contractors"');
    // Linking that account is how "Deactivate users" reaches it: said where the account is.
    expect(checkOf(c, 'lms-account')?.fix).toMatch(/^If LMS account \S+ is theirs, link it to them so that the integration deactivates it while they are not synced: "Link … to their Entra users" under the dry run's count of unmanaged accounts, or `rollcall unmanaged --integration int-[\w-]+ --link` \(either takes it when the dry run found it theirs for sure; the list's whyNotLinkable says why not\)\. If it should not be there at all, remove it by hand in the LMS\.$/);
  });

  it('two LMS accounts for one person: the verdict names both', async () => {
    const email = caseEmail('several-groups');
    const c = await diagnose(email);
    expect(c.verdictKind).toBe('duplicate_lms_accounts');
    expect(c.verdict).toMatch(/^Two LMS accounts for this person: /);
    expect(c.verdict).toContain(email);
    expect(c.verdict).toContain(email.replace(/^max\./, 'maximilian.'));
    expect(checkOf(c, 'lms-duplicates')?.fix).toMatch(/^Check both in the LMS \(LMS accounts \S+ and \S+\) and keep the one with the learning history: relink it to this Entra user/);
  });

  it('two Entra accounts with one e-mail: both are named', async () => {
    const c = await diagnose(caseEmail('two-accounts-one-email'));
    expect(c.verdictKind).toBe('duplicate_entra_accounts');
    expect(c.verdict).toContain('Sam Twin (sam.twin@');
    expect(c.verdict).toContain('Sam Twin (admin) (sam.twin.admin@');
    expect(c.candidates.source).toHaveLength(2);
  });

  it('recreated in Entra: relink the old account', async () => {
    const c = await diagnose(caseEmail('recreated'));
    expect(c.verdictKind).toBe('recreated_in_entra');
    expect(c.verdict).toMatch(/^Recreated in Entra\? LMS account \S+ \(rita\.recreated@contoso\.example, active\) carries the object id /);
    expect(checkOf(c, 'recreated')?.status).toBe('fail');
    expect(checkOf(c, 'recreated')?.fix).toMatch(/^If it is, relink LMS account \S+ to this Entra user/);
  });

  it('disabled and past Last Day are said as such', async () => {
    expect((await diagnose(caseEmail('disabled'))).verdict).toBe('Disabled in Entra; no LMS account is created');
    expect((await diagnose(caseEmail('leave-date-past'))).verdictKind).toBe('last_day');
  });

  // The checklist follows the settings as saved; the verdict must not follow the last plan's older ones.
  it('after the settings changed, reads again and answers from a plan with the new settings', async () => {
    const record = findIntegration(env.store, env.integrationId);
    if (!record) throw new Error('no integration');
    const before = record.config;
    const connor = caseEmail('contractor');
    expect((await diagnose(connor)).verdictKind).toBe('excluded');
    const runsBefore = (await env.store.runs(env.integrationId)).data.runs.length;
    try {
      // After the last dry run, the admin includes the contractor by his e-mail and drops the exclude rule.
      const saved = await updateIntegration(env.store, env.secrets, env.integrationId, { ...before, scope: { ...before.scope, include: [...before.scope.include, { kind: 'user', value: connor }], exclude: [] } }, env.now());
      if (!saved.ok) throw new Error(saved.error.message);
      const c = await diagnose(connor);
      expect(checkOf(c, 'included')?.status).toBe('pass');
      // Not the last plan's "No change planned": his hand-made LMS account is linked at the next sync.
      expect(c.verdictKind).toBe('will_link');
      expect(c.verdict).toMatch(/^Will be linked to the existing LMS account .* \(connor\.contract@contoso\.example, active\) at the next sync/);
      // It read again (a dry run the history shows as Troubleshoot's), and answers from that after.
      const runs = (await env.store.runs(env.integrationId)).data.runs;
      expect(runs).toHaveLength(runsBefore + 1);
      expect(runs[0]).toMatchObject({ kind: 'dry-run', via: 'troubleshoot' });
      expect((await diagnose(connor)).verdictKind).toBe('will_link');
      expect((await env.store.runs(env.integrationId)).data.runs).toHaveLength(runsBefore + 1);
    } finally {
      await updateIntegration(env.store, env.secrets, env.integrationId, before, env.now());
    }
    expect((await diagnose(connor)).verdictKind).toBe('excluded');
  });

  it('after an apply wrote to the LMS, reads again and finds the person up to date, with the audit line', async () => {
    const before = (await env.store.runs(env.integrationId)).data.runs.length;
    const applied = await runIntegration(env, { integrationId: env.integrationId, kind: 'apply', trigger: 'manual' });
    expect(applied.run.outcome).toMatch(/succeeded|partial/);
    const c = await diagnose(caseEmail('nested-group'));
    expect(c.verdictKind).toBe('up_to_date');
    expect(checkOf(c, 'last-run')?.status).toBe('pass');
    expect(checkOf(c, 'last-run')?.detail).toContain(applied.run.id);
    // Newest first: the apply, then the dry run Troubleshoot made after it.
    const runs = (await env.store.runs(env.integrationId)).data.runs;
    expect(runs).toHaveLength(before + 2);
    expect(runs.slice(0, 2).map((r) => [r.kind, r.via])).toEqual([['dry-run', 'troubleshoot'], ['apply', null]]);
  });

  it('an unknown integration is an error value', async () => {
    const r = await diagnoseUser(env, 'int-nope', 'x@y');
    expect(r.ok ? null : r.error.code).toBe('INTEGRATION_NOT_FOUND');
  });
});
