/**
 * `npm run bench` — how fast Rollcall is on a large tenant, each figure beside a baseline measured
 * in the same run. Not part of `npm test`. Prints one table and writes bench-results.json.
 *
 *   npm run bench                      100,000 users, 10,000 creates (several minutes)
 *   npm run bench -- --quick           everything small, under a minute
 *   options: --users N  --creates N  --throttled-creates N  --plan-small N  --concurrency N
 *            --no-renderer  --no-build  --out FILE  --only dry-run,apply,plan,renderer
 *            --latency-users N  --latency-ms N   (rows 1n and 2n: every request that much slower)
 *
 * The simulators run in a child process (lib/sim-host.ts), so this process's time and peak RSS
 * are Rollcall's own.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { IntegrationConfigSchema, type IntegrationConfigInput } from '../../src-main/core/config';
import type { Plan, PlanSummary } from '../../src-main/core/model';
import { plan as makePlan } from '../../src-main/core/plan';
import { CHANGES_OVERLAP_MS } from '../../src-main/core/target-changes';
import { steadyTenant, syntheticTenant, type SyntheticTenant } from '../../src-main/core/testing/synthetic';
import { MemorySecretStore } from '../../src-main/secrets/memory-store';
import { createIntegration, refreshSetupStatus, setEnabled } from '../../src-main/store/integrations';
import { Store } from '../../src-main/store/store';
import { applyPlan } from '../../src-main/sync/apply';
import { AuditLog } from '../../src-main/sync/audit';
import { attributesNeeded, groupsNeeded, runIntegration, type RunOptions, type RunStage } from '../../src-main/sync/run';
import { linkRecorder } from '../../src-main/sync/link-recorder';
import { createEntraSource } from '../../src-main/entra';
import { createScimTarget } from '../../src-main/lms';
import { cacheFile, forgetParsed, loadCached, saveCached } from '../../src-main/sync/snapshot-cache';
import { barePosts, bareGraphRead, bareScimGets } from './lib/bare';
import { benchScimTarget, BENCH_CLIENT_SECRET, BENCH_LMS_TOKEN, entraSettingsFor, recordingConnectors, type GraphEndpoint } from './lib/connectors';
import { bestOf, collectGarbage, fmtMs, timedAfterCollecting, lifetimeMaxRssMb, renderTable, RssSampler, timed, verdict, ratioOf, type Row } from './lib/measure';
import { startSimHost, type SimHost } from './lib/sims';

const ROOT = path.resolve(import.meta.dirname, '../..');
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    users: { type: 'string' },
    creates: { type: 'string' },
    'throttled-creates': { type: 'string' },
    'plan-small': { type: 'string' },
    concurrency: { type: 'string' },
    'no-renderer': { type: 'boolean', default: false },
    only: { type: 'string' },
    'latency-users': { type: 'string' },
    'latency-ms': { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    out: { type: 'string', default: path.join(ROOT, 'bench-results.json') },
  },
});
const quick = args.quick === true;
const num = (v: string | undefined, full: number, small: number) => (v !== undefined ? Number(v) : quick ? small : full);
const USERS = num(args.users, 100_000, 3_000);
const CREATES = num(args.creates, 10_000, 500);
const THROTTLED = num(args['throttled-creates'], 2_000, 200);
const PLAN_SMALL = num(args['plan-small'], Math.round(USERS / 10), Math.round(USERS / 10));
const CONCURRENCY = num(args.concurrency, 8, 8);
/** Rows 1n/2n: a smaller tenant whose every Graph and SCIM request takes LATENCY_MS, as over a network. */
const LATENCY_USERS = num(args['latency-users'], Math.min(USERS, 20_000), Math.min(USERS, 3_000));
const LATENCY_MS = num(args['latency-ms'], 100, 100);
/** --only dry-run,apply,plan,renderer runs just those sections (the renderer needs dry-run's plan). */
const ONLY = new Set((args.only ?? 'dry-run,apply,plan,renderer').split(',').map((s) => s.trim()));

const rows: Row[] = [];
const notes: string[] = [];
const facts: Record<string, unknown> = { users: USERS, creates: CREATES, throttledCreates: THROTTLED, planSmall: PLAN_SMALL, concurrency: CONCURRENCY, quick, node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? null };
const rss = new RssSampler();
const log = (text: string) => process.stderr.write(`[bench] ${text}\n`);
const n = (x: number) => x.toLocaleString('en-US');

function configFor(graph: GraphEndpoint, allStaff: string, lmsBaseUrl: string, name: string): IntegrationConfigInput {
  return {
    name,
    source: entraSettingsFor(graph),
    target: { kind: 'scim', baseUrl: lmsBaseUrl, concurrency: CONCURRENCY },
    scope: { include: [{ kind: 'group', groupId: allStaff, groupName: 'All Staff' }] },
    deactivation: { deactivateUsers: true, useLastDay: true },
  };
}

async function integrationIn(store: Store, secrets: MemorySecretStore, config: IntegrationConfigInput): Promise<string> {
  const record = await createIntegration(store, IntegrationConfigSchema.parse(config), new Date());
  await secrets.set(record.id, 'clientSecret', BENCH_CLIENT_SECRET);
  await secrets.set(record.id, 'lmsToken', BENCH_LMS_TOKEN);
  await refreshSetupStatus(store, secrets, record.id);
  return record.id;
}

interface PhaseTimes {
  total: number;
  phases: Partial<Record<RunStage, { ms: number; peakRssMb: number }>>;
}

/** A run through runIntegration, timed, with the time and peak RSS of each stage and its connectors' request counts. */
async function measuredRun(services: { store: Store; secrets: MemorySecretStore }, options: Omit<RunOptions, 'connectors' | 'onProgress' | 'trigger'>) {
  const connectors = recordingConnectors();
  const phases: PhaseTimes['phases'] = {};
  const sides: { entra?: number; lms?: number } = {};
  let stage: RunStage | null = null;
  let since = performance.now();
  let lastLog = performance.now();
  const close = () => {
    if (stage) phases[stage] = { ms: (phases[stage]?.ms ?? 0) + performance.now() - since, peakRssMb: Math.max(phases[stage]?.peakRssMb ?? 0, rss.peak()) };
  };
  rss.reset();
  const t0 = performance.now();
  const outcome = await runIntegration(
    { ...services, now: () => new Date() },
    {
      ...options,
      trigger: 'cli',
      connectors: connectors.factory,
      onProgress: (p) => {
        if (p.reads) {
          // Both sides are read at once: when each one finished, from the start of the stage.
          if (p.reads.entra.finished) sides.entra ??= performance.now() - since;
          if (p.reads.lms.finished) sides.lms ??= performance.now() - since;
        }
        // An apply takes a while: where it is, every 15 s.
        if (p.stage === 'applying' && performance.now() - lastLog > 15_000) {
          lastLog = performance.now();
          log(`  applying: ${n(p.done)} of ${n(p.total ?? 0)} ops done after ${fmtMs(performance.now() - since)}`);
        }
        if (p.stage === stage) return;
        close();
        stage = p.stage;
        since = performance.now();
        if (options.kind === 'apply') log(`  ${stage}${p.stage === 'applying' && p.total !== null ? ` ${n(p.total)} ops` : ''}`);
        rss.reset();
      },
    },
  );
  close();
  const total = performance.now() - t0;
  const requests = { entra: connectors.made.source?.stats.requests ?? 0, lms: connectors.made.target?.stats().requests ?? 0 };
  return { outcome, total, phases, requests, entraMs: sides.entra ?? 0, lmsMs: sides.lms ?? 0 };
}

