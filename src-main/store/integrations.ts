/**
 * Integration records: create, update, enable/disable, remove, and the summary the UI shows.
 * Status rules (DESIGN.md §3): `setup` until settings and both secrets are in place, then
 * `disabled` (nothing is read or written) until the admin enables it.
 */
import { randomUUID } from 'node:crypto';
import { appError, fail, ok, type AppError, type Result } from '../core/errors';
import { credentialDestination, GUID_PATTERN, type CredentialKind, type IntegrationConfig } from '../core/config';
import type { SecretStore } from '../secrets/secret-store';
import { acquireRunLock } from './run-lock';
import type { Store } from './store';
import type { StoredIntegration } from './settings';
import type { IntegrationSummary } from '../../src-preload/api-types';

export function integrationNotFound(id: string) {
  return appError('INTEGRATION_NOT_FOUND', `There is no integration with id ${id}.`, 'Pick an integration from the list (rollcall integration list).', { id });
}

export function newIntegrationId(): string {
  return `int-${randomUUID().slice(0, 8)}`;
}

export function findIntegration(store: Store, id: string): StoredIntegration | undefined {
  return store.settings.data.integrations.find((i) => i.id === id);
}

export async function createIntegration(store: Store, config: IntegrationConfig, now: Date): Promise<StoredIntegration> {
  const record: StoredIntegration = {
    id: newIntegrationId(),
    config,
    status: 'setup',
    demo: false,
    enabled: false,
    statusReason: null,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    enabledAt: null,
    needsFullSync: true,
    lastRunAt: null,
    deltaLink: null,
    deltaLinkIssuedAt: null,
    deltaAttributes: null,
    groupsDelta: null,
    lmsFullReadAt: null,
    snapshotIds: { source: null, target: null },
    communicationAcknowledgedAt: null,
    credentialFor: { clientSecret: null, lmsToken: null },
  };
  await store.settings.update((s) => {
    s.integrations.push(record);
  });
  return record;
}

/** Changing the tenant, the app or the LMS makes earlier delta links and "invalid" verdicts meaningless. */
function connectionChanged(a: IntegrationConfig, b: IntegrationConfig): boolean {
  return JSON.stringify([a.source, a.target]) !== JSON.stringify([b.source, b.target]);
}

const CREDENTIAL_LABEL: Record<CredentialKind, { what: string; where: string }> = {
  clientSecret: { what: 'Entra client secret', where: 'sign-in address (cloud)' },
  lmsToken: { what: 'LMS token', where: 'LMS address' },
};

/**
 * Saves new settings. A stored credential is only ever sent to the address it was entered for:
 * when the LMS origin or the Entra sign-in host changes, the stored secret is removed from the
 * keychain first (if it cannot be removed, nothing is saved) and the admin is asked for the one
 * that belongs to the new address.
 */
