/**
 * The one typed API between renderer and main (GitHub Desktop's ipc-shared.ts is the model).
 * Each method: a zod schema for its input (validated in main, whatever the renderer sends) and
 * its output type. The preload exposes exactly these methods as window.rollcall; main's handler
 * table is typed from this map, so a method without a handler does not compile.
 */
import { z } from 'zod';
import { IntegrationConfigSchema } from '../src-main/core/config';
import type { Result } from '../src-main/core/errors';
import { MAX_NAMED, type AppInfo, type AuditPage, type Checklist, type CheckResult, type GroupSummary, type IntegrationSummary, type LmsGroupList, type PersonName, type PlanHeaderResult, type PlanOpDetail, type PlanOpsChunk, type PlanRows, type ProvisionTrace, type RunRecord, type RunStatus, type SetSecretResult, type UnmanagedChunk, type AdoptResult } from './api-types';

/** The single IPC channel; the method name travels in the message and is checked against the map. */
export const API_CHANNEL = 'rollcall:api';

interface MethodSpec<I extends z.ZodType, O> {
  input: I;
  /** Phantom: carries the output type only. */
  readonly output?: O;
}

function method<O>() {
  return <I extends z.ZodType>(input: I): MethodSpec<I, O> => ({ input });
}

const IntegrationId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an integration id');
const SecretKindSchema = z.enum(['clientSecret', 'lmsToken']);
const Count = z.number().int().min(0).max(100_000_000);
/** Which dry run a page or detail request is about (PlanHeader.version): a newer one is refused, never mixed in. */
const PlanVersion = z.string().min(1).max(200);
const OpIndex = z.number().int().min(0).max(100_000_000);
/** The diff viewer's filters: kinds (none = all), one reason code, text in e-mail, name or ids. */
const PlanFilterSchema = z
  .object({
    kinds: z.array(z.enum(['create', 'update', 'deactivate', 'reactivate', 'conflict', 'skip'])).max(6).default([]),
    reason: z.string().min(1).max(100).nullable().default(null),
    /** Ops carrying this warning code (a manager or approver without an LMS account, …). */
    warning: z.string().min(1).max(100).nullable().default(null),
    text: z.string().max(320).default(''),
  })
  .default({ kinds: [], reason: null, warning: null, text: '' });

