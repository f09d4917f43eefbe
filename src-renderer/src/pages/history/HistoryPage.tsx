import { Body1, Card, Skeleton, SkeletonItem, Spinner, Subtitle2, Title3, tokens } from '@fluentui/react-components';
import { useNavigate, useParams } from 'react-router';
import { toAppError } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { IntegrationPicker } from '../../components/IntegrationPicker';
import { when } from '../../lib/format';
import { useAuditLog, useRuns } from '../../queries';
import { AuditTable } from './AuditTable';
import { RunsTable } from './RunsTable';

function AuditFor({ id, runId }: { id: string; runId: string }) {
  const audit = useAuditLog(id, runId);
  if (audit.isPending) return <Spinner size="small" label="Reading the audit log…" />;
  if (audit.isError) return <ErrorMessage error={toAppError(audit.error)} title="Could not read the audit log" />;
  return <AuditTable entries={audit.data.entries} truncated={audit.data.truncated} runId={runId} />;
}

function HistoryFor({ id, runId }: { id: string; runId: string | undefined }) {
  const runs = useRuns(id);
  const navigate = useNavigate();
  if (runs.isPending)
    return (
      <Skeleton aria-label="Loading the history">
        <SkeletonItem size={32} />
        <SkeletonItem size={32} />
        <SkeletonItem size={32} />
      </Skeleton>
    );
  if (runs.isError) return <ErrorMessage error={toAppError(runs.error)} title="Could not load the history" />;
  if (runs.data.length === 0)
    return (
      <Card data-testid="history-empty" style={{ padding: 24, background: tokens.colorNeutralBackground2 }}>
        <Subtitle2>No runs yet</Subtitle2>
        <Body1>Dry runs and syncs of this integration appear here, each with its audit log.</Body1>
      </Card>
    );
  const sorted = [...runs.data].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  const selected = sorted.find((r) => r.id === runId);
  return (
    <div style={{ display: 'grid', gap: 16 }}>
      <div style={{ maxHeight: 320, overflow: 'auto', border: `1px solid ${tokens.colorNeutralStroke2}`, borderRadius: tokens.borderRadiusLarge }}>
        <RunsTable runs={sorted} selected={runId} onSelect={(r) => navigate(`/history/${id}/${r}`)} />
      </div>
      {selected ? (
        <section aria-labelledby="audit-title" style={{ display: 'grid', gap: 8 }}>
          <Subtitle2 as="h3" id="audit-title" style={{ margin: 0 }}>
            Audit log — {selected.kind === 'apply' ? 'sync' : 'dry run'} of {when(selected.startedAt)}
          </Subtitle2>
          {selected.error ? <ErrorMessage error={selected.error} /> : null}
          <AuditFor id={id} runId={selected.id} />
        </section>
      ) : (
        <Body1>Select a run to read its audit log.</Body1>
      )}
    </div>
  );
}

/** /history/:id[/:runId] — past runs and their audit logs; /history picks the integration. */
export function HistoryPage() {
  const { id, runId } = useParams();
  return (
    <section style={{ display: 'grid', gap: 16 }} aria-labelledby="history-title">
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 16, flexWrap: 'wrap' }}>
        <Title3 as="h2" id="history-title" style={{ margin: 0 }}>
          History
        </Title3>
        <IntegrationPicker base="/history" selected={id} />
      </div>
      {id ? <HistoryFor key={id} id={id} runId={runId} /> : null}
    </section>
  );
}
