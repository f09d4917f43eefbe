import { Body1, Caption1, tokens } from '@fluentui/react-components';
import { CheckmarkCircle20Filled, DismissCircle20Filled, Info20Filled, Warning20Filled } from '@fluentui/react-icons';
import type { Check, CheckStatus } from '../../../src-preload/api-types';

const ICON: Record<CheckStatus, { icon: React.ReactNode; label: string }> = {
  pass: { icon: <CheckmarkCircle20Filled color={tokens.colorPaletteGreenForeground1} />, label: 'Passed' },
  fail: { icon: <DismissCircle20Filled color={tokens.colorPaletteRedForeground1} />, label: 'Failed' },
  warn: { icon: <Warning20Filled color={tokens.colorPaletteDarkOrangeForeground1} />, label: 'Warning' },
  info: { icon: <Info20Filled color={tokens.colorBrandForeground1} />, label: 'Supported' },
};

/** The result of a Test: each check with its status, what was found, and what to do. */
export function CheckList({ checks, label }: { checks: Check[]; label: string }) {
  return (
    <ul aria-label={label} data-testid="check-list" style={{ listStyle: 'none', margin: 0, padding: 0, display: 'grid', gap: 8 }}>
      {checks.map((c) => (
        <li
          key={c.id}
          data-testid="check"
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
            {c.fix ? (
              <Caption1>
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
