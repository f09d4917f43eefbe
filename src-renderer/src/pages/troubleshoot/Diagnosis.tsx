import { Badge, Caption1, Link, MessageBar, MessageBarBody, MessageBarTitle, Subtitle2, tokens } from '@fluentui/react-components';
import type { Checklist, ProvisionStep, VerdictKind } from '../../../../src-preload/api-types';
import { CheckList } from '../../components/CheckList';

/** How the verdict is shown: good news green, pending changes blue, things to fix amber or red. */
function verdictIntent(kind: VerdictKind): 'success' | 'info' | 'warning' | 'error' {
  if (kind === 'up_to_date') return 'success';
  if (kind.startsWith('will_')) return 'info';
  if (kind === 'not_found' || kind === 'not_in_entra' || kind === 'last_write_failed') return 'error';
  return 'warning';
}

/** The checklist; `onPick` diagnoses one of the people an ambiguous query may mean. */
export function DiagnosisView({ checklist, onPick }: { checklist: Checklist; onPick?: (query: string) => void }) {
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
            <Caption1 key={`s-${c.id}`} data-testid="candidate-person">
              <Badge appearance="tint" size="small">Entra</Badge>{' '}
              {onPick && c.id !== user.sourceId ? (
                <Link onClick={() => onPick(c.id)} aria-label={`Diagnose ${c.displayName ?? c.userPrincipalName ?? c.id} (${c.userPrincipalName ?? c.id})`}>
                  {c.displayName ?? '—'}
                </Link>
              ) : (
                <strong>{c.displayName ?? '—'}</strong>
              )}{' '}
              · {c.mail ?? c.userPrincipalName} · {c.id} ({c.matchedBy}){c.accountEnabled ? '' : ' · disabled'}
              {c.id === user.sourceId ? ' · this checklist' : ''}
            </Caption1>
          ))}
          {candidates.target.map((c) => (
            <Caption1 key={`t-${c.id}`}>
              <Badge appearance="tint" size="small" color="informative">LMS</Badge> {c.userName} · id {c.id} · externalId {c.externalId ?? '—'} · {c.active ? 'active' : 'inactive'} ({c.matchedBy.join(', ')})
            </Caption1>
          ))}
        </div>
      ) : null}
      <CheckList checks={checklist.checks} label="Checks" rowTestId="diagnosis-check" />
      <Caption1 style={{ color: tokens.colorNeutralForeground3 }}>
        Data as of: Entra {checklist.dataAsOf.source ?? '—'} · LMS {checklist.dataAsOf.target ?? '—'} · plan {checklist.dataAsOf.plan ?? '—'}
      </Caption1>
    </section>
  );
}

export function ProvisionSteps({ steps }: { steps: ProvisionStep[] }) {
  return <CheckList checks={steps} label="Provision on demand steps" rowTestId="diagnosis-check" />;
}
