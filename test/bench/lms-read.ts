/**
 * Reads 100,000 users from the LMS simulator over loopback HTTP and prints the time and the
 * requests made. Not part of the test suite: `npx tsx test/bench/lms-read.ts [users] [concurrency]`.
 *
 * With `--vs-bare [rounds]` it measures row 1b of `npm run bench` alone: the simulator in a child
 * process (seeded as the bench seeds it), Rollcall's readAll and the bare GET loop interleaved,
 * best of `rounds` (default 3) each, and prints the ratio.
 */
import { startLmsSimulator, DEFAULT_SEED } from '../../src-main/demo/lms';
import { bareScimGets } from './lib/bare';
import { benchScimTarget, BENCH_LMS_TOKEN as token } from './lib/connectors';
import { startSimHost } from './lib/sims';

const users = Number(process.argv[2] ?? 100_000);
const concurrency = Number(process.argv[3] ?? 4);
const vsBare = process.argv.indexOf('--vs-bare');

async function rollcallRead(baseUrl: string) {
  const target = benchScimTarget(baseUrl, concurrency);
  try {
    const snap = await target.readAll();
    if (!snap.ok) throw new Error(`${snap.error.code}: ${snap.error.message}`);
    return { snapshot: snap.value, stats: target.stats() };
  } finally {
    target.close();
  }
}

async function againstBare(rounds: number): Promise<void> {
  const host = await startSimHost();
  try {
    const graph = await host.startGraph(users, 2026);
    const lms = await host.startLms({ seedFromGraph: graph.id, orgResources: true });
    await host.clearLog(lms.id);
    // Held like the bench holds its dry-run results, so the collector sees a similar heap.
    const warm = await rollcallRead(lms.baseUrl);
    const gets = (await host.lmsLog(lms.id)).filter((e) => e.method === 'GET').map((e) => e.url);
    const mine: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < rounds; i++) {
      let t = performance.now();
      await bareScimGets(lms.baseUrl, gets, concurrency);
      bare.push(performance.now() - t);
      t = performance.now();
      await rollcallRead(lms.baseUrl);
      mine.push(performance.now() - t);
    }
    const best = (xs: number[]) => Math.min(...xs);
    console.log(
      JSON.stringify(
        {
          usersRead: warm.snapshot.users.length,
          requests: warm.stats.requests,
          bareRequests: gets.length,
          concurrency,
          rollcallMs: mine.map(Math.round),
          bareMs: bare.map(Math.round),
          ratio: Number((best(mine) / best(bare)).toFixed(2)),
        },
        null,
        2,
      ),
    );
  } finally {
    await host.close();
  }
}

if (vsBare >= 0) {
  await againstBare(Number(process.argv[vsBare + 1] ?? 3) || 3);
  process.exit(0);
}

const t0 = performance.now();
const sim = await startLmsSimulator({ token, seed: { ...DEFAULT_SEED, generatedUsers: users } });
const seeded = performance.now();
const target = benchScimTarget(sim.baseUrl, concurrency);

const t1 = performance.now();
const snap = await target.readAll();
const t2 = performance.now();
if (!snap.ok) {
  console.error(snap.error);
  process.exit(1);
}
const stats = target.stats();
const pages = sim.requests().filter((r) => r.path === '/scim/v2/Users').length;
const mem = process.memoryUsage();
console.log(
  JSON.stringify(
    {
      usersRead: snap.value.users.length,
      complete: snap.value.complete,
      seedMs: Math.round(seeded - t0),
      readAllMs: Math.round(t2 - t1),
      usersPerSecond: Math.round(snap.value.users.length / ((t2 - t1) / 1000)),
      requests: stats.requests,
      retries: stats.retries,
      userPages: pages,
      concurrency,
      heapUsedMB: Math.round(mem.heapUsed / 1e6),
    },
    null,
    2,
  ),
);
target.close();
await sim.close();
