import { Body1, Button, Caption1, MessageBar, MessageBarBody, Spinner, tokens } from '@fluentui/react-components';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { PlanOp, PlanRow } from '../../../../src-preload/api-types';
import { toAppError } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatValue, showHidden } from '../../lib/format';
import { queryKeys, usePlanOp } from '../../queries';
import { ConflictActions, type Resolution } from './ConflictActions';
import { shortField } from './planIndex';
import { mono, Shown } from './Shown';

export type { Resolution } from './ConflictActions';

/** The field changes from → to, repairs, warnings and conflict actions of one op (its full detail). */
function OpFacts({ op, integrationId, resolution, onResolved }: { op: PlanOp; integrationId: string; resolution: Resolution | undefined; onResolved: (r: Resolution) => void }) {
  return (
    <>
      {op.changes.length > 0 ? (
        <table style={{ borderCollapse: 'collapse', width: '100%', maxWidth: 900 }} aria-label="Field changes">
          <thead>
            <tr>
              {['Field', 'From', 'To'].map((h) => (
                <th key={h} style={{ textAlign: 'left', padding: '4px 8px', fontWeight: 600, fontSize: tokens.fontSizeBase200, borderBottom: `1px solid ${tokens.colorNeutralStroke2}` }}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {op.changes.map((c, i) => (
              <tr key={i} data-testid="field-change">
                <td style={{ padding: '4px 8px', verticalAlign: 'top', width: 280 }} title={c.field}>
                  <span style={mono}>{shortField(c.field)}</span>
                </td>
                <td style={{ padding: '4px 8px', verticalAlign: 'top', color: tokens.colorNeutralForeground3 }}>
                  <Shown text={formatValue(c.from)} />
                </td>
                <td style={{ padding: '4px 8px', verticalAlign: 'top' }}>
                  <Shown text={formatValue(c.to)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {op.notices?.map((n, i) => (
        <MessageBar key={`n${i}`} intent="info" layout="multiline" data-testid="op-notice">
          <MessageBarBody>
            Hidden characters in <strong>{n.attribute}</strong>: <Shown text={`“${showHidden(n.raw)}”`} /> was read as <Shown text={`“${n.normalised}”`} /> ({n.found.join(', ')}).
          </MessageBarBody>
        </MessageBar>
      ))}
      {op.warnings?.map((w, i) => (
        <MessageBar key={`w${i}`} intent="warning" layout="multiline" data-testid="op-warning">
          <MessageBarBody>{w.message}</MessageBarBody>
        </MessageBar>
      ))}
      {op.kind === 'conflict' ? <ConflictActions op={op} integrationId={integrationId} resolution={resolution} onResolved={onResolved} /> : null}
    </>
  );
}


/**
 * An expanded row: the sentence and ids at once (they came with the row), then the op's full
 * detail, asked of main when the row opens.
 */
export function OpDetail(props: { row: PlanRow; integrationId: string; version: string; resolution: Resolution | undefined; onResolved: (r: Resolution) => void }) {
  const { row, integrationId, version } = props;
  const detail = usePlanOp(integrationId, version, row.index);
  const client = useQueryClient();
  const replaced = detail.isError && toAppError(detail.error).code === 'PLAN_REPLACED';
  useEffect(() => {
    // A newer dry run replaced this one: show it (the viewer is keyed by version and starts over).
    if (replaced) void client.invalidateQueries({ queryKey: queryKeys.planHeader(integrationId), exact: true });
  }, [replaced, client, integrationId]);
  const state = detail.isPending ? 'loading' : detail.isError ? 'error' : 'ready';
  return (
    <div data-testid="op-detail" data-state={state} aria-busy={state === 'loading'} style={{ display: 'grid', gap: 10, padding: '10px 16px 14px 48px', background: tokens.colorNeutralBackground2, borderBottom: `1px solid ${tokens.colorNeutralStroke2}` }}>
      <Body1>{row.detail}</Body1>
      <Caption1>
        Entra id: <span style={mono}>{row.sourceId ?? '—'}</span> · LMS id: <span style={mono}>{row.targetId ?? '—'}</span> · reason code: <span style={mono}>{row.reason}</span>
      </Caption1>
      {detail.isPending ? <Spinner size="tiny" labelPosition="after" label="Loading the field changes…" /> : null}
      {detail.isError ? (
        <div style={{ display: 'grid', gap: 6, justifyItems: 'start' }}>
          <ErrorMessage error={toAppError(detail.error)} title="Could not load this change" />
          <Button size="small" onClick={() => void detail.refetch()}>
            Try again
          </Button>
        </div>
      ) : null}
      {detail.data ? <OpFacts op={detail.data.op} integrationId={integrationId} resolution={props.resolution} onResolved={props.onResolved} /> : null}
    </div>
  );
}