export async function updateIntegration(store: Store, secrets: SecretStore, id: string, config: IntegrationConfig, now: Date): Promise<Result<StoredIntegration>> {
  // Decide from the settings as saved now (the CLI may have saved since this process read them).
  await store.settings.refreshIfChanged();
  const before = findIntegration(store, id);
  if (!before) return fail(integrationNotFound(id));
  // The credentials whose address changes: each is removed, and the integration points elsewhere.
  const moved = (['clientSecret', 'lmsToken'] as const).filter((k) => credentialDestination(before.config, k) !== credentialDestination(config, k));
  const removed: CredentialKind[] = [];
  for (const kind of moved) {
    const has = await secrets.has(id, kind);
    if (has.ok && !has.value) continue;
    const deleted = await secrets.delete(id, kind);
    if (!deleted.ok) {
      const { what, where } = CREDENTIAL_LABEL[kind];
      return fail(
        appError(
          'CREDENTIAL_NOT_REMOVED',
          `The settings were not saved: the ${where} changed, and the saved ${what} could not be removed from the keychain (${deleted.error.message}). It must never be sent to another address.`,
          'Unlock the keychain (sign in to your desktop session again), then save again.',
        ),
      );
    }
    removed.push(kind);
  }
  // Another LMS or tenant is another sync: an enabled integration is switched off until the admin
  // has reviewed a dry run against it (a scheduled apply must not be the first look).
  const pointsElsewhere = moved.length > 0 || before.config.source.tenantId.trim().toLowerCase() !== config.source.tenantId.trim().toLowerCase();
  let switchedOff = false;
  let changedElsewhere = false;
  const updated = await store.settings.update((s) => {
    const record = s.integrations.find((i) => i.id === id);
    if (!record) return null;
    // What was decided above (credentials removed, switched off) holds only for the settings it
    // was decided on: another process (the CLI, another window) may have saved in between.
    if (JSON.stringify(record.config) !== JSON.stringify(before.config)) {
      changedElsewhere = true;
      // A credential already removed is gone whatever is saved: the record must not claim it.
      for (const kind of removed) record.credentialFor[kind] = null;
      return null;
    }
    if (connectionChanged(record.config, config)) {
      record.deltaLink = null;
      record.deltaLinkIssuedAt = null;
      record.groupsDelta = null;
      record.lmsFullReadAt = null;
      record.needsFullSync = true;
      if (record.status === 'invalid') {
        record.status = 'disabled';
        record.statusReason = null;
      }
    }
    for (const kind of removed) record.credentialFor[kind] = null;
    // Another LMS has its own welcome e-mails: the admin confirms again for it.
    if (moved.includes('lmsToken')) record.communicationAcknowledgedAt = null;
    if (pointsElsewhere && record.enabled) {
      record.enabled = false;
      if (record.status !== 'setup') record.status = 'disabled';
      switchedOff = true;
    }
    record.config = config;
    record.updatedAt = now.toISOString();
    return structuredClone(record);
  });
  if (changedElsewhere) {
    if (removed.length > 0) {
      const refreshed = await refreshSetupStatus(store, secrets, id);
      if (!refreshed.ok) return refreshed;
    }
    const lost = removed.length > 0 ? ` The saved ${removed.map((k) => CREDENTIAL_LABEL[k].what).join(' and ')} had already been removed, as the address changed.` : '';
    return fail(
      appError(
        'SETTINGS_CHANGED_ELSEWHERE',
        `The settings were not saved: they were changed elsewhere (the command line or another Rollcall window) while you edited them.${lost}`,
        'Reopen the integration to see its current settings, make your change again and save.',
      ),
    );
  }
  if (!updated) return fail(integrationNotFound(id));
  if (removed.length === 0 && !switchedOff) return ok(updated);
  if (removed.length > 0) {
    const refreshed = await refreshSetupStatus(store, secrets, id);
    if (!refreshed.ok) return refreshed;
  }
  const off = switchedOff ? ' The integration was switched off: it now points at another LMS or tenant.' : '';
  const review = switchedOff ? 'Run a dry run against the new address and review it, then enable the integration again.' : '';
  const reason =
    removed.length > 0
      ? appError(
          'CREDENTIAL_REMOVED',
          `The ${removed.map((k) => CREDENTIAL_LABEL[k].where).join(' and the ')} changed, so the saved ${removed.map((k) => CREDENTIAL_LABEL[k].what).join(' and ')} ${removed.length > 1 ? 'were' : 'was'} removed: a credential is only sent to the address it was entered for.${off}`,
          `Enter the ${removed.map((k) => CREDENTIAL_LABEL[k].what).join(' and the ')} for the new address (Edit settings).${review ? ` ${review}` : ''}`,
        )
      : appError('SWITCHED_OFF_NEW_ADDRESS', `The integration was switched off: it now points at another LMS or tenant, and nothing is synced there unreviewed.`, review);
  const final = await store.settings.update((s) => {
    const record = s.integrations.find((i) => i.id === id);
    if (record) record.statusReason = reason;
    return record ? structuredClone(record) : null;
  });
  return final ? ok(final) : fail(integrationNotFound(id));
}

/**
 * Puts a credential in the keychain and notes the address it is for (the integration's address
 * now): the connectors never send it to another one, even when the address changes mid-Test.
 */
export async function storeSecret(store: Store, secrets: SecretStore, id: string, kind: CredentialKind, value: string): Promise<Result<void>> {
  const stored = await secrets.set(id, kind, value);
  if (!stored.ok) return stored;
  await store.settings.update((s) => {
    const record = s.integrations.find((i) => i.id === id);
    if (record) record.credentialFor[kind] = credentialDestination(record.config, kind);
  });
  return refreshSetupStatus(store, secrets, id);
}

/** Where the stored credential of this kind was entered for, read when it is about to be used. */
export function credentialEnteredFor(store: Store, id: string): (kind: CredentialKind) => string | null {
  return (kind) => findIntegration(store, id)?.credentialFor[kind] ?? null;
}

/** A client secret Value is ~40 random characters; a GUID is the Secret ID, a common mix-up. */
export function secretWarning(kind: 'clientSecret' | 'lmsToken', value: string) {
  if (kind === 'clientSecret' && GUID_PATTERN.test(value)) {
    return appError(
      'SECRET_LOOKS_LIKE_ID',
      'This looks like the Secret ID (a GUID), not the secret itself.',
      "In Entra: App registrations → your app → Certificates & secrets → copy the 'Value' column of the secret (shown only right after creating it). If it is no longer visible, create a new secret.",
    );
  }
  return null;
}