/** A dry run through runIntegration, with the time and peak RSS of each stage. */
async function dryRun(services: { store: Store; secrets: MemorySecretStore }, integrationId: string, full = false, keepPlan = false) {
  const before = await cacheFileStamps(services.store.dataDir, integrationId);
  const { outcome, total, phases, requests, entraMs, lmsMs } = await measuredRun(services, { integrationId, kind: 'dry-run', full });
  if (outcome.error || !outcome.plan) throw new Error(`dry run failed: ${outcome.error?.code} ${outcome.error?.message}`);
  // Figures only: holding every run's plan (~1 GB of heap each at 100k people) would slow the
  // runs after it by garbage collection; the app keeps the last plan only (RunManager, plan-holder).
  const written = await cacheFilesWritten(services.store.dataDir, integrationId, before);
  return { run: outcome.run, plan: keepPlan ? outcome.plan : null, ops: outcome.plan.ops.length, summary: outcome.plan.summary, total, phases, requests, entraMs, lmsMs, written };
}

const CACHE_KINDS = ['source', 'source-changes', 'target', 'target-changes', 'plan', 'plan-rows'] as const;
type CacheStamps = Map<(typeof CACHE_KINDS)[number], { mtimeMs: number; ino: number; size: number } | null>;

/** Each cache file's modification time, inode and size, to tell which files a run then wrote. */
async function cacheFileStamps(dataDir: string, integrationId: string): Promise<CacheStamps> {
  return new Map(await Promise.all(CACHE_KINDS.map(async (k) => [k, await stat(cacheFile(dataDir, integrationId, k)).then((s) => ({ mtimeMs: s.mtimeMs, ino: s.ino, size: s.size }), () => null)] as const)));
}

/**
 * The cache files a run wrote (changed since `before`), with their sizes: "plan 130 MB, …". Compared
 * with the files as they were, not with the run's start time: a run that starts just after another
 * one wrote must not count that one's files.
 */
