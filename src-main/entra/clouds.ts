/**
 * Where a tenant lives: the sign-in (authority) host and the Graph endpoint for each national
 * cloud, and for a custom cloud (the demo simulator, test clouds) the hosts given explicitly.
 */
import type { EntraSettings } from '../core/config';

export interface CloudEndpoints {
  /** e.g. https://login.microsoftonline.com (no trailing slash). */
  authorityHost: string;
  /** e.g. https://graph.microsoft.com (no trailing slash, no version). */
  graphEndpoint: string;
  /** Extra CA (PEM) trusted for these hosts only; null = the system's public roots. */
  caCertPem: string | null;
  /** True for a custom cloud: MSAL must not ask the public cloud about this authority. */
  custom: boolean;
}

const NATIONAL: Record<'global' | 'usgov' | 'china', { authorityHost: string; graphEndpoint: string }> = {
  global: { authorityHost: 'https://login.microsoftonline.com', graphEndpoint: 'https://graph.microsoft.com' },
  usgov: { authorityHost: 'https://login.microsoftonline.us', graphEndpoint: 'https://graph.microsoft.us' },
  china: { authorityHost: 'https://login.chinacloudapi.cn', graphEndpoint: 'https://microsoftgraph.chinacloudapi.cn' },
};

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** Null when a custom cloud lacks its hosts (the settings schema normally prevents that). */
export function cloudEndpoints(settings: EntraSettings): CloudEndpoints | null {
  if (settings.cloud === 'custom') {
    const custom = settings.custom;
    if (!custom) return null;
    return {
      authorityHost: trimSlash(custom.authorityHost),
      graphEndpoint: trimSlash(custom.graphEndpoint),
      caCertPem: custom.caCertPem?.trim() ? custom.caCertPem : null,
      custom: true,
    };
  }
  return { ...NATIONAL[settings.cloud], caCertPem: null, custom: false };
}

/** The client-credentials scope: every application permission granted to the app. */
export function graphScope(endpoints: CloudEndpoints): string {
  return `${endpoints.graphEndpoint}/.default`;
}

/**
 * OpenID endpoint metadata handed to MSAL so it never fetches discovery documents: the token
 * endpoint then answers tenant problems itself (AADSTS90002), the same in every cloud.
 */
export function authorityMetadata(endpoints: CloudEndpoints, tenantId: string): string {
  const base = `${endpoints.authorityHost}/${tenantId}`;
  return JSON.stringify({
    token_endpoint: `${base}/oauth2/v2.0/token`,
    jwks_uri: `${base}/discovery/v2.0/keys`,
    issuer: `${base}/v2.0`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
  });
}

/** host[:port] of a URL, as MSAL's knownAuthorities expects it. */
export function hostOf(url: string): string {
  return new URL(url).host;
}
