import { Body1, Button, Caption1, Field, Input, MessageBar, MessageBarBody, Radio, RadioGroup, Spinner, Subtitle2, Textarea, tokens } from '@fluentui/react-components';
import { Checkmark20Regular, Subtract20Regular } from '@fluentui/react-icons';
import { CheckList } from '../../components/CheckList';
import { ErrorMessage } from '../../components/ErrorMessage';
import { SecretField } from '../../components/SecretField';
import { credentialDestination } from '../../../../src-main/core/config';
import { toConfigInput, validateLms, type AuthScheme } from './draft';
import type { StepProps } from './wizard-types';
import { useSaveAndTest } from './useSaveAndTest';

/** Step 4: the LMS's SCIM endpoint and token; Test connects and lists what the LMS supports. */
export function StepLms({ draft, update, integration, save, setDone }: StepProps) {
  // A new address never gets the saved token: saving removes it, so a new one is asked for.
  const moved = integration !== undefined && credentialDestination(integration.config, 'lmsToken') !== credentialDestination(toConfigInput(draft), 'lmsToken');
  const stored = integration?.secrets.lmsToken.stored === true && !moved;
  const { secret: token, setSecret: setToken, replacing, setReplacing, errors, busy, failure, result, run: test } = useSaveAndTest({
    kind: 'lmsToken',
    part: 'lms',
    validate: () => validateLms(draft, integration?.config.target.baseUrl),
    secretField: 'token',
    missingMessage: 'Paste the SCIM token from your LMS’s integration settings.',
    stored,
    save,
    setDone,
  });

  const capabilities = result?.checks.filter((c) => c.status === 'info') ?? [];
  const others = result?.checks.filter((c) => c.status !== 'info') ?? [];
  return (
    <form
      noValidate
      style={{ display: 'grid', gap: 14, maxWidth: 860 }}
      data-testid="step-lms"
      onSubmit={(e) => {
        e.preventDefault();
        void test();
      }}
    >
      <Field label="SCIM base URL" required hint="From your LMS’s SCIM / user provisioning settings, e.g. https://lms.example.com/scim/v2" validationMessage={errors.baseUrl} validationState={errors.baseUrl ? 'error' : 'none'}>
        <Input value={draft.baseUrl} onChange={(_e, d) => update({ baseUrl: d.value, lmsConfigured: true })} data-testid="lms-url" spellCheck={false} placeholder="https://lms.example.com/scim/v2" />
      </Field>
      <Field label="How the token is sent">
        <RadioGroup value={draft.authScheme} onChange={(_e, d) => update({ authScheme: d.value as AuthScheme })} layout="horizontal">
          <Radio value="bearer" label="Bearer token" />
          <Radio value="custom" label="Custom prefix (e.g. Static)" />
          <Radio value="basic" label="Basic (username + token)" />
        </RadioGroup>
      </Field>
      {draft.authScheme === 'custom' ? (
        <Field label="Prefix" required hint="Sent as “Authorization: <prefix> <token>”." validationMessage={errors.authPrefix} validationState={errors.authPrefix ? 'error' : 'none'}>
          <Input value={draft.authPrefix} onChange={(_e, d) => update({ authPrefix: d.value })} style={{ maxWidth: 200 }} />
        </Field>
      ) : null}
      {draft.authScheme === 'basic' ? (
        <Field label="Username" required validationMessage={errors.authUsername} validationState={errors.authUsername ? 'error' : 'none'}>
          <Input value={draft.authUsername} onChange={(_e, d) => update({ authUsername: d.value })} autoComplete="off" />
        </Field>
      ) : null}
      <SecretField
        label="SCIM token"
        testId="lms-token"
        value={token}
        onChange={setToken}
        stored={stored}
        replacing={replacing}
        onReplace={() => setReplacing(true)}
        hint={moved ? "The LMS address changed: paste the token for it. The saved one is removed when you save, never sent to another address." : "Stored only in this computer’s keychain and never shown again."}
        error={errors.token}
      />
      <Field label="Vendor extension namespace (optional)" hint="Leave empty to discover it from the LMS’s /Schemas." validationMessage={errors.vendorNamespace} validationState={errors.vendorNamespace ? 'error' : 'none'}>
        <Input value={draft.vendorNamespace} onChange={(_e, d) => update({ vendorNamespace: d.value })} spellCheck={false} placeholder="urn:learnerbly:params:scim:schemas:2.0:User" />
      </Field>
      <Field label="Parallel requests" hint="How many requests Rollcall sends at once (1–32). Lower it if the LMS asks to slow down." validationMessage={errors.concurrency} validationState={errors.concurrency ? 'error' : 'none'}>
        <Input type="number" min={1} max={32} value={draft.concurrency} onChange={(_e, d) => update({ concurrency: d.value })} style={{ maxWidth: 120 }} />
      </Field>
      <Field label="Trusted CA certificate for the LMS (PEM, optional)" hint="Only when the LMS uses a private certificate authority.">
        <Textarea value={draft.lmsCaCertPem} onChange={(_e, d) => update({ lmsCaCertPem: d.value })} rows={2} resize="vertical" style={{ fontFamily: 'monospace' }} />
      </Field>
      <div style={{ display: 'flex', gap: 12, alignItems: 'center' }}>
        <Button appearance="primary" type="submit" disabled={busy} data-testid="lms-test">
          Save &amp; Test
        </Button>
        {busy ? <Spinner size="tiny" label="Connecting to the LMS…" /> : null}
      </div>
      {failure ? <ErrorMessage error={failure} title="Could not save or test the LMS connection" /> : null}
      {result ? (
        <div style={{ display: 'grid', gap: 8 }} data-testid="lms-result" data-ok={result.ok}>
          <MessageBar intent={result.ok ? 'success' : 'error'} layout="multiline">
            <MessageBarBody>{result.ok ? 'Rollcall can reach the LMS.' : 'The LMS test found problems: fix them and test again.'}</MessageBarBody>
          </MessageBar>
          <CheckList checks={others} label="LMS checks" />
          {capabilities.length > 0 ? (
            <>
              <Subtitle2 as="h4" style={{ margin: '8px 0 0' }}>
                What this LMS supports
              </Subtitle2>
              <ul data-testid="lms-capabilities" aria-label="LMS capabilities" style={{ listStyle: 'none', margin: 0, padding: 0, display: 'grid', gridTemplateColumns: 'repeat(2, minmax(0, 1fr))', gap: 6 }}>
                {capabilities.map((c) => {
                  const no = /^no\b/i.test(c.detail);
                  return (
                    <li key={c.id} data-testid="check" data-status={c.status} style={{ display: 'grid', gridTemplateColumns: '20px 1fr', gap: 8, padding: '6px 10px', borderRadius: tokens.borderRadiusMedium, background: tokens.colorNeutralBackground2 }}>
                      <span aria-hidden style={{ display: 'flex', paddingTop: 1 }}>
                        {no ? <Subtract20Regular color={tokens.colorNeutralForeground3} /> : <Checkmark20Regular color={tokens.colorPaletteGreenForeground1} />}
                      </span>
                      <span style={{ display: 'grid', minWidth: 0 }}>
                        <Body1 style={{ fontWeight: 600 }}>{c.title}</Body1>
                        <Caption1 style={{ overflowWrap: 'anywhere' }}>{c.detail}</Caption1>
                      </span>
                    </li>
                  );
                })}
              </ul>
            </>
          ) : null}
        </div>
      ) : null}
    </form>
  );
}
