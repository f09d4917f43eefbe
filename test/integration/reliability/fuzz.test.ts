/**
 * Bad input never breaks Rollcall. Every method of the typed API (src-preload/api.ts) is called
 * through dispatch() with generated malformed input, and the CLI's config file with generated
 * malformed files: each gets an error value with a code, a message and a fix — never a throw,
 * never INTERNAL — and a rejected call leaves the data files exactly as they were.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { api, METHOD_NAMES, type MethodName } from '../../../src-preload/api';
import type { IntegrationSummary, PlanHeaderResult } from '../../../src-preload/api-types';
import { main as cliMain } from '../../../src-main/cli/main';
import { IntegrationConfigSchema } from '../../../src-main/core/config';
import type { Result } from '../../../src-main/core/errors';
import type { HandlerContext } from '../../../src-main/ipc/context';
import { dispatch } from '../../../src-main/ipc/dispatch';
import { saveCached } from '../../../src-main/sync/snapshot-cache';
import { runCli } from '../../helpers/cli';
import { testContext, VALID_CONFIG } from '../../helpers/context';
import { samplePlan } from '../../helpers/plans';
import { readTree } from '../../helpers/tmp';

/** A complete config (every default spelled out), so mutations reach every nested field. */
const FULL_CONFIG = IntegrationConfigSchema.parse({
  ...VALID_CONFIG,
  scope: {
    include: [{ kind: 'group', groupId: '0b1c2d3e-4f50-4617-8a9b-0c1d2e3f4a5b', groupName: 'All Staff' }],
    exclude: [{ kind: 'attribute', attribute: 'employeeType', operator: 'equals', value: 'Contractor' }],
    skipList: ['ceo@contoso.com'],
  },
});

let dir = '';
let ctx: HandlerContext;
let existingId = '';
/** The version of the plan written for the existing integration (the viewer's methods need one). */
let planVersion = '';

/** One valid input per method. The mapped type makes a new API method a compile error here. */
function validInputs(id: string): { [K in MethodName]: unknown } {
  // Methods that would write secrets or remove the integration target an id that does not exist,
  // so a generated input that happens to be valid cannot change what the next case sees.
  const missing = 'int-missing';
  return {
    getAppInfo: undefined,
    dismissNotice: { id: 'settings-restored@2026-11-23T10:00:00.000Z' },
    listIntegrations: undefined,
    getIntegration: { id },
    createIntegration: { config: FULL_CONFIG },
    updateIntegration: { id, config: FULL_CONFIG },
    removeIntegration: { id: missing },
    setIntegrationEnabled: { id, enabled: true },
    acknowledgeCommunication: { id, acknowledged: true },
    setSecret: { integrationId: missing, kind: 'clientSecret', value: 'not-a-real-secret-value' },
    clearSecret: { integrationId: missing, kind: 'lmsToken' },
    checkIntegration: { id, part: 'all' },
    searchGroups: { id, prefix: 'Sal' },
    listLmsGroups: { id },
    startRun: { id, kind: 'dry-run', full: false, confirmedDeactivations: 3 },
    getRunStatus: { runId: 'run-20261123100000-abcdef' },
    getActiveRun: { id },
    cancelRun: { runId: 'run-20261123100000-abcdef' },
    getPlanHeader: { id },
    getPlanRows: { id, version: planVersion, filter: { kinds: ['update', 'conflict'], reason: 'attributes_changed', text: 'person' }, offset: 0, limit: 50 },
    getPlanOp: { id, version: planVersion, index: 2 },
    getPlanOps: { id, version: planVersion, filter: { kinds: [], reason: null, text: '' }, offset: 10, limit: 20 },
    getUnmanagedAccounts: { id, version: planVersion, offset: 0, limit: 20 },
    adoptUnmanaged: { id, version: planVersion },
    getPeopleNames: { id, sourceIds: ['0b1c2d3e-4f50-4617-8a9b-0c1d2e3f4a5b', 'entra-1'] },
    resolveConflict: { id, action: 'relink', sourceId: 'entra-1', targetId: 'lms-1' },
    listRuns: { id },
    getAuditLog: { id, runId: 'run-1', limit: 10 },
    startDemo: undefined,
    diagnoseUser: { id, query: 'anna@contoso.com', refresh: false },
    provisionOnDemand: { id, query: 'anna@contoso.com', apply: false },
  };
}

