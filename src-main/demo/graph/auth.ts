/**
 * The simulator's Microsoft identity platform: OpenID metadata, instance discovery and the
 * client-credentials token endpoint, answering with the real AADSTS errors for the real causes.
 * Tokens are HS256 JWTs signed with a per-run key, so Graph routes can check their own tokens.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { TenantState } from './state';

export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface TokenClaims {
  tid: string;
  appid: string;
  roles: string[];
  exp: number;
}

export class TokenIssuer {
  private readonly key = randomBytes(32);
  constructor(
    private readonly graphEndpoint: string,
    private readonly authorityHost: string,
  ) {}

  issue(tenantId: string, appId: string, roles: string[], lifetimeSeconds = 3599): string {
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'HS256' };
    const payload = {
      aud: this.graphEndpoint,
      iss: `${this.authorityHost}/${tenantId}/`,
      iat: now,
      nbf: now,
      exp: now + lifetimeSeconds,
      appid: appId,
      tid: tenantId,
      roles,
      ver: '1.0',
    };
    const body = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
    return `${body}.${this.sign(body)}`;
  }

  verify(token: string): TokenClaims | null {
    const parts = token.split('.');
    if (parts.length !== 3) return null;
    const expected = Buffer.from(this.sign(`${parts[0]}.${parts[1]}`));
    const given = Buffer.from(parts[2] as string);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const p = JSON.parse(Buffer.from(parts[1] as string, 'base64url').toString('utf8')) as TokenClaims;
      return p.exp * 1000 > Date.now() ? p : null;
    } catch {
      return null;
    }
  }

  private sign(data: string): string {
    return createHmac('sha256', this.key).update(data).digest('base64url');
  }
}

function aadError(status: number, error: string, code: number, description: string): Answer {
  const now = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  const trace = randomBytes(16).toString('hex');
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${trace} Correlation ID: ${trace} Timestamp: ${now}`,
      error_codes: [code],
      timestamp: now,
      trace_id: trace,
      correlation_id: trace,
    },
  };
}

export function tenantNotFound(tenant: string): Answer {
  return aadError(400, 'invalid_request', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
}

export function openIdConfiguration(state: TenantState, tenant: string, authorityHost: string): Answer {
  if (!state.knowsTenant(tenant)) return tenantNotFound(tenant);
  const base = `${authorityHost}/${state.tenantId}`;
  return {
    status: 200,
    body: {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      jwks_uri: `${base}/discovery/v2.0/keys`,
      issuer: `${base}/v2.0`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      response_types_supported: ['code', 'id_token', 'token'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
    },
  };
}

export function instanceDiscovery(authorityHost: string): Answer {
  const host = new URL(authorityHost).host;
  return {
    status: 200,
    body: {
      tenant_discovery_endpoint: `${authorityHost}/common/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    },
  };
}

/** POST /{tenant}/oauth2/v2.0/token, grant_type=client_credentials. */
export function tokenEndpoint(state: TenantState, issuer: TokenIssuer, tenant: string, form: URLSearchParams, graphEndpoint: string): Answer {
  if (!state.knowsTenant(tenant)) return tenantNotFound(tenant);
  if (form.get('grant_type') !== 'client_credentials') {
    return aadError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
  }
  const clientId = form.get('client_id') ?? '';
  const app = state.apps.get(clientId);
  if (!app) {
    return aadError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant.`);
  }
  const given = form.get('client_secret') ?? '';
  const secret = app.secrets.find((s) => s.value === given);
  if (!secret) {
    return aadError(401, 'invalid_client', 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`);
  }
  if (Date.parse(secret.expiresOn) <= Date.now()) {
    return aadError(401, 'invalid_client', 7000222, `The provided client secret keys for app '${clientId}' are expired. Visit the Azure portal to create new keys for your app.`);
  }
  const scope = form.get('scope') ?? '';
  if (scope !== `${graphEndpoint}/.default`) {
    return aadError(400, 'invalid_scope', 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.`);
  }
  return {
    status: 200,
    body: { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: issuer.issue(state.tenantId, clientId, app.roles) },
  };
}
