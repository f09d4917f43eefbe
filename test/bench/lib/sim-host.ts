/**
 * Child process that hosts the simulators for `npm run bench`, so the Rollcall process being
 * measured (time, peak RSS) does not also carry a 100,000-user tenant and an LMS, and the servers
 * get their own core. Controlled over the fork IPC channel; see sims.ts for the typed client.
 */
import { DEFAULT_SEED, startLmsSimulator, type LmsSimulator, type SeedUser } from '../../../src-main/demo/lms';
import { generateTenant, startGraphSimulator, type GeneratedTenant, type GraphSimulator } from '../../../src-main/demo/graph';
import { createPrng } from '../../helpers/prng';
import { BENCH_LMS_TOKEN } from './connectors';
import type { HostReply, HostRequest } from './sims';

const graphs = new Map<string, { sim: GraphSimulator; tenant: GeneratedTenant }>();
const lmss = new Map<string, LmsSimulator>();
/** How many times each graph was mutated. */
const mutations = new Map<string, number>();
let nextId = 1;

/** The LMS already holds the same people (matched by externalId), as after an earlier sync. */
function seedFromTenant(tenant: GeneratedTenant): SeedUser[] {
  const out: SeedUser[] = [];
  for (const u of tenant.fixture.users) {
    const email = u.mail ?? u.userPrincipalName;
    out.push({ userName: email, givenName: u.givenName ?? 'User', familyName: u.surname ?? u.id.slice(0, 8), email, externalId: u.id });
  }
  return out;
}

async function handle(req: HostRequest): Promise<HostReply> {
  switch (req.type) {
    case 'startGraph': {
      const tenant = generateTenant({ users: req.users, seed: req.seed });
      // Every request slowed by latencyMs: the simulator's 'slow' fault at a rate of 1.
      const sim = await startGraphSimulator({ tenant: tenant.fixture, faults: req.latencyMs ? { slowRate: 1, slowMs: req.latencyMs } : undefined });
      const id = `g${nextId++}`;
      graphs.set(id, { sim, tenant });
      return { type: 'graph', id, endpoint: { tenantId: sim.tenantId, authorityHost: sim.authorityHost, graphEndpoint: sim.graphEndpoint, caCertPem: sim.caCertPem }, allStaff: tenant.groupIds.allStaff, users: tenant.fixture.users.length };
    }
    case 'startLms': {
      const graph = req.seedFromGraph ? graphs.get(req.seedFromGraph) : undefined;
      const seed = graph ? { ...DEFAULT_SEED, users: seedFromTenant(graph.tenant) } : 'empty';
      const faults = { ...(req.rate429 ? { rate429: req.rate429, retryAfterSeconds: req.retryAfterSeconds ?? 1, random: createPrng(2026) } : {}), ...(req.latencyMs ? { latencyMs: req.latencyMs } : {}) };
      const sim = await startLmsSimulator({
        token: BENCH_LMS_TOKEN,
        seed,
        faults,
        // Without org resources a created user is self-contained: its body can be POSTed again elsewhere.
        capabilities: req.orgResources ? {} : { departments: false, jobProfiles: false, permissionTypes: false },
      });
      const id = `l${nextId++}`;
      lmss.set(id, sim);
      return { type: 'lms', id, baseUrl: sim.baseUrl, users: sim.users().length };
    }
    case 'mutate': {
      const g = graphs.get(req.graph);
      if (!g) throw new Error(`no graph ${req.graph}`);
      const users = g.tenant.fixture.users;
      const count = Math.round(users.length * req.fraction);
      const step = Math.max(1, Math.floor(users.length / Math.max(1, count)));
      // Each later call changes other people (the next ones along) to new values: a second call
      // must not write the first one's values again, which would change nothing.
      const round = (mutations.get(req.graph) ?? 0) + 1;
      mutations.set(req.graph, round);
      let changed = 0;
      for (let i = (round - 1) % step; i < users.length && changed < count; i += step) {
        g.sim.mutateUser((users[i] as { id: string }).id, { jobTitle: round === 1 ? `Changed ${i}` : `Changed ${i} (round ${round})` });
        changed++;
      }
      return { type: 'mutated', changed };
    }
    case 'stats': {
      const g = req.graph ? graphs.get(req.graph) : undefined;
      const l = req.lms ? lmss.get(req.lms) : undefined;
      const requests = l?.requests() ?? [];
      return { type: 'stats', graphRequests: g?.sim.stats.graphRequests ?? 0, tokenRequests: g?.sim.stats.tokenRequests ?? 0, lmsRequests: requests.length, lms429: requests.filter((r) => r.status === 429).length, lmsUsers: l?.users().length ?? 0 };
    }
    case 'lmsUsers': {
      const l = lmss.get(req.lms);
      if (!l) throw new Error(`no lms ${req.lms}`);
      return { type: 'users', users: l.users() };
    }
    case 'lmsLog': {
      const l = lmss.get(req.lms);
      if (!l) throw new Error(`no lms ${req.lms}`);
      const entries = l.requests().map((r) => {
        const q = new URLSearchParams();
        for (const [k, v] of Object.entries(r.query)) q.set(k, String(v));
        const qs = q.toString();
        return { method: r.method, url: qs ? `${r.path}?${qs}` : r.path, status: r.status };
      });
      return { type: 'log', entries };
    }
    case 'clearLog': {
      lmss.get(req.lms)?.clearRequests();
      return { type: 'ok' };
    }
    case 'advanceClock': {
      const l = lmss.get(req.lms);
      if (!l) throw new Error(`no lms ${req.lms}`);
      return { type: 'clock', now: l.advanceClock(req.ms).toISOString() };
    }
    case 'close': {
      for (const { sim } of graphs.values()) await sim.close();
      for (const l of lmss.values()) await l.close();
      return { type: 'ok' };
    }
  }
}

process.on('message', (msg: { seq: number; req: HostRequest }) => {
  handle(msg.req).then(
    (reply) => process.send?.({ seq: msg.seq, reply }),
    (err: unknown) => process.send?.({ seq: msg.seq, reply: { type: 'error', message: err instanceof Error ? err.message : String(err) } }),
  );
});
// The bench closed the channel (after 'close', or because it ended): nothing is left to serve.
process.on('disconnect', () => process.exit(0));
process.send?.({ seq: 0, reply: { type: 'ok' } });
