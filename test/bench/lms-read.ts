/**
 * Reads 100,000 users from the LMS simulator over loopback HTTP and prints the time and the
 * requests made. Not part of the test suite: `npx tsx test/bench/lms-read.ts [users] [concurrency]`.
 */
import { startLmsSimulator, DEFAULT_SEED } from '../../src-main/demo/lms';
import { benchScimTarget, BENCH_LMS_TOKEN as token } from './lib/connectors';

const users = Number(process.argv[2] ?? 100_000);
const concurrency = Number(process.argv[3] ?? 4);

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
