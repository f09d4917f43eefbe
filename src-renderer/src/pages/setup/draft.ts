/**
 * The wizard's form state (what the admin typed, as text) and its conversion to and from the
 * IntegrationConfig main validates. No secrets here: they stay in the steps' own state until sent
 * to the keychain.
 */
import {
  GUID_PATTERN,
  lmsAddressProblem,
  MAX_INTEGRATION_NAME,
  IntegrationConfigSchema,
  TENANT_ID_PATTERN,
  type Cloud,
  type ExcludeRule,
  type IncludeRule,
  type IntegrationConfig,
  type IntegrationConfigInput,
  type Mapping,
} from '../../../../src-main/core/config';
import { checkPushGroups } from '../../../../src-main/core/push-group-settings';

export type AuthScheme = 'bearer' | 'custom' | 'basic';

export interface Draft {
  name: string;
  tenantId: string;
  clientId: string;
  cloud: Cloud;
  authorityHost: string;
  graphEndpoint: string;
  caCertPem: string;
  secretExpiresOn: string;
  include: IncludeRule[];
  exclude: ExcludeRule[];
  skipList: string[];
  /** Set from the dry run's conflicts ("Create a new account"); here they can only be taken back. */
  confirmedNewAccounts: string[];
  lmsConfigured: boolean;
  baseUrl: string;
  authScheme: AuthScheme;
  authPrefix: string;
  authUsername: string;
  vendorNamespace: string;
  concurrency: string;
  lmsCaCertPem: string;
  deactivateUsers: boolean;
  useLastDay: boolean;
  thresholdCount: string;
  thresholdPercent: string;
  mapping: Mapping;
  everyHours: string;
}

/** Until the LMS step, the integration carries this address (the schema needs one). */
export const LMS_PLACEHOLDER = 'https://lms.example.invalid/scim/v2';

const DEFAULTS = IntegrationConfigSchema.parse({
  name: 'x',
  source: { kind: 'entra', tenantId: 'contoso.onmicrosoft.com', clientId: '00000000-0000-0000-0000-000000000000' },
  target: { kind: 'scim', baseUrl: LMS_PLACEHOLDER },
});

export function emptyDraft(): Draft {
  return fromConfig({ ...DEFAULTS, name: 'Entra ID → LMS', source: { ...DEFAULTS.source, tenantId: '', clientId: '' } }, false);
}

export function fromConfig(c: IntegrationConfig, lmsConfigured = c.target.baseUrl !== LMS_PLACEHOLDER): Draft {
  return {
    name: c.name,
    tenantId: c.source.tenantId,
    clientId: c.source.clientId,
    cloud: c.source.cloud,
    authorityHost: c.source.custom?.authorityHost ?? '',
    graphEndpoint: c.source.custom?.graphEndpoint ?? '',
    caCertPem: c.source.custom?.caCertPem ?? '',
    secretExpiresOn: c.source.secretExpiresOn ?? '',
    include: c.scope.include,
    exclude: c.scope.exclude,
    skipList: c.scope.skipList,
    confirmedNewAccounts: c.scope.confirmedNewAccounts,
    lmsConfigured,
    baseUrl: lmsConfigured ? c.target.baseUrl : '',
    authScheme: c.target.auth.scheme,
    authPrefix: c.target.auth.scheme === 'custom' ? c.target.auth.prefix : 'Static',
    authUsername: c.target.auth.scheme === 'basic' ? c.target.auth.username : '',
    vendorNamespace: c.target.vendorNamespace ?? '',
    concurrency: String(c.target.concurrency),
    lmsCaCertPem: c.target.caCertPem ?? '',
    deactivateUsers: c.deactivation.deactivateUsers,
    useLastDay: c.deactivation.useLastDay,
    thresholdCount: String(c.deactivation.thresholdCount),
    thresholdPercent: String(c.deactivation.thresholdPercent),
    mapping: c.mapping,
    everyHours: String(c.schedule.everyHours),
  };
}

function optional(s: string): string | undefined {
  const t = s.trim();
  return t === '' ? undefined : t;
}

export function toConfigInput(d: Draft): IntegrationConfigInput {
  const auth =
    d.authScheme === 'custom'
      ? { scheme: 'custom' as const, prefix: d.authPrefix.trim() }
      : d.authScheme === 'basic'
        ? { scheme: 'basic' as const, username: d.authUsername.trim() }
        : { scheme: 'bearer' as const };
  return {
    name: d.name.trim(),
    source: {
      kind: 'entra',
      tenantId: d.tenantId.trim(),
      clientId: d.clientId.trim(),
      cloud: d.cloud,
      custom: d.cloud === 'custom' ? { authorityHost: d.authorityHost.trim(), graphEndpoint: d.graphEndpoint.trim(), caCertPem: optional(d.caCertPem) } : undefined,
      secretExpiresOn: optional(d.secretExpiresOn),
    },
    target: {
      kind: 'scim',
      baseUrl: d.lmsConfigured && d.baseUrl.trim() ? d.baseUrl.trim() : LMS_PLACEHOLDER,
      auth,
      vendorNamespace: optional(d.vendorNamespace),
      concurrency: Number(d.concurrency),
      caCertPem: optional(d.lmsCaCertPem),
    },
    scope: { include: d.include, exclude: d.exclude, skipList: d.skipList, confirmedNewAccounts: d.confirmedNewAccounts },
    deactivation: {
      deactivateUsers: d.deactivateUsers,
      useLastDay: d.useLastDay,
      thresholdCount: Number(d.thresholdCount),
      thresholdPercent: Number(d.thresholdPercent),
    },
    mapping: d.mapping,
    schedule: { everyHours: Number(d.everyHours) },
  };
}

