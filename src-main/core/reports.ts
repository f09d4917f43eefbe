/**
 * Report shapes shared by the main process, the CLI and the window: checks, run progress and
 * status, run records and audit lines. Types only, so the renderer can use them without pulling
 * any main-process code into its bundle or its typecheck.
 */
import type { AppError } from './errors';
import { count } from './ops';
import type { FieldChange, OpKind, PlanSummary } from './model';

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'info';

export interface Check {
  id: string;
  status: CheckStatus;
  title: string;
  detail: string;
  fix: string | null;
}

/** Entra ID and the LMS are read at the same time, in the one 'reading' stage. */
export type RunStage = 'waiting' | 'reading' | 'planning' | 'applying' | 'saving';

/** How far one side's read has come: phase is e.g. "users", "groups", "changes", "departments". */
export interface ReadStatus {
  phase: string;
  done: number;
  total: number | null;
  finished: boolean;
}

export interface RunProgress {
  stage: RunStage;
  done: number;
  total: number | null;
  detail: string | null;
  /** While reading: each side on its own, so the window can show two bars. */
  reads?: { entra: ReadStatus; lms: ReadStatus };
}

export type RunKind = 'dry-run' | 'apply' | 'on-demand';
export type RunTrigger = 'manual' | 'schedule' | 'cli';
/** 'interrupted': an apply whose process died before it finished (sync/interrupted.ts). */
export type RunOutcomeKind = 'running' | 'succeeded' | 'partial' | 'failed' | 'blocked' | 'cancelled' | 'interrupted';

/** One entry of an integration's run history. */
export interface RunRecord {
  id: string;
  integrationId: string;
  kind: RunKind;
  trigger: RunTrigger;
  /** A dry run Troubleshoot made to answer from fresh reads (a field, not a trigger: older releases reading the history must not find an unknown value). */
  via: 'troubleshoot' | null;
  readMode: 'full' | 'delta' | null;
  /** How the LMS was read: only the accounts changed since the last read, or in full and why. */
  lmsRead: { mode: 'full' | 'changes'; reason: string | null } | null;
  /** How the plan was made: only the people who changed planned again on the last plan, or everyone and why. */
  planMode: { mode: 'full' | 'changes'; reason: string | null } | null;
  startedAt: string;
  finishedAt: string | null;
  outcome: RunOutcomeKind;
  planned: PlanSummary | null;
  /** Ops that reached the LMS successfully / failed per user. */
  applied: number;
  failed: number;
  /** Pushed LMS groups created or given new members (not among `applied`). */
  groupsWritten: number;
  /** Manager and approver writes not sent because an account they name could not be created; the next run writes them. */
  heldBack: number;
  error: { code: string; message: string; fix: string } | null;
  /** File name of the run's JSON-lines audit log inside the data directory's audit folder. */
  auditLog: string | null;
}

/**
 * What an apply wrote, in a sentence: "120 changes applied, 2 LMS groups written, 1 failed". The
 * held-back manager and approver writes are said apart: they are not failures, they wait for an
 * account whose create failed (that failure is counted) and go out at the next run.
 */
export function describeApplied(r: Pick<RunRecord, 'applied' | 'failed' | 'groupsWritten' | 'heldBack'>): { written: string; heldBack: string | null } {
  const groups = r.groupsWritten > 0 ? `, ${count(r.groupsWritten, 'LMS group', 'LMS groups')} written` : '';
  return {
    written: `${count(r.applied, 'change', 'changes')} applied${groups}, ${r.failed.toLocaleString('en-US')} failed`,
    heldBack:
      r.heldBack > 0
        ? `${count(r.heldBack, 'manager or approver write waits', 'manager or approver writes wait')} for an account whose create failed; the next run writes ${r.heldBack === 1 ? 'it' : 'them'} once that account exists.`
        : null,
  };
}

/**
 * The manager and approver writes a plan makes beyond the summary's counts of people
 * (Plan.relationWrites): said wherever those counts are, so "1 update" beside "240 updates in
 * the table" (or "522 applied") adds up.
 */
export function relationWrites(n: number): string | null {
  return n > 0 ? `+ ${n.toLocaleString('en-US')} manager and approver ${n === 1 ? 'write' : 'writes'} after the people's own changes` : null;
}

/** How a run read both sides, in a few words: "Entra: delta read; LMS: changes since the last read". */
export function describeReads(run: Pick<RunRecord, 'readMode' | 'lmsRead'>): string {
  const lms = run.lmsRead === null ? 'not read' : run.lmsRead.mode === 'changes' ? 'changes since the last read' : `full read${run.lmsRead.reason ? ` (${run.lmsRead.reason})` : ''}`;
  return `Entra: ${run.readMode ?? 'not'} read; LMS: ${lms}`;
}

/** A run the window is following. */
export interface RunStatus {
  runId: string;
  integrationId: string;
  kind: 'dry-run' | 'apply';
  trigger: RunTrigger;
  startedAt: string;
  progress: RunProgress;
  finished: boolean;
  outcome: RunOutcomeKind;
  summary: PlanSummary | null;
  applied: number;
  failed: number;
  groupsWritten: number;
  heldBack: number;
  error: AppError | null;
}

/** One line of a run's audit log. */
export interface AuditEntry {
  at: string;
  /** 'group': a pushed group's write (sourceId the Entra group, targetId the LMS group). */
  op: OpKind | 'department' | 'group';
  reason: string;
  sourceId: string | null;
  targetId: string | null;
  email: string | null;
  fields: FieldChange[];
  result: 'ok' | 'failed' | 'not-executed';
  error?: { code: string; message: string; lmsDetail?: string | null };
}
