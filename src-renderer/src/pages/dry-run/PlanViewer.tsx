import { Button, Caption1, Dropdown, Input, MessageBar, MessageBarBody, MessageBarTitle, Option, ProgressBar, Skeleton, SkeletonItem, Spinner, Tooltip } from '@fluentui/react-components';
import { ArrowDownload20Regular, CheckmarkStarburst20Regular, Dismiss16Regular, Search20Regular } from '@fluentui/react-icons';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { OpKind, PlanHeader } from '../../../../src-preload/api-types';
import { toAppError } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { SummaryCounts } from '../../components/SummaryCounts';
import { plural, when } from '../../lib/format';
import { ApplyDialog, type Confirmed } from './ApplyDialog';
import { exportPlan } from './exportPlan';
import type { Resolution } from './OpDetail';
import { reasonLabel, warningLabel } from './planIndex';
import { PlanTable } from './PlanTable';
import { UnmanagedNote } from './UnmanagedNote';
import { UnusedDepartmentsNote } from './UnusedDepartmentsNote';
import { GroupsNote } from './GroupsNote';
import { writesGroup } from '../../../../src-main/core/push-groups';
import { relationWrites } from '../../../../src-main/core/reports';
import { filterInput, NO_FILTER_KEY, usePlanRows } from './usePlanRows';

/** A filter by one code (a reason, a warning), each offered with how many changes carry it. */
function CountFilter(props: { label: string; any: string; value: string | null; onChange: (v: string | null) => void; options: Array<{ value: string; label: string; count: number }>; testId: string }) {
  const { value, options } = props;
  return (
    <Dropdown
      aria-label={props.label}
      placeholder={props.any}
      value={value ? (options.find((o) => o.value === value)?.label ?? value) : ''}
      selectedOptions={value ? [value] : []}
      onOptionSelect={(_e, d) => props.onChange(d.optionValue ? d.optionValue : null)}
      style={{ minWidth: 240 }}
      data-testid={props.testId}
    >
      <Option value="">{props.any}</Option>
      {options.map((o) => (
        <Option key={o.value} value={o.value} text={o.label}>
          {`${o.label} (${o.count.toLocaleString()})`}
        </Option>
      ))}
    </Dropdown>
  );
}

