import { Body1, Button, Link, MessageBar, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import { useCallback, useState } from 'react';
import type { AppError, RunStatus } from '../../../../src-preload/api-types';
import { toAppError } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { RunProgress } from '../../components/RunProgress';
import { SummaryCounts } from '../../components/SummaryCounts';
import { useStartRun } from '../../queries';
import { PushGroupsSummary } from './PushGroupsField';
import type { StepProps } from './wizard-types';

/** Step 7: the first dry run — read both sides, work out every change, write nothing. */
export function StepDryRun({ integration, setDone, save }: StepProps) {
  const start = useStartRun();
  const [runId, setRunId] = useState<string | null>(null);
  const [finished, setFinished] = useState<RunStatus | null>(null);
  const [saveError, setSaveError] = useState<AppError | null>(null);
  const onFinished = useCallback(
    (s: RunStatus) => {
      setFinished(s);
      setDone(s.outcome === 'succeeded' || s.outcome === 'partial');
    },
    [setDone],
  );
  if (!integration) return null;
  const run = () => {
    setFinished(null);
    setSaveError(null);
    save().then(
      () => start.mutate({ id: integration.id, kind: 'dry-run', full: true }, { onSuccess: (s) => setRunId(s.runId) }),
      (err: unknown) => setSaveError(toAppError(err)),
    );
  };
  const running = runId !== null && finished === null;
  return (
    <div style={{ display: 'grid', gap: 14, maxWidth: 860 }} data-testid="step-dry-run">
      <Body1>
        A dry run reads Entra and the LMS and lists every change a sync would make — creates, updates, deactivations and conflicts — without writing anything.
      </Body1>
      <PushGroupsSummary pushGroups={integration.config.mapping.pushGroups} />
      <div>
        <Button appearance="primary" onClick={run} disabled={running || start.isPending} data-testid="start-dry-run">
          {finished ? 'Run the dry run again' : 'Start the dry run'}
        </Button>
      </div>
      {saveError ? <ErrorMessage error={saveError} title="Could not save the settings" /> : null}
      {start.isError ? <ErrorMessage error={toAppError(start.error)} title="Could not start the dry run" /> : null}
      {runId && !finished ? <RunProgress runId={runId} onFinished={onFinished} /> : null}
      {finished?.error ? <ErrorMessage error={finished.error} title={finished.outcome === 'blocked' ? 'The dry run was blocked' : 'The dry run failed'} /> : null}
      {finished?.summary ? (
        <div style={{ display: 'grid', gap: 10 }} data-testid="dry-run-result">
          <MessageBar intent={finished.summary.conflict > 0 ? 'warning' : 'success'} layout="multiline">
            <MessageBarBody>
              <MessageBarTitle>Dry run finished — nothing was written</MessageBarTitle>
              {finished.summary.conflict > 0 ? ` ${finished.summary.conflict} conflict(s) need your decision in the diff viewer.` : ' Review the changes, then enable the integration.'}
            </MessageBarBody>
          </MessageBar>
          <SummaryCounts summary={finished.summary} />
          <Body1>
            <Link as="a" href={`#/dry-run/${integration.id}`} data-testid="open-diff">
              Open the diff viewer
            </Link>{' '}
            to see every change, person by person.
          </Body1>
        </div>
      ) : null}
    </div>
  );
}
