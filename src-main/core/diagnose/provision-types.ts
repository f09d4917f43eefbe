/**
 * What provision on demand reports, step by step, like Entra's "Provision on demand". Types only,
 * shared with the window.
 */
import type { AppError } from '../errors';
import type { PlanOp, TargetUser } from '../model';
import type { RunRecord } from '../reports';
import type { Evidence } from './types';

export type ProvisionStepId = 'connection' | 'read-user' | 'scope' | 'match' | 'action' | 'apply';

export interface ProvisionStep {
  id: ProvisionStepId;
  title: string;
  status: 'pass' | 'fail' | 'warn' | 'info' | 'skipped';
  detail: string;
  fix: string | null;
  evidence: Evidence[];
}

export interface ProvisionTrace {
  integrationId: string;
  query: string;
  apply: boolean;
  outcome: 'would-change' | 'nothing-to-do' | 'applied' | 'partial' | 'blocked' | 'failed' | 'not-found';
  /** One line for the top of the page. */
  summary: string;
  steps: ProvisionStep[];
  sourceId: string | null;
  /** What plan() yields for this user (users phase, then manager/approvers): done, or to be done. */
  ops: PlanOp[];
  /** With apply: the on-demand run recorded in the history. */
  run: RunRecord | null;
  /** With apply: the LMS account as read back after the write. */
  account: TargetUser | null;
  error: AppError | null;
}
