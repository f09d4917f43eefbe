/**
 * The "Troubleshoot a user" checklist (DESIGN.md §8: `{ verdict, user, checks: [{ id, status,
 * title, detail, fix }] }`) and what diagnose() reads. Run records and audit lines are typed
 * here structurally, so core does not import the store or the sync room: the store's RunRecord
 * and the audit log's entries fit as they are.
 */
import type { IntegrationConfig, IntegrationStatus } from '../config';
import type { AppError } from '../errors';
import type { Link, Plan, PlanOp, SourceSnapshot, TargetSnapshot } from '../model';
import type { AuditEntry, RunRecord } from '../reports';

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'info';

/** One fact behind a check, ready to show: hidden characters already made visible. */
export interface Evidence {
  label: string;
  value: string;
}

export type CheckId =
  | 'credentials'
  | 'enabled'
  | 'data'
  | 'in-entra'
  | 'account-enabled'
  | 'last-day'
  | 'skip-list'
  | 'included'
  | 'excluded'
  | 'include-and-exclude'
  | 'lms-account'
  | 'lms-duplicates'
  | 'entra-duplicates'
  | 'recreated'
  | 'email-changed'
  | 'other-integration'
  | 'attributes'
  | 'department'
  | 'job-profile'
  | 'content-region'
  | 'permissions'
  | 'manager'
  | 'groups'
  | 'last-run'
  | 'next-run'
  | 'next-action';

export interface Check {
  id: CheckId;
  status: CheckStatus;
  title: string;
  detail: string;
  /** A concrete thing to do, or null when nothing needs doing. */
  fix: string | null;
  evidence: Evidence[];
}

export type VerdictKind =
  | 'not_found'
  | 'ambiguous'
  | 'not_in_entra'
  | 'skip_listed'
  | 'excluded'
  | 'not_included'
  | 'disabled_in_entra'
  | 'last_day'
  | 'duplicate_lms_accounts'
  | 'duplicate_entra_accounts'
  | 'recreated_in_entra'
  | 'alias_match'
  | 'email_taken'
  | 'claimed_by_other_integration'
  | 'conflict'
  | 'will_create'
  | 'will_link'
  | 'will_update'
  | 'will_reactivate'
  | 'will_deactivate'
  | 'kept_active'
  | 'not_created'
  | 'not_updated'
  | 'create_held'
  | 'last_write_failed'
  | 'up_to_date';

/** A person the query may mean, in Entra. */
export interface SourceCandidate {
  id: string;
  displayName: string | null;
  userPrincipalName: string;
  mail: string | null;
  accountEnabled: boolean;
  /** How the query matched: 'id', 'userPrincipalName', 'mail', 'alias' or 'name'. */
  matchedBy: string;
}

/** An LMS account that may belong to the person. */
export interface TargetCandidate {
  id: string;
  userName: string;
  externalId: string | null;
  active: boolean;
  emails: string[];
  /** Why it is listed: 'linked', 'externalId', 'e-mail', 'alias', 'query', 'name'. */
  matchedBy: string[];
  /** The integration whose link table holds it, when linked. */
  linkedBy: { integrationId: string; sourceId: string } | null;
}

export interface DiagnosedUser {
  query: string;
  /** Entra object id of the person diagnosed; null when not in Entra. */
  sourceId: string | null;
  displayName: string | null;
  email: string | null;
  userPrincipalName: string | null;
  /** LMS ids of the accounts that answer to this person. */
  targetIds: string[];
}

/** A run of the history, as the store keeps it. */
export type DiagnoseRun = RunRecord;

/** One line of a run's audit log about this person, with the run it came from. */
export type DiagnoseAuditEntry = AuditEntry & { runId: string };

export interface DiagnoseIntegration {
  id: string;
  name?: string;
  config: Pick<IntegrationConfig, 'scope' | 'deactivation' | 'mapping'>;
  status: IntegrationStatus;
  statusReason: AppError | null;
  enabled: boolean;
}

export interface DiagnoseInputs {
  source: SourceSnapshot;
  target: TargetSnapshot;
  integration: DiagnoseIntegration;
  /** This integration's link table (other integrations' links may be mixed in; they are told apart by integrationId). */
  links: readonly Link[];
  otherLinks: readonly Link[];
  /** plan() of exactly these inputs: what the next run would do. */
  plan: Plan;
  /** Newest first (as the store keeps them). */
  runs: readonly DiagnoseRun[];
  /** This person's lines from recent audit logs, any order. */
  audit?: readonly DiagnoseAuditEntry[];
  nextRunAt: string | null;
  now: Date;
  /** Why the data may be out of date (e.g. a fresh read failed and older reads were used). */
  dataWarning?: string | null;
  /**
   * When the ops happen, in words, instead of "at the next sync (in …)"; provision on demand
   * says "now". Ignored while the integration cannot write (invalid, disabled, setup).
   */
  timing?: string;
}

export interface Checklist {
  verdict: string;
  verdictKind: VerdictKind;
  user: DiagnosedUser;
  checks: Check[];
  candidates: { source: SourceCandidate[]; target: TargetCandidate[] };
  /** The plan's ops for this person (users phase first): exactly what the next run does. */
  ops: PlanOp[];
  integrationId: string;
  /** When the data was read and planned. */
  dataAsOf: { source: string; target: string; plan: string };
}
