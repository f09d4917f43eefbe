import { Caption1, tokens } from '@fluentui/react-components';
import { ChevronDown16Regular, ChevronRight16Regular } from '@fluentui/react-icons';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useRef } from 'react';
import type { Plan, PlanOp } from '../../../../src-preload/api-types';
import { KIND_META } from '../../components/SummaryCounts';
import { OpDetail, type Resolution } from './OpDetail';
import { opChangesText } from './planIndex';

const COLUMNS = '28px 110px minmax(180px, 1.2fr) minmax(200px, 2fr) minmax(120px, 1fr)';
const ROW_HEIGHT = 44;

function KindBadge({ kind }: { kind: PlanOp['kind'] }) {
  const meta = KIND_META[kind];
  return <span style={{ display: 'inline-block', padding: '2px 8px', borderRadius: 10, fontSize: tokens.fontSizeBase200, fontWeight: 600, color: meta.color, background: meta.bg }}>{meta.label}</span>;
}

const ellipsis = { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' } as const;

/** One summary line; cheap to render (no per-row formatting beyond what is shown). */
const Row = memo(function Row({ op, pos, expanded, onToggle, onKey }: { op: PlanOp; pos: number; expanded: boolean; onToggle: (pos: number) => void; onKey: (e: React.KeyboardEvent, pos: number) => void }) {
  return (
    <button
      type="button"
      className="rollcall-row"
      data-testid="plan-row"
      data-kind={op.kind}
      data-email={op.email ?? undefined}
      aria-expanded={expanded}
      onClick={() => onToggle(pos)}
      onKeyDown={(e) => onKey(e, pos)}
      style={{
        all: 'unset',
        boxSizing: 'border-box',
        width: '100%',
        height: ROW_HEIGHT,
        display: 'grid',
        gridTemplateColumns: COLUMNS,
        alignItems: 'center',
        gap: 8,
        padding: '0 12px',
        cursor: 'pointer',
        borderBottom: `1px solid ${tokens.colorNeutralStroke3}`,
        background: expanded ? tokens.colorNeutralBackground1Selected : undefined,
      }}
    >
      <span aria-hidden style={{ display: 'flex' }}>
        {expanded ? <ChevronDown16Regular /> : <ChevronRight16Regular />}
      </span>
      <span>
        <KindBadge kind={op.kind} />
      </span>
      <span style={{ display: 'grid', minWidth: 0 }}>
        <span style={{ ...ellipsis, fontWeight: 600 }}>{op.displayName ?? op.email ?? op.sourceId ?? op.targetId}</span>
        <Caption1 style={{ ...ellipsis, color: tokens.colorNeutralForeground3 }}>{op.email ?? ''}</Caption1>
      </span>
      <span style={ellipsis} title={op.detail}>
        {op.detail}
      </span>
      <Caption1 style={ellipsis}>{opChangesText(op)}</Caption1>
    </button>
  );
});

/**
 * The diff: a virtualised list that renders only the rows in view (100,000 ops stay smooth).
 * Enter/Space expands a row; ↑/↓, Home/End move between rows.
 */
export function PlanTable(props: {
  plan: Plan;
  rows: number[];
  expanded: ReadonlySet<number>;
  onToggle: (opIndex: number) => void;
  resolutions: ReadonlyMap<number, Resolution>;
  onResolved: (opIndex: number, r: Resolution) => void;
}) {
  const { plan, rows, expanded, onToggle, resolutions, onResolved } = props;
  const scroller = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- no React Compiler in this build; the virtualizer re-renders this component itself
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: (i) => (expanded.has(rows[i] ?? -1) ? 260 : ROW_HEIGHT),
    overscan: 12,
    getItemKey: (i) => rows[i] ?? i,
  });

  const toggle = useCallback((pos: number) => onToggle(rows[pos] ?? -1), [onToggle, rows]);
  const onKey = useCallback(
    (e: React.KeyboardEvent, pos: number) => {
      const to = e.key === 'ArrowDown' ? pos + 1 : e.key === 'ArrowUp' ? pos - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? rows.length - 1 : null;
      if (to === null || to < 0 || to >= rows.length) return;
      e.preventDefault();
      virtualizer.scrollToIndex(to, { align: 'auto' });
      const focus = (tries: number) => {
        const el = scroller.current?.querySelector<HTMLButtonElement>(`[data-pos="${to}"] .rollcall-row`);
        if (el) el.focus();
        else if (tries > 0) requestAnimationFrame(() => focus(tries - 1));
      };
      requestAnimationFrame(() => focus(5));
    },
    [rows.length, virtualizer],
  );

  return (
    <div role="region" aria-label="Changes" style={{ border: `1px solid ${tokens.colorNeutralStroke2}`, borderRadius: tokens.borderRadiusLarge, overflow: 'hidden', background: tokens.colorNeutralBackground1 }}>
      <div aria-hidden style={{ display: 'grid', gridTemplateColumns: COLUMNS, gap: 8, padding: '8px 12px', background: tokens.colorNeutralBackground3, fontWeight: 600, fontSize: tokens.fontSizeBase200 }}>
        <span />
        <span>Change</span>
        <span>Person</span>
        <span>Why</span>
        <span>Fields</span>
      </div>
      <div ref={scroller} data-testid="plan-scroller" style={{ height: 'max(320px, calc(100vh - 440px))', overflow: 'auto', contain: 'strict' }}>
        <div role="list" aria-label={`${rows.length} changes`} style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const opIndex = rows[item.index] ?? -1;
            const op = plan.ops[opIndex];
            if (!op) return null;
            const open = expanded.has(opIndex);
            return (
              <div key={item.key} role="listitem" data-index={item.index} data-pos={item.index} ref={virtualizer.measureElement} style={{ position: 'absolute', top: 0, left: 0, width: '100%', transform: `translateY(${item.start}px)` }}>
                <Row op={op} pos={item.index} expanded={open} onToggle={toggle} onKey={onKey} />
                {open ? <OpDetail op={op} integrationId={plan.integrationId} resolution={resolutions.get(opIndex)} onResolved={(r) => onResolved(opIndex, r)} /> : null}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