/**
 * What a Test (the wizard's, or rollcall check after new credentials) says about the credentials:
 * refused ones turn the integration red; sign-in and connection passing after new ones turn it
 * back, even when another check (a missing permission, a deleted group) still fails.
 */
export async function noteCredentialCheck(store: Store, id: string, rejected: AppError | null, checks: ReadonlyArray<{ id: string; status: string }>): Promise<void> {
  const credentialChecks = checks.filter((c) => c.id === 'entra-sign-in' || c.id === 'lms-connection');
  const credentialsPass = credentialChecks.length > 0 && credentialChecks.every((c) => c.status === 'pass');
  // Only a check of the side that was refused clears it: a new LMS token says nothing of an expired secret.
  const coversRefusedSide = (reason: AppError | null) => reason === null || credentialChecks.some((c) => c.id === (reason.code.startsWith('LMS_') ? 'lms-connection' : 'entra-sign-in'));
  await store.settings.update((s) => {
    const r = s.integrations.find((i) => i.id === id);
    if (!r || r.status === 'setup') return;
    if (rejected) {
      r.status = 'invalid';
      r.statusReason = rejected;
    } else if (r.status === 'invalid' && credentialsPass && coversRefusedSide(r.statusReason)) {
      r.status = r.enabled ? 'active' : 'disabled';
      r.statusReason = null;
    }
  });
}

/** The admin confirmed (or took back) that the LMS's welcome e-mails are dealt with. */
export async function acknowledgeCommunication(store: Store, id: string, acknowledged: boolean, now: Date): Promise<Result<void>> {
  const found = await store.settings.update((s) => {
    const record = s.integrations.find((i) => i.id === id);
    if (record) record.communicationAcknowledgedAt = acknowledged ? now.toISOString() : null;
    return record !== undefined;
  });
  return found ? ok(undefined) : fail(integrationNotFound(id));
}

/** The run lock for removing: its files would be deleted under a run, which would then write some of them again. */
async function removalLock(store: Store, id: string) {
  const lock = await acquireRunLock(store.dataDir, id, 'remove the integration');
  if (lock.ok) return lock;
  const detail = lock.error.message.replace(/^Another run of this integration is in progress/, '');
  return fail({ ...lock.error, message: `The integration was not removed: one of its runs is in progress${detail}`, fix: 'Wait for the run to finish (or cancel it), then remove the integration.' });
}

/** Whether the integration could be removed now (no run of it in progress): asked before asking the admin. */
export async function canRemoveNow(store: Store, id: string): Promise<Result<void>> {
  if (!findIntegration(store, id)) return fail(integrationNotFound(id));
  const lock = await removalLock(store, id);
  if (!lock.ok) return lock;
  await lock.value.release();
  return ok(undefined);
}

/**
 * Removes an integration: its secrets, its settings, then everything it kept on disk (run history,
 * audit logs, link table, cached snapshots of people). Refused while one of its runs is going on.
 */
export async function removeIntegration(store: Store, secrets: SecretStore, id: string): Promise<Result<void>> {
  if (!findIntegration(store, id)) return fail(integrationNotFound(id));
  const lock = await removalLock(store, id);
  if (!lock.ok) return lock;
  try {
    for (const kind of ['clientSecret', 'lmsToken'] as const) {
      const r = await secrets.delete(id, kind);
      if (!r.ok) return r;
    }
    await store.settings.update((s) => {
      s.integrations = s.integrations.filter((i) => i.id !== id);
    });
    const left = await store.removeIntegrationFiles(id);
    if (left.length > 0) {
      return fail(
        appError('INTEGRATION_FILES_LEFT', `The integration was removed, but ${left.length} of its files could not be deleted (for example ${left[0]}).`, 'Delete them by hand, or check the data folder\'s permissions; Rollcall no longer uses them.', { files: left.join('\n') }),
      );
    }
    return ok(undefined);
  } finally {
    await lock.value.release();
  }
}

/** Re-evaluates `setup` ⇄ `disabled` after a secret was stored or cleared. */
export async function refreshSetupStatus(store: Store, secrets: SecretStore, id: string): Promise<Result<void>> {
  const missing = await setupMissing(store, secrets, id);
  if (!missing.ok) return missing;
  await store.settings.update((s) => {
    const record = s.integrations.find((i) => i.id === id);
    if (!record) return;
    if (missing.value.length > 0) {
      record.status = 'setup';
      record.statusReason = null;
    } else if (record.status === 'setup') {
      // Complete again (e.g. the credential for a new address was entered): the reason is settled.
      record.status = record.enabled ? 'active' : 'disabled';
      record.statusReason = null;
    }
  });
  return ok(undefined);
}

