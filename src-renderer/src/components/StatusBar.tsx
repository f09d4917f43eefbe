import { Caption1, Spinner, tokens } from '@fluentui/react-components';
import { toAppError } from '../api';
import { useAppInfo } from '../queries';

export function StatusBar() {
  const info = useAppInfo();
  return (
    <footer
      data-testid="status-bar"
      style={{
        display: 'flex',
        gap: 16,
        alignItems: 'center',
        padding: '4px 12px',
        borderTop: `1px solid ${tokens.colorNeutralStroke2}`,
        background: tokens.colorNeutralBackground2,
        minHeight: 28,
      }}
    >
      {info.isPending ? <Spinner size="extra-tiny" label="Connecting…" /> : null}
      {info.isError ? <Caption1>Not connected: {toAppError(info.error).message}</Caption1> : null}
      {info.data ? (
        <>
          <Caption1 data-testid="app-version">Rollcall {info.data.version}</Caption1>
          <Caption1 data-testid="data-dir" title="Settings, link table and history (never secrets) are kept here">
            Data: {info.data.dataDir}
          </Caption1>
          <Caption1>{info.data.runtime === 'preview' ? 'Browser preview' : 'Desktop app'}</Caption1>
          <Caption1 data-testid="keychain-state">
            Keychain: {info.data.keychain.available ? 'available' : 'unavailable — secrets cannot be saved'}
          </Caption1>
        </>
      ) : null}
    </footer>
  );
}
