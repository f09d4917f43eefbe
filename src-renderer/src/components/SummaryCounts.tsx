import { Caption1, tokens } from '@fluentui/react-components';
import type { PlanSummary } from '../../../src-preload/api-types';

export const KIND_META: Record<keyof PlanSummary, { label: string; color: string; bg: string }> = {
  create: { label: 'Create', color: tokens.colorPaletteGreenForeground1, bg: tokens.colorPaletteGreenBackground1 },
  update: { label: 'Update', color: tokens.colorBrandForeground1, bg: tokens.colorBrandBackground2 },
  deactivate: { label: 'Deactivate', color: tokens.colorPaletteRedForeground1, bg: tokens.colorPaletteRedBackground1 },
  reactivate: { label: 'Reactivate', color: tokens.colorPaletteTealForeground2, bg: tokens.colorPaletteTealBackground2 },
  conflict: { label: 'Conflict', color: tokens.colorPaletteDarkOrangeForeground1, bg: tokens.colorPaletteDarkOrangeBackground1 },
  skip: { label: 'Skip', color: tokens.colorNeutralForeground2, bg: tokens.colorNeutralBackground3 },
  unchanged: { label: 'Unchanged', color: tokens.colorNeutralForeground3, bg: tokens.colorNeutralBackground2 },
};

export const KINDS = ['create', 'update', 'deactivate', 'reactivate', 'conflict', 'skip', 'unchanged'] as const;

/**
 * The plan's counts by kind. With onSelect, each count is a toggle button that filters the table
 * (aria-pressed tells which are on).
 */
export function SummaryCounts({
  summary,
  selected,
  onSelect,
  omitUnchanged,
  notes,
}: {
  summary: PlanSummary;
  selected?: ReadonlySet<string>;
  onSelect?: (kind: keyof PlanSummary) => void;
  omitUnchanged?: boolean;
  /** A line under a count: what its filter shows besides the people counted (manager links under Update). */
  notes?: Partial<Record<keyof PlanSummary, string | null>>;
}) {
  const kinds = omitUnchanged ? KINDS.filter((k) => k !== 'unchanged') : KINDS;
  return (
    <div data-testid="summary-counts" style={{ display: 'grid', gridTemplateColumns: `repeat(${kinds.length}, minmax(96px, 1fr))`, gap: 8 }} role={onSelect ? 'group' : undefined} aria-label="Changes by kind">
      {kinds.map((k) => {
        const meta = KIND_META[k];
        const on = selected?.has(k) ?? false;
        const content = (
          <>
            <span style={{ fontSize: 24, fontWeight: 600, color: summary[k] === 0 ? tokens.colorNeutralForeground3 : meta.color, lineHeight: 1.2 }} data-testid={`count-${k}`}>
              {summary[k].toLocaleString()}
            </span>
            <Caption1>{meta.label}</Caption1>
            {notes?.[k] ? (
              <Caption1 data-testid={`count-note-${k}`} style={{ color: tokens.colorNeutralForeground3 }}>
                {notes[k]}
              </Caption1>
            ) : null}
          </>
        );
        const style = {
          display: 'grid',
          gap: 2,
          padding: '10px 12px',
          borderRadius: tokens.borderRadiusLarge,
          background: summary[k] === 0 ? tokens.colorNeutralBackground2 : meta.bg,
          border: `2px solid ${on ? meta.color : 'transparent'}`,
          textAlign: 'left' as const,
          font: 'inherit',
          color: 'inherit',
        };
        return onSelect ? (
          <button key={k} type="button" aria-pressed={on} data-testid={`filter-${k}`} onClick={() => onSelect(k)} style={{ ...style, cursor: 'pointer' }} title={`Show only: ${meta.label}`}>
            {content}
          </button>
        ) : (
          <div key={k} style={style}>
            {content}
          </div>
        );
      })}
    </div>
  );
}