async function cacheFilesWritten(dataDir: string, integrationId: string, before: CacheStamps): Promise<string> {
  const after = await cacheFileStamps(dataDir, integrationId);
  const mb = (bytes: number) => (bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1e3))} kB`);
  return CACHE_KINDS.flatMap((k) => {
    const now = after.get(k);
    const was = before.get(k);
    const changed = now && (!was || was.mtimeMs !== now.mtimeMs || was.ino !== now.ino || was.size !== now.size);
    return changed ? [`${k} ${mb(now.size)}`] : [];
  }).join(', ');
}

/** Rollcall's apply (applyPlan: SCIM client, audit log, link table) of a creates-only plan. */
async function rollcallApply(p: Plan, baseUrl: string, store: Store, integrationId: string) {
  const target = benchScimTarget(baseUrl, CONCURRENCY);
  const audit = AuditLog.open(store.auditDir, integrationId, `bench-${Date.now()}`);
  try {
    const r = await timed(() => applyPlan(p, target, linkRecorder(store, integrationId), audit, { concurrency: CONCURRENCY, now: () => new Date() }));
    return { ...r, stats: target.stats() };
  } finally {
    await audit.close();
    target.close();
  }
}

/** The bodies a client would POST to recreate these accounts elsewhere (server-made fields removed). */
function bodiesOf(users: Array<Record<string, unknown>>): unknown[] {
  return users.map(({ id: _id, meta: _meta, ...rest }) => rest);
}

/**
 * Rounds of section 1: of each read alone beside its bare loop, then of full dry runs beside both
 * bare loops at once. A try on this shared box moves by ±20 %, so five rounds, for a best near each
 * side's own time.
 */
const READ_ROUNDS = 5;

/**
 * A read held against the node:http(s) loops (stricter than the fetch loop the issue names): the
 * same 1.3, shown as within or over (best of the tries in `all`).
 */
function stricterRow(id: string, what: string, ms: number, how: string, all: number[], baselineWhat: string): Row {
  return { id, what, ms, detail: `${how}; all: ${all.map(fmtMs).join(', ')}`, baselineWhat, baselineMs: Math.min(...all), target: { kind: 'stricter', max: 1.3 } };
}

/** Returns the integration whose last plan (in the snapshot cache) the renderer section shows. */
async function section1and2(host: SimHost, store: Store, secrets: MemorySecretStore): Promise<string> {
  log(`generating a ${n(USERS)}-user tenant and an LMS with the same ${n(USERS)} people`);
  const graph = await host.startGraph(USERS, 2026);
  const lms = await host.startLms({ seedFromGraph: graph.id, orgResources: true });
  const id = await integrationIn(store, secrets, configFor(graph.endpoint, graph.allStaff, lms.baseUrl, 'Bench (full)'));

  const settings = IntegrationConfigSchema.parse(configFor(graph.endpoint, graph.allStaff, lms.baseUrl, 'Bench (full)'));
  const readOptions = { groupIds: groupsNeeded(settings), extraAttributes: attributesNeeded(settings) };

  // The first dry run warms both processes up (JIT, and the simulators' heap just filled with the
  // tenant) and records the LMS GETs the bare loop repeats; it is not measured. The measured dry
  // runs then alternate with their baseline, round by round, so neither gets the quieter or the
  // colder minutes of the box: with both dry runs first, row 1 read ~0.1 higher than interleaved.
  log('Rollcall full dry run (warm-up)');
  await host.clearLog(lms.id);
  const warmUp = await dryRun({ store, secrets }, id, true);
  const gets = (await host.lmsLog(lms.id)).filter((e) => e.method === 'GET').map((e) => e.url);

  // The box is shared: Rollcall and bare interleaved, best of READ_ROUNDS each.
  const dryRuns: Awaited<ReturnType<typeof dryRun>>[] = [];
  const rollcallEntra: number[] = [];
  const rollcallLms: number[] = [];
  const bareGraphs: number[] = [];
  const bareScims: number[] = [];
  const bareBoth: number[] = [];
  const fetchGraphs: number[] = [];
  const fetchScims: number[] = [];
  const fetchBoth: number[] = [];
  let bareGraphRequests = 0;
  let bareScimRequests = 0;
  // Every timed read starts from a collected heap (timedAfterCollecting, as bestOf's tries do):
  // the garbage a 100k dry run leaves must not land on whichever read comes after it. The reads
  // alone come first, without the warm-up's kept snapshots and plan: a full run lets go of those
  // before it reads (run.ts), so a full read never has them beside it in the app either.
  forgetParsed(store.dataDir, id);
  for (let i = 0; i < READ_ROUNDS; i++) {
    log(`each read alone, Rollcall and bare: round ${i + 1} of ${READ_ROUNDS}`);
    const bg = await timedAfterCollecting(() => bareGraphRead(graph.endpoint, [graph.allStaff]));
    bareGraphs.push(bg.ms);
    bareGraphRequests = bg.value.requests;
    fetchGraphs.push((await timedAfterCollecting(() => bareGraphRead(graph.endpoint, [graph.allStaff], undefined, 'fetch'))).ms);
    rollcallEntra.push(
      (
        await timedAfterCollecting(async () => {
          const source = createEntraSource(settings.source, BENCH_CLIENT_SECRET);
          try {
            const r = await source.readFull(readOptions);
            if (!r.ok) throw new Error(r.error.message);
          } finally {
            source.close();
          }
        })
      ).ms,
    );
    const bs = await timedAfterCollecting(() => bareScimGets(lms.baseUrl, gets, CONCURRENCY));
    bareScims.push(bs.ms);
    bareScimRequests = bs.value.requests;
    fetchScims.push((await timedAfterCollecting(() => bareScimGets(lms.baseUrl, gets, CONCURRENCY, 'fetch'))).ms);
    rollcallLms.push(
      (
        await timedAfterCollecting(async () => {
          const target = createScimTarget(settings.target, BENCH_LMS_TOKEN);
          try {
            const r = await target.readAll();
            if (!r.ok) throw new Error(r.error.message);
          } finally {
            target.close();
          }
        })
      ).ms,
    );
  }
  // One unmeasured dry run after the reads alone, so the measured ones run warm. Each dry run
  // keeps its snapshots and plan for the next diagnosis (~340 MB at 100k); the next full run lets
  // go of them before it reads (run.ts). Let go of here before each baseline too, so both sides
  // read on the same collected heap: with the copy still held, the bare loops read beside 340 MB
  // that the dry run after them no longer has.
  log('Rollcall full dry run (unmeasured warm-up of the dry runs)');
  await dryRun({ store, secrets }, id, true);
  for (let i = 0; i < READ_ROUNDS; i++) {
    log(`full dry run and both bare loops at once: round ${i + 1} of ${READ_ROUNDS}`);
    forgetParsed(store.dataDir, id);
    // The dry run reads both sides at once; so does this baseline.
    bareBoth.push((await timedAfterCollecting(() => Promise.all([bareGraphRead(graph.endpoint, [graph.allStaff]), bareScimGets(lms.baseUrl, gets, CONCURRENCY)]))).ms);
    fetchBoth.push((await timedAfterCollecting(() => Promise.all([bareGraphRead(graph.endpoint, [graph.allStaff], undefined, 'fetch'), bareScimGets(lms.baseUrl, gets, CONCURRENCY, 'fetch')]))).ms);
    collectGarbage?.();
    dryRuns.push(await dryRun({ store, secrets }, id, true));
  }
  const full = dryRuns.reduce((a, b) => (b.total < a.total ? b : a));
  const best = (xs: number[]) => Math.min(...xs);
  const ph = full.phases;
  // Row 1 is the fastest reading stage of the measured dry runs, as its baseline is their best.
  const readOf = (r: typeof full) => r.phases.reading?.ms ?? Number.POSITIVE_INFINITY;
  const fasterRead = dryRuns.reduce((a, b) => (readOf(b) < readOf(a) ? b : a));
  const entraMs = fasterRead.entraMs;
  const lmsMs = fasterRead.lmsMs;
  const readMs = ph.reading?.ms ?? 0;
  const planMs = ph.planning?.ms ?? 0;
  const saveMs = ph.saving?.ms ?? 0;
  const rssOf = (s: RunStage) => `${ph[s]?.peakRssMb ?? 0} MB`;
  rows.push(
    {
      id: '1a',
      what: `Entra full read, ${n(USERS)} users (best of ${READ_ROUNDS})`,
      ms: best(rollcallEntra),
      detail: `${n(full.requests.entra)} Graph requests (bare: ${n(bareGraphRequests)}); in the dry run ${fmtMs(entraMs)}, peak RSS ${rssOf('reading')} (both reads); all: ${rollcallEntra.map(fmtMs).join(', ')} vs fetch ${fetchGraphs.map(fmtMs).join(', ')}`,
      baselineWhat: 'bare fetch loop, same pages',
      baselineMs: best(fetchGraphs),
      target: { kind: 'ratio', max: 1.3 },
    },
    stricterRow('1a-h', `Entra full read, ${n(USERS)} users, against a stricter loop`, best(rollcallEntra), 'node:https on a keep-alive agent instead of fetch', bareGraphs, 'bare node:https loop, same pages'),
    {
      id: '1b',
      what: `LMS full read, ${n(USERS)} accounts (best of ${READ_ROUNDS})`,
      ms: best(rollcallLms),
      detail: `${n(full.requests.lms)} SCIM requests (bare: ${n(bareScimRequests)}, same URLs, concurrency ${CONCURRENCY}); in the dry run ${fmtMs(lmsMs)}, peak RSS ${rssOf('reading')} (both reads); all: ${rollcallLms.map(fmtMs).join(', ')} vs fetch ${fetchScims.map(fmtMs).join(', ')}`,
      baselineWhat: 'bare fetch loop, same GETs',
      baselineMs: best(fetchScims),
      target: { kind: 'ratio', max: 1.3 },
    },
    stricterRow('1b-h', `LMS full read, ${n(USERS)} accounts, against a stricter loop`, best(rollcallLms), 'node:http on a keep-alive agent instead of fetch', bareScims, 'bare node:http loop, same GETs'),
    {
      id: '1c',
      what: `plan ${n(USERS)} × ${n(USERS)} (in the dry run)`,
      ms: planMs,
      detail: `${n(full.ops)} ops; peak RSS ${rssOf('planning')}; then saving snapshots ${fmtMs(saveMs)} (peak RSS ${rssOf('saving')})`,
      baselineWhat: '—',
      baselineMs: null,
      target: { kind: 'none' },
    },
    {
      id: '1',
      what: `full dry run: its reads (Entra and LMS at once; best of ${READ_ROUNDS})`,
      ms: readOf(fasterRead),
      detail: `the dry run's reading stage: Entra done after ${fmtMs(entraMs)}, LMS after ${fmtMs(lmsMs)}; the ${READ_ROUNDS} dry runs: ${dryRuns.map((r) => fmtMs(readOf(r))).join(', ')} vs both fetch loops at once: ${fetchBoth.map(fmtMs).join(', ')} (the warm-up dry run before them: ${fmtMs(readOf(warmUp))})`,
      baselineWhat: 'bare fetch loops for Graph and SCIM, at once',
      baselineMs: best(fetchBoth),
      target: { kind: 'ratio', max: 1.3 },
    },
    stricterRow('1-h', 'full dry run: its reads, against stricter loops', readOf(fasterRead), 'node:https and node:http on keep-alive agents instead of fetch', bareBoth, 'bare node:https and node:http loops, at once'),
    {
      id: '1d',
      what: `full dry run, end to end (read, plan, save; best of ${READ_ROUNDS})`,
      ms: full.total,
      detail: `read ${fmtMs(readMs)} + plan ${fmtMs(planMs)} + save ${fmtMs(saveMs)} (all ${READ_ROUNDS}: ${dryRuns.map((r) => fmtMs(r.total)).join(', ')}); process peak RSS ${lifetimeMaxRssMb()} MB (resourceUsage maxRSS)`,
      baselineWhat: 'bare fetch loops for Graph and SCIM, at once',
      baselineMs: best(fetchBoth),
      target: { kind: 'none' },
    },
  );
  facts.fullDryRun = { warmUpMs: warmUp.total, totalMs: dryRuns.map((r) => r.total), phases: full.phases, requests: full.requests, readsAlone: { rollcallEntraMs: rollcallEntra, bareGraphMs: bareGraphs, fetchGraphMs: fetchGraphs, rollcallLmsMs: rollcallLms, bareScimMs: bareScims, fetchScimMs: fetchScims, bareBothMs: bareBoth, fetchBothMs: fetchBoth, bareGraphRequests, bareScimRequests }, summary: full.summary };

  // Row 2f: the tenant before Rollcall ever applied. The LMS holds the same people but not yet
  // what Entra says, so every plan carries the whole pending first sync.
  log('incremental dry run, first sync still pending, after 1 % of users changed');
  const changedFirst = await host.mutate(graph.id, 0.01);
  const pending = await dryRun({ store, secrets }, id);
  readModeNotes('2f', pending);
  rows.push({
    id: '2f',
    what: `incremental dry run, first sync still pending, ${n(changedFirst)} users (1 %) changed`,
    ms: pending.total,
    detail: `${incrementalDetail(pending, full)}; ${n(pending.ops)} ops`,
    baselineWhat: 'the full dry run (row 1d)',
    baselineMs: full.total,
    target: { kind: 'none' },
  });
  // The renderer shows this first-sync plan (the runs below overwrite the integration's last plan).
  const firstSyncPlanOf = `${id}-first-sync`;
  if (ONLY.has('renderer')) await copyFile(cacheFile(store.dataDir, id, 'plan'), cacheFile(store.dataDir, firstSyncPlanOf, 'plan'));
  // --only renderer needs that plan only, not the apply and the steady state.
  if (!ONLY.has('dry-run')) return firstSyncPlanOf;

  // Row 2a: the admin reviewed that dry run, enables the integration and applies it, confirming
  // its deactivations (over the threshold) as the UI's confirm or the CLI's --max-deactivations N
  // does; expectedSummary stops the apply if the fresh plan is not the one reviewed.
  const enabled = await setEnabled(store, secrets, id, true, new Date(), { communicationConfirmed: true });
  if (!enabled.ok) throw new Error(`could not enable the integration: ${enabled.error.message}`);
  // At the integration's concurrency (configFor: CONCURRENCY, twice the default).
  log(`Rollcall apply of the pending first sync (${n(pending.ops)} ops reviewed), concurrency ${CONCURRENCY}`);
  const applied = await measuredRun({ store, secrets }, { integrationId: id, kind: 'apply', confirmedDeactivations: pending.summary.deactivate, expectedSummary: pending.summary });
  const result = applied.outcome.apply;
  if (applied.outcome.error || !result) throw new Error(`the first-sync apply ended ${applied.outcome.run.outcome}: ${applied.outcome.error?.code} ${applied.outcome.error?.message}`);
  const appliedOps = applied.outcome.plan?.ops.length ?? 0;
  const failedBy = new Map<string, number>();
  for (const f of result.failures) failedBy.set(`${f.op.kind} ${f.error.code}`, (failedBy.get(`${f.op.kind} ${f.error.code}`) ?? 0) + 1);
  if (result.failed > 0) {
    const f = result.failures[0];
    notes.push(`2a: ${n(result.failed)} of the first sync's ops failed (${[...failedBy].map(([k, c]) => `${k} × ${n(c)}`).join(', ')}); the first: ${f?.op.kind} ${f?.op.email ?? f?.op.targetId}: ${f?.error.message}${f?.error.lmsDetail ? ` (LMS: ${f.error.lmsDetail})` : ''}`);
  }
  const aph = applied.phases;
  rows.push({
    id: '2a',
    what: `apply the first sync, ${n(appliedOps)} ops`,
    ms: applied.total,
    detail: `${n(result.applied)} ops applied, ${n(result.failed)} failed (outcome ${result.outcome}); ${n(applied.requests.lms)} SCIM requests, concurrency ${CONCURRENCY}; ${n(pending.summary.deactivate)} deactivations confirmed; read ${fmtMs(aph.reading?.ms ?? 0)} (Entra ${applied.outcome.run.readMode}, LMS ${applied.outcome.run.lmsRead?.mode ?? '?'}) + plan ${fmtMs(aph.planning?.ms ?? 0)} + save ${fmtMs(aph.saving?.ms ?? 0)} + apply ${fmtMs(aph.applying?.ms ?? 0)} (peak RSS ${aph.applying?.peakRssMb ?? 0} MB)`,
    baselineWhat: '—',
    baselineMs: null,
    target: { kind: 'none' },
  });

  // A changes read asks for the accounts modified since its snapshot's read less an overlap (for
  // the LMS's clock): a snapshot read within that overlap of the apply would have row 2 re-read
  // what the apply wrote. A scheduled run comes later; here the LMS's clock (its Date header and
  // meta.lastModified) is moved past the overlap instead of waiting it out. Rollcall compares the
  // LMS's times only with each other (core/target-changes.ts), never with this machine's clock.
  const lmsNow = await host.advanceClock(lms.id, CHANGES_OVERLAP_MS + 5_000);
  log(`LMS clock moved ${fmtMs(CHANGES_OVERLAP_MS + 5_000)} forward (to ${lmsNow}), past the changes read's overlap since the apply's last write`);

  // Row 2b: the steady state's full dry run, the baseline of row 2. After the apply its plan
  // should be (nearly) empty: anything left is planned again at every run.
  log('full dry run after the applied sync (1st)');
  const steady1 = await dryRun({ store, secrets }, id, true);
  log('full dry run after the applied sync (2nd)');
  const steady2 = await dryRun({ store, secrets }, id, true);
  const steady = steady2.total < steady1.total ? steady2 : steady1;
  const leftovers = steady2.ops > 0 ? await describeOps(store.dataDir, id) : null;
  if (leftovers) {
    notes.push(`2b: after the applied first sync, a full dry run still plans ${n(steady2.ops)} ops (${summaryText(steady2.summary)}): ${leftovers.text}`);
    log(`steady-state plan not empty: ${leftovers.text}`);
  }
  const sph = steady.phases;
  rows.push({
    id: '2b',
    what: 'full dry run after an applied sync (read, plan, save; best of 2)',
    ms: steady.total,
    detail: `read ${fmtMs(sph.reading?.ms ?? 0)} + plan ${fmtMs(sph.planning?.ms ?? 0)} + save ${fmtMs(sph.saving?.ms ?? 0)} (the other run: ${fmtMs(steady === steady1 ? steady2.total : steady1.total)}); ${n(steady.ops)} ops (${summaryText(steady.summary)}); wrote ${steady.written}`,
    baselineWhat: 'first-sync full dry run (row 1d)',
    baselineMs: full.total,
    target: { kind: 'none' },
  });

  // Row 2: the steady state the issue means: after an applied sync, 1 % of people change.
  log('incremental dry run after the applied sync, after 1 % of users changed');
  const changed = await host.mutate(graph.id, 0.01);
  const delta = await dryRun({ store, secrets }, id);
  readModeNotes('2', delta);
  rows.push({
    id: '2',
    what: `incremental dry run after an applied sync, ${n(changed)} users (1 %) changed`,
    ms: delta.total,
    detail: `${incrementalDetail(delta, steady)}; ${n(delta.ops)} ops (${summaryText(delta.summary)})`,
    baselineWhat: 'full dry run after an applied sync (row 2b)',
    baselineMs: steady.total,
    target: { kind: 'ratio', max: 0.1 },
  });
  notes.push(
    '1: the issue sets the 1.3 target against "a bare loop fetching the same pages with fetch", which can only stand for the reading: row 1 is the dry run\'s reading stage against bare fetch loops reading both sides at once, as the dry run does; row 1d is the whole run, whose planning and saving rows 1c and 4 measure. Rows 1a-h, 1b-h and 1-h hold the same figures against node:http(s) loops on keep-alive agents, which do less per request than fetch: stricter than the issue asks, shown as within or over.',
    `2: the steady state: Rollcall applied the first sync (row 2a: the reviewed plan of row 2f, its deactivations confirmed, through runIntegration against the LMS simulator), then the LMS's clock was moved past the changes read's ${CHANGES_OVERLAP_MS / 60_000}-minute overlap (as time passes before a scheduled run; the simulator's Date header and meta.lastModified follow it) and 1 % of people changed in Entra. Row 2's baseline is a forced full dry run of that tenant (row 2b). Both sides are read by their changes (Entra by delta, the LMS by meta.lastModified and a count), built on the snapshots the full run kept in memory, and saved as their changes (see "wrote"); the plan is made by planning again only the people whose Entra user or LMS account changed on the last plan's working state (core/replan.ts, which proves the rest still holds or plans everyone). Row 2f is the same incremental run before any apply: each plan then carries the whole pending first sync (${n(pending.ops)} ops here), whose planning and writing dominate; rows 1n/2n show those first-sync runs when requests take network time.`,
  );
  const factsOf = (r: typeof delta) => ({ totalMs: r.total, phases: r.phases, requests: r.requests, ops: r.ops, summary: r.summary, readMode: r.run.readMode, lmsRead: r.run.lmsRead });
  facts.incremental = { row: '2', ...factsOf(delta), changed };
  facts.incrementalFirstSyncPending = { row: '2f', ...factsOf(pending), changed: changedFirst };
  facts.firstSyncApply = { row: '2a', totalMs: applied.total, phases: applied.phases, requests: applied.requests, concurrency: CONCURRENCY, ops: appliedOps, applied: result.applied, failed: result.failed, failedBy: Object.fromEntries(failedBy), outcome: result.outcome, confirmedDeactivations: pending.summary.deactivate };
  facts.steadyFullDryRun = { row: '2b', totalMs: [steady1.total, steady2.total], phases: steady.phases, requests: steady.requests, ops: [steady1.ops, steady2.ops], summary: steady.summary, leftovers: leftovers?.facts ?? null };
  return firstSyncPlanOf;
}

