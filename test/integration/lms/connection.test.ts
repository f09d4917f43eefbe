/**
 * "Test LMS connection": discovery against the simulator, the three auth schemes, and every
 * way a connection goes wrong, each turned into an error the admin can act on — without ever
 * showing the token.
 */
import { createServer } from 'node:net';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLmsSimulator, type LmsSimulator } from '../../../src-main/demo/lms';
import { integrationStatusFor, LmsErrorCode } from '../../../src-main/lms';
import { client, NS, TOKEN, unwrap } from './helpers';
import { startStaticScim } from './static-scim';

let sim: LmsSimulator;
beforeAll(async () => {
  sim = await startLmsSimulator({ token: TOKEN });
});
afterAll(async () => {
  await sim.close();
});

describe('capability discovery', () => {
  it('reads ServiceProviderConfig, ResourceTypes and Schemas into capabilities', async () => {
    const t = client(sim.baseUrl);
    const caps = unwrap(await t.discover());
    expect(caps).toEqual({
      filter: true,
      patch: true,
      bulk: false,
      sort: false,
      etag: true,
      maxResults: 1000,
      enterpriseExtension: true,
      vendorNamespace: NS,
      vendorAttributes: expect.arrayContaining(['contentRegion', 'approvers', 'customField1', 'customField2', 'customField3', 'jobProfile', 'permissionTypes', 'department']) as unknown as string[],
      // The simulator's approvers reference LMS users (complex), so they are written by account.
      approversByEmail: false,
      departments: true,
      // Its departments have a parent: levels.
      flatDepartments: false,
      userNameFixed: false,
      jobProfiles: true,
      permissionTypes: true,
      groups: true,
    });
    const words = unwrap(await t.describe());
    expect(words).toContain('Filtering: yes — lookups by e-mail are fast');
    expect(words).toContain('Departments: yes, hierarchical; missing ones will be created');
    expect(words).toContain("Approvers: written as a reference to the manager's LMS account");
    t.close();
  });

  it('asks for the capabilities alone, then its other two discovery questions at once, and reads the organisation lists at once', async () => {
    // Over a network each sequential request is a round trip: a run or Test pays for them.
    const slow = await startLmsSimulator({ token: TOKEN, faults: { latencyMs: 150 } });
    try {
      const t = client(slow.baseUrl);
      unwrap(await t.readAll());
      t.close();
      const alongside = (path: string) => slow.requests().find((r) => r.path.endsWith(path))?.alongside;
      // Credentials are tried once (an LMS may lock an account after a few wrong passwords)...
      expect(slow.requests()[0]?.path).toMatch(/ServiceProviderConfig$/);
      expect(alongside('/ServiceProviderConfig')).toBe(0);
      // ...then each of these arrived while the other was still being answered.
      expect(Math.max(alongside('/ResourceTypes') ?? 0, alongside('/Schemas') ?? 0)).toBe(1);
      expect(Math.max(alongside('/Departments') ?? 0, alongside('/JobProfiles') ?? 0, alongside('/PermissionTypes') ?? 0)).toBeGreaterThanOrEqual(2);
    } finally {
      await slow.close();
    }
  });

  it('says what a smaller LMS cannot do', async () => {
    const small = await startLmsSimulator({
      token: TOKEN,
      capabilities: { filter: false, patch: false, departments: false, jobProfiles: false, permissionTypes: false, vendorExtension: false, maxResults: 50 },
    });
    const t = client(small.baseUrl);
    const caps = unwrap(await t.discover());
    expect(caps).toMatchObject({ filter: false, patch: false, maxResults: 50, vendorNamespace: null, departments: false, jobProfiles: false, permissionTypes: false, enterpriseExtension: true });
    const words = unwrap(await t.describe()).join('\n');
    expect(words).toMatch(/Filtering: no — lookups by e-mail read the whole user list/);
    expect(words).toMatch(/PUT/);
    t.close();
    await small.close();
  });

  it('uses a configured vendor namespace even when discovery would pick another', async () => {
    const t = client(sim.baseUrl, { vendorNamespace: 'urn:example:params:scim:schemas:2.0:User' });
    expect(unwrap(await t.discover()).vendorNamespace).toBe('urn:example:params:scim:schemas:2.0:User');
    t.close();
  });
});

