import { Badge, Body1, Caption1, MessageBar, MessageBarBody, MessageBarTitle, Subtitle2, tokens } from '@fluentui/react-components';
import { CheckmarkCircle20Filled, DismissCircle20Filled, Info20Filled, SubtractCircle20Regular, Warning20Filled } from '@fluentui/react-icons';
import type { Checklist, Evidence, ProvisionStep, VerdictKind } from '../../../../src-preload/api-types';

type Status = 'pass' | 'fail' | 'warn' | 'info' | 'skipped';

const ICON: Record<Status, { icon: React.ReactNode; label: string }> = {
  pass: { icon: <CheckmarkCircle20Filled color={tokens.colorPaletteGreenForeground1} />, label: 'Passed' },
  fail: { icon: <DismissCircle20Filled color={tokens.colorPaletteRedForeground1} />, label: 'Failed' },
  warn: { icon: <Warning20Filled color={tokens.colorPaletteDarkOrangeForeground1} />, label: 'Warning' },
  info: { icon: <Info20Filled color={tokens.colorBrandForeground1} />, label: 'Information' },
  skipped: { icon: <SubtractCircle20Regular color={tokens.colorNeutralForeground3} />, label: 'Skipped' },
};

/** How the verdict is shown: good news green, pending changes blue, things to fix amber or red. */
function verdictIntent(kind: VerdictKind): 'success' | 'info' | 'warning' | 'error' {
  if (kind === 'up_to_date') return 'success';
  if (kind.startsWith('will_')) return 'info';
  if (kind === 'not_found' || kind === 'not_in_entra' || kind === 'last_write_failed') return 'error';
  return 'warning';
}

function EvidenceList({ evidence }: { evidence: Evidence[] }) {
  if (evidence.length === 0) return null;
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

/** One row per check (or provision step): status, what was found, the evidence, what to do. */
export function CheckRows({ rows, label }: { rows: { id: string; status: Status; title: string; detail: string; fix: string | null; evidence: Evidence[] }[]; label: string }) {
  return (
    <ul aria-label={label} style={{ listStyle: 'none', margin: 0, padding: 0, display: 'grid', gap: 6 }}>
      {rows.map((c) => (
        <li
          key={c.id}
          data-testid="diagnosis-check"
          data-check-id={c.id}
          data-status={c.status}
          style={{
            display: 'grid',
            gridTemplateColumns: '20px 1fr',
            gap: 8,
            padding: '8px 12px',
            borderRadius: tokens.borderRadiusMedium,
            background: c.status === 'fail' ? tokens.colorPaletteRedBackground1 : c.status === 'warn' ? tokens.colorPaletteYellowBackground1 : tokens.colorNeutralBackground2,
          }}
        >
          <span role="img" aria-label={ICON[c.status].label} style={{ display: 'flex', paddingTop: 1 }}>
            {ICON[c.status].icon}
          </span>
          <div style={{ display: 'grid', gap: 2 }}>
            <Body1>
              <strong>{c.title}</strong>
            </Body1>
            <Caption1>{c.detail}</Caption1>
            <EvidenceList evidence={c.evidence} />
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

export function DiagnosisView({ checklist }: { checklist: Checklist }) {
  const { user, candidates } = checklist;
  const ambiguous = candidates.source.length > 1 || candidates.target.length > 1;
  return (
    <section style={{ display: 'grid', gap: 12 }} aria-label="Diagnosis">
      <MessageBar intent={verdictIntent(checklist.verdictKind)} layout="multiline" data-testid="verdict" data-verdict={checklist.verdictKind}>
        <MessageBarBody>
          <MessageBarTitle>{checklist.verdict}</MessageBarTitle>
          {user.displayName ?? user.email ?? user.query}
          {user.email && user.displayName ? ` · ${user.email}` : ''}
          {user.sourceId ? ` · Entra id ${user.sourceId}` : ''}
        </MessageBarBody>
      </MessageBar>
      {ambiguous ? (
        <div data-testid="candidates" style={{ display: 'grid', gap: 4 }}>
          <Subtitle2>Everyone this could mean</Subtitle2>
          {candidates.source.map((c) => (
            <Caption1 key={`s-${c.id}`}>
              <Badge appearance="tint" size="small">Entra</Badge> {c.displayName ?? '—'} · {c.mail ?? c.userPrincipalName} · {c.id} ({c.matchedBy}){c.accountEnabled ? '' : ' · disabled'}
            </Caption1>
          ))}
          {candidates.target.map((c) => (
            <Caption1 key={`t-${c.id}`}>
              <Badge appearance="tint" size="small" color="informative">LMS</Badge> {c.userName} · id {c.id} · externalId {c.externalId ?? '—'} · {c.active ? 'active' : 'inactive'} ({c.matchedBy.join(', ')})
            </Caption1>
          ))}
        </div>
      ) : null}
      <CheckRows rows={checklist.checks} label="Checks" />
      <Caption1 style={{ color: tokens.colorNeutralForeground3 }}>
        Data as of: Entra {checklist.dataAsOf.source ?? '—'} · LMS {checklist.dataAsOf.target ?? '—'} · plan {checklist.dataAsOf.plan ?? '—'}
      </Caption1>
    </section>
  );
}

export function ProvisionSteps({ steps }: { steps: ProvisionStep[] }) {
  return <CheckRows rows={steps} label="Provision on demand steps" />;
}