type DryRunResult = Awaited<ReturnType<typeof dryRun>>;

/** Notes when an incremental run did not read a side by its changes. */
function readModeNotes(row: string, r: DryRunResult): void {
  if (r.run.readMode !== 'delta') notes.push(`${row}: the incremental dry run read Entra in ${r.run.readMode} mode, not delta.`);
  if (r.run.lmsRead?.mode !== 'changes') notes.push(`${row}: the incremental dry run read the LMS in full: ${r.run.lmsRead?.reason ?? 'no reason recorded'}.`);
  if (r.run.planMode?.mode !== 'changes') notes.push(`${row}: the incremental dry run planned everyone: ${r.run.planMode?.reason ?? 'no reason recorded'}.`);
}

/** How an incremental run read, what each stage took and what it wrote, beside the full run it is compared with. */
function incrementalDetail(r: DryRunResult, fullRun: DryRunResult): string {
  const ph = r.phases;
  const planned = r.run.planMode?.mode === 'changes' ? 'only the changed people planned' : `everyone planned (${r.run.planMode?.reason ?? '?'})`;
  return `Entra read ${r.run.readMode}, LMS read ${r.run.lmsRead?.mode ?? '?'}, ${planned}; read ${fmtMs(ph.reading?.ms ?? 0)} (at once: Entra ${fmtMs(r.entraMs)}, ${n(r.requests.entra)} requests; LMS ${fmtMs(r.lmsMs)}, ${n(r.requests.lms)}) + plan ${fmtMs(ph.planning?.ms ?? 0)} + save ${fmtMs(ph.saving?.ms ?? 0)}; wrote ${r.written} (the full run: ${fullRun.written})`;
}