describe('authentication schemes', () => {
  it('custom scheme: Authorization: Static <token>', async () => {
    const s = await startLmsSimulator({ token: TOKEN, authScheme: 'Static', seed: 'empty' });
    const ok = client(s.baseUrl, { auth: { scheme: 'custom', prefix: 'Static' } });
    expect((await ok.discover()).ok).toBe(true);
    const wrongScheme = client(s.baseUrl);
    const r = await wrongScheme.discover();
    expect(r.ok ? null : r.error.code).toBe(LmsErrorCode.tokenRefused);
    ok.close();
    wrongScheme.close();
    await s.close();
  });

  it('basic: username and the token as password', async () => {
    const s = await startLmsSimulator({ token: TOKEN, authScheme: { basic: 'api-user' }, seed: 'empty' });
    const t = client(s.baseUrl, { auth: { scheme: 'basic', username: 'api-user' } });
    expect((await t.discover()).ok).toBe(true);
    t.close();
    await s.close();
  });
});

describe('connection errors in admin words', () => {
  it('a refused token is LMS_TOKEN_REFUSED, turns the integration invalid, and never shows the token', async () => {
    const badToken = 'wrong-token-Zx81Qp0097';
    const s = await startLmsSimulator({ token: TOKEN, seed: 'empty', faults: { echoAuthInErrors: true } });
    const raw = await fetch(`${s.baseUrl}/ServiceProviderConfig`, { headers: { authorization: `Bearer ${badToken}` } });
    expect(await raw.text()).toContain(badToken); // the server really does echo it
    const t = client(s.baseUrl, {}, badToken);
    const r = await t.discover();
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('LMS_TOKEN_REFUSED');
    expect(r.error.fix).toMatch(/update the LMS token/i);
    expect(integrationStatusFor(r.error)).toBe('invalid');
    // The careless server echoed "Bearer wrong-token-…" in its detail; none of it may survive.
    expect(JSON.stringify(r)).not.toContain(badToken);
    const read = await t.readAll();
    expect(JSON.stringify(read)).not.toContain(badToken);
    t.close();
    await s.close();
  });

  it('an HTML page is LMS_NOT_SCIM', async () => {
    const t = client(sim.origin);
    const r = await t.discover();
    expect(r.ok ? null : r.error).toMatchObject({ code: 'LMS_NOT_SCIM', message: expect.stringContaining('does not look like a SCIM endpoint: got HTML') as unknown as string });
    t.close();
  });

  it('a 404 on the base is LMS_WRONG_PATH', async () => {
    const t = client(`${sim.origin}/scim/v1`);
    const r = await t.discover();
    expect(r.ok ? null : r.error.code).toBe('LMS_WRONG_PATH');
    t.close();
  });

  it('nothing listening is LMS_UNREACHABLE', async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const t = client(`http://127.0.0.1:${port}/scim/v2`);
    const r = await t.discover();
    expect(r.ok ? null : r.error.code).toBe('LMS_UNREACHABLE');
    t.close();
  });

  it('https:// for a server that speaks plain HTTP says so, not that a certificate is untrusted', async () => {
    const t = client(sim.baseUrl.replace('http://', 'https://'));
    const r = await t.discover();
    expect(r.ok ? null : r.error).toMatchObject({ code: 'LMS_TLS', message: expect.stringContaining('did not answer HTTPS') as unknown, fix: expect.stringContaining('speaks plain HTTP') as unknown });
    expect(r.ok ? '' : r.error.message).not.toContain('certificate is not trusted');
    t.close();
  });

  it('a private CA is LMS_TLS until its certificate is pasted in, and then works', async () => {
    const pems = await generate([{ name: 'commonName', value: 'lms.test' }], {
      keyType: 'ec',
      algorithm: 'sha256',
      extensions: [
        { name: 'basicConstraints', cA: true },
        { name: 'keyUsage', keyCertSign: true, digitalSignature: true },
        { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
      ],
    });
    const server = await startStaticScim({ profile: 'pingone', token: TOKEN, pageCap: 2, tls: { key: pems.private, cert: pems.cert } });
    const untrusted = client(server.baseUrl);
    const r = await untrusted.discover();
    expect(r.ok ? null : r.error.code).toBe('LMS_TLS');
    const trusted = client(server.baseUrl, { caCertPem: pems.cert });
    expect(unwrap(await trusted.discover()).filter).toBe(true);
    untrusted.close();
    trusted.close();
    await server.close();
  });

  it('cancelling stops the read with LMS_ABORTED', async () => {
    const slow = await startLmsSimulator({ token: TOKEN, seed: 'empty', faults: { latencyMs: 300 } });
    const t = client(slow.baseUrl);
    const ctrl = new AbortController();
    setTimeout(() => ctrl.abort(), 50);
    const r = await t.readAll(undefined, ctrl.signal);
    expect(r.ok ? null : r.error.code).toBe('LMS_ABORTED');
    t.close();
    await slow.close();
  });
});