export type Errors = Partial<Record<string, string>>;

function isHttpsUrl(s: string): boolean {
  try {
    return new URL(s.trim()).protocol === 'https:';
  } catch {
    return false;
  }
}

export function validateEntra(d: Draft): Errors {
  const e: Errors = {};
  if (!d.name.trim()) e.name = 'Give the integration a name, e.g. "Contoso → Learning".';
  else if (d.name.trim().length > MAX_INTEGRATION_NAME) e.name = `Keep the name to ${MAX_INTEGRATION_NAME} characters (it is ${d.name.trim().length}).`;
  if (!TENANT_ID_PATTERN.test(d.tenantId.trim()))
    e.tenantId = 'Paste the Directory (tenant) ID — a GUID like 72f988bf-86f1-41af-91ab-2d7cd011db47 — or a domain like contoso.onmicrosoft.com.';
  if (!GUID_PATTERN.test(d.clientId.trim())) e.clientId = 'Paste the Application (client) ID from the app’s Overview page: a GUID like 6f1c2a4e-1b2c-4d5e-8f90-1234567890ab.';
  if (d.cloud === 'custom') {
    if (!isHttpsUrl(d.authorityHost)) e.authorityHost = 'The sign-in (authority) host as an https:// URL.';
    if (!isHttpsUrl(d.graphEndpoint)) e.graphEndpoint = 'The Microsoft Graph endpoint as an https:// URL.';
    if (d.caCertPem.trim() && !d.caCertPem.includes('-----BEGIN CERTIFICATE-----')) e.caCertPem = 'Paste a PEM certificate (it starts with -----BEGIN CERTIFICATE-----).';
  }
  if (d.secretExpiresOn && !/^\d{4}-\d{2}-\d{2}$/.test(d.secretExpiresOn)) e.secretExpiresOn = 'A date like 2027-05-31.';
  return e;
}

/** `savedBaseUrl`: the address saved before, kept as it is even if saved before the https rule (as main does). */
export function validateLms(d: Draft, savedBaseUrl?: string): Errors {
  const e: Errors = {};
  const address = d.baseUrl.trim() === '' ? 'is missing: paste it from your LMS, e.g. https://lms.example.com/scim/v2' : d.baseUrl.trim() === savedBaseUrl ? null : lmsAddressProblem(d.baseUrl);
  if (address !== null) e.baseUrl = `The SCIM base URL ${address}.`;
  if (d.authScheme === 'custom' && !/^[A-Za-z][A-Za-z0-9_-]*$/.test(d.authPrefix.trim())) e.authPrefix = 'One word that goes before the token, e.g. Static.';
  if (d.authScheme === 'basic' && !d.authUsername.trim()) e.authUsername = 'The username your LMS gave you for SCIM.';
  if (d.vendorNamespace.trim() && !d.vendorNamespace.trim().startsWith('urn:')) e.vendorNamespace = 'A schema URN, e.g. urn:learnerbly:params:scim:schemas:2.0:User — or leave empty to discover it.';
  const c = Number(d.concurrency);
  if (!Number.isInteger(c) || c < 1 || c > 32) e.concurrency = 'A whole number from 1 to 32.';
  return e;
}

export function validateRules(d: Draft): Errors {
  const e: Errors = {};
  const n = Number(d.thresholdCount);
  if (!Number.isInteger(n) || n < 0) e.thresholdCount = 'A whole number of users, 0 or more.';
  const p = Number(d.thresholdPercent);
  if (!Number.isFinite(p) || p < 0 || p > 100 || d.thresholdPercent.trim() === '') e.thresholdPercent = 'A percentage from 0 to 100.';
  const h = Number(d.everyHours);
  if (!Number.isFinite(h) || h < 1 || h > 168) e.everyHours = 'From 1 to 168 hours.';
  if (d.mapping.department.pathDelimiter !== null && d.mapping.department.pathDelimiter.length > 3) e.pathDelimiter = 'At most 3 characters, e.g. /';
  checkPushGroups(d.mapping.pushGroups).rows.forEach((r, i) => {
    if (r.group) e[pushGroupErrorKey(i, 'group')] = r.group;
    if (r.lmsGroup) e[pushGroupErrorKey(i, 'lmsGroup')] = r.lmsGroup;
  });
  return e;
}

/** Where a pushed group row's messages are kept in the rules step's Errors. */
export function pushGroupErrorKey(i: number, field: 'group' | 'lmsGroup'): string {
  return `pushGroups.${i}.${field}`;
}

/** Main's own verdict, in words: the first problem the schema finds. */
export function schemaProblem(d: Draft): string | null {
  const r = IntegrationConfigSchema.safeParse(toConfigInput(d));
  if (r.success) return null;
  const issue = r.error.issues[0];
  return issue ? `${issue.path.join('.')}: ${issue.message}` : 'The settings are not valid.';
}
