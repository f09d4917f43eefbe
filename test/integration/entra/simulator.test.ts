/** The simulator itself, spoken to over plain HTTPS (trusting its CA), as any Graph client would. */
import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_APPS, generateTenant, startGraphSimulator, type GraphSimulator } from '../../../src-main/demo/graph';
import { createEntraSource } from '../../../src-main/entra';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: Record<string, unknown>;
}

function call(sim: GraphSimulator, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = https.request(`${sim.url}${path}`, { method, headers, ca: sim.caCertPem }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      res.on('end', () => {
        let json: Record<string, unknown> = {};
        try {
          json = JSON.parse(text) as Record<string, unknown>;
        } catch {
          // text/plain ($count)
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

describe('Graph simulator', () => {
  let sim: GraphSimulator;
  const tenant = generateTenant({ users: 300, seed: 8 });
  let auth: Record<string, string>;
  beforeAll(async () => {
    sim = await startGraphSimulator({ tenant: tenant.fixture });
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: DEMO_APPS.main.clientId, client_secret: DEMO_APPS.main.secret, scope: `${sim.graphEndpoint}/.default` });
    const r = await call(sim, 'POST', `/${sim.tenantId}/oauth2/v2.0/token`, { 'content-type': 'application/x-www-form-urlencoded' }, form.toString());
    auth = { authorization: `Bearer ${String(r.json.access_token)}` };
  });
  afterAll(() => sim.close());

  it('listens on 127.0.0.1 only', () => {
    expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('serves OpenID metadata and instance discovery for the custom authority', async () => {
    const oidc = await call(sim, 'GET', `/${sim.tenantId}/v2.0/.well-known/openid-configuration`);
    expect(oidc.json.token_endpoint).toBe(`${sim.url}/${sim.tenantId}/oauth2/v2.0/token`);
    expect((await call(sim, 'GET', '/nope.onmicrosoft.com/v2.0/.well-known/openid-configuration')).text).toContain('AADSTS90002');
    const disc = await call(sim, 'GET', '/common/discovery/instance?api-version=1.1');
    expect((disc.json.metadata as Array<{ aliases: string[] }>)[0]?.aliases).toEqual([new URL(sim.url).host]);
  });

  it('refuses a request without a valid token', async () => {
    expect((await call(sim, 'GET', '/v1.0/users')).status).toBe(401);
    expect((await call(sim, 'GET', '/v1.0/users', { authorization: 'Bearer a.b.c' })).status).toBe(401);
  });

  it('honours $select and $top, and pages with $skiptoken', async () => {
    const r = await call(sim, 'GET', '/v1.0/users?$select=id,department&$top=120', auth);
    const value = r.json.value as Array<Record<string, unknown>>;
    expect(value).toHaveLength(120);
    expect(Object.keys(value[0] ?? {}).sort()).toEqual(['department', 'id']);
    const next = new URL(String(r.json['@odata.nextLink']));
    expect(next.searchParams.get('$skiptoken')).toBeTruthy();
    expect(next.searchParams.get('$select')).toBe('id,department');
    expect((await call(sim, 'GET', '/v1.0/users?$top=1000', auth)).status).toBe(400);
  });

  it('answers /users/{id|upn}, members, transitiveMembers and $count as Graph does', async () => {
    const anna = tenant.fixture.users.find((u) => u.mail === 'anna.lindqvist@contoso.example');
    expect((await call(sim, 'GET', `/v1.0/users/${anna?.userPrincipalName}`, auth)).json.id).toBe(anna?.id);
    expect((await call(sim, 'GET', `/v1.0/users/${anna?.id}`, auth)).status).toBe(200);
    expect((await call(sim, 'GET', '/v1.0/users/nobody@contoso.example', auth)).status).toBe(404);
    const all = tenant.groupIds.allStaff;
    const direct = await call(sim, 'GET', `/v1.0/groups/${all}/members?$select=id`, auth);
    expect((direct.json.value as Array<{ id: string }>).some((m) => m.id === anna?.id)).toBe(false);
    const transitive = await call(sim, 'GET', `/v1.0/groups/${all}/transitiveMembers?$select=id&$top=999`, auth);
    expect((transitive.json.value as Array<{ id: string }>).some((m) => m.id === anna?.id)).toBe(true);
    expect((await call(sim, 'GET', `/v1.0/groups/${all}/members/$count`, auth)).status).toBe(400);
    const count = await call(sim, 'GET', `/v1.0/groups/${all}/members/$count`, { ...auth, ConsistencyLevel: 'eventual' });
    expect(Number(count.text)).toBe(6);
  });

  it('demands the lifecycle role for employeeLeaveDateTime', async () => {
    sim.setAppRoles(DEMO_APPS.noLifecycle.clientId, ['User.Read.All', 'Group.Read.All']);
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: DEMO_APPS.noLifecycle.clientId, client_secret: DEMO_APPS.noLifecycle.secret, scope: `${sim.graphEndpoint}/.default` });
    const t = await call(sim, 'POST', `/${sim.domain}/oauth2/v2.0/token`, { 'content-type': 'application/x-www-form-urlencoded' }, form.toString());
    const h = { authorization: `Bearer ${String(t.json.access_token)}` };
    const r = await call(sim, 'GET', '/v1.0/users?$select=id,employeeLeaveDateTime', h);
    expect(r.status).toBe(403);
    expect((r.json.error as { code: string }).code).toBe('Authorization_RequestDenied');
    expect((await call(sim, 'GET', '/v1.0/users?$select=id', h)).status).toBe(200);
  });

  it('a custom cloud with no hosts is refused as a settings problem', async () => {
    const s = createEntraSource({ kind: 'entra', tenantId: sim.tenantId, clientId: DEMO_APPS.main.clientId, cloud: 'custom' }, DEMO_APPS.main.secret);
    const r = await s.testConnection();
    s.close();
    expect(!r.ok && r.error.code).toBe('ENTRA_CLOUD_INVALID');
  });
});
