/**
 * What crosses the bridge between main and renderer: plain data, never a secret. These are
 * transfer shapes, separate from the storage schema, so the store can change without the UI.
 */
import type { AppError } from '../src-main/core/errors';
import type { GroupSummary } from '../src-main/core/directories';
import type { OpKind, Plan, PlanOp } from '../src-main/core/model';
import type { UnmanagedAccount } from '../src-main/core/unmanaged';
import type { GroupPushView } from '../src-main/core/push-groups';
import type { AuditEntry, Check, RunRecord, RunStatus } from '../src-main/core/reports';

export type { GroupSummary } from '../src-main/core/directories';
export type { UnmanagedAccount } from '../src-main/core/unmanaged';
export type { AdoptResult } from '../src-main/core/adopt';
export type { GroupPushView } from '../src-main/core/push-groups';
export type { CandidateAccount, LinkOwner, Plan, PlanOp, PlanSummary, FieldChange, OpKind, SafetyGuard, NormalisationNotice } from '../src-main/core/model';
export type { Checklist, DiagnosedUser, Evidence, VerdictKind } from '../src-main/core/diagnose/types';
export type { ProvisionStep, ProvisionTrace } from '../src-main/core/diagnose/provision-types';
export type { AuditEntry, Check, CheckStatus, ReadStatus, RunProgress, RunRecord, RunStage, RunStatus } from '../src-main/core/reports';
import type { IntegrationConfig, IntegrationStatus } from '../src-main/core/config';

export type { AppError, Result } from '../src-main/core/errors';
export type { IntegrationConfig, IntegrationConfigInput, IntegrationStatus } from '../src-main/core/config';

export interface Notice {
  id: string;
  level: 'info' | 'warning';
  message: string;
  fix: string;
}

export interface AppInfo {
  name: string;
  version: string;
  dataDir: string;
  platform: string;
  /** Desktop app, browser preview (no Electron binary) or CLI. */
  runtime: 'electron' | 'preview';
  keychain: { available: boolean; problem: AppError | null };
  notices: Notice[];
}

export interface SecretState {
  stored: boolean;
}

export interface IntegrationSummary {
  id: string;
  name: string;
  /** The built-in demo tenant's integration. */
  demo: boolean;
  /** The admin's switch (status says how the last run went). */
  enabled: boolean;
  status: IntegrationStatus;
  /** Why the status is invalid / error, with the fix. */
  statusReason: AppError | null;
  config: IntegrationConfig;
  secrets: {
    clientSecret: SecretState & { expiresOn: string | null };
    lmsToken: SecretState;
  };
  /** What is still missing before the integration can be enabled (empty when complete). */
  setupMissing: string[];
  createdAt: string;
  updatedAt: string;
  enabledAt: string | null;
  lastRunAt: string | null;
  nextRunAt: string | null;
  /** When the admin confirmed the LMS's welcome e-mails are dealt with (null: not yet). */
  communicationAcknowledgedAt: string | null;
}

export interface SetSecretResult {
  stored: true;
  /** A likely mistake worth a second look (e.g. the Secret ID pasted instead of its Value). */
  warning: AppError | null;
}

export interface CheckResult {
  ok: boolean;
  checks: Check[];
}

/** The LMS's groups, for the wizard's pushed groups (listLmsGroups). */
export interface LmsGroupList {
  /** One entry per LMS group (two groups of one name are two entries), sorted by name; null: the LMS has no groups. */
  groups: Array<{ name: string }> | null;
}

/** Everything about a plan but its ops: what the diff viewer paints first. */
export interface PlanHeader extends Omit<Plan, 'ops' | 'groups'> {
  /** The pushed groups, each with its counts and the first names it adds and removes. */
  groups?: GroupPushView[];
  /** Names this plan (the cache file it came from); rows and details are asked for by it. */
  version: string;
  opCount: number;
  /** Reason code → how many ops carry it, most frequent first (the reason filter). */
  reasons: Array<{ reason: string; count: number }>;
  /** Warning code → how many ops carry it, most frequent first (the warning filter). */
  warnings: Array<{ code: string; count: number }>;
}

export interface PlanHeaderResult {
  /** Null until the first dry run; plan.createdAt says when it was made. */
  plan: PlanHeader | null;
}

/** One line of the diff table: what the row shows and the text filter searches, no more. */
export interface PlanRow {
  /** Position of the op in the plan (what getPlanOp takes). */
  index: number;
  kind: OpKind;
  email: string | null;
  displayName: string | null;
  sourceId: string | null;
  targetId: string | null;
  reason: string;
  detail: string;
  /** The SCIM paths of the changed fields (the from → to values come with getPlanOp). */
  fields: string[];
}

export interface PlanRows {
  version: string;
  /** Ops that pass the filter. */
  total: number;
  offset: number;
  rows: PlanRow[];
}

export interface PlanOpDetail {
  version: string;
  index: number;
  op: PlanOp;
}

export interface PlanOpsChunk {
  version: string;
  total: number;
  offset: number;
  ops: PlanOp[];
}

export interface UnmanagedChunk {
  version: string;
  total: number;
  offset: number;
  accounts: UnmanagedAccount[];
}

/** People named at once by getPeopleNames (a wizard's list is far shorter). A value, so the renderer need not load the API's schemas for it. */
export const MAX_NAMED = 5_000;

/** An Entra user as the admin knows them (getPeopleNames), from the last dry run's read. */
export interface PersonName {
  /** The object id as it was asked for. */
  sourceId: string;
  displayName: string | null;
  userPrincipalName: string;
  mail: string | null;
}

export interface AuditPage {
  entries: AuditEntry[];
  /** More lines exist than were returned. */
  truncated: boolean;
}

export type { GroupSummary as GroupChoice };
export type { RunStatus as RunState };
export type { RunRecord as HistoryRun };
