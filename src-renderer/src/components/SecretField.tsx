import { Button, Field, Input, tokens } from '@fluentui/react-components';
import { LockClosed16Regular } from '@fluentui/react-icons';
import { GUID_PATTERN } from '../../../src-main/core/config';

/**
 * A secret input that follows the keychain rule: once stored, the value is gone from the window
 * and the field only says so (with "Replace"). The typed value lives in the caller's component
 * state until it is sent to the keychain, then the caller clears it.
 */
export function SecretField(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  stored: boolean;
  replacing: boolean;
  onReplace: () => void;
  /** Warn when a GUID is pasted: that is the Secret ID, not the Value. */
  guidIsSecretId?: boolean;
  hint?: string;
  error?: string;
  testId: string;
}) {
  if (props.stored && !props.replacing) {
    return (
      <Field label={props.label}>
        <div data-testid={`${props.testId}-stored`} style={{ display: 'flex', alignItems: 'center', gap: 8, minHeight: 32, padding: '0 10px', borderRadius: tokens.borderRadiusMedium, background: tokens.colorNeutralBackground3 }}>
          <LockClosed16Regular aria-hidden />
          <span style={{ flex: 1 }}>Secret stored in the keychain</span>
          <Button size="small" appearance="subtle" onClick={props.onReplace}>
            Replace
          </Button>
        </div>
      </Field>
    );
  }
  const looksLikeId = props.guidIsSecretId === true && GUID_PATTERN.test(props.value.trim());
  return (
    <Field
      label={props.label}
      required
      hint={props.hint}
      validationState={props.error ? 'error' : looksLikeId ? 'warning' : 'none'}
      validationMessage={props.error ?? (looksLikeId ? 'This looks like the Secret ID — paste the Value (the long text shown once when the secret was created).' : undefined)}
    >
      <Input
        type="password"
        autoComplete="off"
        spellCheck={false}
        data-testid={props.testId}
        value={props.value}
        onChange={(_e, d) => props.onChange(d.value)}
        placeholder={props.stored ? 'Paste the new value' : 'Paste the value'}
      />
    </Field>
  );
}
