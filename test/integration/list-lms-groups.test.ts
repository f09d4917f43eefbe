/**
 * listLmsGroups (the wizard's pushed groups suggest the LMS's own groups, as Okta's "Link
 * Group"): against the SCIM simulator, every group's name and no member read; null for an LMS
 * without groups; an unreachable LMS, a refused token, a missing one or one entered for another
 * LMS address as error values with a fix, never the token; and the browser preview serves it
 * through the same dispatch().
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { IntegrationSummary, LmsGroupList } from '../../src-preload/api-types';
import type { Result } from '../../src-main/core/errors';
import { EMPTY_SEED, startLmsSimulator, type LmsSimulator, type LmsSimulatorOptions } from '../../src-main/demo/lms';
import type { HandlerContext } from '../../src-main/ipc/context';
import { dispatch } from '../../src-main/ipc/dispatch';
import { startPreviewServer } from '../../src-main/preview/server';
import { MemorySecretStore } from '../../src-main/secrets/memory-store';
import { testContext, VALID_CONFIG } from '../helpers/context';
import { withTempDir } from '../helpers/tmp';

const TOKEN = 'sim-lms-token-list-groups-4d2a';
const SECRET = 'Xq8~fake.client-secret_value-0123456789abcd';

const GROUPS = [
  { name: 'People Managers', members: ['lms.admin@contoso.com'] },
  { name: 'all staff', members: [] },
  { name: 'Compliance', members: [] },
];

const SEED = { ...EMPTY_SEED, users: [{ userName: 'lms.admin@contoso.com', givenName: 'Lena', familyName: 'Admin', email: 'lms.admin@contoso.com' }], groups: GROUPS };

/** An integration whose LMS is at baseUrl, with the token (when given) stored for it. */
async function integrationFor(dir: string, baseUrl: string, token: string | null): Promise<{ ctx: HandlerContext; id: string }> {
  const ctx = await testContext(dir, new MemorySecretStore());
  const created = await dispatch('createIntegration', { config: { ...VALID_CONFIG, target: { kind: 'scim', baseUrl } } }, ctx);
  if (!created.ok) throw new Error(created.error.message);
  const id = (created.value as IntegrationSummary).id;
  expect((await dispatch('setSecret', { integrationId: id, kind: 'clientSecret', value: SECRET }, ctx)).ok).toBe(true);
  if (token !== null) expect((await dispatch('setSecret', { integrationId: id, kind: 'lmsToken', value: token }, ctx)).ok).toBe(true);
  return { ctx, id };
}

async function withLms<T>(options: Partial<LmsSimulatorOptions>, work: (lms: LmsSimulator) => Promise<T>): Promise<T> {
  const lms = await startLmsSimulator({ token: TOKEN, seed: SEED, ...options });
  try {
    return await work(lms);
  } finally {
    await lms.close();
  }
}

const list = (ctx: HandlerContext, id: string) => dispatch('listLmsGroups', { id }, ctx) as Promise<Result<LmsGroupList>>;

function expectErrorWithFix(r: Result<LmsGroupList>, code: string): void {
  expect(r.ok).toBe(false);
  if (r.ok) return;
  expect(r.error.code).toBe(code);
  expect(r.error.message.length).toBeGreaterThan(10);
  expect(r.error.fix.length).toBeGreaterThan(10);
  expect(JSON.stringify(r)).not.toContain(TOKEN);
}