/** Values that break careless code: wrong types, edges, path tricks, prototype keys, huge strings. */
const nasty = fc.oneof(
  fc.constantFrom<unknown>(null, undefined, '', ' ', '\u0000', '\uFEFF', '../../etc/passwd', '__proto__', 'constructor', -1, 0, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 1e308, -0, true, [], {}, [[]], { __proto__: null }, 'x'.repeat(100_000)),
  fc.anything({ maxDepth: 3, withNullPrototype: true, withObjectString: true, withSparseArray: true, withUnicodeString: true }),
);

type Path = Array<string | number>;

function pathsOf(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...prefix, i], out));
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out);
  return out;
}

/** A copy of `value` with the thing at `at` replaced (or removed, when `remove`). */
function mutate(value: unknown, at: Path, replacement: unknown, remove: boolean): unknown {
  if (at.length === 0) return replacement;
  const copy: unknown = structuredClone(value);
  let node = copy as Record<string | number, unknown>;
  for (const key of at.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = at[at.length - 1] as string | number;
  if (remove) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else node[last] = replacement;
  return copy;
}

/** Malformed-ish input for a method: a valid input with one field replaced or removed, or anything at all. */
function inputFor(valid: unknown): fc.Arbitrary<unknown> {
  const paths = pathsOf(valid);
  return fc.oneof(
    { weight: 3, arbitrary: fc.tuple(fc.nat({ max: paths.length - 1 }), nasty, fc.boolean()).map(([i, v, remove]) => mutate(valid, paths[i] ?? [], v, remove && (paths[i]?.length ?? 0) > 0)) },
    { weight: 1, arbitrary: nasty },
  );
}

async function dataFiles(): Promise<string> {
  return JSON.stringify((await readTree(dir)).filter((f) => !f.file.includes(`${path.sep}audit${path.sep}`) && !f.file.endsWith('.lock')).map((f) => [f.file, f.content]).sort());
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rollcall-fuzz-'));
  ctx = await testContext(dir);
  const created = await dispatch('createIntegration', { config: FULL_CONFIG }, ctx);
  if (!created.ok) throw new Error(created.error.message);
  existingId = (created.value as IntegrationSummary).id;
  await saveCached(dir, existingId, 'plan', samplePlan(existingId, 60));
  const header = await dispatch('getPlanHeader', { id: existingId }, ctx);
  if (!header.ok || !header.value) throw new Error('no plan header');
  planVersion = (header.value as PlanHeaderResult).plan?.version ?? '';
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function expectErrorValue(r: Result<unknown>, what: string): void {
  if (r.ok) return;
  expect(r.error.code, what).toMatch(/^[A-Z][A-Z0-9_]+$/);
  expect(r.error.code, what).not.toBe('INTERNAL');
  expect(r.error.message.trim().length, what).toBeGreaterThan(5);
  expect(r.error.fix.trim().length, what).toBeGreaterThan(5);
}

describe('every typed API method under malformed input', () => {
  it.each(METHOD_NAMES)('%s: an error value with code, message and fix; never a throw, INTERNAL or a partial write', async (method) => {
    const valid = validInputs(existingId)[method];
    const schema = api[method].input;
    const errorLog = vi.spyOn(console, 'error');
    let rejected = 0;
    try {
      await fc.assert(
        fc.asyncProperty(inputFor(valid), async (input) => {
          // z.undefined() methods: their one valid input is undefined, and startDemo would start the demo.
          fc.pre(!(valid === undefined && input === undefined));
          const accepted = schema.safeParse(input).success;
          const before = await dataFiles();
          let r: Result<unknown>;
          try {
            r = await dispatch(method, input, ctx);
          } catch (err) {
            throw new Error(`${method} threw instead of returning an error value: ${String(err)}`);
          }
          const what = `${method}(${JSON.stringify(input)?.slice(0, 200)})`;
          expectErrorValue(r, what);
          if (r.ok && method === 'startRun') await ctx.runs.wait((r.value as { runId: string }).runId);
          if (!accepted) {
            rejected++;
            expect(r.ok, what).toBe(false);
            if (!r.ok) expect(r.error.code, what).toBe('INVALID_INPUT');
          }
          if (!r.ok) expect(await dataFiles(), `${what} changed the data files`).toBe(before);
        }),
        { numRuns: 100, seed: 20261123 + METHOD_NAMES.indexOf(method) },
      );
      // Unexpected exceptions are logged by dispatch(); there must have been none.
      expect(errorLog).not.toHaveBeenCalled();
    } finally {
      errorLog.mockRestore();
    }
    expect(rejected).toBeGreaterThan(10);
  });
});

/** Malformed integration config files: JSON that is not a config, a config with one field broken. */
const badConfig = fc.oneof(
  { weight: 3, arbitrary: inputFor(VALID_CONFIG) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
).filter((c) => !IntegrationConfigSchema.safeParse(c).success);

describe('the CLI config file (rollcall integration add --config)', () => {
  it('the schema rejects every malformed config with a field and a message, and never throws', () => {
    fc.assert(
      fc.property(badConfig, (config) => {
        const r = IntegrationConfigSchema.safeParse(config);
        expect(r.success).toBe(false);
        const first = r.error?.issues[0];
        expect(first?.message.trim().length).toBeGreaterThan(3);
      }),
      { numRuns: 1500, seed: 7 },
    );
  });

  it('the CLI (in process) answers each malformed file with exit code 2 and CONFIG_INVALID, and writes nothing', async () => {
    const workDir = await mkdtemp(path.join(os.tmpdir(), 'rollcall-fuzz-cli-'));
    try {
      const file = path.join(workDir, 'config.json');
      const dataDir = path.join(workDir, 'data');
      const texts = fc.sample(badConfig.map((c) => JSON.stringify(c) ?? 'undefined'), { numRuns: 60, seed: 11 });
      const good = JSON.stringify(VALID_CONFIG);
      texts.push('', '\uFEFF' + good, good.slice(0, 40), `${good}}`, '{"name": "x", "clientSecret": "s3cret"}', 'null', '[]');
      const quiet = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
      try {
        expect(await cliMain(['--data-dir', dataDir, 'integration', 'list'], {})).toBe(0);
      } finally {
        quiet.mockRestore();
      }
      const before = JSON.stringify(await readTree(dataDir));
      for (const text of texts) {
        await writeFile(file, text);
        const err: string[] = [];
        const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (err.push(String(chunk)), true));
        let code: number;
        try {
          code = await cliMain(['--data-dir', dataDir, 'integration', 'add', '--config', file], {});
        } finally {
          spy.mockRestore();
        }
        const what = `config ${text.slice(0, 200)}`;
        expect(code, what).toBe(2);
        expect(err.join(''), what).toMatch(/^Error \[CONFIG_INVALID\]: \S.*\n {2}What to do: \S.+/);
      }
      expect(JSON.stringify(await readTree(dataDir))).toBe(before);
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  });

  it('the real CLI process answers a handful of malformed files the same way', async () => {
    const workDir = await mkdtemp(path.join(os.tmpdir(), 'rollcall-fuzz-cli-'));
    try {
      const dataDir = path.join(workDir, 'data');
      const samples = fc.sample(badConfig.map((c) => JSON.stringify(c) ?? 'undefined'), { numRuns: 4, seed: 5 });
      samples.push(JSON.stringify(VALID_CONFIG).slice(0, 30));
      for (const [i, text] of samples.entries()) {
        const file = path.join(workDir, `config-${i}.json`);
        await writeFile(file, text);
        const r = await runCli(['--data-dir', dataDir, 'integration', 'add', '--config', file], { ROLLCALL_CLIENT_SECRET: 'not-a-real-secret-value', ROLLCALL_LMS_TOKEN: 'not-a-real-token' });
        expect(r.code, text).toBe(2);
        expect(r.stderr, text).toMatch(/^Error \[CONFIG_INVALID\]: \S.*\n {2}What to do: \S.+/);
        expect(r.stdout).toBe('');
      }
      // Nothing was stored: no integration in the data directory.
      const settings = (await readTree(dataDir)).find((f) => f.file.endsWith('settings.json'));
      if (settings) expect((JSON.parse(settings.content) as { integrations: unknown[] }).integrations).toEqual([]);
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  });
});
