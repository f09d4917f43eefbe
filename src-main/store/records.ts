/** Link table and run history files: one of each per integration, so 100k links don't slow settings. */
import { z } from 'zod';
import type { RunRecord } from '../core/reports';
import type { ParseResult } from './json-store';

export const LINKS_SCHEMA_VERSION = 1;
export const RUNS_SCHEMA_VERSION = 1;
/** Run history kept per integration; older runs (and their audit logs) are pruned. */
export const MAX_RUNS_KEPT = 200;

export const LinkSchema = z.object({
  integrationId: z.string(),
  sourceId: z.string(),
  targetId: z.string(),
  origin: z.enum(['created', 'matched', 'relinked']),
  linkedAt: z.string(),
  emailAtLink: z.string().nullable(),
});

export const LinksFileSchema = z.object({
  schemaVersion: z.literal(LINKS_SCHEMA_VERSION),
  links: z.array(LinkSchema),
});
export type LinksFile = z.infer<typeof LinksFileSchema>;

const CountsSchema = z.object({
  create: z.number(),
  update: z.number(),
  deactivate: z.number(),
  reactivate: z.number(),
  conflict: z.number(),
  skip: z.number(),
  unchanged: z.number(),
});

export const RunRecordSchema = z.object({
  id: z.string(),
  integrationId: z.string(),
  kind: z.enum(['dry-run', 'apply', 'on-demand']),
  // A trigger a newer release adds reads as manual: never a reason to call the history damaged.
  trigger: z.enum(['manual', 'schedule', 'cli']).catch('manual'),
  via: z.enum(['troubleshoot']).nullable().catch(null).default(null),
  readMode: z.enum(['full', 'delta']).nullable(),
  lmsRead: z.object({ mode: z.enum(['full', 'changes']), reason: z.string().nullable() }).nullable().default(null),
  planMode: z.object({ mode: z.enum(['full', 'changes']), reason: z.string().nullable() }).nullable().default(null),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  outcome: z.enum(['running', 'succeeded', 'partial', 'failed', 'blocked', 'cancelled', 'interrupted']),
  planned: CountsSchema.nullable(),
  /** Ops that reached the LMS successfully / failed per user. */
  applied: z.number().default(0),
  failed: z.number().default(0),
  /** Pushed LMS groups written, and relation writes held back (records from before them read 0). */
  groupsWritten: z.number().default(0),
  heldBack: z.number().default(0),
  error: z.object({ code: z.string(), message: z.string(), fix: z.string() }).nullable(),
  /** File name of the run's JSON-lines audit log inside the data directory's audit folder. */
  auditLog: z.string().nullable(),
});
export type { RunRecord } from '../core/reports';
// The schema and the shared RunRecord type must describe the same thing.
type StoredRunRecord = z.infer<typeof RunRecordSchema>;
const _sameShape: [StoredRunRecord, RunRecord] extends [RunRecord, StoredRunRecord] ? true : never = true;
void _sameShape;

export const RunsFileSchema = z.object({
  schemaVersion: z.literal(RUNS_SCHEMA_VERSION),
  runs: z.array(RunRecordSchema),
});
export type RunsFile = z.infer<typeof RunsFileSchema>;

export const DEPARTMENTS_SCHEMA_VERSION = 1;

/**
 * The LMS departments this integration created (apply records each one it made), so a dry run can
 * say which of them nobody is in any more (core/departments.ts). Departments the LMS had, or
 * someone made by hand, are never in it: Rollcall does not judge those.
 */
export const DepartmentsFileSchema = z.object({
  schemaVersion: z.literal(DEPARTMENTS_SCHEMA_VERSION),
  /** `lms`: the LMS's base address when it was made (another LMS's ids mean nothing here). */
  created: z.array(z.object({ id: z.string(), path: z.array(z.string()), createdAt: z.string(), lms: z.string().default('') })),
});
export type DepartmentsFile = z.infer<typeof DepartmentsFileSchema>;

function parseWith<T>(schema: z.ZodType<T>, version: number, raw: unknown): ParseResult<T> {
  const found = typeof raw === 'object' && raw !== null ? (raw as { schemaVersion?: unknown }).schemaVersion : undefined;
  if (typeof found === 'number' && found > version) {
    return { ok: false, problem: `the file was written by a newer Rollcall (format version ${found})`, newerVersion: { found, readsUpTo: version } };
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, data: parsed.data, migratedFrom: null };
  const first = parsed.error.issues[0];
  return { ok: false, problem: first ? `unexpected content at ${first.path.join('.') || 'top level'}: ${first.message}` : 'unexpected content' };
}

export const parseLinks = (raw: unknown): ParseResult<LinksFile> => parseWith(LinksFileSchema, LINKS_SCHEMA_VERSION, raw);
export const parseRuns = (raw: unknown): ParseResult<RunsFile> => parseWith(RunsFileSchema, RUNS_SCHEMA_VERSION, raw);
export const emptyLinks = (): LinksFile => ({ schemaVersion: LINKS_SCHEMA_VERSION, links: [] });
export const emptyRuns = (): RunsFile => ({ schemaVersion: RUNS_SCHEMA_VERSION, runs: [] });
export const parseDepartments = (raw: unknown): ParseResult<DepartmentsFile> => parseWith(DepartmentsFileSchema, DEPARTMENTS_SCHEMA_VERSION, raw);
export const emptyDepartments = (): DepartmentsFile => ({ schemaVersion: DEPARTMENTS_SCHEMA_VERSION, created: [] });
