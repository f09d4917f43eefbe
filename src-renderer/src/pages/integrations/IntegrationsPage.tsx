import { Body1, Button, Card, Skeleton, SkeletonItem, Spinner, Subtitle2, Title3, tokens } from '@fluentui/react-components';
import { Add20Regular, Beaker20Regular } from '@fluentui/react-icons';
import { useMutation } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { call, toAppError } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useIntegrations, useInvalidateIntegration } from '../../queries';
import { IntegrationCard } from './IntegrationCard';

/** No integration yet: the wizard, or the built-in demo tenant with a first dry run. */
function EmptyState() {
  const navigate = useNavigate();
  const invalidate = useInvalidateIntegration();
  const demo = useMutation({
    mutationFn: async () => {
      const integration = await call('startDemo');
      const run = await call('startRun', { id: integration.id, kind: 'dry-run', full: true });
      return { integration, run };
    },
    onSuccess: ({ integration, run }) => {
      invalidate(integration.id);
      // The diff viewer follows this run from its first poll (no race with a fast run).
      navigate(`/dry-run/${integration.id}`, { state: { runId: run.runId } });
    },
  });
  return (
    <Card data-testid="integrations-empty" style={{ padding: 32, gap: 12, background: tokens.colorNeutralBackground2, maxWidth: 760 }}>
      <Subtitle2 as="h3">No integrations yet</Subtitle2>
      <Body1>
        An integration reads users from one Microsoft Entra ID tenant and keeps your LMS in step. Set one up with the wizard: you will see a dry run of every
        change before anything is written.
      </Body1>
      <Body1>Not ready to connect your tenant? Try Rollcall with a built-in demo tenant (a simulated Entra ID and LMS on this computer, with the awkward cases admins really meet).</Body1>
      <div style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
        <Button appearance="primary" icon={<Add20Regular />} onClick={() => navigate('/setup')}>
          Set up an integration
        </Button>
        <Button icon={<Beaker20Regular />} onClick={() => demo.mutate()} disabled={demo.isPending} data-testid="try-demo">
          Try with a demo tenant
        </Button>
        {demo.isPending ? <Spinner size="tiny" label="Starting the demo tenant…" /> : null}
      </div>
      {demo.isError ? <ErrorMessage error={toAppError(demo.error)} title="Could not start the demo tenant" /> : null}
    </Card>
  );
}

/** The dashboard: one card per integration. */
export function IntegrationsPage() {
  const integrations = useIntegrations();
  const navigate = useNavigate();
  return (
    <section style={{ display: 'grid', gap: 16 }} aria-labelledby="integrations-title">
      <div style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between' }}>
        <Title3 as="h2" id="integrations-title" style={{ margin: 0 }}>
          Integrations
        </Title3>
        <Button appearance="primary" icon={<Add20Regular />} onClick={() => navigate('/setup')}>
          New integration
        </Button>
      </div>
      {integrations.isPending ? (
        <Skeleton aria-label="Loading integrations" data-testid="integrations-loading" style={{ display: 'grid', gap: 12 }}>
          <SkeletonItem size={128} />
          <SkeletonItem size={128} />
        </Skeleton>
      ) : null}
      {integrations.isError ? <ErrorMessage error={toAppError(integrations.error)} title="Could not load the integrations" /> : null}
      {integrations.data && integrations.data.length === 0 ? <EmptyState /> : null}
      {integrations.data?.map((i) => <IntegrationCard key={i.id} integration={i} />)}
    </section>
  );
}