/** The diff viewer for one plan: counts as filters, reason and text filters, the table, export and apply. */
export function PlanViewer({ plan, runButton, busy, enabled, onApply }: { plan: PlanHeader; runButton: ReactNode; busy: boolean; enabled: boolean; onApply: (confirmed: Confirmed) => void }) {
  const [kinds, setKinds] = useState<ReadonlySet<OpKind>>(new Set());
  const [reason, setReason] = useState<string | null>(null);
  const [warning, setWarning] = useState<string | null>(null);
  const [text, setText] = useState('');
  const rows = usePlanRows(plan.integrationId, plan.version, { kinds, reason, warning, text });
  const [exporting, setExporting] = useState<{ format: string; done: number; total: number | null } | null>(null);
  const [exportError, setExportError] = useState<ReturnType<typeof toAppError> | null>(null);
  const stopExport = useRef<AbortController | null>(null);
  // Leaving the page (or a newer dry run replacing this one) stops an export under way.
  useEffect(() => () => stopExport.current?.abort(), []);
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

  const runExport = (format: 'csv' | 'json') => {
    const controller = new AbortController();
    stopExport.current = controller;
    setExportError(null);
    setExporting({ format, done: 0, total: null });
    exportPlan(format, plan, filterInput({ kinds, reason, warning, text }), (done, total) => setExporting({ format, done, total }), controller.signal)
      .catch((err: unknown) => setExportError(toAppError(err)))
      .finally(() => {
        if (stopExport.current === controller) stopExport.current = null;
        setExporting(null);
      });
  };

  const view = rows.view;
  // What the table shows (the previous filter's rows stay until the new ones arrive).
  const filtered = view !== null && view.key !== NO_FILTER_KEY;
  const blocking = plan.guards.filter((g) => g.blocking);
  const notes = plan.guards.filter((g) => !g.blocking);
  return (
    <div style={{ display: 'grid', gap: 12 }} data-testid="plan-viewer">
      <div style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap' }}>
        <Caption1 style={{ flex: 1, minWidth: 240 }}>
          Dry run of {when(plan.createdAt)} · Entra {plan.sourceReadMode === 'full' ? 'read in full' : 'read by delta'} · LMS {plan.targetReadMode === 'changes' ? 'read by its changes' : 'read in full'} · {plural(plan.summary.unchanged, 'user')} unchanged
          {plan.departmentsToCreate.length > 0 ? ` · ${plural(plan.departmentsToCreate.length, 'department')} to create` : ''}
        </Caption1>
        {runButton}
        <Tooltip content="Export the rows shown (after filters) as CSV" relationship="description">
          <Button icon={<ArrowDownload20Regular />} onClick={() => runExport('csv')} disabled={exporting !== null} data-testid="export-csv">
            CSV
          </Button>
        </Tooltip>
        <Tooltip content="Export the rows shown (after filters) as JSON, with every field change" relationship="description">
          <Button icon={<ArrowDownload20Regular />} onClick={() => runExport('json')} disabled={exporting !== null} data-testid="export-json">
            JSON
          </Button>
        </Tooltip>
        <Tooltip content={enabled ? 'Write these changes to the LMS (after a confirmation)' : 'The integration is disabled: enable it on the dashboard to apply'} relationship="description">
          <Button appearance="primary" icon={<CheckmarkStarburst20Regular />} onClick={() => setApplyOpen(true)} disabled={busy || !enabled} data-testid="apply">
            Apply…
          </Button>
        </Tooltip>
      </div>
      {exporting ? (
        <div role="status" data-testid="export-progress" style={{ display: 'grid', gap: 4 }}>
          <div style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
            <Caption1 style={{ flex: 1 }}>
              Preparing the {exporting.format.toUpperCase()} export
              {exporting.total !== null ? `: ${exporting.done.toLocaleString()} of ${plural(exporting.total, 'change')}` : '…'}
            </Caption1>
            <Button size="small" appearance="subtle" onClick={() => stopExport.current?.abort()}>
              Cancel
            </Button>
          </div>
          <ProgressBar value={exporting.total ? exporting.done / exporting.total : undefined} aria-label="Export progress" />
        </div>
      ) : null}
      {exportError ? <ErrorMessage error={exportError} title="Could not export the changes" /> : null}
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
      <SummaryCounts summary={plan.summary} selected={kinds} onSelect={toggleKind} omitUnchanged notes={{ update: relationWrites(plan.relationWrites ?? 0) }} />
      <UnmanagedNote plan={plan} />
      <UnusedDepartmentsNote plan={plan} />
      <GroupsNote plan={plan} />
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
        <CountFilter label="Reason" any="Any reason" value={reason} onChange={setReason} options={plan.reasons.map((r) => ({ value: r.reason, label: reasonLabel(r.reason), count: r.count }))} testId="reason-filter" />
        {/* Data problems across the tenant (an approver nobody in Entra has, a permission type the LMS lacks…), where there are any. */}
        {plan.warnings.length > 0 ? (
          <CountFilter label="Warning" any="Any warning" value={warning} onChange={setWarning} options={plan.warnings.map((w) => ({ value: w.code, label: warningLabel(w.code), count: w.count }))} testId="warning-filter" />
        ) : null}
        {filtered ? (
          <Button
            appearance="subtle"
            icon={<Dismiss16Regular />}
            onClick={() => {
              setKinds(new Set());
              setReason(null);
              setWarning(null);
              setText('');
            }}
          >
            Clear filters
          </Button>
        ) : null}
        <span style={{ marginLeft: 'auto', display: 'flex', gap: 6, alignItems: 'center' }}>
          {rows.pending && view !== null ? <Spinner size="extra-tiny" aria-label="Filtering" data-testid="filter-pending" /> : null}
          <Caption1 role="status" data-testid="row-count">
            {view === null ? `${plural(plan.opCount, 'change')}` : filtered ? `${view.total.toLocaleString()} of ${plan.opCount.toLocaleString()} changes` : plural(plan.opCount, 'change')}
          </Caption1>
        </span>
      </div>
      {rows.error ? (
        <div style={{ display: 'grid', gap: 6, justifyItems: 'start' }}>
          <ErrorMessage error={rows.error} title="Could not load the changes" />
          <Button size="small" onClick={rows.retry}>
            Try again
          </Button>
        </div>
      ) : null}
      {view === null && !rows.error ? (
        <Skeleton aria-label="Loading the changes" data-testid="rows-loading">
          <SkeletonItem size={40} />
          <SkeletonItem size={40} />
          <SkeletonItem size={40} />
        </Skeleton>
      ) : null}
      {view !== null && view.total === 0 ? (
        <MessageBar intent="info" layout="multiline">
          <MessageBarBody>{plan.opCount === 0 ? (plan.groups?.some(writesGroup) ? 'No user changes: every account already matches Entra ID (the groups above still change).' : 'Nothing to change: the LMS already matches Entra ID.') : 'No change matches these filters.'}</MessageBarBody>
        </MessageBar>
      ) : null}
      {view !== null && view.total > 0 ? (
        <PlanTable
          integrationId={plan.integrationId}
          version={plan.version}
          total={view.total}
          filterKey={view.key}
          rowAt={rows.rowAt}
          ensure={rows.ensure}
          expanded={expanded}
          onToggle={onToggle}
          resolutions={resolutions}
          onResolved={onResolved}
        />
      ) : null}
      <ApplyDialog plan={plan} open={applyOpen} onCancel={() => setApplyOpen(false)} onConfirm={(n) => {
          setApplyOpen(false);
          onApply(n);
        }}
      />
    </div>
  );
}
