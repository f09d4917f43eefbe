/**
 * Runs started from the UI (and by the scheduler) go on in the background; the window follows
 * them by polling their status, which works the same over Electron IPC and the preview bridge.
 */
import { appError, appErrorOf } from '../core/errors';
import type { RunStatus } from '../core/reports';
import { runId as newRunId, runIntegration, type RunOptions, type RunOutcome, type RunServices } from './run';

export type { RunStatus } from '../core/reports';

interface Tracked {
  status: RunStatus;
  controller: AbortController;
  done: Promise<RunOutcome | null>;
}

/** Finished runs kept for the window to read their last status. */
const KEEP_FINISHED = 50;

export class RunManager {
  private readonly runs = new Map<string, Tracked>();
  private readonly listeners = new Set<(status: RunStatus, outcome: RunOutcome | null) => void>();

  constructor(private readonly services: RunServices) {}

  start(options: Omit<RunOptions, 'runId' | 'signal' | 'onProgress'>): RunStatus {
    const now = this.services.now();
    const runId = newRunId(now);
    const controller = new AbortController();
    const status: RunStatus = {
      runId,
      integrationId: options.integrationId,
      kind: options.kind,
      trigger: options.trigger,
      startedAt: now.toISOString(),
      progress: { stage: 'waiting', done: 0, total: null, detail: null },
      finished: false,
      outcome: 'running',
      summary: null,
      applied: 0,
      failed: 0,
      groupsWritten: 0,
      heldBack: 0,
      error: null,
    };
    const done = runIntegration(this.services, { ...options, runId, signal: controller.signal, onProgress: (p) => (status.progress = p) }).then(
      (outcome) => {
        Object.assign(status, {
          finished: true,
          outcome: outcome.run.outcome,
          summary: outcome.plan?.summary ?? null,
          applied: outcome.run.applied,
          failed: outcome.run.failed,
          groupsWritten: outcome.run.groupsWritten,
          heldBack: outcome.run.heldBack,
          error: outcome.error,
        });
        this.emit(status, outcome);
        // Listeners (the plan holder) took the plan as the run finished; a finished run kept for
        // its status must not also keep its plan, which at 100k people is most of the heap.
        const tracked = this.runs.get(runId);
        if (tracked) tracked.done = Promise.resolve({ ...outcome, plan: null });
        return outcome;
      },
      (err: unknown) => {
        Object.assign(status, { finished: true, outcome: 'failed', error: appErrorOf(err) ?? appError('RUN_FAILED', `The run stopped: ${err instanceof Error ? err.message : 'unknown error'}.`, 'Run it again.') });
        this.emit(status, null);
        return null;
      },
    );
    this.runs.set(runId, { status, controller, done });
    this.prune();
    return status;
  }

  get(runId: string): RunStatus | null {
    return this.runs.get(runId)?.status ?? null;
  }

  /** The newest unfinished run of an integration, if any (the dashboard shows it). */
  active(integrationId: string): RunStatus | null {
    const all = [...this.runs.values()].filter((t) => t.status.integrationId === integrationId && !t.status.finished);
    return all.at(-1)?.status ?? null;
  }

  cancel(runId: string): boolean {
    const t = this.runs.get(runId);
    if (!t || t.status.finished) return false;
    t.controller.abort();
    return true;
  }

  /** The run's outcome; once it has finished, without its plan (onFinished hands that out). */
  async wait(runId: string): Promise<RunOutcome | null> {
    return (await this.runs.get(runId)?.done) ?? null;
  }

  /** Told when a run finishes (the tray toast on a failed scheduled run), with its plan: the only time it is handed out. */
  onFinished(listener: (status: RunStatus, outcome: RunOutcome | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(status: RunStatus, outcome: RunOutcome | null): void {
    for (const l of this.listeners) l(status, outcome);
  }

  private prune(): void {
    const finished = [...this.runs.values()].filter((t) => t.status.finished);
    for (const t of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.runs.delete(t.status.runId);
  }
}
