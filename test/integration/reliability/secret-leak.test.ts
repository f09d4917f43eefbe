/**
 * Secrets stay secret through a whole working day: a sync, a wrong client secret, a refused LMS
 * token (from an LMS careless enough to echo the Authorization header in its error), through the
 * typed API and through the CLI. Afterwards the client secret, the LMS token, the wrong values
 * the admin typed and every access token the Graph simulator issued appear nowhere: not in API
 * results, the data directory, the audit logs, console output or CLI output.
 * (The renderer's DOM is covered by the UI's end-to-end tests.)
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { IntegrationSummary, RunStatus } from '../../../src-preload/api-types';
import { TokenIssuer } from '../../../src-main/demo/graph/auth';
import { startDemoTenant, type DemoTenant } from '../../../src-main/demo/tenant';
import type { HandlerContext } from '../../../src-main/ipc/context';
import { dispatch } from '../../../src-main/ipc/dispatch';
import { KeytarSecretStore } from '../../../src-main/secrets/keytar-store';
import { runCli } from '../../helpers/cli';
import { testContext } from '../../helpers/context';
import { missingSystemPart } from '../../helpers/system';
import { readTree } from '../../helpers/tmp';

const WRONG_SECRET = 'Wr0ng~client.secret-value_0123456789abcd';
const WRONG_TOKEN = 'refused-lms-token-7d3e9c1b5a';
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/;

const keychain = await new KeytarSecretStore().available();
const skipReason = keychain.ok ? null : missingSystemPart('The OS keychain', keychain.error.message);

let demo: DemoTenant;
/** Every access token the Graph simulator handed out during this file. */
const issued: string[] = [];

beforeAll(async () => {
  const original = TokenIssuer.prototype.issue;
  vi.spyOn(TokenIssuer.prototype, 'issue').mockImplementation(function (this: TokenIssuer, ...args: Parameters<TokenIssuer['issue']>) {
    const token = original.apply(this, args);
    issued.push(token);
    return token;
  });
  demo = await startDemoTenant({ users: 150, seed: 31 });
});
afterAll(async () => {
  vi.restoreAllMocks();
  await demo.close();
});

/** What must never show up, with a name for the failure message. */
function secretsToFind(): Array<[string, string]> {
  const out: Array<[string, string]> = [
    ['client secret', demo.clientSecret],
    ['LMS token', demo.lmsToken],
    ['wrong client secret', WRONG_SECRET],
    ['refused LMS token', WRONG_TOKEN],
  ];
  for (const [i, t] of issued.entries()) out.push([`access token #${i}`, t], [`access token #${i} signature`, t.split('.')[2] ?? t]);
  return out;
}

function expectNoSecret(haystacks: Array<{ where: string; text: string }>): void {
  const needles = secretsToFind();
  for (const { where, text } of haystacks) {
    for (const [name, value] of needles) expect(text.includes(value), `${name} found in ${where}`).toBe(false);
    expect(JWT.test(text), `a JWT found in ${where}`).toBe(false);
  }
}

