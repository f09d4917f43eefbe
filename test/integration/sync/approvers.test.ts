/**
 * Approvers from an Entra attribute, end to end: a directory extension read through the Graph
 * simulator names each person's approvers by address; an apply writes them to the SCIM simulator
 * as references to the approvers' LMS accounts (created in the same apply, in its second pass),
 * and the next plan finds nothing more to write.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runIntegration } from '../../../src-main/sync/run';
import { startSyncEnv, type SyncEnv } from '../../helpers/sync-env';

// A directory extension of the demo app (another attribute of the same app as its costCenter).
const APPROVERS = 'extension_5d1b2f3a9c8e4a7b9f0e1d2c3b4a5968_approvers';

let env: SyncEnv | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});

describe('approvers from an Entra attribute', () => {
  it('writes the listed people as approvers in the same apply that creates them, then stays quiet', async () => {
    env = await startSyncEnv({ users: 60, config: (base) => ({ ...base, mapping: { approversAttribute: APPROVERS, manager: false } }) });
    const e = env;
    // Three people the integration creates: the first's approvers are the other two, by e-mail and by sign-in name.
    const first = await runIntegration(e, { integrationId: e.integrationId, kind: 'dry-run', trigger: 'manual' });
    const created = (first.plan?.ops ?? []).filter((o) => o.kind === 'create' && o.sourceId !== null).slice(0, 3);
    const [anna, bo, cy] = created.map((o) => e.tenant.fixture.users.find((u) => u.id === o.sourceId));
    if (!anna || !bo || !cy || !bo.mail) throw new Error('no one to create');
    e.graph.mutateUser(anna.id, { extra: { ...anna.extra, [APPROVERS]: `${bo.mail.toUpperCase()}; ${cy.userPrincipalName}; nobody@elsewhere.example` } });

    const applied = await runIntegration(e, { integrationId: e.integrationId, kind: 'apply', trigger: 'manual' });
    expect(applied.run.outcome).toBe('succeeded');
    const warned = applied.plan?.ops.find((o) => o.sourceId === anna.id && o.phase === 'users')?.warnings ?? [];
    expect(warned.map((w) => w.code)).toEqual(['approver_not_in_entra']);
    // In the LMS: references to the two approvers' new accounts, in the attribute's order.
    const lmsId = (upn: string) => String(e.lms.userByUserName(upn)?.id ?? '');
    const annaInLms = JSON.stringify(e.lms.userByUserName(anna.userPrincipalName) ?? {});
    const [boId, cyId] = [lmsId(bo.userPrincipalName), lmsId(cy.userPrincipalName)];
    expect(boId).not.toBe('');
    expect(annaInLms.indexOf(`"${boId}"`)).toBeGreaterThan(-1);
    expect(annaInLms.indexOf(`"${cyId}"`)).toBeGreaterThan(annaInLms.indexOf(`"${boId}"`));

    // Read back as written: nothing more to write for anyone.
    const next = await runIntegration(e, { integrationId: e.integrationId, kind: 'dry-run', trigger: 'manual', full: true });
    expect(next.plan?.ops.filter((o) => o.phase === 'relations')).toEqual([]);
    // A new approver in Entra: only that person's approvers change, by the delta read.
    e.graph.mutateUser(anna.id, { extra: { ...anna.extra, [APPROVERS]: cy.userPrincipalName } });
    const changed = await runIntegration(e, { integrationId: e.integrationId, kind: 'dry-run', trigger: 'manual' });
    expect(changed.run.readMode).toBe('delta');
    const relations = changed.plan?.ops.filter((o) => o.phase === 'relations') ?? [];
    expect(relations.map((o) => [o.sourceId, o.changes.map((c) => c.to)])).toEqual([[anna.id, [[cy.userPrincipalName]]]]);
  });
});
