import { Body1, Button, Caption1, ProgressBar, Spinner } from '@fluentui/react-components';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { ReadStatus, RunStage, RunStatus } from '../../../src-preload/api-types';
import { call, toAppError } from '../api';
import { queryKeys, useRunStatus } from '../queries';
import { ErrorMessage } from './ErrorMessage';

const STAGE: Record<RunStage, string> = {
  waiting: 'Waiting to start',
  reading: 'Reading users from Microsoft Entra ID and the LMS',
  planning: 'Working out the changes',
  applying: 'Writing changes to the LMS',
  saving: 'Saving the results',
};

/**
 * A background run followed by polling getRunStatus: stage, progress bar, Cancel. Calls
 * onFinished once with the final status, after refreshing what the run changed.
 */
export function RunProgress({ runId, onFinished, cancellable = true }: { runId: string; onFinished?: (status: RunStatus) => void; cancellable?: boolean }) {
  const status = useRunStatus(runId);
  const client = useQueryClient();
  const reported = useRef(false);
  const cancel = useMutation({ mutationFn: () => call('cancelRun', { runId }) });
  const data = status.data;

  useEffect(() => {
    if (!data?.finished || reported.current) return;
    reported.current = true;
    // Exact: the new header names the new plan's version; the old plan's rows and details are left to expire.
    void client.invalidateQueries({ queryKey: queryKeys.planHeader(data.integrationId), exact: true });
    void client.invalidateQueries({ queryKey: queryKeys.runs(data.integrationId) });
    void client.invalidateQueries({ queryKey: queryKeys.integrations });
    void client.invalidateQueries({ queryKey: queryKeys.integration(data.integrationId) });
    void client.invalidateQueries({ queryKey: queryKeys.activeRun(data.integrationId) });
    // A run can raise a store notice (a backup copy it could not write): the banner asks again.
    void client.invalidateQueries({ queryKey: queryKeys.appInfo });
    onFinished?.(data);
  }, [data, client, onFinished]);

  if (status.isError) return <ErrorMessage error={toAppError(status.error)} title="Could not follow the run" />;
  if (!data) return <Spinner size="tiny" label="Starting…" />;
  if (data.finished) return null;
  const { stage, done, total, detail } = data.progress;
  const value = total && total > 0 ? Math.min(1, done / total) : undefined;
  const what = data.kind === 'apply' ? 'Applying changes' : 'Dry run';
  return (
    <div data-testid="run-progress" role="status" aria-live="polite" style={{ display: 'grid', gap: 6 }}>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 12 }}>
        <Body1>
          <strong>{what}:</strong> {STAGE[stage]}
          {total ? ` (${done.toLocaleString()} of ${total.toLocaleString()})` : done ? ` (${done.toLocaleString()})` : ''}
        </Body1>
        {cancellable ? (
          <Button size="small" onClick={() => cancel.mutate()} disabled={cancel.isPending || cancel.data?.cancelled === true}>
            {cancel.data?.cancelled ? 'Cancelling…' : 'Cancel'}
          </Button>
        ) : null}
      </div>
      {data.progress.reads ? (
        <>
          <SideProgress label="Microsoft Entra ID" what="users" status={data.progress.reads.entra} />
          <SideProgress label="LMS" what="accounts" status={data.progress.reads.lms} />
        </>
      ) : (
        <>
          <ProgressBar value={value} thickness="large" aria-label={`${what} progress`} />
          {detail ? <Caption1>{detail}</Caption1> : null}
        </>
      )}
    </div>
  );
}

/** One side of the reading stage (both sides are read at the same time). */
function SideProgress({ label, what, status }: { label: string; what: string; status: ReadStatus }) {
  const { phase, done, total, finished } = status;
  const value = finished ? 1 : total && total > 0 ? Math.min(1, done / total) : undefined;
  const counted = total ? `${done.toLocaleString()} of ${total.toLocaleString()}` : done ? done.toLocaleString() : '';
  const text = finished ? 'read' : phase === 'users' ? `${counted} ${what}`.trim() : `${phase} ${counted}`.trim();
  return (
    <div data-testid="read-progress" style={{ display: 'grid', gap: 2 }}>
      <Caption1>
        {label}: {text || 'starting…'}
      </Caption1>
      <ProgressBar value={value} thickness="medium" aria-label={`${label} read progress`} />
    </div>
  );
}
