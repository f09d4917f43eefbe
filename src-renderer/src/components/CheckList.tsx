import { Body1, Caption1, tokens } from '@fluentui/react-components';
import { CheckmarkCircle20Filled, DismissCircle20Filled, Info20Filled, SubtractCircle20Regular, Warning20Filled } from '@fluentui/react-icons';
import type { Evidence } from '../../../src-preload/api-types';

export type CheckRowStatus = 'pass' | 'fail' | 'warn' | 'info' | 'skipped';

/** A Test result, a troubleshooting check or a provision-on-demand step. */
export interface CheckRow {
  id: string;
  status: CheckRowStatus;
  title: string;
  detail: string;
  fix: string | null;
  evidence?: Evidence[];
}

const ICON: Record<CheckRowStatus, { icon: React.ReactNode; label: string }> = {
  pass: { icon: <CheckmarkCircle20Filled color={tokens.colorPaletteGreenForeground1} />, label: 'Passed' },
  fail: { icon: <DismissCircle20Filled color={tokens.colorPaletteRedForeground1} />, label: 'Failed' },
  warn: { icon: <Warning20Filled color={tokens.colorPaletteDarkOrangeForeground1} />, label: 'Warning' },
  info: { icon: <Info20Filled color={tokens.colorBrandForeground1} />, label: 'Information' },
  skipped: { icon: <SubtractCircle20Regular color={tokens.colorNeutralForeground3} />, label: 'Skipped' },
};

function EvidenceList({ evidence }: { evidence: Evidence[] }) {
  return (
    <dl data-testid="evidence" style={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: 12, rowGap: 2, margin: '4px 0 0' }}>
      {evidence.map((e, i) => (
        <div key={`${e.label}-${i}`} style={{ display: 'contents' }}>
          <dt>
            <Caption1 style={{ color: tokens.colorNeutralForeground3 }}>{e.label}</Caption1>
          </dt>
          <dd style={{ margin: 0, fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, overflowWrap: 'anywhere' }}>{e.value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Each check with its status, what was found (and the evidence), and what to do. */
export function CheckList({ checks, label, rowTestId = 'check' }: { checks: CheckRow[]; label: string; rowTestId?: string }) {
  return (
    <ul aria-label={label} data-testid="check-list" style={{ listStyle: 'none', margin: 0, padding: 0, display: 'grid', gap: 8 }}>
      {checks.map((c) => (
        <li
          key={c.id}
          data-testid={rowTestId}
          data-status={c.status}
          data-check-id={c.id}
          style={{ display: 'grid', gridTemplateColumns: '20px 1fr', gap: 8, alignItems: 'start', padding: '8px 12px', borderRadius: tokens.borderRadiusMedium, background: c.status === 'fail' ? tokens.colorPaletteRedBackground1 : c.status === 'warn' ? tokens.colorPaletteYellowBackground1 : tokens.colorNeutralBackground2 }}
        >
          <span role="img" aria-label={ICON[c.status].label} style={{ display: 'flex', paddingTop: 1 }}>
            {ICON[c.status].icon}
          </span>
          <div style={{ display: 'grid', gap: 2 }}>
            <Body1>
              <strong>{c.title}</strong>
            </Body1>
            <Caption1>{c.detail}</Caption1>
            {c.evidence && c.evidence.length > 0 ? <EvidenceList evidence={c.evidence} /> : null}
            {c.fix ? (
              <Caption1 data-testid="check-fix">
                <strong>What to do: </strong>
                {c.fix}
              </Caption1>
            ) : null}
          </div>
        </li>
      ))}
    </ul>
  );
}
