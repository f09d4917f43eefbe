import { Body1, Button, Card, Checkbox, Skeleton, SkeletonItem, Spinner, Subtitle2, Title3, Tooltip, tokens } from '@fluentui/react-components';
import { Play20Regular } from '@fluentui/react-icons';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useLocation, useParams } from 'react-router';
import type { RunStatus } from '../../../../src-preload/api-types';
import { toAppError } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { IntegrationPicker } from '../../components/IntegrationPicker';
import { RunProgress } from '../../components/RunProgress';
import { queryKeys, useActiveRun, useIntegration, usePlanHeader, useStartRun } from '../../queries';
import { ApplyResult } from './ApplyResult';
import { PlanViewer } from './PlanViewer';
import type { Confirmed } from './ApplyDialog';

function DryRunFor({ id }: { id: string }) {
  const last = usePlanHeader(id);
  const integration = useIntegration(id);
  const active = useActiveRun(id);
  const start = useStartRun();
  // A run started elsewhere (the demo button) arrives in the navigation state.
  const handedOver = (useLocation().state as { runId?: unknown } | null)?.runId;
  const [runId, setRunId] = useState<string | null>(typeof handedOver === 'string' ? handedOver : null);
  const [failed, setFailed] = useState<RunStatus | null>(null);
  // The apply's progress and result live here, above the plan, which is replaced when the run ends.
  const [applyRun, setApplyRun] = useState<string | null>(null);
  const [applied, setApplied] = useState<RunStatus | null>(null);
  const following = runId ?? (active.data && active.data.kind === 'dry-run' ? active.data.runId : null);
  // A run that ended between two polls (a scheduled one, or one started in another window) still refreshes the plan.
  const client = useQueryClient();
  const seen = useRef<string | null>(null);
  useEffect(() => {
    const now = active.data?.runId ?? null;
    if (seen.current && now !== seen.current) void client.invalidateQueries({ queryKey: queryKeys.planHeader(id), exact: true });
    seen.current = now;
  }, [active.data, client, id]);
  const applying = applyRun ?? (active.data && active.data.kind === 'apply' && !applied ? active.data.runId : null);
  const onApplied = useCallback((s: RunStatus) => {
    setApplied(s);
    setApplyRun(null);
  }, []);
  const apply = (confirmed: Confirmed) => {
    setApplied(null);
    // Apply exactly what is on screen: if Entra or the LMS changed since this dry run, main stops.
    start.mutate({ id, kind: 'apply', confirmedDeactivations: confirmed.deactivations, confirmedGroupRemovals: confirmed.groupRemovals, expectedSummary: last.data?.plan?.summary }, { onSuccess: (s) => setApplyRun(s.runId) });
  };
  // A full read on request (Okta's "Force sync", Entra's "Restart provisioning").
  const [readAll, setReadAll] = useState(false);
  const onFinished = useCallback((s: RunStatus) => {
    setRunId(null);
    setFailed(s.outcome === 'failed' || s.outcome === 'blocked' ? s : null);
  }, []);
  const dryRun = () => {
    setFailed(null);
    start.mutate({ id, kind: 'dry-run', full: readAll }, { onSuccess: (s) => setRunId(s.runId) });
    setReadAll(false); // once: the next dry run reads the changes again
  };
  const runButton = (
    <span style={{ display: 'inline-flex', gap: 8, alignItems: 'center', flexWrap: 'wrap' }}>
      <Button icon={<Play20Regular />} onClick={dryRun} disabled={following !== null || applying !== null || start.isPending} data-testid="run-dry-run">
        {last.data?.plan ? 'Run a new dry run' : 'Start a dry run'}
      </Button>
      <Tooltip content="Reads every user in Entra ID and the LMS instead of only what changed since the last run. Use it when something seems missed; it takes longer." relationship="description">
        <Checkbox label="Read everything again" checked={readAll} onChange={(_e, d) => setReadAll(d.checked === true)} data-testid="dry-run-full" />
      </Tooltip>
    </span>
  );
  return (
    <div style={{ display: 'grid', gap: 16 }}>
      {start.isError ? <ErrorMessage error={toAppError(start.error)} title="Could not start the run" /> : null}
      {following ? <RunProgress key={following} runId={following} onFinished={onFinished} /> : null}
      {failed?.error ? <ErrorMessage error={failed.error} title="The dry run did not finish" /> : null}
      {applying ? <RunProgress key={applying} runId={applying} onFinished={onApplied} /> : null}
      {applied ? <ApplyResult status={applied} /> : null}
      {last.isPending ? (
        <div style={{ display: 'grid', gap: 12 }} data-testid="plan-loading">
          {/* A large dry run (100,000+ changes) is read from disk once, which takes a few seconds. */}
          <Spinner size="small" labelPosition="after" label="Loading the last dry run…" />
          <Skeleton aria-label="Loading the last dry run">
            <SkeletonItem size={64} />
            <SkeletonItem size={128} />
          </Skeleton>
        </div>
      ) : null}
      {last.isError ? (
        <div style={{ display: 'grid', gap: 6, justifyItems: 'start' }}>
          <ErrorMessage error={toAppError(last.error)} title="Could not load the last dry run" />
          <Button size="small" onClick={() => void last.refetch()}>
            Try again
          </Button>
        </div>
      ) : null}
      {last.data && !last.data.plan ? (
        <Card data-testid="plan-empty" style={{ padding: 24, background: tokens.colorNeutralBackground2 }}>
          <Subtitle2>No dry run yet</Subtitle2>
          <Body1>A dry run reads Entra ID and the LMS and lists every change a sync would make, without writing anything.</Body1>
          <div>{runButton}</div>
        </Card>
      ) : null}
      {last.data?.plan ? <PlanViewer key={last.data.plan.version} plan={last.data.plan} runButton={runButton} busy={following !== null || applying !== null || start.isPending} enabled={integration.data?.enabled ?? false} onApply={apply} /> : null}
    </div>
  );
}

/** /dry-run/:id — the diff viewer; /dry-run picks the integration. */
export function DryRunPage() {
  const { id } = useParams();
  return (
    <section style={{ display: 'grid', gap: 16 }} aria-labelledby="dry-run-title">
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 16, flexWrap: 'wrap' }}>
        <Title3 as="h2" id="dry-run-title" style={{ margin: 0 }}>
          Dry run
        </Title3>
        <IntegrationPicker base="/dry-run" selected={id} />
      </div>
      {id ? <DryRunFor key={id} id={id} /> : null}
    </section>
  );
}
