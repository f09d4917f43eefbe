/**
 * Read a 100,000-user simulated tenant with the real Entra reader and print the time and the
 * requests made. Not a test: `npx tsx test/bench/entra-read.ts [users] [throttleRate]`.
 *
 * With `--vs-bare [rounds]` it measures row 1a of `npm run bench` alone: the simulator in a child
 * process, Rollcall's readFull (as the bench creates it) and the bare https loop interleaved,
 * best of `rounds` (default 3) each, and prints the ratio.
 */
import { generateTenant, startGraphSimulator } from '../../src-main/demo/graph';
import { createEntraSource } from '../../src-main/entra';
import { bareGraphRead } from './lib/bare';
import { BENCH_CLIENT_SECRET, benchEntraSource, entraSettingsFor } from './lib/connectors';
import { startSimHost } from './lib/sims';

const users = Number(process.argv[2] ?? 100_000);
const throttleRate = Number(process.argv[3] ?? 0) || 0;
const vsBare = process.argv.indexOf('--vs-bare');

async function againstBare(rounds: number): Promise<void> {
  const host = await startSimHost();
  try {
    const graph = await host.startGraph(users, 2026);
    const mine: number[] = [];
    const bare: number[] = [];
    let requests = 0;
    let bareRequests = 0;
    for (let i = 0; i < rounds; i++) {
      let t = performance.now();
      bareRequests = (await bareGraphRead(graph.endpoint, [graph.allStaff])).requests;
      bare.push(performance.now() - t);
      const source = createEntraSource(entraSettingsFor(graph.endpoint), BENCH_CLIENT_SECRET);
      t = performance.now();
      try {
        const r = await source.readFull({ groupIds: [graph.allStaff], extraAttributes: [] });
        if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
      } finally {
        source.close();
      }
      mine.push(performance.now() - t);
      requests = source.stats.requests;
    }
    const best = (xs: number[]) => Math.min(...xs);
    console.log(JSON.stringify({ users, requests, bareRequests, rollcallMs: mine.map(Math.round), bareMs: bare.map(Math.round), ratio: Number((best(mine) / best(bare)).toFixed(2)) }, null, 2));
  } finally {
    await host.close();
  }
}

if (vsBare >= 0) {
  await againstBare(Number(process.argv[vsBare + 1] ?? 3) || 3);
  process.exit(0);
}

const t0 = performance.now();
const tenant = generateTenant({ users, seed: 2026 });
const tGen = performance.now() - t0;
const sim = await startGraphSimulator({ tenant: tenant.fixture, faults: { throttleRate, retryAfterSeconds: 0 } });
const source = benchEntraSource(sim);

try {
  const t1 = performance.now();
  const full = await source.readFull({ groupIds: [tenant.groupIds.allStaff], extraAttributes: [] });
  const tFull = performance.now() - t1;
  if (!full.ok) throw new Error(`${full.error.code}: ${full.error.message}`);
  const afterFull = { ...source.stats };
  const simAfterFull = { ...sim.stats };

  for (const u of full.value.snapshot.users.slice(100, 150)) sim.mutateUser(u.id, { jobTitle: 'Changed' });
  const t2 = performance.now();
  const delta = await source.readDelta(full.value.deltaLink as string, { groupIds: [], extraAttributes: [] });
  const tDelta = performance.now() - t2;
  if (!delta.ok) throw new Error(`${delta.error.code}: ${delta.error.message}`);

  const mb = (process.memoryUsage().heapUsed / 1024 / 1024).toFixed(0);
  console.log(`tenant: ${users} users generated in ${tGen.toFixed(0)} ms`);
  console.log(`full read: ${full.value.snapshot.users.length} users, ${full.value.snapshot.groups.length} groups in ${(tFull / 1000).toFixed(2)} s`);
  console.log(`  Graph requests: ${afterFull.requests} (retries ${afterFull.retries}, throttled ${afterFull.throttled}); simulator saw ${simAfterFull.graphRequests} Graph + ${simAfterFull.tokenRequests} token requests`);
  console.log(`delta read after 50 changes: ${delta.value.upserted.length} upserted in ${tDelta.toFixed(0)} ms, ${source.stats.requests - afterFull.requests} requests`);
  console.log(`heap used: ${mb} MB`);
} finally {
  source.close();
  await sim.close();
}
