/**
 * Focused measurement of plan() (bench rows 4a/4b) for profiling:
 *
 *   npx tsx scripts/plan-speed.ts [--users 100000] [--runs 2] [--first-sync]
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx scripts/plan-speed.ts
 *
 * Prints plan() best of N beside JSON.parse of both snapshots measured in the same process,
 * and the 10k plan for the scaling ratio. --first-sync plans a tenant with no links (like a
 * first dry run: link updates and manager/approver writes for nearly everyone).
 */
import { parseArgs } from 'node:util';
import { plan } from '../src-main/core/plan';
import { syntheticTenant, type SyntheticTenant } from '../src-main/core/testing/synthetic';

const { values: args } = parseArgs({
  options: { users: { type: 'string', default: '100000' }, runs: { type: 'string', default: '2' }, 'first-sync': { type: 'boolean', default: false } },
});
const USERS = Number(args.users);
const RUNS = Number(args.runs);
const now = new Date('2026-11-23T10:00:00Z');

function tenant(users: number): SyntheticTenant {
  if (!args['first-sync']) return syntheticTenant({ users, seed: 3 });
  const t = syntheticTenant({ users, seed: 3, linked: 0, unlinkedMatches: 0.95 });
  return { ...t, config: { ...t.config, mapping: { ...t.config.mapping, approversFromManager: true } } };
}

/** Best wall time, and best CPU time (all threads: GC helpers included), which other load on the machine disturbs less. */
function best<T>(runs: number, f: () => T): { ms: number; cpu: number; value: T } {
  let ms = Infinity;
  let cpu = Infinity;
  let value: T | undefined;
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    value = f();
    ms = Math.min(ms, performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu = Math.min(cpu, (c.user + c.system) / 1000);
  }
  return { ms, cpu, value: value as T };
}

const small = tenant(USERS / 10);
const large = tenant(USERS);
const run = (t: SyntheticTenant) => plan(t.source, t.target, t.config, t.links, now);
const smallPlan = best(3, () => run(small));
const largePlan = best(RUNS, () => run(large));
const sourceText = JSON.stringify(large.source);
const targetText = JSON.stringify(large.target);
const parse = best(3, () => [JSON.parse(sourceText) as unknown, JSON.parse(targetText) as unknown]);
const f = (x: number): string => x.toFixed(0).padStart(6);
process.stdout.write(
  `wall: plan ${USERS / 10} ${f(smallPlan.ms)} ms | plan ${USERS} ${f(largePlan.ms)} ms (${largePlan.value.ops.length} ops) | JSON.parse ${f(parse.ms)} ms | ` +
    `4a ${(largePlan.ms / smallPlan.ms).toFixed(1)} | 4b ${(largePlan.ms / parse.ms).toFixed(2)}\n` +
    `cpu:  plan ${USERS / 10} ${f(smallPlan.cpu)} ms | plan ${USERS} ${f(largePlan.cpu)} ms | JSON.parse ${f(parse.cpu)} ms | ` +
    `4a ${(largePlan.cpu / smallPlan.cpu).toFixed(1)} | 4b ${(largePlan.cpu / parse.cpu).toFixed(2)}\n`,
);
