import { Body1, Caption1, MessageBar, MessageBarBody, MessageBarTitle, Spinner, tokens } from '@fluentui/react-components';
import type { RunStatus } from '../../../../src-preload/api-types';
import { describeApplied } from '../../../../src-main/core/reports';
import { toAppError } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useAuditLog } from '../../queries';

/** After an apply: what reached the LMS, what failed and why (from the run's audit log). */
export function ApplyResult({ status }: { status: RunStatus }) {
  const audit = useAuditLog(status.failed > 0 ? status.integrationId : undefined, status.runId);
  const failures = audit.data?.entries.filter((e) => e.result === 'failed') ?? [];
  const applied = describeApplied(status);
  const intent = status.outcome === 'succeeded' ? 'success' : status.outcome === 'partial' ? 'warning' : 'error';
  const title =
    status.outcome === 'succeeded'
      ? 'Applied'
      : status.outcome === 'partial'
        ? 'Applied, with failures'
        : status.outcome === 'cancelled'
          ? 'Cancelled — what was written stays; run it again to finish'
          : status.outcome === 'blocked'
            ? 'Blocked by a safety check'
            : 'The apply failed';
  return (
    <div style={{ display: 'grid', gap: 8 }} data-testid="apply-result" data-outcome={status.outcome}>
      <MessageBar intent={intent} layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>{title}</MessageBarTitle>
          <span data-testid="apply-written">{applied.written}.</span> The list below is the plan this run executed; run a new dry run to see what is left.
          {applied.heldBack ? <span data-testid="apply-held-back"> {applied.heldBack}</span> : null}
        </MessageBarBody>
      </MessageBar>
      {status.error ? <ErrorMessage error={status.error} /> : null}
      {status.failed > 0 ? (
        <div style={{ display: 'grid', gap: 4 }}>
          <Body1>
            <strong>Failures</strong> (each is also in the run’s audit log in History)
          </Body1>
          {audit.isPending ? <Spinner size="tiny" label="Reading the audit log…" /> : null}
          {audit.isError ? <ErrorMessage error={toAppError(audit.error)} title="Could not read the failures" /> : null}
          <ul data-testid="apply-failures" style={{ margin: 0, paddingLeft: 20, maxHeight: 240, overflow: 'auto' }}>
            {failures.slice(0, 500).map((f, i) => (
              <li key={i}>
                <Body1>
                  {f.op} {f.email ?? f.sourceId ?? f.targetId}: {f.error?.message ?? 'failed'}
                </Body1>
                {f.error?.lmsDetail ? <Caption1 style={{ display: 'block', color: tokens.colorNeutralForeground3 }}>LMS said: {f.error.lmsDetail}</Caption1> : null}
              </li>
            ))}
          </ul>
          {failures.length > 500 ? <Caption1>…and {failures.length - 500} more in the audit log.</Caption1> : null}
        </div>
      ) : null}
    </div>
  );
}
