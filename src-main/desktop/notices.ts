/** What the desktop app tells the admin about background work (tray toasts). Pure. */
import type { RunStatus } from '../sync/run-manager';

export interface Toast {
  title: string;
  body: string;
}

/** A scheduled run that did not finish cleanly deserves a toast; manual runs are watched already. */
export function scheduledRunToast(status: RunStatus, integrationName: string): Toast | null {
  if (status.trigger !== 'schedule' || !status.finished) return null;
  switch (status.outcome) {
    case 'failed':
      return { title: `Rollcall: ${integrationName} did not sync`, body: status.error ? `${status.error.message} ${status.error.fix}` : 'The scheduled sync failed. Open Rollcall for details.' };
    case 'blocked':
      return { title: `Rollcall: ${integrationName} is waiting for you`, body: status.error ? `${status.error.message} ${status.error.fix}` : 'A safety check stopped the scheduled sync. Open Rollcall to review it.' };
    case 'partial':
      return { title: `Rollcall: ${integrationName} synced with errors`, body: `${status.failed} change(s) were refused by the LMS; ${status.applied} went through. Open the history for the reasons.` };
    default:
      return null;
  }
}
