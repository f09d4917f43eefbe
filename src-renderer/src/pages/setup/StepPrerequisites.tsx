import { Body1, Caption1, Link, MessageBar, MessageBarBody, Subtitle2, tokens } from '@fluentui/react-components';
import { GUID_PATTERN, TENANT_ID_PATTERN, type Cloud } from '../../../../src-main/core/config';
import type { StepProps } from './wizard-types';

const LOGIN_HOST: Record<Exclude<Cloud, 'custom'>, string> = {
  global: 'https://login.microsoftonline.com',
  usgov: 'https://login.microsoftonline.us',
  china: 'https://login.partner.microsoftonline.cn',
};

/** https://login.microsoftonline.com/{tenant}/adminconsent?client_id={clientId}, or null until both IDs are valid. */
export function adminConsentUrl(tenantId: string, clientId: string, cloud: Cloud, authorityHost: string): string | null {
  const tenant = tenantId.trim();
  const client = clientId.trim();
  if (!TENANT_ID_PATTERN.test(tenant) || !GUID_PATTERN.test(client)) return null;
  const host = cloud === 'custom' ? authorityHost.trim().replace(/\/+$/, '') : LOGIN_HOST[cloud];
  if (!host) return null;
  return `${host}/${encodeURIComponent(tenant)}/adminconsent?client_id=${encodeURIComponent(client)}`;
}

export function ConsentLink({ draft }: Pick<StepProps, 'draft'>) {
  const url = adminConsentUrl(draft.tenantId, draft.clientId, draft.cloud, draft.authorityHost);
  return url ? (
    <Body1 data-testid="consent-link-text">
      Admin consent link:{' '}
      <Link href={url} target="_blank" rel="noreferrer" data-testid="consent-link" style={{ wordBreak: 'break-all' }}>
        {url}
      </Link>
    </Body1>
  ) : (
    <Caption1 data-testid="consent-link-pending">The admin consent link appears here once the tenant ID and client ID are filled in (next step).</Caption1>
  );
}

const PERMISSIONS = [
  { name: 'User.Read.All', why: 'reads the users and their data.' },
  { name: 'User-LifecycleInfo.Read.All', why: 'reads whether a user is active or inactive, and their Last Day (employeeLeaveDateTime).' },
  { name: 'Group.Read.All', why: 'reads security groups, so you can choose exactly which users are imported.' },
];

function Steps({ items, start = 1 }: { items: React.ReactNode[]; start?: number }) {
  return (
    <ol start={start} style={{ margin: 0, paddingLeft: 22, display: 'grid', gap: 4 }}>
      {items.map((s, i) => (
        <li key={i}>
          <Body1>{s}</Body1>
        </li>
      ))}
    </ol>
  );
}

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section style={{ display: 'grid', gap: 8, minWidth: 0, padding: 16, borderRadius: tokens.borderRadiusLarge, border: `1px solid ${tokens.colorNeutralStroke2}` }}>
      <Subtitle2 as="h4" style={{ margin: 0 }}>
        {title}
      </Subtitle2>
      {children}
    </section>
  );
}

/** Step 1: the app registration in Entra (reference article 001), before any field is filled in. */
export function StepPrerequisites({ draft }: StepProps) {
  return (
    <div style={{ display: 'grid', gap: 12, maxWidth: 860 }} data-testid="step-prerequisites">
      <Body1>
        Rollcall reads your users with its own app in Microsoft Entra ID. Create it once — it takes about five minutes and needs a Global Administrator
        or Privileged Role Administrator for the consent.
      </Body1>
      <Section title="1. Create an app in the Microsoft Entra admin center">
        <Steps
          items={[
            <>
              Open the{' '}
              <Link href="https://entra.microsoft.com" target="_blank" rel="noreferrer">
                Microsoft Entra admin center
              </Link>
              .
            </>,
            <>Expand <strong>Entra ID</strong> in the left side panel and click <strong>Enterprise apps</strong>.</>,
            <>Click <strong>All applications</strong>, then <strong>New application</strong> in the top bar.</>,
            <>Click <strong>Create your own application</strong> and name it, for example <strong>Rollcall</strong>, so you remember what it is for.</>,
            <>Select <strong>Integrate any other application you don’t find in the gallery (Non-gallery)</strong> and click <strong>Create</strong>.</>,
          ]}
        />
      </Section>
      <Section title="2. Add the Microsoft Graph permissions">
        <Steps
          items={[
            <>In the left side panel, click <strong>App registrations</strong>, switch to <strong>All applications</strong> and open your app.</>,
            <>Click <strong>API permissions</strong> → <strong>Add a permission</strong> → <strong>Microsoft Graph</strong> → <strong>Application permissions</strong>.</>,
            <>Add these three permissions, then click <strong>Add permissions</strong>:</>,
          ]}
        />
        <ul style={{ margin: 0, paddingLeft: 44, display: 'grid', gap: 4 }} data-testid="graph-permissions">
          {PERMISSIONS.map((p) => (
            <li key={p.name}>
              <Body1>
                <code style={{ fontWeight: 600 }}>{p.name}</code> — {p.why}
              </Body1>
            </li>
          ))}
        </ul>
        <Steps
          start={4}
          items={[
            <>Click <strong>Grant admin consent</strong> next to <strong>Add a permission</strong> and confirm with <strong>Yes</strong> — or open the admin consent link below.</>,
          ]}
        />
        <ConsentLink draft={draft} />
        <Caption1>
          Read more:{' '}
          <Link href="https://learn.microsoft.com/entra/identity/enterprise-apps/grant-admin-consent" target="_blank" rel="noreferrer">
            Grant tenant-wide admin consent (Microsoft Learn)
          </Link>
        </Caption1>
      </Section>
      <Section title="3. Copy the tenant ID and client ID">
        <Steps
          items={[
            <>Switch back to <strong>Overview</strong> and expand <strong>Essentials</strong>.</>,
            <>Copy the <strong>Application (client) ID</strong> and the <strong>Directory (tenant) ID</strong> — you paste them in the next step.</>,
          ]}
        />
      </Section>
      <Section title="4. Create a client secret">
        <Steps
          items={[
            <>Click <strong>Add a certificate or secret</strong> next to Client credentials, open the <strong>Client secrets</strong> tab and click <strong>+ New client secret</strong>.</>,
            <>Choose an <strong>Expires</strong> duration and click <strong>Add</strong>.</>,
            <>Copy the secret’s <strong>Value</strong> (not the Secret ID) at once — it is shown only once.</>,
          ]}
        />
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            Copy the secret <strong>Value</strong> right after creating it: once you leave the page it is hidden. Rollcall keeps it only in this computer’s
            keychain; do not share it with anyone.
          </MessageBarBody>
        </MessageBar>
      </Section>
    </div>
  );
}
