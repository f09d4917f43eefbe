import { Badge, Body1, Button, Caption1, Card, Checkbox, Menu, MenuItem, MenuList, MenuPopover, MenuTrigger, Switch, Tooltip, tokens } from '@fluentui/react-components';
import { ArrowDownload20Regular, ArrowSync20Regular, Delete20Regular, Edit20Regular, History20Regular, Key20Regular, MoreHorizontal20Regular, Play20Regular, TextBulletListSquare20Regular } from '@fluentui/react-icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { useNavigate } from 'react-router';
import type { IntegrationSummary, RunRecord, RunStatus } from '../../../../src-preload/api-types';
import { describeApplied } from '../../../../src-main/core/reports';
import { call, toAppError } from '../../api';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { RunProgress } from '../../components/RunProgress';
import { downloadJson } from '../../lib/download';
import { when } from '../../lib/format';
import { queryKeys, useActiveRun, useInvalidateIntegration, usePlanIntent, useRuns, useStartRun } from '../../queries';
import { LMS_PLACEHOLDER } from '../setup/draft';
import { STATUS, statusSentence } from './status';

function lastRunText(run: RunRecord | undefined): string {
  if (!run) return 'No run yet';
  const kind = run.kind === 'apply' ? 'Sync' : 'Dry run';
  const p = run.planned;
  const counts = p ? `${p.create} create · ${p.update} update · ${p.deactivate} deactivate · ${p.reactivate} reactivate · ${p.conflict} conflict` : '';
  const applied = run.kind === 'apply' ? ` · ${describeApplied(run).written}` : '';
  return `${kind} ${run.outcome} — ${counts}${applied}`;
}

/** The line under the card once a run the admin started has finished. */
function finishedText(s: RunStatus): string {
  if (s.kind !== 'apply') return 'Dry run finished.';
  const { written, heldBack } = describeApplied(s);
  return `Sync ${s.outcome}: ${written}.${heldBack ? ` ${heldBack}` : ''}`;
}

/** When enabling makes the scheduler sync, as nextRunAt() in main will say once it is enabled. */
function firstSyncSentence(i: IntegrationSummary): string {
  const due = i.lastRunAt ? Date.parse(i.lastRunAt) + i.config.schedule.everyHours * 3_600_000 : Number.NaN;
  const creates = i.config.mapping.createUsers ? ', creating an account for everyone in scope who has none yet' : '';
  if (Number.isNaN(due)) return `Its first sync starts within a minute${creates}.`;
  return due <= Date.now() ? 'Its next sync starts within a minute.' : `Its next sync starts at ${when(new Date(due).toISOString())}.`;
}

/** Within 30 days (or past): time to make a new client secret. */
function secretExpiresSoon(isoDate: string): boolean {
  return Date.parse(`${isoDate}T00:00:00`) - Date.now() < 30 * 86_400_000;
}

