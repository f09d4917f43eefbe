import { Button, Caption1, Dropdown, Input, MessageBar, MessageBarBody, MessageBarTitle, Option, Tooltip } from '@fluentui/react-components';
import { ArrowDownload20Regular, CheckmarkStarburst20Regular, Dismiss16Regular, Search20Regular } from '@fluentui/react-icons';
import { useCallback, useDeferredValue, useMemo, useState, type ReactNode } from 'react';
import type { OpKind, Plan } from '../../../../src-preload/api-types';
import { SummaryCounts } from '../../components/SummaryCounts';
import { downloadCsv, downloadJson } from '../../lib/download';
import { formatValue, plural, when } from '../../lib/format';
import { ApplyDialog } from './ApplyDialog';
import type { Resolution } from './OpDetail';
import { filterPlan, indexPlan, reasonLabel } from './planIndex';
import { PlanTable } from './PlanTable';

function exportName(plan: Plan, ext: string): string {
  return `rollcall-plan-${plan.integrationId}-${plan.createdAt.replace(/[:.]/g, '-')}.${ext}`;
}

/** The diff viewer for one plan: counts as filters, reason and text filters, the table, export and apply. */
export function PlanViewer({ plan, runButton, busy, enabled, onApply }: { plan: Plan; runButton: ReactNode; busy: boolean; enabled: boolean; onApply: (confirmedDeactivations: number | undefined) => void }) {
  const index = useMemo(() => indexPlan(plan), [plan]);
  const [kinds, setKinds] = useState<ReadonlySet<OpKind>>(new Set());
  const [reason, setReason] = useState<string | null>(null);
  const [text, setText] = useState('');
  const deferredText = useDeferredValue(text);
  const rows = useMemo(() => filterPlan(plan, index, { kinds, reason, text: deferredText }), [plan, index, kinds, reason, deferredText]);
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(new Set());
  const [resolutions, setResolutions] = useState<ReadonlyMap<number, Resolution>>(new Map());
  const [applyOpen, setApplyOpen] = useState(false);

  const toggleKind = (k: string) => {
    if (k === 'unchanged') return;
    const next = new Set(kinds);
    if (next.has(k as OpKind)) next.delete(k as OpKind);
    else next.add(k as OpKind);
    setKinds(next);
  };
  const onToggle = useCallback((i: number) => setExpanded((s) => (s.has(i) ? new Set([...s].filter((x) => x !== i)) : new Set(s).add(i))), []);
  const onResolved = useCallback((i: number, r: Resolution) => setResolutions((m) => new Map(m).set(i, r)), []);

  const exportCsv = () =>
    downloadCsv(
      exportName(plan, 'csv'),
      ['kind', 'reason', 'email', 'displayName', 'sourceId', 'targetId', 'detail', 'changes'],
      rows.map((i) => {
        const op = plan.ops[i];
        return op ? [op.kind, op.reason, op.email, op.displayName, op.sourceId, op.targetId, op.detail, op.changes.map((c) => `${c.field}: ${formatValue(c.from)} → ${formatValue(c.to)}`).join('; ')] : [];
      }),
    );
  const exportJson = () =>
    downloadJson(exportName(plan, 'json'), {
      integrationId: plan.integrationId,
      createdAt: plan.createdAt,
      summary: plan.summary,
      guards: plan.guards,
      filter: { kinds: [...kinds], reason, text: deferredText },
      ops: rows.map((i) => plan.ops[i]),
    });

  const filtered = kinds.size > 0 || reason !== null || deferredText.trim() !== '';
  const blocking = plan.guards.filter((g) => g.blocking);
  const notes = plan.guards.filter((g) => !g.blocking);
  return (
    <div style={{ display: 'grid', gap: 12 }} data-testid="plan-viewer">
      <div style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap' }}>
        <Caption1 style={{ flex: 1, minWidth: 240 }}>
          Dry run of {when(plan.createdAt)} · {plan.sourceReadMode === 'full' ? 'full read' : 'delta read'} · {plural(plan.summary.unchanged, 'user')} unchanged
          {plan.departmentsToCreate.length > 0 ? ` · ${plural(plan.departmentsToCreate.length, 'department')} to create` : ''}
        </Caption1>
        {runButton}
        <Tooltip content="Export the rows shown (after filters) as CSV" relationship="description">
          <Button icon={<ArrowDownload20Regular />} onClick={exportCsv} data-testid="export-csv">
            CSV
          </Button>
        </Tooltip>
        <Tooltip content="Export the rows shown (after filters) as JSON" relationship="description">
          <Button icon={<ArrowDownload20Regular />} onClick={exportJson} data-testid="export-json">
            JSON
          </Button>
        </Tooltip>
        <Tooltip content={enabled ? 'Write these changes to the LMS (after a confirmation)' : 'The integration is disabled: enable it on the dashboard to apply'} relationship="description">
          <Button appearance="primary" icon={<CheckmarkStarburst20Regular />} onClick={() => setApplyOpen(true)} disabled={busy || !enabled} data-testid="apply">
            Apply…
          </Button>
        </Tooltip>
      </div>
      {blocking.map((g) => (
        <MessageBar key={g.code} intent={g.confirmable ? 'warning' : 'error'} layout="multiline" data-testid="guard" data-blocking="true">
          <MessageBarBody>
            <MessageBarTitle>{g.message}</MessageBarTitle>
            <strong>What to do: </strong>
            {g.fix}
          </MessageBarBody>
        </MessageBar>
      ))}
      {notes.map((g) => (
        <MessageBar key={g.code} intent="info" layout="multiline" data-testid="guard" data-blocking="false">
          <MessageBarBody>
            {g.message} {g.fix}
          </MessageBarBody>
        </MessageBar>
      ))}
      <SummaryCounts summary={plan.summary} selected={kinds} onSelect={toggleKind} omitUnchanged />
      <div style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap' }}>
        <Input
          contentBefore={<Search20Regular />}
          placeholder="Search e-mail, name or id"
          aria-label="Search e-mail, name or id"
          value={text}
          onChange={(_e, d) => setText(d.value)}
          style={{ width: 300 }}
          data-testid="plan-search"
        />
        <Dropdown
          aria-label="Reason"
          placeholder="Any reason"
          value={reason ? reasonLabel(reason) : ''}
          selectedOptions={reason ? [reason] : []}
          onOptionSelect={(_e, d) => setReason(d.optionValue ? d.optionValue : null)}
          style={{ minWidth: 240 }}
          data-testid="reason-filter"
        >
          <Option value="">Any reason</Option>
          {index.reasons.map((r) => (
            <Option key={r.reason} value={r.reason} text={reasonLabel(r.reason)}>
              {`${reasonLabel(r.reason)} (${r.count.toLocaleString()})`}
            </Option>
          ))}
        </Dropdown>
        {filtered ? (
          <Button
            appearance="subtle"
            icon={<Dismiss16Regular />}
            onClick={() => {
              setKinds(new Set());
              setReason(null);
              setText('');
            }}
          >
            Clear filters
          </Button>
        ) : null}
        <Caption1 role="status" data-testid="row-count" style={{ marginLeft: 'auto' }}>
          {filtered ? `${rows.length.toLocaleString()} of ${plan.ops.length.toLocaleString()} changes` : plural(plan.ops.length, 'change')}
        </Caption1>
      </div>
      {rows.length === 0 ? (
        <MessageBar intent="info" layout="multiline">
          <MessageBarBody>{plan.ops.length === 0 ? 'Nothing to change: the LMS already matches Entra ID.' : 'No change matches these filters.'}</MessageBarBody>
        </MessageBar>
      ) : (
        <PlanTable plan={plan} rows={rows} expanded={expanded} onToggle={onToggle} resolutions={resolutions} onResolved={onResolved} />
      )}
      <ApplyDialog plan={plan} open={applyOpen} onCancel={() => setApplyOpen(false)} onConfirm={(n) => {
          setApplyOpen(false);
          onApply(n);
        }}
      />
    </div>
  );
}
