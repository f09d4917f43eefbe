import {
  Badge,
  Body1,
  Button,
  Caption1,
  Card,
  CardHeader,
  Skeleton,
  SkeletonItem,
  Subtitle2,
  Title3,
  tokens,
} from '@fluentui/react-components';
import { useNavigate } from 'react-router';
import type { IntegrationStatus, IntegrationSummary } from '../../../src-preload/api-types';
import { toAppError } from '../api';
import { ErrorMessage } from '../components/ErrorMessage';
import { useIntegrations } from '../queries';

const STATUS: Record<IntegrationStatus, { label: string; color: 'success' | 'danger' | 'informative' | 'warning' | 'subtle' }> = {
  active: { label: 'Active', color: 'success' },
  invalid: { label: 'Invalid credentials', color: 'danger' },
  disabled: { label: 'Disabled', color: 'informative' },
  error: { label: 'Last run failed', color: 'warning' },
  setup: { label: 'Setup incomplete', color: 'subtle' },
};

function when(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString() : '—';
}

function IntegrationCard({ integration }: { integration: IntegrationSummary }) {
  const status = STATUS[integration.status];
  return (
    <Card data-testid="integration-card" data-status={integration.status}>
      <CardHeader
        header={<Subtitle2>{integration.name}</Subtitle2>}
        description={<Caption1>{integration.config.target.baseUrl}</Caption1>}
        action={<Badge appearance="filled" color={status.color}>{status.label}</Badge>}
      />
      {integration.statusReason ? <ErrorMessage error={integration.statusReason} /> : null}
      {integration.setupMissing.length > 0 ? <Body1>Still needed: {integration.setupMissing.join(', ')}.</Body1> : null}
      <Caption1>
        Last run: {when(integration.lastRunAt)} · Next run: {when(integration.nextRunAt)}
      </Caption1>
    </Card>
  );
}

export function IntegrationsPage() {
  const integrations = useIntegrations();
  const navigate = useNavigate();
  return (
    <section style={{ display: 'grid', gap: 16 }} aria-labelledby="integrations-title">
      <div style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between' }}>
        <Title3 as="h2" id="integrations-title">Integrations</Title3>
        <Button appearance="primary" onClick={() => navigate('/setup')}>
          New integration
        </Button>
      </div>
      {integrations.isPending ? (
        <Skeleton aria-label="Loading integrations" data-testid="integrations-loading">
          <SkeletonItem size={64} />
          <SkeletonItem size={64} />
        </Skeleton>
      ) : null}
      {integrations.isError ? <ErrorMessage error={toAppError(integrations.error)} title="Could not load the integrations" /> : null}
      {integrations.data && integrations.data.length === 0 ? (
        <Card data-testid="integrations-empty" style={{ padding: 24, background: tokens.colorNeutralBackground2 }}>
          <Subtitle2>No integrations yet</Subtitle2>
          <Body1>
            An integration reads users from one Microsoft Entra ID tenant and keeps your LMS in step. Set one up with the wizard: you will
            see a dry run of every change before anything is written.
          </Body1>
          <div>
            <Button appearance="primary" onClick={() => navigate('/setup')}>
              Set up an integration
            </Button>
          </div>
        </Card>
      ) : null}
      {integrations.data?.map((i) => <IntegrationCard key={i.id} integration={i} />)}
    </section>
  );
}
