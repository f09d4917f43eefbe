import { describe, expect, it } from 'vitest';
import type { EntraSettings } from '../../../src-main/core/config';
import { cloudEndpoints } from '../../../src-main/entra/clouds';
import type { HttpRequest, Transport } from '../../../src-main/entra/http';
import { createTokenProvider } from '../../../src-main/entra/token';

const TENANT = '0b7a3c1e-1111-4222-8333-444455556666';
const CLIENT = '3f1c2a9e-5b7d-4e21-9a0c-6d8e4b2f1a01';

function settings(cloud: EntraSettings['cloud'], custom?: EntraSettings['custom']): EntraSettings {
  return { kind: 'entra', tenantId: TENANT, clientId: CLIENT, cloud, ...(custom ? { custom } : {}) };
}

/** Records every request MSAL makes and answers the token endpoint. */
function recordingTransport(): Transport & { seen: HttpRequest[] } {
  const seen: HttpRequest[] = [];
  return {
    seen,
    request: async (req) => {
      seen.push(req);
      const payload = Buffer.from(JSON.stringify({ roles: ['User.Read.All'], tid: TENANT })).toString('base64url');
      return { status: 200, headers: {}, body: JSON.stringify({ token_type: 'Bearer', expires_in: 3599, access_token: `e30.${payload}.x` }) };
    },
    destroy: () => undefined,
  };
}

describe('clouds', () => {
  it.each([
    ['global', 'https://login.microsoftonline.com', 'https://graph.microsoft.com'],
    ['usgov', 'https://login.microsoftonline.us', 'https://graph.microsoft.us'],
    ['china', 'https://login.chinacloudapi.cn', 'https://microsoftgraph.chinacloudapi.cn'],
  ] as const)('%s: MSAL asks only the token endpoint of its own cloud, for <graph>/.default', async (cloud, authority, graph) => {
    const endpoints = cloudEndpoints(settings(cloud));
    if (!endpoints) throw new Error('no endpoints');
    expect(endpoints).toMatchObject({ authorityHost: authority, graphEndpoint: graph, caCertPem: null, custom: false });
    const transport = recordingTransport();
    const tokens = createTokenProvider({ endpoints, tenantId: TENANT, clientId: CLIENT, secret: 'Abc8Q~secret', transport });
    const t = await tokens.getToken();
    expect(t.ok).toBe(true);
    expect(transport.seen.map((r) => `${r.method} ${r.url.split('?')[0]}`)).toEqual([`POST ${authority}/${TENANT}/oauth2/v2.0/token`]);
    const form = new URLSearchParams(transport.seen[0]?.body ?? '');
    expect(form.get('scope')).toBe(`${graph}/.default`);
    expect(form.get('grant_type')).toBe('client_credentials');
    // Second call comes from the in-memory cache.
    await tokens.getToken();
    expect(transport.seen).toHaveLength(1);
  });

  it('custom: explicit hosts and CA, and no discovery against the public cloud', async () => {
    const endpoints = cloudEndpoints(settings('custom', { authorityHost: 'https://login.example.test:8443/', graphEndpoint: 'https://graph.example.test', caCertPem: 'PEM' }));
    expect(endpoints).toEqual({ authorityHost: 'https://login.example.test:8443', graphEndpoint: 'https://graph.example.test', caCertPem: 'PEM', custom: true });
    if (!endpoints) throw new Error('no endpoints');
    const transport = recordingTransport();
    const tokens = createTokenProvider({ endpoints, tenantId: TENANT, clientId: CLIENT, secret: 'Abc8Q~secret', transport });
    expect((await tokens.getToken()).ok).toBe(true);
    expect(transport.seen.map((r) => r.url.split('?')[0])).toEqual([`https://login.example.test:8443/${TENANT}/oauth2/v2.0/token`]);
  });

  it('custom without hosts is a settings problem, not a crash', () => {
    expect(cloudEndpoints(settings('custom'))).toBeNull();
  });
});