function summaryText(s: PlanSummary): string {
  const parts = (['create', 'update', 'deactivate', 'reactivate', 'conflict', 'skip'] as const).filter((k) => s[k] > 0).map((k) => `${n(s[k])} ${k}`);
  return parts.length ? parts.join(', ') : 'nothing to change';
}

/** What a plan that should be empty holds: its ops by kind and reason, the fields they change, a few samples. */
async function describeOps(dataDir: string, integrationId: string): Promise<{ text: string; facts: unknown }> {
  const p = await loadCached(dataDir, integrationId, 'plan');
  if (!p) return { text: 'the plan could not be read back', facts: null };
  const count = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  const byKind = new Map<string, number>();
  const byField = new Map<string, number>();
  for (const op of p.ops) {
    count(byKind, `${op.kind}/${op.reason}`);
    for (const c of op.changes) count(byField, c.field);
  }
  const top = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, 8);
  const value = (v: unknown) => JSON.stringify(v)?.slice(0, 80) ?? 'undefined';
  const samples = p.ops.slice(0, 3).map((op) => `${op.kind}/${op.reason} ${op.email ?? op.targetId}: ${op.changes.map((c) => `${c.field} ${value(c.from)} → ${value(c.to)}`).join('; ') || op.detail}`);
  const text = `by kind/reason ${top(byKind).map(([k, c]) => `${k} × ${n(c)}`).join(', ')}; fields ${top(byField).map(([k, c]) => `${k} × ${n(c)}`).join(', ') || 'none'}; e.g. ${samples.join(' | ')}`;
  return { text, facts: { byKind: Object.fromEntries(byKind), byField: Object.fromEntries(byField), samples } };
}

/**
 * Rows 1n and 2n: the same dry runs when every Graph and SCIM request takes LATENCY_MS, as it
 * does over a network (real Graph answers a 100-user page with managers in a few hundred ms).
 * Loopback makes reading almost free, so rows 1d and 2 weigh Rollcall's CPU work; here the
 * reading dominates, as it does for an admin.
 */
async function sectionNetwork(host: SimHost, store: Store, secrets: MemorySecretStore): Promise<void> {
  log(`network-like: ${n(LATENCY_USERS)} users, every Graph and SCIM request +${LATENCY_MS} ms`);
  const graph = await host.startGraph(LATENCY_USERS, 4242, LATENCY_MS);
  const lms = await host.startLms({ seedFromGraph: graph.id, orgResources: true, latencyMs: LATENCY_MS });
  const id = await integrationIn(store, secrets, configFor(graph.endpoint, graph.allStaff, lms.baseUrl, 'Bench (network)'));
  await host.clearLog(lms.id);
  const full = await dryRun({ store, secrets }, id, true);
  const gets = (await host.lmsLog(lms.id)).filter((e) => e.method === 'GET').map((e) => e.url);
  const bare = await timed(() => Promise.all([bareGraphRead(graph.endpoint, [graph.allStaff]), bareScimGets(lms.baseUrl, gets, CONCURRENCY)]));
  const changed = await host.mutate(graph.id, 0.01);
  const delta = await dryRun({ store, secrets }, id);
  const ph = (r: typeof full) => `read ${fmtMs(r.phases.reading?.ms ?? 0)} (Entra ${fmtMs(r.entraMs)}, ${n(r.requests.entra)} requests; LMS ${fmtMs(r.lmsMs)}, ${n(r.requests.lms)}) + plan ${fmtMs(r.phases.planning?.ms ?? 0)} + save ${fmtMs(r.phases.saving?.ms ?? 0)}`;
  rows.push(
    {
      id: '1n',
      what: `full dry run, ${n(LATENCY_USERS)} users, +${LATENCY_MS} ms a request`,
      ms: full.total,
      detail: ph(full),
      baselineWhat: 'bare Graph and SCIM loops at once, same latency',
      baselineMs: bare.ms,
      target: { kind: 'ratio', max: 1.3 },
    },
    {
      id: '2n',
      what: `incremental dry run, ${n(changed)} users (1 %) changed, +${LATENCY_MS} ms a request`,
      ms: delta.total,
      detail: `Entra read ${delta.run.readMode}, LMS read ${delta.run.lmsRead?.mode ?? '?'}; ${ph(delta)}`,
      baselineWhat: 'the full dry run (row 1n)',
      baselineMs: full.total,
      target: { kind: 'ratio', max: 0.1 },
    },
  );
  if (delta.run.readMode !== 'delta') notes.push(`2n: the second dry run read Entra in ${delta.run.readMode} mode, not delta.`);
  if (delta.run.lmsRead?.mode !== 'changes') notes.push(`2n: the second dry run read the LMS in full: ${delta.run.lmsRead?.reason ?? 'no reason recorded'}.`);
  facts.network = { users: LATENCY_USERS, latencyMs: LATENCY_MS, fullMs: full.total, bareMs: bare.ms, incrementalMs: delta.total, fullPhases: full.phases, incrementalPhases: delta.phases, requests: { full: full.requests, incremental: delta.requests } };
}

/** Row 3a: tries of Rollcall's apply and of the bare POST loop, alternating. */
const APPLY_ROUNDS = 4;