/**
 * What is still missing before the integration can run. A locked or missing keychain does not
 * hide the integration: its secrets are reported as unreadable instead.
 */
async function setupMissing(_store: Store, secrets: SecretStore, id: string): Promise<Result<string[]>> {
  const missing: string[] = [];
  for (const [kind, label] of [
    ['clientSecret', 'Entra client secret'],
    ['lmsToken', 'LMS token'],
  ] as const) {
    const has = await secrets.has(id, kind);
    if (!has.ok) missing.push(`${label} (keychain unavailable)`);
    else if (!has.value) missing.push(label);
  }
  return ok(missing);
}

/** Why an integration is not enabled before the LMS's welcome e-mails are dealt with (reference 001). */
export function communicationNotConfirmed(id: string): AppError {
  return appError(
    'COMMUNICATION_NOT_CONFIRMED',
    "The integration was not enabled: nobody has confirmed yet that the LMS's welcome e-mails for new users are turned off (or deliberately kept). Its first sync starts as soon as it is enabled, and every account it creates as active would get that e-mail.",
    `Turn off the LMS's automatic e-mails for new users (welcome, invitation, activation), then enable it again and confirm that: tick the box Rollcall shows, or run rollcall integration enable --integration ${id} --emails-confirmed.`,
  );
}

/**
 * Enables or disables an integration. Enabling starts its first sync at once, so it is refused
 * until the admin has confirmed the LMS's welcome e-mails are dealt with: in the wizard's step,
 * or here with `communicationConfirmed` (the dashboard's switch and the CLI ask for it).
 */
export async function setEnabled(store: Store, secrets: SecretStore, id: string, enabled: boolean, now: Date, options: { communicationConfirmed?: boolean } = {}): Promise<Result<void>> {
  const record = findIntegration(store, id);
  if (!record) return fail(integrationNotFound(id));
  if (enabled) {
    const missing = await setupMissing(store, secrets, id);
    if (!missing.ok) return missing;
    if (missing.value.length > 0) {
      return fail(
        appError('SETUP_INCOMPLETE', `The integration cannot be enabled yet: ${missing.value.join(' and ')} missing.`, 'Finish the setup wizard (or run rollcall integration add with the secrets in the environment).'),
      );
    }
    if (!record.enabled && record.communicationAcknowledgedAt === null && options.communicationConfirmed !== true) return fail(communicationNotConfirmed(id));
  }
  await store.settings.update((s) => {
    const r = s.integrations.find((i) => i.id === id);
    if (!r) return;
    if (enabled) {
      if (r.enabled && r.status === 'active') return;
      if (options.communicationConfirmed === true && r.communicationAcknowledgedAt === null) r.communicationAcknowledgedAt = now.toISOString();
      r.enabled = true;
      r.status = 'active';
      r.statusReason = null;
      r.enabledAt = now.toISOString();
      // Re-enabling always starts with a full read: whatever happened while disabled is picked up.
      r.needsFullSync = true;
      r.deltaLink = null;
      r.deltaLinkIssuedAt = null;
      r.lmsFullReadAt = null;
    } else {
      // Disabling changes no data anywhere: it only stops future runs.
      r.enabled = false;
      r.status = 'disabled';
      r.statusReason = null;
    }
    r.updatedAt = now.toISOString();
  });
  return ok(undefined);
}

export function nextRunAt(record: StoredIntegration, now: Date): string | null {
  if (!record.enabled || record.status === 'setup') return null;
  const everyMs = record.config.schedule.everyHours * 3_600_000;
  const last = record.lastRunAt ? Date.parse(record.lastRunAt) : Number.NaN;
  if (Number.isNaN(last)) return now.toISOString();
  return new Date(Math.max(last + everyMs, now.getTime())).toISOString();
}

export async function summarise(store: Store, secrets: SecretStore, record: StoredIntegration, now: Date): Promise<Result<IntegrationSummary>> {
  const missing = await setupMissing(store, secrets, record.id);
  if (!missing.ok) return missing;
  return ok({
    id: record.id,
    name: record.config.name,
    demo: record.demo,
    enabled: record.enabled,
    status: record.status,
    statusReason: record.statusReason,
    config: record.config,
    secrets: {
      clientSecret: { stored: !missing.value.some((m) => m.startsWith('Entra client secret')), expiresOn: record.config.source.secretExpiresOn ?? null },
      lmsToken: { stored: !missing.value.some((m) => m.startsWith('LMS token')) },
    },
    setupMissing: missing.value,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    enabledAt: record.enabledAt,
    lastRunAt: record.lastRunAt,
    nextRunAt: nextRunAt(record, now),
    communicationAcknowledgedAt: record.communicationAcknowledgedAt,
  });
}
