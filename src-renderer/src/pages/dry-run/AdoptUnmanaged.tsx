/**
 * "Have the integration deactivate users who do not fit the group" (reference 000) for accounts
 * made before Rollcall: the unmanaged accounts of people in Entra whom this integration does not
 * sync are linked to them, after a question that says what follows. Nothing is written to the LMS
 * here; the next dry run shows the effect.
 */
import { Button, Caption1, MessageBar, MessageBarBody, Spinner } from '@fluentui/react-components';
import { Link20Regular } from '@fluentui/react-icons';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import type { AdoptResult, PlanHeader } from '../../../../src-preload/api-types';
import { describeNotAdopted } from '../../../../src-main/core/adopt';
import { call, toAppError } from '../../api';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useIntegration, useInvalidateIntegration } from '../../queries';

const n = (v: number) => v.toLocaleString('en-US');

function Answer({ result }: { result: AdoptResult }) {
  const left = describeNotAdopted(result.notAdopted, 'app');
  const shown = result.examples.map((e) => (e.userName.toLowerCase() === e.entraUser.toLowerCase() ? e.userName : `${e.userName} → ${e.entraUser}`));
  const more = result.linked - shown.length;
  return (
    <MessageBar intent={result.linked > 0 ? 'success' : 'info'} layout="multiline" data-testid="adopt-result">
      <MessageBarBody>
        {result.linked > 0 ? (
          <>
            Linked {n(result.linked)} {result.linked === 1 ? 'account' : 'accounts'} ({n(result.active)} active) to {result.linked === 1 ? 'its person' : 'their people'} in Entra: {shown.join(', ')}
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
  // The setting as it is now (the dry run on screen may be older): it decides what linking leads to.
  const deactivateUsers = useIntegration(plan.integrationId).data?.config.deactivation.deactivateUsers;
  const [asking, setAsking] = useState(false);
  const adopt = useMutation({
    mutationFn: () => call('adoptUnmanaged', { id: plan.integrationId, version: plan.version }),
    onSuccess: () => invalidate(plan.integrationId),
    onSettled: () => setAsking(false),
  });
  if (adopt.data) return <Answer result={adopt.data} />;
  const accounts = linkable === 1 ? 'account' : 'accounts';
  return (
    <div style={{ display: 'grid', gap: 4 }}>
      <div>
        <Button size="small" icon={adopt.isPending ? <Spinner size="extra-tiny" /> : <Link20Regular />} disabled={adopt.isPending} onClick={() => setAsking(true)} data-testid="adopt-unmanaged">
          {adopt.isPending ? 'Linking…' : linkable === 1 ? 'Link 1 account to its Entra user…' : `Link ${n(linkable)} accounts to their Entra users…`}
        </Button>
      </div>
      {adopt.error ? <ErrorMessage error={toAppError(adopt.error)} title="Nothing was linked" /> : null}
      <ConfirmDialog
        open={asking}
        title={linkable === 1 ? 'Link 1 LMS account to its person in Entra?' : `Link ${n(linkable)} LMS accounts to their people in Entra?`}
        confirmLabel={`Link ${accounts}`}
        confirmDisabled={adopt.isPending}
        onConfirm={() => adopt.mutate()}
        onCancel={() => setAsking(false)}
      >
        <div style={{ display: 'grid', gap: 8 }} data-testid="adopt-question">
          <Caption1>
            {linkable === 1 ? 'This account belongs to someone' : `These ${n(linkable)} accounts belong to people`} in Entra whom this integration does not sync: outside its scope, or disabled. Linked,{' '}
            {linkable === 1 ? 'it is' : 'they are'} this integration's own, as if it had made {linkable === 1 ? 'it' : 'them'}.
          </Caption1>
          <Caption1>
            {deactivateUsers === false
              ? '"Deactivate users" is off, so they stay as they are for now. Someone who comes into scope keeps this account instead of getting a new one.'
              : 'With "Deactivate users" on, the next dry run shows the active ones of people outside the scope or disabled in Entra as deactivations (the deactivation threshold still asks before many), and an apply deactivates them. Someone who comes into scope keeps this account instead of getting a new one.'}
          </Caption1>
          <Caption1>Nothing is written to the LMS now. An account of someone on the skip list, or of someone with more than one account, is left as it is.</Caption1>
        </div>
      </ConfirmDialog>
    </div>
  );
}
