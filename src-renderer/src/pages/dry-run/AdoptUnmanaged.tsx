/**
 * "Have the integration deactivate users who do not fit the group" (reference 000) for accounts
 * made before Rollcall: the dry run's unmanaged accounts of people in Entra whom this integration
 * does not sync are linked to them, after a question that names the first of them and says what
 * follows with the settings as they are now. Nothing is written to the LMS here.
 */
import { Button, Caption1, MessageBar, MessageBarBody, Spinner } from '@fluentui/react-components';
import { Link20Regular } from '@fluentui/react-icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { AdoptResult, PlanHeader } from '../../../../src-preload/api-types';
import { describeNotAdopted, linkConsequences, linkSettingsOf } from '../../../../src-main/core/adopt';
import { call, toAppError } from '../../api';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { queryKeys, useIntegration, useInvalidateIntegration } from '../../queries';

const n = (v: number) => v.toLocaleString('en-US');
/** Accounts the question names; the export has them all. */
const NAMED = 10;

const accountLine = (e: { userName: string; entraUser: string | null }) => (e.entraUser === null || e.userName.toLowerCase() === e.entraUser.toLowerCase() ? e.userName : `${e.userName} → ${e.entraUser}`);

function Answer({ result }: { result: AdoptResult }) {
  const left = describeNotAdopted(result.notAdopted);
  const more = result.linked - result.examples.length;
  // The answer takes the keyboard: the button that asked is gone.
  const self = useRef<HTMLDivElement | null>(null);
  useEffect(() => self.current?.focus(), []);
  return (
    <MessageBar intent={result.linked > 0 ? 'success' : 'info'} layout="multiline" data-testid="adopt-result" tabIndex={-1} ref={self}>
      <MessageBarBody>
        {result.linked > 0 ? (
          <>
            Linked {n(result.linked)} {result.linked === 1 ? 'account to its person' : 'accounts to their people'} in Entra: {result.examples.map(accountLine).join(', ')}
            {more > 0 ? ` and ${n(more)} more` : ''}. Run a new dry run to see what changes for them.
          </>
        ) : (
          'No account was linked.'
        )}{' '}
        {left.join(' ')}
      </MessageBarBody>
    </MessageBar>
  );
}

export function AdoptUnmanaged({ plan, linkable }: { plan: PlanHeader; linkable: number }) {
  const invalidate = useInvalidateIntegration();
  // The settings as they are now (the dry run on screen may be older): they decide what linking leads to.
  const integration = useIntegration(plan.integrationId).data;
  const [asking, setAsking] = useState(false);
  const named = useQuery({
    queryKey: ['linkable-accounts', plan.integrationId, plan.version],
    queryFn: () => call('getUnmanagedAccounts', { id: plan.integrationId, version: plan.version, offset: 0, limit: NAMED, linkableOnly: true }),
    enabled: asking,
  });
  const client = useQueryClient();
  const adopt = useMutation({
    mutationFn: () => call('adoptUnmanaged', { id: plan.integrationId, version: plan.version }),
    onSuccess: () => invalidate(plan.integrationId),
    onError: (err) => {
      // A newer dry run (another window, a scheduled run): show it, as the rest of the page does.
      if (toAppError(err).code === 'PLAN_REPLACED') void client.invalidateQueries({ queryKey: queryKeys.planHeader(plan.integrationId), exact: true });
    },
    onSettled: () => setAsking(false),
  });
  // One answer per question: a second click before the first is under way would be refused as a run in progress.
  const confirm = () => {
    if (!adopt.isPending && adopt.status !== 'success') adopt.mutate();
  };
  if (adopt.data) return <Answer result={adopt.data} />;
  const one = linkable === 1;
  const follows = integration
    ? linkConsequences(linkSettingsOf(integration.config, integration.enabled, integration.nextRunAt), linkable)
    : null;
  const shown = named.data?.accounts ?? [];
  return (
    <div style={{ display: 'grid', gap: 4 }}>
      <div>
        <Button size="small" icon={adopt.isPending ? <Spinner size="extra-tiny" /> : <Link20Regular />} disabled={adopt.isPending} onClick={() => setAsking(true)} data-testid="adopt-unmanaged">
          {adopt.isPending ? 'Linking…' : one ? 'Link 1 account to its Entra user…' : `Link ${n(linkable)} accounts to their Entra users…`}
        </Button>
      </div>
      {adopt.error ? <ErrorMessage error={toAppError(adopt.error)} title="Nothing was linked" /> : null}
      <ConfirmDialog
        open={asking}
        title={one ? 'Link 1 LMS account to its person in Entra?' : `Link ${n(linkable)} LMS accounts to their people in Entra?`}
        confirmLabel={one ? 'Link account' : 'Link accounts'}
        // Not before the settings are known: the question would say the wrong thing.
        confirmDisabled={adopt.isPending || follows === null}
        onConfirm={confirm}
        onCancel={() => setAsking(false)}
      >
        <div style={{ display: 'grid', gap: 8 }} data-testid="adopt-question">
          <Caption1>
            {one ? 'This active account belongs to someone' : `These ${n(linkable)} active accounts belong to people`} in Entra whom this integration does not sync (outside its scope, or disabled), found by
            their object id or their own e-mail address. Linked, {one ? 'it is' : 'they are'} this integration&apos;s own, as if it had made {one ? 'it' : 'them'}.
          </Caption1>
          {named.isPending ? (
            <Spinner size="tiny" label="Loading the accounts…" />
          ) : named.error ? (
            <ErrorMessage error={toAppError(named.error)} title="Could not list the accounts" />
          ) : (
            <ul style={{ margin: 0, paddingInlineStart: 20 }} data-testid="adopt-accounts">
              {shown.map((a) => (
                <li key={a.id}>
                  <Caption1>{accountLine(a)}</Caption1>
                </li>
              ))}
              {linkable > shown.length && shown.length > 0 ? (
                <li>
                  <Caption1>… and {n(linkable - shown.length)} more (Export list: those with an empty whyNotLinkable)</Caption1>
                </li>
              ) : null}
            </ul>
          )}
          {follows === null ? <Spinner size="tiny" label="Reading the settings…" /> : follows.map((line) => <Caption1 key={line}>{line}</Caption1>)}
        </div>
      </ConfirmDialog>
    </div>
  );
}
