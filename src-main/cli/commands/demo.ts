/** rollcall demo | sim: the built-in demo tenant, no app registration needed. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { IntegrationConfigSchema } from '../../core/config';
import { showHidden } from '../../core/normalise';
import { describeUnmanaged } from '../../core/unmanaged';
import { groupPushLines } from '../../core/push-groups';
import type { Fixture } from '../../demo/graph';
import { startGraphSimulator } from '../../demo/graph';
import { DEMO_DEFAULT_USERS, startDemoTenant } from '../../demo/tenant';
import { MemorySecretStore } from '../../secrets/memory-store';
import { createIntegration, refreshSetupStatus, removeIntegration } from '../../store/integrations';
import { Store } from '../../store/store';
import { diagnoseUser } from '../../sync/diagnose-service';
import { runIntegration } from '../../sync/run';
import { exitCodeFor, ExitCode } from '../exit-codes';
import { table } from '../output';
import { UsageError, type CliContext, type Command } from '../context';
import { checklistJson } from './diagnose';
import { planJson } from './runs';

function positiveInt(value: string | boolean | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} takes a whole number.`, `For example: --${name} 500`);
  return n;
}

/**
 * The demo's own integration, made for this run and removed when it ends (also on Ctrl+C). It
 * points at simulators that stop with the command (new ports, a new CA and made-up credentials
 * held in memory each time), so kept behind it could never run again: with --data-dir, a second
 * demo would only pile up dead integrations beside the admin's. Nothing else in the folder is
 * touched: not the admin's integrations, not the app's own demo integration.
 */
