/**
 * "Does this integration work?": sign in to Entra and check the granted permissions, find the
 * configured groups, and discover what the LMS supports. The CLI's `check`, and the wizard's
 * Test buttons, show these checks.
 */
import type { IntegrationConfig } from '../core/config';
import { appErrorOf, fail, ok, type AppError, type Result } from '../core/errors';
import type { Check } from '../core/reports';
import { REQUIRED_GRAPH_PERMISSIONS } from '../core/directories';
import { describeCapabilities } from '../lms';
import type { SecretStore } from '../secrets/secret-store';
import { credentialEnteredFor, findIntegration, integrationNotFound, noteCredentialCheck } from '../store/integrations';
import type { StoredIntegration } from '../store/settings';
import type { Store } from '../store/store';
import { closeConnectors, openConnectors, type Connectors } from './connectors';
import { groupsNeeded } from './run';
import { isCredentialsRejected } from '../entra/errors';

export type { Check, CheckStatus } from '../core/reports';

export interface CheckReport {
  checks: Check[];
  /** The first failure that means the credentials were rejected (the integration turns red). */
  credentialsError: AppError | null;
  ok: boolean;
}

const PERMISSION_USE: Record<string, string> = {
  'User.Read.All': 'read users and their attributes',
  'Group.Read.All': 'read the security groups used by include/exclude rules',
  'User-LifecycleInfo.Read.All': 'read the Last Day (employeeLeaveDateTime)',
};

function failed(id: string, title: string, error: AppError): Check {
  return { id, status: 'fail', title, detail: `${error.message} [${error.code}]`, fix: error.fix };
}

/** Both sides: what `rollcall check` shows. */
export async function checkConnection(connectors: Connectors, config: IntegrationConfig, signal?: AbortSignal): Promise<CheckReport> {
  const entra = await checkSource(connectors.source, config, signal);
  const lms = await checkTarget(connectors.target, config, signal);
  const scope = scopeWarning(config);
  const checks = [...entra.checks, ...(scope ? [scope] : []), ...lms.checks];
  return { checks, credentialsError: entra.credentialsError ?? lms.credentialsError, ok: entra.ok && lms.ok };
}

/** A check of the stored credentials, with the integration's status once its result is recorded. */
export interface RecordedCheck extends CheckReport {
  status: StoredIntegration['status'];
  statusReason: AppError | null;
  /** Why the result could not be written on the integration (its settings file locked or unwritable); the checks still stand. */
  notRecorded: AppError | null;
}

/**
 * `rollcall check` and `rollcall integration credentials`: connect with the stored credentials
 * (only to the addresses they were entered for), run every check of both sides, and record what
 * they say about the credentials on the integration, as the app's Test does: refused ones turn it
 * red, a clean sign-in and connection turn it back (noteCredentialCheck). Credentials that cannot
 * be used at all (missing, entered for another address, a locked keychain) are the error.
 */
export async function checkAndRecord(store: Store, secrets: SecretStore, id: string, signal?: AbortSignal): Promise<Result<RecordedCheck>> {
  const record = findIntegration(store, id);
  if (!record) return fail(integrationNotFound(id));
  const connectors = await openConnectors(secrets, id, record.config, undefined, credentialEnteredFor(store, id));
  if (!connectors.ok) return connectors;
  try {
    const report = await checkConnection(connectors.value, record.config, signal);
    let notRecorded: AppError | null = null;
    try {
      await noteCredentialCheck(store, id, report.credentialsError, report.checks);
    } catch (err) {
      // The checks were made: they are said even when the status cannot be written.
      const e = appErrorOf(err);
      if (!e) throw err;
      notRecorded = e;
    }
    const after = findIntegration(store, id) ?? record;
    return ok({ ...report, status: after.status, statusReason: after.statusReason, notRecorded });
  } finally {
    closeConnectors(connectors.value);
  }
}

/**
 * No include rules means everyone in the tenant (the hub's default), easy to leave out of a
 * config file by accident: said by rollcall check (the wizard has it on its scope step).
 */
export function scopeWarning(config: IntegrationConfig): Check | null {
  if (config.scope.include.length > 0) return null;
  return { id: 'scope-everyone', status: 'warn', title: 'Users in scope', detail: 'There are no include rules, so every user in the tenant is in scope (except the excluded and skip-listed).', fix: 'If only some people should have LMS accounts, add an include rule (a security group is the usual one) in the wizard or the config file.' };
}

