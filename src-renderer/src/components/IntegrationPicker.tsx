import { Body1, Button, Dropdown, Field, Option, Skeleton, SkeletonItem } from '@fluentui/react-components';
import { useEffect } from 'react';
import { useNavigate } from 'react-router';
import { toAppError } from '../api';
import { useIntegrations } from '../queries';
import { useUiState } from '../state';
import { ErrorMessage } from './ErrorMessage';

/**
 * Which integration a page shows (/dry-run/:id, /history/:id). With none chosen and exactly one
 * integration, that one is opened; with none at all, the way to set one up.
 */
export function IntegrationPicker({ base, selected }: { base: string; selected: string | undefined }) {
  const integrations = useIntegrations();
  const navigate = useNavigate();
  const remembered = useUiState((s) => s.selectedIntegrationId);
  const remember = useUiState((s) => s.selectIntegration);
  // Without an id in the address: the integration last looked at, or the only one there is.
  const fallback = integrations.data?.find((i) => i.id === remembered) ?? (integrations.data?.length === 1 ? integrations.data[0] : undefined);
  useEffect(() => {
    if (!selected && fallback) navigate(`${base}/${fallback.id}`, { replace: true });
  }, [selected, fallback, base, navigate]);
  useEffect(() => {
    if (selected) remember(selected);
  }, [selected, remember]);
  if (integrations.isPending)
    return (
      <Skeleton aria-label="Loading integrations">
        <SkeletonItem size={32} style={{ maxWidth: 320 }} />
      </Skeleton>
    );
  if (integrations.isError) return <ErrorMessage error={toAppError(integrations.error)} title="Could not load the integrations" />;
  if (integrations.data.length === 0 && !selected)
    return (
      <div style={{ display: 'flex', gap: 12, alignItems: 'center' }} data-testid="no-integrations">
        <Body1>There is no integration yet.</Body1>
        <Button appearance="primary" onClick={() => navigate('/integrations')}>
          Set one up
        </Button>
      </div>
    );
  const current = integrations.data.find((i) => i.id === selected);
  return (
    <Field label="Integration" orientation="horizontal" style={{ display: 'flex', alignItems: 'center', gap: 8 }}>
      <Dropdown
        style={{ minWidth: 260 }}
        placeholder="Choose an integration"
        value={current?.name ?? ''}
        selectedOptions={selected ? [selected] : []}
        onOptionSelect={(_e, d) => d.optionValue && navigate(`${base}/${d.optionValue}`)}
        data-testid="integration-picker"
      >
        {integrations.data.map((i) => (
          <Option key={i.id} value={i.id}>
            {i.name}
          </Option>
        ))}
      </Dropdown>
    </Field>
  );
}