/** Captures everything written to the console and the process streams while `work` runs. */
async function capturingOutput<T>(work: () => Promise<T>): Promise<{ value: T; output: string }> {
  const chunks: string[] = [];
  const keep = (...args: unknown[]) => void chunks.push(args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack ?? ''}` : typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  const spies = [
    ...(['log', 'info', 'warn', 'error', 'debug', 'trace'] as const).map((m) => vi.spyOn(console, m).mockImplementation(keep)),
    vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => (keep(String(c)), true)),
    vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => (keep(String(c)), true)),
  ];
  try {
    return { value: await work(), output: chunks.join('\n') };
  } finally {
    for (const s of spies) s.mockRestore();
  }
}

describe('no secret and no access token leaks', () => {
  it('through the typed API: sync, wrong client secret, refused LMS token', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rollcall-leak-api-'));
    try {
      const results: unknown[] = [];
      const { output } = await capturingOutput(async () => {
        const ctx: HandlerContext = await testContext(dir, undefined, () => new Date());
        const call = async (method: Parameters<typeof dispatch>[0], input?: unknown) => {
          const r = await dispatch(method, input, ctx);
          results.push(r);
          return r;
        };
        const run = async (id: string, kind: 'dry-run' | 'apply'): Promise<RunStatus> => {
          const started = await call('startRun', { id, kind });
          if (!started.ok) throw new Error(started.error.message);
          const runId = (started.value as RunStatus).runId;
          await ctx.runs.wait(runId);
          const status = await call('getRunStatus', { runId });
          if (!status.ok) throw new Error(status.error.message);
          return status.value as RunStatus;
        };

        const created = await call('createIntegration', { config: demo.config });
        if (!created.ok) throw new Error(created.error.message);
        const id = (created.value as IntegrationSummary).id;
        await call('setSecret', { integrationId: id, kind: 'clientSecret', value: demo.clientSecret });
        await call('setSecret', { integrationId: id, kind: 'lmsToken', value: demo.lmsToken });
        await call('setIntegrationEnabled', { id, enabled: true, communicationConfirmed: true });
        await call('checkIntegration', { id, part: 'all' });
        await call('searchGroups', { id, prefix: 'Sal' });
        await call('listLmsGroups', { id });
        const applied = await run(id, 'apply');
        expect(applied.outcome).toBe('succeeded');
        expect(applied.applied).toBeGreaterThan(100);

        // The admin pastes a wrong client secret.
        await call('setSecret', { integrationId: id, kind: 'clientSecret', value: WRONG_SECRET });
        const wrongSecret = await run(id, 'dry-run');
        expect(wrongSecret.outcome).toBe('failed');
        expect(wrongSecret.error?.code).toBe('ENTRA_WRONG_SECRET');
        await call('checkIntegration', { id, part: 'entra' });
        await call('setSecret', { integrationId: id, kind: 'clientSecret', value: demo.clientSecret });

        // The LMS refuses the token and quotes the Authorization header back in its error.
        demo.lms.setFaults({ echoAuthInErrors: true });
        await call('setSecret', { integrationId: id, kind: 'lmsToken', value: WRONG_TOKEN });
        const refused = await run(id, 'dry-run');
        expect(refused.outcome).toBe('failed');
        expect(refused.error?.code).toBe('LMS_TOKEN_REFUSED');
        await call('checkIntegration', { id, part: 'lms' });
        await call('listLmsGroups', { id });
        demo.lms.setFaults({});

        await call('getIntegration', { id });
        await call('listIntegrations');
        const header = await call('getPlanHeader', { id });
        const version = header.ok ? (header.value as { plan: { version: string } | null }).plan?.version : undefined;
        if (version) await call('getPlanOps', { id, version, offset: 0, limit: 5_000 });
        const runs = await call('listRuns', { id });
        if (runs.ok) for (const r of runs.value as Array<{ id: string }>) await call('getAuditLog', { id, runId: r.id });
        await call('getAppInfo');
      });
      expect(issued.length).toBeGreaterThan(0);
      const files = await readTree(dir);
      expect(files.some((f) => f.file.endsWith('.jsonl'))).toBe(true);
      expectNoSecret([
        { where: 'API results', text: JSON.stringify(results) },
        { where: 'console output', text: output },
        ...files.map((f) => ({ where: f.file, text: f.content })),
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it.skipIf(skipReason !== null)(`through the CLI: sync, wrong client secret, refused LMS token${skipReason ? ` — skipped: ${skipReason}` : ''}`, async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rollcall-leak-cli-'));
    const keys = new KeytarSecretStore();
    let id = '';
    const outputs: string[] = [];
    const cli = async (args: string[], env: Record<string, string> = {}) => {
      const r = await runCli(['--data-dir', dir, ...args], env);
      outputs.push(`$ rollcall ${args.join(' ')}\n${r.stdout}\n${r.stderr}`);
      return r;
    };
    try {
      const configFile = path.join(dir, 'config.json');
      await writeFile(configFile, JSON.stringify(demo.config));
      const added = await cli(['integration', 'add', '--config', configFile, '--json'], { ROLLCALL_CLIENT_SECRET: demo.clientSecret, ROLLCALL_LMS_TOKEN: demo.lmsToken });
      expect(added.code, added.stderr).toBe(0);
      id = (JSON.parse(added.stdout) as { id: string }).id;
      expect((await cli(['integration', 'enable', '--integration', id, '--emails-confirmed'])).code).toBe(0);
      expect((await cli(['check', '--integration', id])).code).toBe(0);
      expect((await cli(['apply', '--integration', id, '--yes'])).code).toBe(0);

      await keys.set(id, 'clientSecret', WRONG_SECRET);
      const wrong = await cli(['plan', '--integration', id, '--json']);
      expect(wrong.code).toBe(3);
      expect(wrong.stdout).toContain('ENTRA_WRONG_SECRET');
      expect((await cli(['check', '--integration', id])).code).not.toBe(0);
      await keys.set(id, 'clientSecret', demo.clientSecret);

      demo.lms.setFaults({ echoAuthInErrors: true });
      await keys.set(id, 'lmsToken', WRONG_TOKEN);
      const refused = await cli(['apply', '--integration', id, '--yes']);
      expect(refused.code).toBe(3);
      expect(refused.stderr).toContain('LMS_TOKEN_REFUSED');
      expect((await cli(['check', '--integration', id])).code).not.toBe(0);
      demo.lms.setFaults({});
      await cli(['history', '--integration', id]);
      await cli(['integration', 'show', '--integration', id, '--json']);

      expect(issued.length).toBeGreaterThan(0);
      const files = (await readTree(dir)).filter((f) => f.file !== configFile);
      expect(files.some((f) => f.file.endsWith('.jsonl'))).toBe(true);
      expectNoSecret([{ where: 'CLI output', text: outputs.join('\n') }, ...files.map((f) => ({ where: f.file, text: f.content }))]);
    } finally {
      demo.lms.setFaults({});
      if (id) await cli(['integration', 'remove', '--integration', id, '--yes']);
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
