/**
 * While the app runs, starts each enabled integration's sync when it is due (every N hours,
 * default 4). A run already going (here or from the CLI) is not started twice: the run lock says so.
 */
import { nextRunAt } from '../store/integrations';
import type { Store } from '../store/store';
import type { RunManager } from './run-manager';

export interface SchedulerOptions {
  store: Store;
  runs: RunManager;
  now: () => Date;
  /** How often to look for due integrations. */
  tickMs?: number;
}

export class Scheduler {
  private timer: NodeJS.Timeout | null = null;
  /** When each integration was last started by the scheduler. */
  private readonly attemptedAt = new Map<string, number>();

  constructor(private readonly options: SchedulerOptions) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.tick().catch((err: unknown) => console.error('[rollcall] scheduler:', err instanceof Error ? err.message : err));
    }, this.options.tickMs ?? 60_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Starts every due integration once; returns the run ids started. */
  async tick(): Promise<string[]> {
    const { store, runs, now } = this.options;
    await store.settings.load(); // another process (the CLI) may have changed settings or run times
    const started: string[] = [];
    for (const record of store.settings.data.integrations) {
      const due = nextRunAt(record, now());
      if (!due || Date.parse(due) > now().getTime() || runs.active(record.id)) continue;
      // One attempt per interval: a run that fails, even before it could start (a locked keychain,
      // another run holding the lock), waits for the next slot instead of retrying every minute.
      const last = this.attemptedAt.get(record.id);
      if (last !== undefined && now().getTime() - last < record.config.schedule.everyHours * 3_600_000) continue;
      this.attemptedAt.set(record.id, now().getTime());
      started.push(runs.start({ integrationId: record.id, kind: 'apply', trigger: 'schedule', lockWaitMs: 0 }).runId);
    }
    return started;
  }
}
