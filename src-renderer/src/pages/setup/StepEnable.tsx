import { Body1, Button, MessageBar, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import { useMutation } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { call, toAppError } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useInvalidateIntegration } from '../../queries';
import type { StepProps } from './wizard-types';

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
            It syncs every {integration.config.schedule.everyHours} hours while Rollcall runs, starting with the next scheduled run. To make the first changes now, apply the dry run from the diff viewer.
          </MessageBarBody>
        </MessageBar>
      ) : (
        <Body1>
          The integration is <strong>disabled</strong>: nothing is read or written until you enable it. Once enabled, it syncs every {integration.config.schedule.everyHours}{' '}
          hours while Rollcall runs, starting with a full read. You can disable it again at any time — disabling changes no data.
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
