/** The bench's side of sim-host.ts: starts the child and talks to it with typed requests. */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { GraphEndpoint } from './connectors';

export type HostRequest =
  | { type: 'startGraph'; users: number; seed: number; latencyMs?: number }
  | { type: 'startLms'; seedFromGraph?: string; orgResources?: boolean; rate429?: number; retryAfterSeconds?: number; latencyMs?: number }
  | { type: 'mutate'; graph: string; fraction: number }
  | { type: 'stats'; graph?: string; lms?: string }
  | { type: 'lmsUsers'; lms: string }
  | { type: 'lmsLog'; lms: string }
  | { type: 'clearLog'; lms: string }
  | { type: 'advanceClock'; lms: string; ms: number }
  | { type: 'close' };

export type HostReply =
  | { type: 'ok' }
  | { type: 'error'; message: string }
  | { type: 'graph'; id: string; endpoint: GraphEndpoint; allStaff: string; users: number }
  | { type: 'lms'; id: string; baseUrl: string; users: number }
  | { type: 'mutated'; changed: number }
  | { type: 'stats'; graphRequests: number; tokenRequests: number; lmsRequests: number; lms429: number; lmsUsers: number }
  | { type: 'users'; users: Array<Record<string, unknown>> }
  | { type: 'log'; entries: Array<{ method: string; url: string; status: number }> }
  | { type: 'clock'; now: string };

type ReplyOf<T extends HostReply['type']> = Extract<HostReply, { type: T }>;

export interface SimHost {
  /** latencyMs: added to every Graph request, as a network (not loopback) would. */
  startGraph(users: number, seed: number, latencyMs?: number): Promise<ReplyOf<'graph'>>;
  startLms(options: Omit<Extract<HostRequest, { type: 'startLms' }>, 'type'>): Promise<ReplyOf<'lms'>>;
  mutate(graph: string, fraction: number): Promise<number>;
  stats(ids: { graph?: string; lms?: string }): Promise<ReplyOf<'stats'>>;
  lmsUsers(lms: string): Promise<Array<Record<string, unknown>>>;
  lmsLog(lms: string): Promise<ReplyOf<'log'>['entries']>;
  clearLog(lms: string): Promise<void>;
  /** Moves that LMS's clock (its Date header and meta times) forward by `ms`; its new time. */
  advanceClock(lms: string, ms: number): Promise<string>;
  close(): Promise<void>;
}

export async function startSimHost(): Promise<SimHost> {
  const child: ChildProcess = fork(path.join(import.meta.dirname, 'sim-host.ts'), [], {
    // BENCH_SIM_CPU_PROF=DIR: a V8 CPU profile of the simulators, written to DIR when the host exits.
    execArgv: ['--import', 'tsx', '--max-old-space-size=8192', ...(process.env.BENCH_SIM_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_SIM_CPU_PROF}`] : [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let seq = 0;
  const pending = new Map<number, (r: HostReply) => void>();
  const ready = new Promise<void>((resolve, reject) => {
    pending.set(0, () => resolve());
    child.once('exit', (code) => reject(new Error(`simulator host exited (${code})`)));
  });
  child.on('message', (msg: { seq: number; reply: HostReply }) => {
    const done = pending.get(msg.seq);
    pending.delete(msg.seq);
    done?.(msg.reply);
  });
  await ready;
  async function ask<T extends HostReply['type']>(req: HostRequest, expect: T): Promise<ReplyOf<T>> {
    const id = ++seq;
    const reply = await new Promise<HostReply>((resolve) => {
      pending.set(id, resolve);
      child.send({ seq: id, req });
    });
    if (reply.type === 'error') throw new Error(`simulator host: ${reply.message}`);
    if (reply.type !== expect) throw new Error(`simulator host answered ${reply.type}, expected ${expect}`);
    return reply as ReplyOf<T>;
  }
  return {
    startGraph: (users, seed, latencyMs) => ask({ type: 'startGraph', users, seed, latencyMs }, 'graph'),
    startLms: (options) => ask({ type: 'startLms', ...options }, 'lms'),
    mutate: async (graph, fraction) => (await ask({ type: 'mutate', graph, fraction }, 'mutated')).changed,
    stats: (ids) => ask({ type: 'stats', ...ids }, 'stats'),
    lmsUsers: async (lms) => (await ask({ type: 'lmsUsers', lms }, 'users')).users,
    lmsLog: async (lms) => (await ask({ type: 'lmsLog', lms }, 'log')).entries,
    clearLog: async (lms) => void (await ask({ type: 'clearLog', lms }, 'ok')),
    advanceClock: async (lms, ms) => (await ask({ type: 'advanceClock', lms, ms }, 'clock')).now,
    close: async () => {
      await ask({ type: 'close' }, 'ok');
      // The host exits by itself once the channel closes (so a --cpu-prof profile gets written);
      // killed if it has not within a few seconds.
      const exited = new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
      child.disconnect();
      const timer = setTimeout(() => child.kill(), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