async function section3(host: SimHost, store: Store, secrets: MemorySecretStore): Promise<void> {
  log(`apply: a ${n(CREATES)}-user tenant into an empty LMS`);
  const graph = await host.startGraph(CREATES, 77);
  const lmsA = await host.startLms({});
  const id = await integrationIn(store, secrets, configFor(graph.endpoint, graph.allStaff, lmsA.baseUrl, 'Bench (apply)'));
  const dry = (await dryRun({ store, secrets }, id, false, true)).plan as Plan;
  const creates = dry.ops.filter((o) => o.kind === 'create');
  const createsOnly = (k: number): Plan => ({ ...dry, ops: creates.slice(0, k), departmentsToCreate: [], guards: [] });

  // The first apply warms up (and gives the bodies the LMS stored, which the bare loop POSTs); it
  // is not measured. Then Rollcall and the bare loop alternate, each into an empty LMS and from a
  // collected heap: one try moves by ~25 % on this shared box, so the best of APPLY_ROUNDS.
  log(`Rollcall apply (warm-up): ${n(creates.length)} creates, concurrency ${CONCURRENCY}`);
  const applied = await rollcallApply(createsOnly(creates.length), lmsA.baseUrl, store, id);
  if (applied.value.failed > 0) notes.push(`3: ${applied.value.failed} creates failed: ${applied.value.failures[0]?.error.code}`);
  const bodies = bodiesOf(await host.lmsUsers(lmsA.id));
  const mine: number[] = [];
  const bares: number[] = [];
  for (let round = 1; round <= APPLY_ROUNDS; round++) {
    log(`bare POST loop, then Rollcall's apply, ${n(bodies.length)} creates each into an empty LMS (round ${round} of ${APPLY_ROUNDS})`);
    const lmsB = await host.startLms({});
    bares.push((await timedAfterCollecting(() => barePosts(lmsB.baseUrl, bodies, CONCURRENCY))).ms);
    const lmsAgain = await host.startLms({});
    // Each try is a first sync, as the warm-up was: an empty link table.
    await (await store.links(id)).update((file) => void (file.links = []));
    collectGarbage?.();
    const again = await rollcallApply(createsOnly(creates.length), lmsAgain.baseUrl, store, id);
    if (again.value.failed > 0) notes.push(`3a: ${again.value.failed} creates failed in round ${round}: ${again.value.failures[0]?.error.code}`);
    mine.push(again.ms);
  }
  rows.push({
    id: '3a',
    what: `apply ${n(creates.length)} creates, concurrency ${CONCURRENCY} (best of ${APPLY_ROUNDS})`,
    ms: Math.min(...mine),
    detail: `${n(applied.value.applied)} applied, ${applied.value.failed} failed; ${n(applied.stats.requests)} SCIM requests (incl. discovery); audit log + link table written; all: ${mine.map(fmtMs).join(', ')} vs bare ${bares.map(fmtMs).join(', ')} (the warm-up apply before them: ${fmtMs(applied.ms)})`,
    baselineWhat: 'bare POST loop, same bodies',
    baselineMs: Math.min(...bares),
    target: { kind: 'ratio', max: 1.2 },
  });

  const t = Math.min(THROTTLED, creates.length);
  log(`Rollcall apply with 5 % 429 (Retry-After 1 s): ${n(t)} creates`);
  const lmsC = await host.startLms({ rate429: 0.05, retryAfterSeconds: 1 });
  const throttled = await rollcallApply(createsOnly(t), lmsC.baseUrl, store, id);
  const c429 = (await host.stats({ lms: lmsC.id })).lms429;
  const lmsD = await host.startLms({});
  const bareT = await timed(() => barePosts(lmsD.baseUrl, bodies.slice(0, t), CONCURRENCY));
  const lmsE = await host.startLms({ rate429: 0.05, retryAfterSeconds: 1 });
  const bareThrottled = await timed(() => barePosts(lmsE.baseUrl, bodies.slice(0, t), CONCURRENCY, true));
  rows.push(
    {
      id: '3b',
      what: `apply ${n(t)} creates, 5 % answered 429 + Retry-After 1 s`,
      ms: throttled.ms,
      detail: `${n(throttled.value.applied)} applied, ${throttled.value.failed} failed; the LMS answered ${n(c429)} × 429, ${n(throttled.stats.retries)} retries`,
      baselineWhat: `bare POST loop, same 5 % 429, sleeps per worker (${n(bareThrottled.value.throttled)} × 429)`,
      baselineMs: bareThrottled.ms,
      target: { kind: 'ratio', max: 1.2 },
    },
    {
      id: '3c',
      what: `bare POST loop, ${n(t)} bodies, no 429 (the floor without throttling)`,
      ms: bareT.ms,
      detail: `row 3b takes ${(throttled.ms / bareT.ms).toFixed(1)}× this, the bare throttled loop ${(bareThrottled.ms / bareT.ms).toFixed(1)}×`,
      baselineWhat: '—',
      baselineMs: null,
      target: { kind: 'none' },
    },
  );
  // Read from the limiter, so the note cannot drift from the code (imported here: section 3's own).
  const { STORM_STREAK, STORM_MIN } = await import('../../src-main/lms/limiter');
  notes.push(
    `3b: a 429 makes only the request that got it wait its Retry-After; the SCIM client's window (src-main/lms/limiter.ts) halves (min 1) and grows back by one request per window-full of successes, up to the configured ${CONCURRENCY}. Only a storm — ${STORM_STREAK} × 429 in a row, or ≥ ${STORM_MIN} 429s making up half the answers within one Retry-After — pauses every request for the Retry-After. So each sparse 429 costs one worker about 1 s, as in the bare loop: ${n(c429)} × 429 here ≈ ${n(c429)} worker-seconds over ${CONCURRENCY} workers, against ${fmtMs(bareT.ms)} unthrottled (row 3c).`,
  );
  if (t < creates.length) notes.push(`3b: run on ${n(t)} creates (--throttled-creates) to keep the full bench short; the time grows with the number of 429s (≈ 5 % of requests × 1 s ÷ ${CONCURRENCY} workers).`);
  facts.apply = { createsMs: mine, bareMs: bares, throttledMs: throttled.ms, throttled429: c429, throttledRetries: throttled.stats.retries, bareUnthrottledSameCount: bareT.ms, bareThrottledMs: bareThrottled.ms, requests: applied.stats.requests };
}

/** Diagnose is being built by another engineer: loaded at run time so the bench works without it. */
async function loadDiagnose(): Promise<((query: string, inputs: unknown) => unknown) | string> {
  const file = path.join(ROOT, 'src-main/core/diagnose/index.ts');
  if (!existsSync(file)) return 'not available yet';
  try {
    const mod: unknown = await import(file);
    const fn = typeof mod === 'object' && mod !== null ? (mod as Record<string, unknown>).diagnose : undefined;
    return typeof fn === 'function' ? (fn as (query: string, inputs: unknown) => unknown) : 'not available yet (no diagnose export)';
  } catch (err) {
    return `not available yet (${err instanceof Error ? err.message.split('\n')[0] : 'load failed'})`;
  }
}

/** Row 4a: rounds of 5 tries of the small steady-state plan, then 3 of the large one. */
const PLAN_ROUNDS = 5;

