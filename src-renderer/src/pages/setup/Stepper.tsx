import { Caption1, tokens } from '@fluentui/react-components';
import { CheckmarkCircle20Filled, Circle20Regular, RecordStop20Regular } from '@fluentui/react-icons';

export interface StepInfo {
  key: string;
  title: string;
  done: boolean;
  /** Reachable: the admin may jump here (earlier steps are done). */
  reachable: boolean;
}

/** The wizard's steps as a vertical list: done ✓, current ●, the rest ○; reached steps are links. */
export function Stepper({ steps, current, onSelect }: { steps: StepInfo[]; current: number; onSelect: (i: number) => void }) {
  return (
    <nav aria-label="Setup steps">
      <ol style={{ listStyle: 'none', margin: 0, padding: 0, display: 'grid', gap: 2 }}>
        {steps.map((s, i) => {
          const isCurrent = i === current;
          const icon = s.done && !isCurrent ? <CheckmarkCircle20Filled color={tokens.colorPaletteGreenForeground1} /> : isCurrent ? <RecordStop20Regular color={tokens.colorBrandForeground1} /> : <Circle20Regular color={tokens.colorNeutralForeground3} />;
          return (
            <li key={s.key}>
              <button
                type="button"
                data-testid={`step-${s.key}`}
                aria-current={isCurrent ? 'step' : undefined}
                disabled={!s.reachable}
                onClick={() => onSelect(i)}
                style={{
                  all: 'unset',
                  boxSizing: 'border-box',
                  width: '100%',
                  display: 'grid',
                  gridTemplateColumns: '20px 1fr',
                  gap: 10,
                  alignItems: 'center',
                  padding: '8px 10px',
                  borderRadius: tokens.borderRadiusMedium,
                  cursor: s.reachable ? 'pointer' : 'default',
                  background: isCurrent ? tokens.colorBrandBackground2 : 'transparent',
                  color: s.reachable ? tokens.colorNeutralForeground1 : tokens.colorNeutralForegroundDisabled,
                  fontWeight: isCurrent ? 600 : 400,
                  outlineOffset: 2,
                }}
                className="rollcall-step"
              >
                <span style={{ display: 'flex' }} aria-hidden>
                  {icon}
                </span>
                <span>
                  <Caption1 style={{ display: 'block', color: tokens.colorNeutralForeground3 }}>Step {i + 1}</Caption1>
                  {s.title}
                  {s.done ? <span className="visually-hidden"> (done)</span> : null}
                </span>
              </button>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