/** One integration on the dashboard: status colour and reason, runs, and what the admin can do. */
export function IntegrationCard({ integration: i }: { integration: IntegrationSummary }) {
  const navigate = useNavigate();
  const invalidate = useInvalidateIntegration();
  const status = STATUS[i.status];
  const runs = useRuns(i.id);
  const active = useActiveRun(i.id);
  const start = useStartRun();
  const [confirmRun, setConfirmRun] = useState(false);
  // "Run now" can read everything again (a force sync) instead of only the changes.
  const [readAll, setReadAll] = useState(false);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const [runId, setRunId] = useState<string | null>(null);
  const [finished, setFinished] = useState<RunStatus | null>(null);
  const following = runId ?? active.data?.runId ?? null;
  const last = runs.data ? [...runs.data].sort((a, b) => b.startedAt.localeCompare(a.startedAt))[0] : undefined;

  const client = useQueryClient();
  const planIntent = usePlanIntent(i.id);
  // The switch moves at once; main's answer (or error) settles it.
  const [optimistic, setOptimistic] = useState<boolean | null>(null);
  // Enabling starts syncing (at once, for an integration that never synced): it is confirmed
  // first, with the welcome e-mails when nobody has confirmed those yet (in the wizard).
  const [confirmEnable, setConfirmEnable] = useState(false);
  const askEmails = i.communicationAcknowledgedAt === null;
  const [emailsConfirmed, setEmailsConfirmed] = useState(false);
  const enable = useMutation({
    mutationFn: ({ enabled, communicationConfirmed }: { enabled: boolean; communicationConfirmed?: boolean }) => call('setIntegrationEnabled', { id: i.id, enabled, communicationConfirmed }),
    // Show main's answer at once (the switch must not flick back while the list refetches).
    onSuccess: (s) => client.setQueryData(queryKeys.integrations, (list: IntegrationSummary[] | undefined) => list?.map((x) => (x.id === s.id ? s : x))),
    onSettled: () => invalidate(i.id),
  });
  const remove = useMutation({ mutationFn: () => call('removeIntegration', { id: i.id }), onSuccess: () => invalidate() });
  const onFinished = useCallback((s: RunStatus) => {
    setRunId(null);
    setFinished(s);
  }, []);
  const run = (kind: 'apply' | 'dry-run', full = false) => {
    setConfirmRun(false);
    setReadAll(false);
    setFinished(null);
    start.mutate({ id: i.id, kind, full }, { onSuccess: (s) => setRunId(s.runId) });
  };
  const complete = i.setupMissing.length === 0;
  const error = enable.error ?? remove.error ?? start.error;

  return (
    <Card data-testid="integration-card" data-status={i.status} style={{ borderLeft: `4px solid ${status.stripe}`, padding: 16, gap: 12 }}>
      <div style={{ display: 'flex', gap: 12, alignItems: 'flex-start' }}>
        <div style={{ flex: 1, minWidth: 0, display: 'grid', gap: 2 }}>
          <div style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap' }}>
            <h3 style={{ margin: 0, fontSize: tokens.fontSizeBase500, fontWeight: 600 }}>{i.name}</h3>
            <Badge appearance="filled" color={status.badge} data-testid="status-badge">
              {status.label}
            </Badge>
            {i.demo ? (
              <Badge appearance="outline" color="brand">
                Demo
              </Badge>
            ) : null}
          </div>
          <Caption1 style={{ color: tokens.colorNeutralForeground3, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
            Entra tenant {i.config.source.tenantId} → {i.config.target.baseUrl === LMS_PLACEHOLDER ? 'LMS not set up yet' : i.config.target.baseUrl}
          </Caption1>
        </div>
        <Switch
          checked={optimistic ?? i.enabled}
          disabled={!complete || enable.isPending}
          onChange={(_e, d) => {
            if (d.checked) return setConfirmEnable(true);
            setOptimistic(d.checked);
            enable.mutate({ enabled: d.checked }, { onSettled: () => setOptimistic(null) });
          }}
          label={i.enabled ? 'Enabled' : 'Disabled'}
          labelPosition="before"
          aria-label={`${i.enabled ? 'Disable' : 'Enable'} ${i.name}`}
          data-testid="enable-switch"
        />
      </div>
      <Body1 data-testid="status-sentence">{statusSentence(i)}</Body1>
      {i.statusReason ? <ErrorMessage error={i.statusReason} /> : null}
      <div style={{ display: 'grid', gridTemplateColumns: 'auto 1fr', columnGap: 16, rowGap: 2 }}>
        <Caption1>Last run</Caption1>
        <Caption1 data-testid="last-run">
          {last ? `${when(last.startedAt)} · ${lastRunText(last)}` : i.lastRunAt ? when(i.lastRunAt) : 'No run yet'}
        </Caption1>
        <Caption1>Next run</Caption1>
        <Caption1>{i.enabled ? when(i.nextRunAt) : 'Not scheduled (disabled)'}</Caption1>
        {i.secrets.clientSecret.expiresOn ? (
          <>
            <Caption1>Client secret</Caption1>
            <Caption1 data-testid="secret-expiry" style={secretExpiresSoon(i.secrets.clientSecret.expiresOn) ? { color: tokens.colorPaletteDarkOrangeForeground1, fontWeight: 600 } : undefined}>
              expires on {new Date(`${i.secrets.clientSecret.expiresOn}T00:00:00`).toLocaleDateString(undefined, { dateStyle: 'medium' })}
              {secretExpiresSoon(i.secrets.clientSecret.expiresOn) ? ' — create a new secret in Entra and use Update credentials' : ''}
            </Caption1>
          </>
        ) : null}
      </div>
      {following ? <RunProgress key={following} runId={following} onFinished={onFinished} /> : null}
      {finished?.error ? <ErrorMessage error={finished.error} title={finished.outcome === 'blocked' ? 'The run was blocked by a safety check' : 'The run did not finish'} /> : null}
      {finished && !finished.error ? (
        <Caption1 data-testid="run-finished">
          {finishedText(finished)}{' '}
          <Button size="small" appearance="transparent" onClick={() => navigate(`/dry-run/${i.id}`)}>
            See the changes
          </Button>
        </Caption1>
      ) : null}
      {error ? <ErrorMessage error={toAppError(error)} /> : null}
      <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap' }}>
        {!complete ? (
          <Button appearance="primary" onClick={() => navigate(`/setup/${i.id}`)}>
            Continue setup
          </Button>
        ) : null}
        {i.status === 'invalid' ? (
          <Button appearance="primary" icon={<Key20Regular />} onClick={() => navigate(`/setup/${i.id}/credentials`)} data-testid="update-credentials">
            Update credentials
          </Button>
        ) : null}
        <Tooltip content={i.enabled ? 'Sync now: read both sides and write the changes' : 'Enable the integration first (a dry run works while it is disabled)'} relationship="description">
          <Button icon={<ArrowSync20Regular />} disabled={!complete || !i.enabled || following !== null} onClick={() => setConfirmRun(true)} data-testid="run-now">
            Run now
          </Button>
        </Tooltip>
        <Button icon={<Play20Regular />} disabled={!complete || following !== null} onClick={() => run('dry-run')} data-testid="card-dry-run">
          Dry run
        </Button>
        <Button icon={<TextBulletListSquare20Regular />} onClick={() => navigate(`/dry-run/${i.id}`)} {...planIntent}>
          Changes
        </Button>
        <Button icon={<History20Regular />} onClick={() => navigate(`/history/${i.id}`)}>
          History
        </Button>
        <Button icon={<Edit20Regular />} onClick={() => navigate(`/setup/${i.id}`)} data-testid="edit">
          Edit
        </Button>
        <Menu>
          <MenuTrigger disableButtonEnhancement>
            <Button icon={<MoreHorizontal20Regular />} aria-label={`More actions for ${i.name}`} />
          </MenuTrigger>
          <MenuPopover>
            <MenuList>
              <MenuItem icon={<Key20Regular />} onClick={() => navigate(`/setup/${i.id}/credentials`)}>
                Update credentials
              </MenuItem>
              {/* The same versioned JSON `rollcall integration add --config` reads; no secret is in it. */}
              <MenuItem icon={<ArrowDownload20Regular />} onClick={() => downloadJson(`${i.name.replace(/[^\w.-]+/g, '-')}.rollcall.json`, i.config)} data-testid="export-config">
                Export settings (JSON)
              </MenuItem>
              <MenuItem icon={<Delete20Regular />} onClick={() => setConfirmRemove(true)} data-testid="remove">
                Remove
              </MenuItem>
            </MenuList>
          </MenuPopover>
        </Menu>
      </div>
      <ConfirmDialog open={confirmRun} title={`Sync ${i.name} now?`} confirmLabel="Run now" onCancel={() => (setConfirmRun(false), setReadAll(false))} onConfirm={() => run('apply', readAll)}>
        <Body1>Rollcall reads Entra ID and the LMS and writes the changes right away: creates, updates, reactivations and deactivations. Users are never deleted.</Body1>
        <Body1>Safety checks still apply: a run that would deactivate more users than your threshold stops and waits for you in the diff viewer. To look first, use Dry run.</Body1>
        <Checkbox
          checked={readAll}
          onChange={(_e, d) => setReadAll(d.checked === true)}
          label="Read everything again (full sync): every user in Entra ID and the LMS, not only what changed since the last run. Use it when something seems missed; it takes longer."
          data-testid="run-now-full"
        />
      </ConfirmDialog>
      <ConfirmDialog
        open={confirmEnable}
        title={`Enable ${i.name}?`}
        confirmLabel="Enable"
        confirmDisabled={askEmails && !emailsConfirmed}
        onCancel={() => (setConfirmEnable(false), setEmailsConfirmed(false))}
        onConfirm={() => {
          setConfirmEnable(false);
          setEmailsConfirmed(false);
          setOptimistic(true);
          enable.mutate({ enabled: true, ...(askEmails ? { communicationConfirmed: true } : {}) }, { onSettled: () => setOptimistic(null) });
        }}
      >
        <Body1 data-testid="enable-first-sync">
          {firstSyncSentence(i)} It then syncs every {i.config.schedule.everyHours} hours while Rollcall runs; a sync that would deactivate more people than your threshold waits
          for you. To look first, keep it disabled and use Dry run.
        </Body1>
        {askEmails ? (
          <>
            <Body1>
              Your LMS sends a welcome (invitation) e-mail to every user created as active, so turn those e-mails off in the LMS’s communication settings first, unless you
              mean everyone to get one.
            </Body1>
            <Checkbox
              checked={emailsConfirmed}
              onChange={(_e, d) => setEmailsConfirmed(d.checked === true)}
              label="I have turned off (or deliberately kept) the LMS’s welcome and invitation e-mails for new users."
              data-testid="enable-ack-communication"
            />
          </>
        ) : null}
      </ConfirmDialog>
      <ConfirmDialog open={confirmRemove} title={`Remove ${i.name}?`} confirmLabel="Remove" danger onCancel={() => setConfirmRemove(false)} onConfirm={() => (setConfirmRemove(false), remove.mutate())}>
        <Body1>The integration’s settings, its secrets in the keychain, its run history and audit logs, its link table and the copies of Entra and LMS users it kept are removed. Nothing changes in the LMS: users it created stay as they are.</Body1>
      </ConfirmDialog>
    </Card>
  );
}
