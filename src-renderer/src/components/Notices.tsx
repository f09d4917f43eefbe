import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call } from '../api';
import { queryKeys, useAppInfo } from '../queries';

/** Store recoveries and upgrades ("settings restored from the last good copy") and keychain problems. */
export function Notices() {
  const info = useAppInfo();
  const client = useQueryClient();
  const dismiss = useMutation({
    mutationFn: (id: string) => call('dismissNotice', { id }),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.appInfo }),
  });
  if (!info.data) return null;
  const { notices, keychain } = info.data;
  return (
    <div style={{ display: 'grid', gap: 8 }}>
      {keychain.problem ? (
        <MessageBar intent="warning" layout="multiline" data-testid="keychain-warning">
          <MessageBarBody>
            <MessageBarTitle>{keychain.problem.message}</MessageBarTitle>
            {keychain.problem.fix}
          </MessageBarBody>
        </MessageBar>
      ) : null}
      {notices.map((n) => (
        <MessageBar key={n.id} intent={n.level === 'warning' ? 'warning' : 'info'} layout="multiline" data-testid="store-notice">
          <MessageBarBody>
            <MessageBarTitle>{n.message}</MessageBarTitle>
            {n.fix}
          </MessageBarBody>
          <MessageBarActions>
            <Button size="small" onClick={() => dismiss.mutate(n.id)} disabled={dismiss.isPending}>
              Dismiss
            </Button>
          </MessageBarActions>
        </MessageBar>
      ))}
    </div>
  );
}
