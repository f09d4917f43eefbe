import { Badge, Caption1, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, tokens } from '@fluentui/react-components';
import type { RunRecord } from '../../../../src-preload/api-types';
import { describeApplied } from '../../../../src-main/core/reports';
import { duration, plural, when } from '../../lib/format';

const OUTCOME: Record<RunRecord['outcome'], { label: string; color: 'success' | 'warning' | 'danger' | 'informative' | 'brand' }> = {
  running: { label: 'Running', color: 'brand' },
  succeeded: { label: 'Succeeded', color: 'success' },
  partial: { label: 'Partly failed', color: 'warning' },
  failed: { label: 'Failed', color: 'danger' },
  blocked: { label: 'Blocked', color: 'danger' },
  cancelled: { label: 'Cancelled', color: 'informative' },
  interrupted: { label: 'Interrupted', color: 'warning' },
};

const KIND: Record<RunRecord['kind'], string> = { 'dry-run': 'Dry run', apply: 'Sync (apply)', 'on-demand': 'On demand' };
const TRIGGER: Record<RunRecord['trigger'], string> = { manual: 'Manual', schedule: 'Schedule', cli: 'Command line' };

/** How each side was read, short, and why the LMS was read in full. */
function reads(r: RunRecord): { text: string; why: string | null } {
  if (r.readMode === null && r.lmsRead === null) return { text: '—', why: null };
  const lms = r.lmsRead === null ? '—' : r.lmsRead.mode === 'changes' ? 'changes' : 'full';
  return { text: `Entra ${r.readMode ?? '—'} · LMS ${lms}`, why: r.lmsRead?.reason ? `LMS read in full: ${r.lmsRead.reason}.` : null };
}

function counts(r: RunRecord): string {
  const p = r.planned;
  if (!p) return '—';
  const parts = (['create', 'update', 'deactivate', 'reactivate', 'conflict'] as const).filter((k) => p[k] > 0).map((k) => `${p[k].toLocaleString()} ${k}`);
  return parts.length > 0 ? parts.join(' · ') : 'nothing to change';
}

/** Past runs, newest first; a row opens that run's audit log (click, Enter or Space). */
export function RunsTable({ runs, selected, onSelect }: { runs: RunRecord[]; selected: string | undefined; onSelect: (runId: string) => void }) {
  return (
    <Table aria-label="Runs" size="small" data-testid="runs-table" style={{ tableLayout: 'auto' }}>
      <TableHeader>
        <TableRow>
          <TableHeaderCell>Started</TableHeaderCell>
          <TableHeaderCell>Kind</TableHeaderCell>
          <TableHeaderCell>Trigger</TableHeaderCell>
          <TableHeaderCell>Duration</TableHeaderCell>
          <TableHeaderCell>Read</TableHeaderCell>
          <TableHeaderCell>Outcome</TableHeaderCell>
          <TableHeaderCell>Planned changes</TableHeaderCell>
          <TableHeaderCell>Applied / failed</TableHeaderCell>
          <TableHeaderCell>Error</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {runs.map((r) => {
          const o = OUTCOME[r.outcome];
          const read = reads(r);
          const isSelected = r.id === selected;
          return (
            <TableRow
              key={r.id}
              data-testid="run-row"
              data-kind={r.kind}
              tabIndex={0}
              aria-selected={isSelected}
              className="rollcall-row"
              onClick={() => onSelect(r.id)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  onSelect(r.id);
                }
              }}
              style={{ cursor: 'pointer', background: isSelected ? tokens.colorNeutralBackground1Selected : undefined }}
            >
              <TableCell>{when(r.startedAt)}</TableCell>
              <TableCell>{KIND[r.kind]}</TableCell>
              <TableCell>{r.via === 'troubleshoot' ? `Troubleshoot (${TRIGGER[r.trigger].toLowerCase()})` : TRIGGER[r.trigger]}</TableCell>
              <TableCell>{duration(r.startedAt, r.finishedAt)}</TableCell>
              <TableCell>
                <Caption1 data-testid="run-reads">{read.text}</Caption1>
                {read.why && (
                  <Caption1 data-testid="run-reads-why" style={{ display: 'block', maxWidth: 220, color: tokens.colorNeutralForeground3 }}>
                    {read.why}
                  </Caption1>
                )}
              </TableCell>
              <TableCell>
                <Badge appearance="tint" color={o.color}>
                  {o.label}
                </Badge>
              </TableCell>
              <TableCell>
                <Caption1>{counts(r)}</Caption1>
              </TableCell>
              <TableCell>
                {r.kind === 'apply' ? `${r.applied} / ${r.failed}` : '—'}
                {r.groupsWritten > 0 || r.heldBack > 0 ? (
                  <Caption1 data-testid="run-extra-writes" title={describeApplied(r).heldBack ?? undefined} style={{ display: 'block', color: tokens.colorNeutralForeground3 }}>
                    {[r.groupsWritten > 0 ? `${plural(r.groupsWritten, 'LMS group')} written` : null, r.heldBack > 0 ? `${plural(r.heldBack, 'manager/approver write')} held back` : null].filter(Boolean).join(' · ')}
                  </Caption1>
                ) : null}
              </TableCell>
              <TableCell>
                <Caption1 title={r.error ? `${r.error.message} What to do: ${r.error.fix}` : undefined} style={{ display: 'block', maxWidth: 280, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
                  {r.error?.message ?? ''}
                </Caption1>
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
