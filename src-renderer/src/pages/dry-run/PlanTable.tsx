import { Caption1, Skeleton, SkeletonItem, tokens } from '@fluentui/react-components';
import { ChevronDown16Regular, ChevronRight16Regular } from '@fluentui/react-icons';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useRef } from 'react';
import type { PlanRow } from '../../../../src-preload/api-types';
import { KIND_META } from '../../components/SummaryCounts';
import { OpDetail, type Resolution } from './OpDetail';
import { OpenQuestionProvider } from './open-question';
import { fieldsText } from './planIndex';

const COLUMNS = '28px 110px minmax(180px, 1.2fr) minmax(200px, 2fr) minmax(120px, 1fr)';
const ROW_HEIGHT = 44;

function KindBadge({ kind }: { kind: PlanRow['kind'] }) {
  const meta = KIND_META[kind];
  return <span style={{ display: 'inline-block', padding: '2px 8px', borderRadius: 10, fontSize: tokens.fontSizeBase200, fontWeight: 600, color: meta.color, background: meta.bg }}>{meta.label}</span>;
}

const ellipsis = { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' } as const;

/** One summary line; cheap to render (no per-row formatting beyond what is shown). */
const Row = memo(function Row({ op, pos, expanded, onToggle, onKey }: { op: PlanRow; pos: number; expanded: boolean; onToggle: (pos: number) => void; onKey: (e: React.KeyboardEvent, pos: number) => void }) {
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
      <Caption1 style={ellipsis}>{fieldsText(op.fields)}</Caption1>
    </button>
  );
});

/** A row whose window is still on its way from main: same height, no content yet. */
function PendingRow() {
  return (
    <div data-testid="plan-row-pending" aria-busy="true" style={{ height: ROW_HEIGHT, display: 'grid', gridTemplateColumns: COLUMNS, alignItems: 'center', gap: 8, padding: '0 12px', boxSizing: 'border-box', borderBottom: `1px solid ${tokens.colorNeutralStroke3}` }}>
      <span />
      <Skeleton aria-label="Loading this row">
        <SkeletonItem size={16} />
      </Skeleton>
      <Skeleton>
        <SkeletonItem size={16} />
      </Skeleton>
      <Skeleton>
        <SkeletonItem size={16} />
      </Skeleton>
      <span />
    </div>
  );
}

/**
 * The diff: a virtualised list that renders only the rows in view, and asks main for the windows
 * of rows it is about to show (the plan itself stays in main; 100,000 ops stay smooth).
 * Enter/Space expands a row; ↑/↓, Home/End move between rows.
 */
export function PlanTable(props: {
  integrationId: string;
  version: string;
  /** Rows passing the filter. */
  total: number;
  /** Identifies the filter: the list starts at the top when it changes. */
  filterKey: string;
  rowAt: (pos: number) => PlanRow | undefined;
  ensure: (from: number, to: number) => void;
  expanded: ReadonlySet<number>;
  onToggle: (opIndex: number) => void;
  resolutions: ReadonlyMap<number, Resolution>;
  onResolved: (opIndex: number, r: Resolution) => void;
}) {
  const { integrationId, version, total, filterKey, rowAt, ensure, expanded, onToggle, resolutions, onResolved } = props;
  const scroller = useRef<HTMLDivElement>(null);
  // Stable callbacks: the virtualizer recomputes every row's position (177,805 of them) whenever
  // these change, so they change only when rows arrive or a row opens, never on a scroll.
  const estimateSize = useCallback((i: number) => (expanded.has(rowAt(i)?.index ?? -1) ? 260 : ROW_HEIGHT), [expanded, rowAt]);
  const getItemKey = useCallback((i: number) => rowAt(i)?.index ?? `pending-${i}`, [rowAt]);
  const getScrollElement = useCallback(() => scroller.current, []);
  // eslint-disable-next-line react-hooks/incompatible-library -- no React Compiler in this build; the virtualizer re-renders this component itself
  const virtualizer = useVirtualizer({ count: total, getScrollElement, estimateSize, overscan: 12, getItemKey });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? 0;
  useEffect(() => ensure(first, last), [ensure, first, last]);
  useEffect(() => {
    if (scroller.current) scroller.current.scrollTop = 0;
  }, [filterKey]);

  const toggle = useCallback((pos: number) => onToggle(rowAt(pos)?.index ?? -1), [onToggle, rowAt]);
  const onKey = useCallback(
    (e: React.KeyboardEvent, pos: number) => {
      const to = e.key === 'ArrowDown' ? pos + 1 : e.key === 'ArrowUp' ? pos - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? total - 1 : null;
      if (to === null || to < 0 || to >= total) return;
      e.preventDefault();
      virtualizer.scrollToIndex(to, { align: 'auto' });
      // The row may still be on its way from main: keep trying for a couple of seconds.
      const focus = (tries: number) => {
        const el = scroller.current?.querySelector<HTMLButtonElement>(`[data-pos="${to}"] .rollcall-row`);
        if (el) el.focus();
        else if (tries > 0) requestAnimationFrame(() => focus(tries - 1));
      };
      requestAnimationFrame(() => focus(120));
    },
    [total, virtualizer],
  );

  return (
    <OpenQuestionProvider>
      <div role="region" aria-label="Changes" style={{ border: `1px solid ${tokens.colorNeutralStroke2}`, borderRadius: tokens.borderRadiusLarge, overflow: 'hidden', background: tokens.colorNeutralBackground1 }}>
        <div aria-hidden style={{ display: 'grid', gridTemplateColumns: COLUMNS, gap: 8, padding: '8px 12px', background: tokens.colorNeutralBackground3, fontWeight: 600, fontSize: tokens.fontSizeBase200 }}>
          <span />
          <span>Change</span>
          <span>Person</span>
          <span>Why</span>
          <span>Fields</span>
        </div>
        <div ref={scroller} data-testid="plan-scroller" style={{ height: 'max(320px, calc(100vh - 440px))', overflow: 'auto', contain: 'strict' }}>
          <div role="list" aria-label={`${total} changes`} style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((item) => {
              const row = rowAt(item.index);
              const open = row !== undefined && expanded.has(row.index);
              return (
                <div key={item.key} role="listitem" data-index={item.index} data-pos={item.index} ref={virtualizer.measureElement} style={{ position: 'absolute', top: 0, left: 0, width: '100%', transform: `translateY(${item.start}px)` }}>
                  {row ? <Row op={row} pos={item.index} expanded={open} onToggle={toggle} onKey={onKey} /> : <PendingRow />}
                  {row && open ? <OpDetail row={row} integrationId={integrationId} version={version} resolution={resolutions.get(row.index)} onResolved={(r) => onResolved(row.index, r)} /> : null}
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </OpenQuestionProvider>
  );
}