describe('listLmsGroups', () => {
  it('lists every LMS group by name, sorted, without reading any members', async () => {
    await withLms({}, (lms) =>
      withTempDir(async (dir) => {
        const { ctx, id } = await integrationFor(dir, lms.baseUrl, TOKEN);
        lms.clearRequests();
        const r = await list(ctx, id);
        expect(r).toEqual({ ok: true, value: { groups: [{ name: 'all staff' }, { name: 'Compliance' }, { name: 'People Managers' }] } });
        // Only the list is read (no group on its own, for its members), and always without the
        // members: not read again with them (as for an LMS that refuses excludedAttributes).
        const groupReads = lms.requests().filter((q) => /\/Groups/.test(q.path));
        expect(groupReads.length).toBeGreaterThan(0);
        expect(groupReads.map((q) => [q.path.replace(/^\/scim\/v2/, ''), q.query.excludedAttributes, q.status])).toEqual(groupReads.map(() => ['/Groups', 'members', 200]));
        // Nothing was written to the LMS.
        expect(lms.requests().every((q) => q.method === 'GET')).toBe(true);
      }),
    );
  });

  it('an LMS with groups but none made yet: an empty list', async () => {
    await withLms({ seed: 'empty' }, (lms) =>
      withTempDir(async (dir) => {
        const { ctx, id } = await integrationFor(dir, lms.baseUrl, TOKEN);
        expect(await list(ctx, id)).toEqual({ ok: true, value: { groups: [] } });
      }),
    );
  });

  it('an LMS without groups (no Groups resource type): null', async () => {
    await withLms({ capabilities: { groups: false } }, (lms) =>
      withTempDir(async (dir) => {
        const { ctx, id } = await integrationFor(dir, lms.baseUrl, TOKEN);
        expect(await list(ctx, id)).toEqual({ ok: true, value: { groups: null } });
        expect(lms.requests().some((q) => /\/Groups/.test(q.path))).toBe(false);
      }),
    );
  });

  it('an unreachable LMS: an error value saying so, with a fix', async () => {
    const gone = await startLmsSimulator({ token: TOKEN, seed: 'empty' });
    const baseUrl = gone.baseUrl;
    await gone.close();
    await withTempDir(async (dir) => {
      const { ctx, id } = await integrationFor(dir, baseUrl, TOKEN);
      expectErrorWithFix(await list(ctx, id), 'LMS_UNREACHABLE');
    });
  });

  it('a refused token: an error value, the token nowhere in it (even when the LMS echoes it back)', async () => {
    await withLms({ faults: { echoAuthInErrors: true } }, (lms) =>
      withTempDir(async (dir) => {
        const wrong = 'wrong-token-for-this-lms-8e1f';
        const { ctx, id } = await integrationFor(dir, lms.baseUrl, wrong);
        const r = await list(ctx, id);
        expectErrorWithFix(r, 'LMS_TOKEN_REFUSED');
        expect(JSON.stringify(r)).not.toContain(wrong);
        // Listing is not a Test: the integration's status is left as it was.
        const after = await dispatch('getIntegration', { id }, ctx);
        expect(after.ok && (after.value as IntegrationSummary).statusReason).toBeNull();
      }),
    );
  });

  it('no token stored, or no such integration: an error value before any request', async () => {
    await withLms({}, (lms) =>
      withTempDir(async (dir) => {
        const { ctx, id } = await integrationFor(dir, lms.baseUrl, null);
        lms.clearRequests();
        const none = await list(ctx, id);
        expectErrorWithFix(none, 'SETUP_INCOMPLETE');
        // The one credential missing, with the command that stores it for this integration.
        expect(none.ok ? null : none.error.fix).toBe(`Choose Update credentials on the integration (on a server: rollcall integration credentials --integration ${id} --lms-token, with ROLLCALL_LMS_TOKEN set or typed when asked).`);
        const missing = await list(ctx, 'int-missing');
        expect(missing.ok).toBe(false);
        expect(lms.requests()).toHaveLength(0);
      }),
    );
  });

  it('a token entered for another LMS address: refused before any request, never sent', async () => {
    await withLms({}, (lms) =>
      withTempDir(async (dir) => {
        const { ctx, id } = await integrationFor(dir, lms.baseUrl, TOKEN);
        // The stored token was entered for another origin (the address changed since, say).
        await ctx.store.settings.update((s) => {
          const record = s.integrations.find((i) => i.id === id);
          if (record) record.credentialFor.lmsToken = 'https://other-lms.example.com';
        });
        lms.clearRequests();
        const r = await list(ctx, id);
        expectErrorWithFix(r, 'CREDENTIAL_ADDRESS_MISMATCH');
        if (!r.ok) expect(r.error.message).toContain('https://other-lms.example.com');
        expect(lms.requests()).toHaveLength(0);
      }),
    );
  });

  it('the browser preview serves it through the same dispatch()', async () => {
    await withLms({}, (lms) =>
      withTempDir(async (dir) => {
        const { ctx, id } = await integrationFor(path.join(dir, 'data'), lms.baseUrl, TOKEN);
        const rendererDir = path.join(dir, 'renderer');
        await mkdir(rendererDir, { recursive: true });
        await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><html><head><title>t</title></head><body></body></html>');
        const server = await startPreviewServer({ ctx, rendererDir });
        try {
          const signIn = await fetch(server.url, { redirect: 'manual' });
          const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
          const bridge = await (await fetch(`${server.origin}/__rollcall/bridge.js`)).text();
          expect(bridge).toContain('"listLmsGroups"');
          const res = await fetch(`${server.origin}/__rollcall/api/listLmsGroups`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-rollcall-bridge': '1', cookie },
            body: JSON.stringify({ input: { id } }),
          });
          const body = (await res.json()) as Result<LmsGroupList>;
          expect(body.ok && body.value.groups?.map((g) => g.name)).toEqual(['all staff', 'Compliance', 'People Managers']);
        } finally {
          await server.close();
        }
      }),
    );
  });
});