async function section4(): Promise<void> {
  const now = new Date('2026-11-23T10:00:00Z');
  const run = (t: SyntheticTenant) => makePlan(t.source, t.target, t.config, t.links, now);
  const parseOf = async (t: SyntheticTenant) => {
    const sourceText = JSON.stringify(t.source);
    const targetText = JSON.stringify(t.target);
    const parse = await bestOf(3, () => {
      JSON.parse(sourceText);
      JSON.parse(targetText);
    });
    return { ms: parse.ms, mb: `${Math.round(sourceText.length / 1e6)} MB + ${Math.round(targetText.length / 1e6)} MB` };
  };

  // Issue #6's case: a scheduled run, 1 % of users changed since the last applied sync.
  log(`plan scaling: steady-state tenants of ${n(PLAN_SMALL)} and ${n(USERS)} users, 1 % changed`);
  const small = steadyTenant({ users: PLAN_SMALL, seed: 3, changed: 0.01, now });
  const steady = steadyTenant({ users: USERS, seed: 3, changed: 0.01, now });
  // A 10k plan takes ~40 ms, so a pause of a few ms on this shared box moves the ratio by 1 or 2:
  // both are timed often enough for the best try to be near the plan's own time (each try
  // starts from a collected heap), the small one more often as it is the more easily disturbed.
  // In rounds, small then large, so that both sample the same minutes of the box.
  rss.reset();
  let smallPlan: Awaited<ReturnType<typeof bestOf<Plan>>> | null = null;
  let steadyPlan: Awaited<ReturnType<typeof bestOf<Plan>>> | null = null;
  const faster = <T extends { ms: number }>(a: T | null, b: T) => (a === null || b.ms < a.ms ? b : a);
  for (let round = 0; round < PLAN_ROUNDS; round++) {
    smallPlan = faster(smallPlan, await bestOf(5, () => run(small)));
    steadyPlan = faster(steadyPlan, await bestOf(3, () => run(steady)));
  }
  if (!smallPlan || !steadyPlan) throw new Error('no plan rounds');
  const steadyRss = rss.peak();
  const steadyParse = await parseOf(steady);
  // The heavy case: a first sync, where most people need a change (190k ops at 100k users).
  log(`plan: the ${n(USERS)}-user synthetic first sync`);
  const large = syntheticTenant({ users: USERS, seed: 3 });
  rss.reset();
  const largePlan = await bestOf(2, () => run(large));
  const planRss = rss.peak();
  const firstParse = await parseOf(large);
  rows.push(
    {
      id: '4a',
      what: `plan ${n(USERS)} users, 1 % changed (steady state)`,
      ms: steadyPlan.ms,
      detail: `${n(steadyPlan.value.ops.length)} ops for ${n(steady.changedUsers)} changed users; best of ${PLAN_ROUNDS * 3} (the small plan: best of ${PLAN_ROUNDS * 5}), in ${PLAN_ROUNDS} rounds of both; peak RSS ${steadyRss} MB (both tenants held)`,
      baselineWhat: `plan ${n(PLAN_SMALL)} users, 1 % changed`,
      baselineMs: smallPlan.ms,
      target: { kind: 'ratio', max: 12 * (USERS / PLAN_SMALL / 10) },
    },
    {
      id: '4b',
      what: `plan ${n(USERS)} users, 1 % changed ÷ JSON.parse of both snapshots`,
      ms: steadyPlan.ms,
      detail: `snapshots ${steadyParse.mb} of JSON`,
      baselineWhat: 'JSON.parse(source) + JSON.parse(target)',
      baselineMs: steadyParse.ms,
      target: { kind: 'ratio', max: 3 },
    },
    {
      id: '4d',
      what: `plan ${n(USERS)} users, first sync (synthetic) ÷ JSON.parse`,
      ms: largePlan.ms,
      detail: `${n(largePlan.value.ops.length)} ops (creates, links, ~10 field changes each, deactivations); best of 2; peak RSS ${planRss} MB; snapshots ${firstParse.mb} of JSON`,
      baselineWhat: 'JSON.parse(source) + JSON.parse(target)',
      baselineMs: firstParse.ms,
      target: { kind: 'none' },
    },
  );
  const diagnose = await loadDiagnose();
  if (typeof diagnose === 'string') {
    rows.push({ id: '4c', what: `diagnose one user, ${n(USERS)} users`, ms: null, detail: '', baselineWhat: '—', baselineMs: null, target: { kind: 'ms', max: 1000 }, unavailable: diagnose });
    return;
  }
  const subject = large.source.users[Math.floor(large.source.users.length / 2)];
  const query = subject?.mail ?? subject?.userPrincipalName ?? '';
  const inputs = {
    source: large.source,
    target: large.target,
    integration: { id: large.config.id, name: 'Bench', config: large.config, status: 'active', statusReason: null, enabled: true },
    links: large.links,
    otherLinks: [],
    plan: largePlan.value,
    runs: [],
    audit: [],
    nextRunAt: null,
    now,
  };
  try {
    const d = await bestOf(3, () => diagnose(query, inputs));
    const verdictText = typeof d.value === 'object' && d.value !== null ? String((d.value as Record<string, unknown>).verdict ?? '') : '';
    rows.push({ id: '4c', what: `diagnose one user, ${n(USERS)} users`, ms: d.ms, detail: `verdict: ${verdictText.slice(0, 80)}`, baselineWhat: `plan ${n(USERS)}, first sync (row 4d)`, baselineMs: largePlan.ms, target: { kind: 'ms', max: 1000 } });
  } catch (err) {
    rows.push({ id: '4c', what: `diagnose one user, ${n(USERS)} users`, ms: null, detail: '', baselineWhat: '—', baselineMs: null, target: { kind: 'ms', max: 1000 }, unavailable: `not available yet (threw: ${err instanceof Error ? err.message.slice(0, 60) : 'error'})` });
  }
}

function runCommand(cmd: string, argv: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('exit', (code) => resolve({ code: code ?? -1, output }));
  });
}

