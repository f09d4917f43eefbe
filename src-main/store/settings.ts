/**
 * The settings file: integrations (never their secrets) and app preferences.
 * Format history:
 *   v1 — the prototype: integrations in an object keyed by id, flat tenant/client/LMS fields.
 *   v2 — integrations as a list of { id, config: IntegrationConfig, status, … }.
 */
import { z } from 'zod';
import { IntegrationConfigSchema, IntegrationStatusSchema, type IntegrationConfigInput } from '../core/config';
import type { ParseResult } from './json-store';

export const SETTINGS_SCHEMA_VERSION = 2;

const AppErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  fix: z.string(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
});

export const StoredIntegrationSchema = z.object({
  id: z.string().min(1),
  config: IntegrationConfigSchema,
  status: IntegrationStatusSchema,
  /** The built-in demo tenant's integration: its simulators run inside the app. */
  demo: z.boolean().default(false),
  /** The admin's switch; status says how the last run went (an enabled one can be invalid or error). */
  enabled: z.boolean().default(false),
  /** Why the status is invalid / error. */
  statusReason: AppErrorSchema.nullable().default(null),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Set when the admin enables; a re-enable forces the next run to be a full read. */
  enabledAt: z.string().nullable().default(null),
  needsFullSync: z.boolean().default(true),
  lastRunAt: z.string().nullable().default(null),
  /** Graph delta link for incremental reads, and when it was issued. */
  deltaLink: z.string().nullable().default(null),
  deltaLinkIssuedAt: z.string().nullable().default(null),
  /**
   * The extra Graph attributes the delta link (and the cached snapshot) were read with. A mapping
   * or rule that names another attribute makes both useless: the next read is a full one.
   */
  deltaAttributes: z.array(z.string()).nullable().default(null),
  /**
   * The groups' membership-change link (opaque, from the Entra reader), the scope groups
   * (groupsNeeded) it was issued for and when: other scope groups need a full group read.
   */
  groupsDelta: z.object({ link: z.string(), groupIds: z.array(z.string()), issuedAt: z.string() }).nullable().default(null),
  /**
   * When the LMS was last read in full (every account). Between full reads a run reads only the
   * accounts modified since the cached snapshot; null forces the next run to read in full.
   */
  lmsFullReadAt: z.string().nullable().default(null),
  /**
   * The saves of the cached snapshots (sync/snapshot-changes.ts) that the delta link and the LMS
   * changes go with. A run builds on a cached snapshot only when it is this save: a changes file
   * lost in a power cut or deleted by hand means a full read, not changes applied to an older
   * copy. Null: not known (saved by an older Rollcall), so that side is read in full.
   */
  snapshotIds: z.object({ source: z.string().nullable().default(null), target: z.string().nullable().default(null) }).prefault({}),
  /**
   * When the admin confirmed they dealt with the LMS's welcome e-mails (the wizard's
   * communication step); cleared when the LMS address changes, since that is another LMS.
   */
  communicationAcknowledgedAt: z.string().nullable().default(null),
  /**
   * Where each stored credential was entered for (credentialDestination at the time it was
   * stored). A connector refuses to send it anywhere else; null = stored before this was kept.
   */
  credentialFor: z
    .object({ clientSecret: z.string().nullable().default(null), lmsToken: z.string().nullable().default(null) })
    .prefault({}),
});
export type StoredIntegration = z.infer<typeof StoredIntegrationSchema>;

export const AppPreferencesSchema = z.object({
  launchAtLogin: z.boolean().default(false),
  minimiseToTray: z.boolean().default(true),
  dismissedNotices: z.array(z.string()).default([]),
});

export const SettingsSchema = z.object({
  schemaVersion: z.literal(SETTINGS_SCHEMA_VERSION),
  integrations: z.array(StoredIntegrationSchema),
  preferences: AppPreferencesSchema.prefault({}),
});
export type Settings = z.infer<typeof SettingsSchema>;

export function emptySettings(): Settings {
  return { schemaVersion: SETTINGS_SCHEMA_VERSION, integrations: [], preferences: AppPreferencesSchema.parse({}) };
}

const V1Schema = z.object({
  version: z.literal(1),
  integrations: z.record(
    z.string(),
    z.object({
      name: z.string(),
      tenantId: z.string(),
      clientId: z.string(),
      scimUrl: z.string(),
      enabled: z.boolean().default(false),
      createdAt: z.string().optional(),
    }),
  ),
});

/** v1 → v2: integrations become records with a full config; an enabled v1 integration stays enabled. */
function migrateV1(v1: z.infer<typeof V1Schema>): unknown {
  const now = new Date().toISOString();
  return {
    schemaVersion: 2,
    integrations: Object.entries(v1.integrations).map(([id, old]) => {
      const config: IntegrationConfigInput = {
        name: old.name,
        source: { kind: 'entra', tenantId: old.tenantId, clientId: old.clientId },
        target: { kind: 'scim', baseUrl: old.scimUrl },
      };
      return {
        id,
        config,
        status: old.enabled ? 'active' : 'disabled',
        enabled: old.enabled,
        createdAt: old.createdAt ?? now,
        updatedAt: now,
      };
    }),
  };
}

function describeIssues(error: z.ZodError): string {
  const first = error.issues[0];
  if (!first) return 'unexpected content';
  const where = first.path.length ? first.path.join('.') : 'top level';
  return `unexpected content at ${where}: ${first.message}`;
}

export function parseSettings(raw: unknown): ParseResult<Settings> {
  let current = raw;
  let migratedFrom: number | null = null;
  const version =
    typeof raw === 'object' && raw !== null
      ? ((raw as Record<string, unknown>).schemaVersion ?? (raw as Record<string, unknown>).version)
      : undefined;
  if (version === 1) {
    const v1 = V1Schema.safeParse(raw);
    if (!v1.success) return { ok: false, problem: `a version 1 settings file with ${describeIssues(v1.error)}` };
    current = migrateV1(v1.data);
    migratedFrom = 1;
  } else if (typeof version === 'number' && version > SETTINGS_SCHEMA_VERSION) {
    return {
      ok: false,
      problem: `the file was written by a newer Rollcall (format version ${version}; this one reads up to ${SETTINGS_SCHEMA_VERSION})`,
      newerVersion: { found: version, readsUpTo: SETTINGS_SCHEMA_VERSION },
    };
  }
  const parsed = SettingsSchema.safeParse(current);
  if (!parsed.success) return { ok: false, problem: describeIssues(parsed.error) };
  return { ok: true, data: parsed.data, migratedFrom };
}
