import { Body1, Button, MessageBar, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import { useMutation } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { call, toAppError } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { when } from '../../lib/format';
import { useInvalidateIntegration } from '../../queries';
import type { StepProps } from './wizard-types';

/** When the scheduler syncs next: at once for an integration that never synced (main's nextRunAt). */
function nextSyncSentence(nextRunAt: string | null): string {
  if (nextRunAt && Date.parse(nextRunAt) > Date.now() + 60_000) return `The next sync starts at ${when(nextRunAt)}.`;
  return 'The next sync starts within a minute; follow it on the dashboard.';
}

/** Step 8: the integration stays disabled until the admin switches it on here (or on the dashboard). */
export function StepEnable({ integration, setDone }: StepProps) {
  const navigate = useNavigate();
  const invalidate = useInvalidateIntegration();
  const enable = useMutation({
    mutationFn: (id: string) => call('setIntegrationEnabled', { id, enabled: true }),
    onSuccess: (s) => {
      invalidate(s.id);
      setDone(true);
    },
  });
  if (!integration) return null;
  const enabled = integration.enabled || enable.isSuccess;
  return (
    <div style={{ display: 'grid', gap: 14, maxWidth: 860 }} data-testid="step-enable">
      {enabled ? (
        <MessageBar intent="success" layout="multiline" data-testid="enabled-message">
          <MessageBarBody>
            <MessageBarTitle>The integration is enabled</MessageBarTitle>
            It syncs every {integration.config.schedule.everyHours} hours while Rollcall runs.{' '}
            {nextSyncSentence(integration.nextRunAt)}
          </MessageBarBody>
        </MessageBar>
      ) : (
        <Body1>
          The integration is <strong>disabled</strong>: nothing is read or written until you enable it. Once enabled, it syncs every {integration.config.schedule.everyHours}{' '}
          hours while Rollcall runs, starting with a full read as soon as you enable it. You can disable it again at any time — disabling changes no data.
        </Body1>
      )}
      {enable.isError ? <ErrorMessage error={toAppError(enable.error)} title="Could not enable the integration" /> : null}
      <div style={{ display: 'flex', gap: 8 }}>
        {!enabled ? (
          <Button appearance="primary" onClick={() => enable.mutate(integration.id)} disabled={enable.isPending} data-testid="enable-integration">
            Enable the integration
          </Button>
        ) : null}
        <Button appearance={enabled ? 'primary' : 'secondary'} onClick={() => navigate(`/dry-run/${integration.id}`)} data-testid="wizard-open-diff">
          Open the diff viewer
        </Button>
        <Button onClick={() => navigate('/integrations')} data-testid="wizard-finish">
          Go to the dashboard
        </Button>
      </div>
    </div>
  );
}