async function demo(ctx: CliContext, values: Record<string, string | boolean | undefined>, explicitDataDir: boolean): Promise<number> {
  const users = positiveInt(values.users, 'users', DEMO_DEFAULT_USERS);
  const started = Date.now();
  // Ctrl+C (or a service stop) ends the dry run and still cleans up; a second Ctrl+C stops at once.
  const stop = new AbortController();
  const onSignal = () => {
    ctx.out.err(explicitDataDir ? `\nStopping the demo and taking its integration out of ${ctx.dataDir} … (Ctrl+C again stops at once, and leaves it there)` : '\nStopping the demo …');
    stop.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  ctx.out.err(`Starting the demo tenant: a simulated Entra ID with ${users} users and a simulated LMS, on 127.0.0.1 …`);
  const tenant = await startDemoTenant({ users });
  // The demo's own throwaway data directory, unless one was asked for.
  const dataDir = explicitDataDir ? ctx.dataDir : await mkdtemp(path.join(os.tmpdir(), 'rollcall-demo-'));
  let store: Store | null = null;
  // The demo credentials are made up by the simulators; they stay in memory, not the keychain.
  const secrets = new MemorySecretStore();
  let made: string | null = null;
  const stopped = () => (ctx.out.endProgress(), ctx.out.err('The demo was stopped before it finished.'), ExitCode.failed);
  try {
    if (stop.signal.aborted) return stopped();
    store = await Store.open(dataDir);
    const record = await createIntegration(store, IntegrationConfigSchema.parse(tenant.config), ctx.now());
    made = record.id;
    await secrets.set(record.id, 'clientSecret', tenant.clientSecret);
    await secrets.set(record.id, 'lmsToken', tenant.lmsToken);
    await refreshSetupStatus(store, secrets, record.id);
    const outcome = await runIntegration({ store, secrets, now: ctx.now }, { integrationId: record.id, kind: 'dry-run', trigger: 'cli', signal: stop.signal, onProgress: (p) => ctx.out.progress(p.stage, p.done, p.total) });
    ctx.out.endProgress();
    if (stop.signal.aborted) return stopped();
    if (!outcome.plan) {
      if (outcome.error) ctx.out.error(outcome.error);
      return outcome.error ? exitCodeFor(outcome.error) : ExitCode.failed;
    }
    const plan = outcome.plan;
    // A sample diagnosis, as "Troubleshoot user" shows it: why is the contractor not in the LMS?
    const excluded = tenant.tenant.cases.find((c) => c.key === 'contractor')?.email;
    const diagnosis = excluded ? await diagnoseUser({ store, secrets, now: ctx.now }, record.id, excluded, { freshness: 'cache', trigger: 'cli' }) : null;
    if (stop.signal.aborted) return stopped();
    if (ctx.out.json) {
      const sampleDiagnosis = diagnosis?.ok ? checklistJson(diagnosis.value) : null;
      ctx.out.result({ integration: { id: record.id, name: record.config.name, status: 'disabled' }, ...planJson(plan), sampleDiagnosis, cases: tenant.tenant.cases.map(({ key, email, story }) => ({ key, email, story })) });
      return ExitCode.ok;
    }
    const s = plan.summary;
    ctx.out.out(`\nDry run of the demo tenant (${users} Entra users, ${tenant.lms.users().length} accounts already in the LMS), in ${((Date.now() - started) / 1000).toFixed(1)} s. Nothing was written.\n`);
    ctx.out.out(table(['CREATE', 'UPDATE', 'DEACTIVATE', 'REACTIVATE', 'CONFLICT', 'SKIP', 'UNCHANGED'], [[s.create, s.update, s.deactivate, s.reactivate, s.conflict, s.skip, s.unchanged]]));
    if (plan.unmanaged && plan.unmanaged.count > 0) {
      const { title, detail } = describeUnmanaged(plan.unmanaged, 'cli');
      ctx.out.out(`\n${title}. ${detail} (rollcall unmanaged lists them)`);
    }
    const groups = groupPushLines(plan.groups);
    if (groups.length > 0) ctx.out.out(`\n${groups.join('\n')}`);
    const sample = [...plan.ops.filter((o) => o.kind === 'conflict'), ...plan.ops.filter((o) => o.reason === 'link_existing'), ...plan.ops.filter((o) => o.kind === 'create').slice(0, 3)];
    ctx.out.out('\nA sample of what it would do:');
    ctx.out.out(table(['KIND', 'USER', 'WHY'], sample.map((o) => [o.kind, o.email, o.detail]), 110));
    const notices = plan.ops.flatMap((o) => (o.notices ?? []).map((n) => [o.email, n.attribute, showHidden(n.raw), n.found.join(', ')] as (string | null)[]));
    if (notices.length) {
      ctx.out.out('\nHidden characters found and cleaned (why "Sales" ≠ "Sales"):');
      ctx.out.out(table(['USER', 'ATTRIBUTE', 'RAW VALUE', 'FOUND'], notices.slice(0, 8), 60));
    }
    if (diagnosis?.ok) {
      const c = diagnosis.value;
      ctx.out.out(`\nWhy is ${excluded} not in the LMS? (rollcall diagnose / Troubleshoot user)`);
      ctx.out.out(`  Verdict: ${c.verdict}`);
      for (const check of c.checks.filter((x) => x.status === 'fail')) ctx.out.out(`  FAIL  ${check.title}: ${check.detail}${check.fix ? `\n        What to do: ${check.fix}` : ''}`);
    }
    ctx.out.out('\nThe demo tenant has these stories to troubleshoot:');
    ctx.out.out(table(['E-MAIL', 'STORY'], tenant.tenant.cases.map((c) => [c.email, c.story]), 110));
    ctx.out.out('\nTo explore it in the app: npm start, then "Try with a demo tenant". To script against it: rollcall sim.');
    return ExitCode.ok;
  } finally {
    await tenant.close();
    if (!explicitDataDir) await rm(dataDir, { recursive: true, force: true });
    else if (store && made) await removeDemoIntegration(ctx, store, secrets, made);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Takes the demo's integration (and its history, caches and links) out of the admin's folder again. */
async function removeDemoIntegration(ctx: CliContext, store: Store, secrets: MemorySecretStore, id: string): Promise<void> {
  const removed = await removeIntegration(store, secrets, id);
  if (removed.ok) ctx.out.err(`The demo's integration ${id} was removed from ${store.dataDir} again; nothing else there was changed.`);
  else ctx.out.err(`The demo's integration ${id} could not be fully removed from ${store.dataDir}: ${removed.error.message} What to do: ${removed.error.fix} (or rollcall --data-dir ${store.dataDir} integration remove --integration ${id} --yes)`);
}

async function sim(ctx: CliContext, values: Record<string, string | boolean | undefined>): Promise<number> {
  const graphPort = positiveInt(values['graph-port'], 'graph-port', 0);
  const lmsPort = positiveInt(values['lms-port'], 'lms-port', 0);
  const users = positiveInt(values.users, 'users', DEMO_DEFAULT_USERS);
  const tenant = await startDemoTenant({ users, graphPort, lmsPort });
  let fixtureGraph: Awaited<ReturnType<typeof startGraphSimulator>> | null = null;
  if (typeof values.fixture === 'string') {
    // A tenant of your own (the JSON of generateTenant().fixture) replaces the generated one.
    const fixture = JSON.parse(await readFile(values.fixture, 'utf8')) as Fixture;
    await tenant.graph.close();
    fixtureGraph = await startGraphSimulator({ tenant: fixture, port: graphPort });
  }
  const graph = fixtureGraph ?? tenant.graph;
  const config = { ...tenant.config, source: { ...tenant.config.source, tenantId: graph.tenantId, custom: { authorityHost: graph.authorityHost, graphEndpoint: graph.graphEndpoint, caCertPem: graph.caCertPem } } };
  const info = { graph: graph.url, lms: tenant.lms.baseUrl, tenantId: graph.tenantId, clientId: tenant.config.source.clientId, env: { ROLLCALL_CLIENT_SECRET: tenant.clientSecret, ROLLCALL_LMS_TOKEN: tenant.lmsToken }, config };
  if (ctx.out.json) ctx.out.result(info);
  else {
    ctx.out.out(`Graph simulator (HTTPS, own CA): ${graph.url}\nLMS simulator (SCIM):            ${tenant.lms.baseUrl}`);
    ctx.out.out(`Demo credentials (made up by the simulators): ROLLCALL_CLIENT_SECRET='${tenant.clientSecret}' ROLLCALL_LMS_TOKEN='${tenant.lmsToken}'`);
    ctx.out.out('Save the config below to a file and add it with `rollcall integration add --config FILE`. Ctrl+C stops the simulators.');
    ctx.out.out(JSON.stringify(config, null, 2));
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await Promise.all([tenant.close(), fixtureGraph?.close()]);
  return ExitCode.ok;
}

export function demoCommand(explicitDataDir: boolean): Command {
  return {
    summary: 'start the built-in simulators, set up a demo integration and dry-run it (with --data-dir, the integration is removed again when it ends)',
    usage: 'rollcall demo [--users N] [--json]',
    options: { users: { type: 'string' } },
    run: (ctx, values) => demo(ctx, values, explicitDataDir),
  };
}

export const simCommand: Command = {
  summary: 'run the Graph and LMS simulators in the foreground',
  usage: 'rollcall sim [--graph-port P] [--lms-port Q] [--users N] [--fixture FILE]',
  options: { 'graph-port': { type: 'string' }, 'lms-port': { type: 'string' }, users: { type: 'string' }, fixture: { type: 'string' } },
  run: (ctx, values) => sim(ctx, values),
};
