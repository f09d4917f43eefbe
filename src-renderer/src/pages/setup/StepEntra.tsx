import { Button, Field, Input, MessageBar, MessageBarBody, MessageBarTitle, Radio, RadioGroup, Spinner, Textarea } from '@fluentui/react-components';
import { CheckList } from '../../components/CheckList';
import { ErrorMessage } from '../../components/ErrorMessage';
import { SecretField } from '../../components/SecretField';
import { credentialDestination } from '../../../../src-main/core/config';
import { toConfigInput, validateEntra, type Draft } from './draft';
import { ConsentLink } from './StepPrerequisites';
import type { StepProps } from './wizard-types';
import { useSaveAndTest } from './useSaveAndTest';

const CLOUDS: Array<{ value: Draft['cloud']; label: string }> = [
  { value: 'global', label: 'Global' },
  { value: 'usgov', label: 'US Government' },
  { value: 'china', label: 'China (21Vianet)' },
  { value: 'custom', label: 'Custom' },
];

/** Step 2: tenant, cloud, app and secret; Save & Test signs in and checks the permissions. */
export function StepEntra({ draft, update, integration, save, setDone }: StepProps) {
  // A new address never gets the saved secret: saving removes it, so a new one is asked for.
  const moved = integration !== undefined && credentialDestination(integration.config, 'clientSecret') !== credentialDestination(toConfigInput(draft), 'clientSecret');
  const stored = integration?.secrets.clientSecret.stored === true && !moved;
  const { secret, setSecret, replacing, setReplacing, errors, busy, failure, warning, result, run: saveAndTest } = useSaveAndTest({
    kind: 'clientSecret',
    part: 'entra',
    validate: () => validateEntra(draft),
    secretField: 'secret',
    missingMessage: 'Paste the client secret’s Value (Certificates & secrets in your app registration).',
    stored,
    save,
    setDone,
  });

  return (
    <form
      noValidate
      style={{ display: 'grid', gap: 14, maxWidth: 860 }}
      data-testid="step-entra"
      onSubmit={(e) => {
        e.preventDefault();
        void saveAndTest();
      }}
    >
      <Field label="Integration name" required validationMessage={errors.name} validationState={errors.name ? 'error' : 'none'} hint="Shown on the dashboard, e.g. “Contoso → Learning”.">
        <Input value={draft.name} onChange={(_e, d) => update({ name: d.value })} data-testid="name" />
      </Field>
      <Field
        label="Directory (tenant) ID"
        required
        hint="From the app’s Overview page: a GUID, or your domain such as contoso.onmicrosoft.com."
        validationMessage={errors.tenantId}
        validationState={errors.tenantId ? 'error' : 'none'}
      >
        <Input value={draft.tenantId} onChange={(_e, d) => update({ tenantId: d.value })} data-testid="tenant-id" spellCheck={false} placeholder="00000000-0000-0000-0000-000000000000" />
      </Field>
      <Field label="Cloud" hint="Custom: a sovereign or test cloud reached through an explicit sign-in host and Graph endpoint.">
        <RadioGroup value={draft.cloud} onChange={(_e, d) => update({ cloud: d.value as Draft['cloud'] })} layout="horizontal" data-testid="cloud">
          {CLOUDS.map((c) => (
            <Radio key={c.value} value={c.value} label={c.label} />
          ))}
        </RadioGroup>
      </Field>
      {draft.cloud === 'custom' ? (
        <div style={{ display: 'grid', gap: 12, paddingLeft: 12, borderLeft: '3px solid var(--colorNeutralStroke2)' }}>
          <Field label="Authority host" required hint="Where sign-in happens, e.g. https://login.example.net" validationMessage={errors.authorityHost} validationState={errors.authorityHost ? 'error' : 'none'}>
            <Input value={draft.authorityHost} onChange={(_e, d) => update({ authorityHost: d.value })} data-testid="authority-host" spellCheck={false} />
          </Field>
          <Field label="Microsoft Graph endpoint" required hint="e.g. https://graph.example.net" validationMessage={errors.graphEndpoint} validationState={errors.graphEndpoint ? 'error' : 'none'}>
            <Input value={draft.graphEndpoint} onChange={(_e, d) => update({ graphEndpoint: d.value })} data-testid="graph-endpoint" spellCheck={false} />
          </Field>
          <Field label="Trusted CA certificate (PEM, optional)" hint="Only for these two hosts: a private or test certificate authority." validationMessage={errors.caCertPem} validationState={errors.caCertPem ? 'error' : 'none'}>
            <Textarea value={draft.caCertPem} onChange={(_e, d) => update({ caCertPem: d.value })} data-testid="ca-cert" rows={4} resize="vertical" style={{ fontFamily: 'monospace' }} placeholder="-----BEGIN CERTIFICATE-----" />
          </Field>
        </div>
      ) : null}
      <Field label="Application (client) ID" required hint="From the app’s Overview page (a GUID)." validationMessage={errors.clientId} validationState={errors.clientId ? 'error' : 'none'}>
        <Input value={draft.clientId} onChange={(_e, d) => update({ clientId: d.value })} data-testid="client-id" spellCheck={false} placeholder="00000000-0000-0000-0000-000000000000" />
      </Field>
      <SecretField
        label="Client secret (Value)"
        testId="client-secret"
        value={secret}
        onChange={setSecret}
        stored={stored}
        replacing={replacing}
        onReplace={() => setReplacing(true)}
        guidIsSecretId
        hint={
          moved
            ? "The sign-in address changed: paste the secret for it. The saved one is removed when you save, never sent to another address."
            : "Certificates & secrets → Client secrets → the Value column. Stored only in this computer’s keychain and never shown again."
        }
        error={errors.secret}
      />
      <Field label="Secret expires on (optional)" hint="Rollcall reminds you before it expires." validationMessage={errors.secretExpiresOn} validationState={errors.secretExpiresOn ? 'error' : 'none'}>
        <Input type="date" value={draft.secretExpiresOn} onChange={(_e, d) => update({ secretExpiresOn: d.value })} data-testid="secret-expires" style={{ maxWidth: 200 }} />
      </Field>
      <ConsentLink draft={draft} />
      <div style={{ display: 'flex', gap: 12, alignItems: 'center' }}>
        <Button appearance="primary" type="submit" disabled={busy} data-testid="entra-save-test">
          Save &amp; Test
        </Button>
        {busy ? <Spinner size="tiny" label="Signing in to Microsoft Entra ID…" /> : null}
      </div>
      {warning ? (
        <MessageBar intent="warning" layout="multiline" data-testid="secret-warning">
          <MessageBarBody>
            <MessageBarTitle>{warning.message}</MessageBarTitle>
            {warning.fix}
          </MessageBarBody>
        </MessageBar>
      ) : null}
      {failure ? <ErrorMessage error={failure} title="Could not save or test the connection" /> : null}
      {result ? (
        <div style={{ display: 'grid', gap: 8 }} data-testid="entra-result" data-ok={result.ok}>
          <MessageBar intent={result.ok ? 'success' : 'error'} layout="multiline">
            <MessageBarBody>{result.ok ? 'Rollcall can sign in and read your directory.' : 'The test found problems: fix them and press Save & Test again.'}</MessageBarBody>
          </MessageBar>
          <CheckList checks={result.checks} label="Entra checks" />
        </div>
      ) : null}
    </form>
  );
}