/** Sign-in, granted permissions and the configured groups: the wizard's Entra "Test". */
export async function checkSource(source: Connectors['source'], config: IntegrationConfig, signal?: AbortSignal): Promise<CheckReport> {
  const checks: Check[] = [];
  let credentialsError: AppError | null = null;

  const signIn = await source.testConnection(signal);
  if (!signIn.ok) {
    checks.push(failed('entra-sign-in', 'Sign in to Microsoft Entra ID', signIn.error));
    // Only a refused credential: an unreachable or untrusted Entra is not a reason to replace the
    // secret (nor to turn the integration red, nor exit 3 from rollcall check).
    if (isCredentialsRejected(signIn.error)) credentialsError = signIn.error;
  } else {
    checks.push({ id: 'entra-sign-in', status: 'pass', title: 'Sign in to Microsoft Entra ID', detail: `Signed in to tenant ${signIn.value.tenantId} as the app ${config.source.clientId}.`, fix: null });
    for (const permission of REQUIRED_GRAPH_PERMISSIONS) {
      const missing = signIn.value.missingPermissions.includes(permission);
      const lastDayOnly = permission === 'User-LifecycleInfo.Read.All' && !config.deactivation.useLastDay;
      checks.push({
        id: `permission-${permission}`,
        status: missing ? (lastDayOnly ? 'warn' : 'fail') : 'pass',
        title: `Graph permission ${permission}`,
        detail: missing ? `Not granted: Rollcall cannot ${PERMISSION_USE[permission] ?? 'read what it needs'}.` : `Granted (to ${PERMISSION_USE[permission] ?? 'read'}).`,
        fix: missing
          ? `In Entra: App registrations → your app → API permissions → Add a permission → Microsoft Graph → Application permissions → ${permission}, then "Grant admin consent".`
          : null,
      });
    }
  }

  const groupIds = groupsNeeded(config);
  if (signIn.ok && groupIds.length > 0) {
    const groups = await source.readGroups(groupIds, signal);
    if (!groups.ok) checks.push(failed('entra-groups', 'Security groups in the rules', groups.error));
    else {
      const byId = new Map(groups.value.map((g) => [g.id, g]));
      for (const id of groupIds) {
        const g = byId.get(id);
        checks.push(
          g
            ? { id: `group-${id}`, status: 'pass', title: `Group ${g.displayName}`, detail: `${g.memberUserIds.length} direct member(s)${g.memberGroupIds.length ? ` and ${g.memberGroupIds.length} nested group(s), whose members are included too` : ''}.`, fix: null }
            : { id: `group-${id}`, status: 'fail', title: `Group ${id}`, detail: 'This group was not found in the tenant.', fix: 'Pick the group again in the rules (it may have been deleted or renamed).' },
        );
      }
    }
  }

  return { checks, credentialsError, ok: checks.every((c) => c.status !== 'fail') };
}

/** Connection and capabilities in plain words: the wizard's LMS "Test". */
export async function checkTarget(target: Connectors['target'], config: IntegrationConfig, signal?: AbortSignal): Promise<CheckReport> {
  const checks: Check[] = [];
  let credentialsError: AppError | null = null;
  const caps = await target.discover(signal);
  if (!caps.ok) {
    checks.push(failed('lms-connection', 'Connect to the LMS (SCIM)', caps.error));
    if (caps.error.code === 'LMS_TOKEN_REFUSED') credentialsError ??= caps.error;
  } else {
    checks.push({ id: 'lms-connection', status: 'pass', title: 'Connect to the LMS (SCIM)', detail: `Connected to ${config.target.baseUrl}.`, fix: null });
    for (const line of describeCapabilities(caps.value)) {
      const [title, ...rest] = line.split(':');
      checks.push({ id: `lms-${(title ?? line).toLowerCase().replace(/[^a-z]+/g, '-')}`, status: 'info', title: title ?? line, detail: rest.join(':').trim(), fix: null });
    }
  }
  return { checks, credentialsError, ok: checks.every((c) => c.status !== 'fail') };
}