export const api = {
  getAppInfo: method<AppInfo>()(z.undefined()),
  dismissNotice: method<{ dismissed: true }>()(z.object({ id: z.string().min(1).max(200) })),

  listIntegrations: method<IntegrationSummary[]>()(z.undefined()),
  getIntegration: method<IntegrationSummary>()(z.object({ id: IntegrationId })),
  createIntegration: method<IntegrationSummary>()(z.object({ config: IntegrationConfigSchema })),
  updateIntegration: method<IntegrationSummary>()(z.object({ id: IntegrationId, config: IntegrationConfigSchema })),
  removeIntegration: method<{ removed: true }>()(z.object({ id: IntegrationId })),
  /** Enabling needs the welcome e-mails confirmed: in the wizard's step before, or here (`communicationConfirmed`). */
  setIntegrationEnabled: method<IntegrationSummary>()(z.object({ id: IntegrationId, enabled: z.boolean(), communicationConfirmed: z.boolean().optional() })),
  /** The wizard's communication step: the admin dealt with the LMS's welcome e-mails (or took it back). */
  acknowledgeCommunication: method<IntegrationSummary>()(z.object({ id: IntegrationId, acknowledged: z.boolean() })),

  setSecret: method<SetSecretResult>()(
    z.object({
      integrationId: IntegrationId,
      kind: SecretKindSchema,
      value: z.string().trim().min(1, 'paste the secret value').max(4096, 'is longer than any client secret or token'),
    }),
  ),
  clearSecret: method<{ stored: false }>()(z.object({ integrationId: IntegrationId, kind: SecretKindSchema })),

  /** The wizard's Test buttons: sign-in and permissions (entra), connection and capabilities (lms), or both. */
  checkIntegration: method<CheckResult>()(z.object({ id: IntegrationId, part: z.enum(['entra', 'lms', 'all']).default('all') })),
  /** The wizard's group picker: security groups whose name starts with the text. */
  searchGroups: method<GroupSummary[]>()(z.object({ id: IntegrationId, prefix: z.string().trim().max(120) })),
  /** The wizard's pushed groups: the names of the groups the LMS already has (a typed name links one of them, or creates a group). */
  listLmsGroups: method<LmsGroupList>()(z.object({ id: IntegrationId })),

  /** Starts a dry run or an apply in the background; follow it with getRunStatus. */
  startRun: method<RunStatus>()(
    z.object({
      id: IntegrationId,
      kind: z.enum(['dry-run', 'apply']),
      full: z.boolean().default(false),
      /** Deactivations the admin confirmed (lifts the threshold guard up to this number). */
      confirmedDeactivations: z.number().int().min(0).max(10_000_000).optional(),
      confirmedGroupRemovals: z.number().int().min(0).max(10_000_000).optional(),
      /** The summary the admin reviewed: an apply whose fresh plan differs writes nothing. */
      expectedSummary: z
        .object({ create: Count, update: Count, deactivate: Count, reactivate: Count, conflict: Count, skip: Count, unchanged: Count })
        .optional(),
    }),
  ),
  getRunStatus: method<RunStatus | null>()(z.object({ runId: z.string().min(1).max(80) })),
  /** The run in progress for an integration, if any. */
  getActiveRun: method<RunStatus | null>()(z.object({ id: IntegrationId })),
  cancelRun: method<{ cancelled: boolean }>()(z.object({ runId: z.string().min(1).max(80) })),
  /**
   * The diff viewer never receives a whole plan (100k ops are ~140 MB): the header first (counts,
   * guards, reasons), then windows of slim rows filtered in main, each op's detail when its row
   * opens, and full ops in chunks only for an export.
   */
  getPlanHeader: method<PlanHeaderResult>()(z.object({ id: IntegrationId })),
  /** Without a version: the current plan's rows (the answer names its version), so the first window can travel with the header. */
  getPlanRows: method<PlanRows>()(z.object({ id: IntegrationId, version: PlanVersion.optional(), filter: PlanFilterSchema, offset: OpIndex, limit: z.number().int().min(1).max(1_000) })),
  getPlanOp: method<PlanOpDetail>()(z.object({ id: IntegrationId, version: PlanVersion, index: OpIndex })),
  getPlanOps: method<PlanOpsChunk>()(z.object({ id: IntegrationId, version: PlanVersion, filter: PlanFilterSchema, offset: OpIndex, limit: z.number().int().min(1).max(5_000) })),
  /** The dry run's list of LMS accounts no integration manages, in chunks (for its export). */
  getUnmanagedAccounts: method<UnmanagedChunk>()(
    /** linkableOnly: the accounts "Link … to their Entra users" would link (its question names the first ones). */
    z.object({ id: IntegrationId, version: PlanVersion, offset: OpIndex, limit: z.number().int().min(1).max(5_000), linkableOnly: z.boolean().default(false) }),
  ),
  /**
   * Links that list's accounts of people in Entra whom this integration does not sync to them
   * (core/adopt.ts), so the next dry run treats them as its own. Nothing is written to the LMS.
   */
  adoptUnmanaged: method<AdoptResult>()(z.object({ id: IntegrationId, version: PlanVersion })),
  /**
   * Entra users' names by object id, from what the last dry run read (Entra is not asked): the
   * wizard's lists of ids. Whom it did not read is left out of the answer (shown by id).
   */
  getPeopleNames: method<PersonName[]>()(z.object({ id: IntegrationId, sourceIds: z.array(z.string().trim().min(1).max(100)).max(MAX_NAMED) })),
  /** A conflict's actions: link an LMS account to the Entra user, or leave the person alone (skip list). */
  resolveConflict: method<IntegrationSummary>()(
    z.discriminatedUnion('action', [
      z.object({ id: IntegrationId, action: z.literal('relink'), sourceId: z.string().min(1).max(100), targetId: z.string().min(1).max(200) }),
      z.object({ id: IntegrationId, action: z.literal('ignore'), sourceId: z.string().min(1).max(100) }),
      /** An account matches one of their other addresses but is not theirs: they get a new one. */
      z.object({ id: IntegrationId, action: z.literal('new-account'), sourceId: z.string().min(1).max(100) }),
    ]),
  ),

  listRuns: method<RunRecord[]>()(z.object({ id: IntegrationId })),
  getAuditLog: method<AuditPage>()(z.object({ id: IntegrationId, runId: z.string().min(1).max(80), limit: z.number().int().min(1).max(100_000).default(5_000) })),

  /** "Why is this person missing / duplicated / inactive?": the evidence-backed checklist. */
  diagnoseUser: method<Checklist>()(
    z.object({ id: IntegrationId, query: z.string().trim().min(1, 'type an e-mail, UPN, name or object id').max(320), refresh: z.boolean().default(false) }),
  ),
  /** Run the pipeline for one person, step by step; with apply, write that one change. */
  provisionOnDemand: method<ProvisionTrace>()(z.object({ id: IntegrationId, query: z.string().trim().min(1, 'type an e-mail, UPN or object id').max(320), apply: z.boolean() })),

  /** "Try with a demo tenant": starts the built-in simulators and returns the demo integration. */
  startDemo: method<IntegrationSummary>()(z.undefined()),
} as const;

export type Api = typeof api;
export type MethodName = keyof Api;
export const METHOD_NAMES = Object.keys(api) as MethodName[];

/** What a handler receives: the schema's output (defaults applied, strings trimmed). */
export type InputOf<K extends MethodName> = z.output<Api[K]['input']>;
/** What a caller passes: the schema's input. */
export type CallInputOf<K extends MethodName> = z.input<Api[K]['input']>;
export type OutputOf<K extends MethodName> = Api[K] extends MethodSpec<z.ZodType, infer O> ? O : never;

/** window.rollcall: every method returns a Result, never throws across the bridge. */
export type RollcallApi = {
  [K in MethodName]: undefined extends CallInputOf<K>
    ? (input?: CallInputOf<K>) => Promise<Result<OutputOf<K>>>
    : (input: CallInputOf<K>) => Promise<Result<OutputOf<K>>>;
};

export type PlanFilterInput = z.output<typeof PlanFilterSchema>;

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(api, name);
}