async function section5(bigPlan: Plan): Promise<void> {
  const unavailable = (why: string) => {
    rows.push({ id: '5a', what: 'diff viewer: first paint', ms: null, detail: '', baselineWhat: '—', baselineMs: null, target: { kind: 'ms', max: 2000 }, unavailable: why });
    rows.push({ id: '5b', what: 'diff viewer: text filter', ms: null, detail: '', baselineWhat: '—', baselineMs: null, target: { kind: 'ms', max: 500 }, unavailable: why });
  };
  if (args['no-renderer']) return unavailable('skipped (--no-renderer)');
  const chromium = process.env.ROLLCALL_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) return unavailable(`no Chromium at ${chromium}`);
  const built = existsSync(path.join(ROOT, 'out/main/preview.js')) && existsSync(path.join(ROOT, 'out/renderer/index.html'));
  // --quick reuses an existing build to stay under a minute; a full run always builds.
  if (!built || (!args['no-build'] && !quick)) {
    log('npm run build');
    const b = await runCommand('npm', ['run', 'build']);
    if (b.code !== 0) return unavailable(`build failed: ${b.output.split('\n').find((l) => /error/i.test(l))?.slice(0, 60) ?? b.code}`);
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'rollcall-bench-ui-'));
  const store = await Store.open(dataDir);
  const base = IntegrationConfigSchema.parse({ name: 'Bench 100k', source: { kind: 'entra', tenantId: 'contoso.onmicrosoft.com', clientId: '6f1c2a4e-1b2c-4d5e-8f90-1234567890ab' }, target: { kind: 'scim', baseUrl: 'https://lms.example.com/scim/v2' } });
  const big = await createIntegration(store, base, new Date());
  const small = await createIntegration(store, { ...base, name: 'Bench 100 ops' }, new Date());
  const withEmail = bigPlan.ops.filter((o) => o.email);
  const needleOp = withEmail[Math.floor(withEmail.length / 2)];
  const needle = needleOp?.email ?? 'nobody';
  const smallOps = bigPlan.ops.slice(0, 99);
  if (needleOp && !smallOps.includes(needleOp)) smallOps.push(needleOp);
  const smallPlan: Plan = { ...bigPlan, integrationId: small.id, ops: smallOps };
  await saveCached(dataDir, big.id, 'plan', { ...bigPlan, integrationId: big.id });
  await saveCached(dataDir, small.id, 'plan', smallPlan);

  const preview = spawn(process.execPath, [path.join(ROOT, 'out/main/preview.js'), '--port', '0', '--data-dir', dataDir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const { chromium: pw } = await import('playwright-core');
  let step = 'starting the preview';
  const browser = await pw.launch({ executablePath: chromium, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`preview did not start: ${out}`)), 30_000);
      const onData = (c: Buffer) => {
        out += c.toString();
        const m = /Rollcall preview: (http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(out);
        if (m?.[1]) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      };
      preview.stdout.on('data', onData);
      preview.stderr.on('data', onData);
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    // Warm the browser's cache of the bundle so both pages load it the same way.
    step = 'loading the app';
    await page.goto(url);
    await page.locator('h1').first().waitFor({ timeout: 30_000 });
    // The printed address carries the one-time key; the session cookie now stands for it.
    const origin = new URL(url).origin;
    /** The slowest answer of the API bridge during a page load (its method, ms and MB), and the MB of all of them. */
    let slowestApi = { method: '—', ms: 0, mb: 0 };
    let bridgeMb = 0;
    page.on('requestfinished', (request) => {
      if (!request.url().includes('/__rollcall/api/')) return;
      void request.sizes().then((sizes) => {
        const t = request.timing();
        const ms = t.responseEnd - t.requestStart;
        bridgeMb += sizes.responseBodySize / 1e6;
        if (ms > slowestApi.ms) slowestApi = { method: request.url().split('/__rollcall/api/')[1] ?? '?', ms, mb: sizes.responseBodySize / 1e6 };
      });
    });
    const firstPaint = async (id: string): Promise<{ ms: number; virtualised: boolean; rowsInDom: number; api: { method: string; ms: number; mb: number }; bridgeMb: number }> => {
      await page.goto('about:blank');
      slowestApi = { method: '—', ms: 0, mb: 0 };
      bridgeMb = 0;
      const t0 = performance.now();
      await page.goto(`${origin}/#/dry-run/${id}`);
      await page.locator('[data-testid="plan-row"]').first().waitFor({ state: 'visible', timeout: 120_000 });
      const ms = performance.now() - t0;
      const rowsInDom = await page.locator('[data-testid="plan-row"]').count();
      return { ms, virtualised: rowsInDom < 1000, rowsInDom, api: slowestApi, bridgeMb };
    };
    log('renderer: first paint, 100-op plan then the big plan');
    step = 'first paint (100 ops)';
    const smallPaint = await firstPaint(small.id);
    step = `first paint (${n(bigPlan.ops.length)} ops)`;
    const bigPaint = await firstPaint(big.id);
    const filterOn = async (): Promise<number> => {
      const search = page.locator('[data-testid="plan-search"] input, input[data-testid="plan-search"]').first();
      await search.fill('');
      await page.locator('[data-testid="row-count"]').filter({ hasNotText: ' of ' }).waitFor({ timeout: 60_000 });
      const t0 = performance.now();
      await search.fill(needle);
      await page.locator('[data-testid="row-count"]').filter({ hasText: ' of ' }).waitFor({ timeout: 60_000 });
      await page.locator('[data-testid="plan-row"]').filter({ hasText: needle }).first().waitFor({ timeout: 60_000 });
      return performance.now() - t0;
    };
    log('renderer: text filter on the big plan, then on the 100-op plan');
    step = `text filter "${needle}" (big plan)`;
    const bigFilter = Math.min(await filterOn(), await filterOn());
    // Opening the found row fetches that op's field changes from main (not timed against a target).
    step = `expanding "${needle}" (big plan)`;
    const tx = performance.now();
    await page.locator('[data-testid="plan-row"]').filter({ hasText: needle }).first().click();
    await page.locator('[data-testid="op-detail"][data-state="ready"]').first().waitFor({ timeout: 60_000 });
    const expandMs = performance.now() - tx;
    // Opened again: main kept the parsed plan, so this is the viewer without the cold read of the cache file.
    step = `first paint again (${n(bigPlan.ops.length)} ops, plan kept in main)`;
    const warmPaint = await firstPaint(big.id);
    step = `text filter "${needle}" (100 ops)`;
    await firstPaint(small.id);
    const smallFilter = Math.min(await filterOn(), await filterOn());
    rows.push(
      {
        id: '5a',
        what: `diff viewer: first paint, ${n(bigPlan.ops.length)} ops`,
        ms: bigPaint.ms,
        detail: `navigation to the first visible row; slowest bridge call ${bigPaint.api.method} ${fmtMs(bigPaint.api.ms)} (${bigPaint.api.mb.toFixed(2)} MB), ${bigPaint.bridgeMb.toFixed(2)} MB over the bridge in all; ${bigPaint.rowsInDom} rows in the DOM (${bigPaint.virtualised ? 'virtualised' : 'NOT virtualised'}); opened again with the plan kept in main ${fmtMs(warmPaint.ms)}`,
        baselineWhat: 'same page, 100-op plan',
        baselineMs: smallPaint.ms,
        target: { kind: 'ms', max: 2000 },
      },
      {
        id: '5b',
        what: `diff viewer: text filter, ${n(bigPlan.ops.length)} ops`,
        ms: bigFilter,
        detail: `type an e-mail until the count and the matching row show (best of 2); then opening that row shows its field changes, fetched from main, in ${fmtMs(expandMs)}`,
        baselineWhat: 'same filter, 100-op plan',
        baselineMs: smallFilter,
        target: { kind: 'ms', max: 500 },
      },
    );
    notes.push('5: Debian Chromium through the browser preview (npm run build; node out/main/preview.js); targets are absolute (first paint ≤ 2 s, filter ≤ 0.5 s); the 100-op baseline shows what the page costs without the plan.');
  } catch (err) {
    const why = err instanceof Error ? (err.message.split('\n')[0] ?? '') : 'error';
    notes.push(`5: the renderer measurement failed at ${step}: ${why}`);
    unavailable(`failed at ${step}`);
  } finally {
    await browser.close();
    preview.kill('SIGTERM');
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * Lets go of what the last section's runs keep in memory for the next run of their tenant (the
 * parsed snapshots, plan and plan memo: ~1 GB at 100,000 people, kept 5 minutes). The next
 * section measures other work; marking that heap at each of its collections is not its cost.
 */
function betweenSections(store: Store): void {
  for (const i of store.settings.data.integrations) forgetParsed(store.dataDir, i.id);
  collectGarbage?.();
}

async function main(): Promise<void> {
  const started = performance.now();
  const loadBefore = os.loadavg().map((x) => x.toFixed(1)).join(' ');
  const host = await startSimHost();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'rollcall-bench-'));
  try {
    const store = await Store.open(dataDir);
    const secrets = new MemorySecretStore();
    const bigPlanOf = ONLY.has('dry-run') || ONLY.has('renderer') ? await section1and2(host, store, secrets) : null;
    if (ONLY.has('dry-run')) {
      betweenSections(store);
      await sectionNetwork(host, store, secrets);
    }
    if (ONLY.has('apply')) {
      betweenSections(store);
      await section3(host, store, secrets);
    }
    await host.close();
    if (ONLY.has('plan')) {
      betweenSections(store);
      await section4();
    }
    // Read back from the cache (as the app does), so the big plan is not held through sections 3–4.
    const bigPlan = bigPlanOf && ONLY.has('renderer') ? await loadCached(store.dataDir, bigPlanOf, 'plan') : null;
    if (bigPlan) await section5(bigPlan);
  } finally {
    rss.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
  const table = renderTable(rows);
  const details = rows.filter((r) => r.detail).map((r) => `  ${r.id.padEnd(3)} ${r.detail}`);
  const totalS = ((performance.now() - started) / 1000).toFixed(0);
  const loadAfter = os.loadavg().map((x) => x.toFixed(1)).join(' ');
  const header = `Rollcall bench — ${quick ? 'quick' : 'full'} run, ${n(USERS)} users, Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}; ${totalS} s; load average ${loadBefore} before, ${loadAfter} after`;
  facts.loadAverage = { before: loadBefore, after: loadAfter };
  process.stdout.write(`\n${header}\n\n${table}\n\ndetails:\n${details.join('\n')}\n\nnotes:\n${notes.map((x) => `  ${x}`).join('\n')}\n`);
  await writeFile(
    args.out ?? path.join(ROOT, 'bench-results.json'),
    `${JSON.stringify({ at: new Date().toISOString(), header, rows: rows.map((r) => ({ ...r, ratio: ratioOf(r), result: verdict(r) })), notes, facts }, null, 2)}\n`,
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
