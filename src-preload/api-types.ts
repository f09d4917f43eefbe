/**
 * What crosses the bridge between main and renderer: plain data, never a secret. These are
 * transfer shapes, separate from the storage schema, so the store can change without the UI.
 */
import type { AppError } from '../src-main/core/errors';
import type { GroupSummary } from '../src-main/core/directories';
import type { Plan } from '../src-main/core/model';
import type { AuditEntry, Check, RunRecord, RunStatus } from '../src-main/core/reports';

export type { GroupSummary } from '../src-main/core/directories';
export type { Plan, PlanOp, PlanSummary, FieldChange, OpKind, SafetyGuard, NormalisationNotice } from '../src-main/core/model';
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

export interface LastPlan {
  /** Null until the first dry run; plan.createdAt says when it was made. */
  plan: Plan | null;
}

export interface AuditPage {
  entries: AuditEntry[];
  /** More lines exist than were returned. */
  truncated: boolean;
}

export type { GroupSummary as GroupChoice };
export type { RunStatus as RunState };
export type { RunRecord as HistoryRun };
