import { Button, Caption1, MessageBar, MessageBarBody, Skeleton, SkeletonItem, Subtitle1, Title3, tokens } from '@fluentui/react-components';
import { ArrowLeft16Regular, ArrowRight16Regular } from '@fluentui/react-icons';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import type { AppError, IntegrationSummary } from '../../../../src-preload/api-types';
import { call, toAppError } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { queryKeys, useForgetLmsGroups, useIntegration, useInvalidateIntegration, useRuns } from '../../queries';
import { credentialDestination } from '../../../../src-main/core/config';
import { emptyDraft, fromConfig, toConfigInput, validateEntra, validateLms, validateRules, type Draft, type Errors } from './draft';
import { mappingProblems } from './MappingTables';
import { StepCommunication } from './StepCommunication';
import { StepDryRun } from './StepDryRun';
import { StepEnable } from './StepEnable';
import { StepEntra } from './StepEntra';
import { StepLms } from './StepLms';
import { Stepper } from './Stepper';
import { StepPrerequisites } from './StepPrerequisites';
import { StepRules } from './StepRules';
import { StepScope } from './StepScope';
import type { StepProps } from './wizard-types';

type StepKey = 'prerequisites' | 'entra' | 'scope' | 'lms' | 'rules' | 'communication' | 'dry-run' | 'enable';

const TITLES: Record<StepKey, { title: string; intro: string }> = {
  prerequisites: { title: 'Prerequisites', intro: 'Register an app for Rollcall in Microsoft Entra ID.' },
  entra: { title: 'Connect to Entra ID', intro: 'Tenant, app and client secret. Save & Test signs in and checks the permissions.' },
  scope: { title: 'Users in scope', intro: 'Choose who is synced: security groups, attribute rules, exclusions and the skip list.' },
  lms: { title: 'LMS connection', intro: 'Where the LMS’s SCIM endpoint is and how Rollcall signs in to it.' },
  rules: { title: 'Rules and mapping', intro: 'Deactivation, what may be changed, and how Entra attributes map to the LMS.' },
  communication: { title: 'Communication settings', intro: 'Before the first sync: the LMS’s automatic e-mails.' },
  'dry-run': { title: 'First dry run', intro: 'See every change before anything is written.' },
  enable: { title: 'Enable', intro: 'The integration stays disabled until you enable it.' },
};

const ALL: StepKey[] = ['prerequisites', 'entra', 'scope', 'lms', 'rules', 'communication', 'dry-run', 'enable'];
const CREDENTIALS: StepKey[] = ['entra', 'lms'];

/** Steps that need the one before them done (new integrations only). */
const NEEDS: Partial<Record<StepKey, StepKey[]>> = {
  scope: ['entra'],
  lms: ['entra'],
  rules: ['entra', 'lms'],
  communication: ['entra', 'lms'],
  'dry-run': ['entra', 'lms', 'communication'],
  enable: ['entra', 'lms', 'communication', 'dry-run'],
};

/** Why Next is not allowed yet, in words. */
const NOT_DONE: Partial<Record<StepKey, string>> = {
  entra: 'Press Save & Test: Next is available once Rollcall can sign in to your tenant.',
  lms: 'Press Save & Test: Next is available once Rollcall can reach the LMS.',
  communication: 'Tick the box to confirm you have dealt with the LMS’s welcome e-mails.',
  'dry-run': 'Run the dry run first: it writes nothing and shows what enabling will do.',
};

/** For an existing integration: which steps are already done, from what main knows. */
function doneFrom(i: IntegrationSummary, draft: Draft, ran: boolean): Partial<Record<StepKey, boolean>> {
  return {
    prerequisites: true,
    entra: i.secrets.clientSecret.stored,
    scope: true,
    lms: i.secrets.lmsToken.stored && draft.lmsConfigured,
    rules: true,
    // Kept with the integration; an enabled one has been through this step.
    communication: i.communicationAcknowledgedAt !== null || i.enabled,
    'dry-run': ran,
    enable: i.enabled,
  };
}

function Wizard({ initial, mode, existing, ran = false }: { initial: Draft; mode: 'new' | 'edit' | 'credentials'; existing: IntegrationSummary | null; ran?: boolean }) {
  const existingId = existing?.id ?? null;
  const initialDone = existing ? doneFrom(existing, initial, ran) : {};
  const firstOpen = mode === 'edit' ? Math.max(1, ALL.findIndex((k) => !initialDone[k])) : 0;
  const navigate = useNavigate();
  const client = useQueryClient();
  const invalidate = useInvalidateIntegration();
  // The LMS's group names (the rules step's pushed groups) are read once per visit of the wizard.
  useForgetLmsGroups();
  const steps = mode === 'credentials' ? CREDENTIALS : ALL;
  const [draft, setDraft] = useState(initial);
  const [id, setId] = useState<string | null>(existingId);
  const [index, setIndex] = useState(mode === 'edit' ? (firstOpen === -1 ? 1 : firstOpen) : 0);
  const [done, setDoneMap] = useState<Partial<Record<StepKey, boolean>>>(initialDone);
  // Why Next did not move on; with `recheck`, a check of the typed values, run again on each edit.
  const [blocked, setBlockedState] = useState<{ message: string; recheck: ((d: Draft) => string | null) | null } | null>(null);
  const setBlocked = useCallback((message: string | null, recheck: ((d: Draft) => string | null) | null = null) => setBlockedState(message === null ? null : { message, recheck }), []);
  const [saveError, setSaveError] = useState<AppError | null>(null);
  // The rules step's messages under the fields appear once Next was pressed there, then follow each edit.
  const [rulesChecked, setRulesChecked] = useState(false);
  const ruleErrors: Errors = useMemo(() => (rulesChecked ? validateRules(draft) : {}), [rulesChecked, draft]);
  const integration = useIntegration(id ?? undefined).data;
  const key = steps[index] ?? 'prerequisites';

  // Shown live: once fixed, the message goes (or says what is left) without another press of Next.
  const blockedMessage = blocked === null ? null : blocked.recheck ? blocked.recheck(draft) : blocked.message;
  const update = useCallback((patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch })), []);
  const setDone = useCallback(
    (v: boolean) => {
      setDoneMap((m) => ({ ...m, [key]: v }));
      if (v) setBlocked(null);
    },
    [key, setBlocked],
  );

  const save = useCallback(async (): Promise<IntegrationSummary> => {
    const config = toConfigInput(draft);
    const saved = id ? await call('updateIntegration', { id, config }) : await call('createIntegration', { config });
    setId(saved.id);
    client.setQueryData(queryKeys.integration(saved.id), saved);
    invalidate(saved.id);
    return saved;
  }, [draft, id, client, invalidate]);

  const reachable = (k: StepKey) => mode === 'credentials' || (NEEDS[k] ?? []).every((n) => done[n]);

  const next = async () => {
    setBlocked(null);
    setSaveError(null);
    if (!done[key] && NOT_DONE[key]) {
      setBlocked(NOT_DONE[key] ?? null);
      return;
    }
    if (key === 'rules') {
      setRulesChecked(true);
      const problem = rulesProblem(draft);
      if (problem !== null) {
        setBlocked(problem, rulesProblem);
        return;
      }
    }
    // Moving on saves what was typed (an existing integration's name, tenant, URL… included).
    if (key === 'entra' || key === 'lms') {
      const saved = integration?.config.target.baseUrl;
      const check = key === 'entra' ? entraProblem : (d: Draft) => lmsProblem(d, saved);
      const problem = check(draft);
      if (problem !== null) {
        setBlocked(problem, check);
        return;
      }
    }
    // A new LMS or sign-in address is only saved by that step's Save & Test, with its credential:
    // saving it from anywhere else would drop the stored one and leave nothing in its place.
    if (id && integration && (key === 'entra' || key === 'lms' || key === 'scope' || key === 'rules')) {
      const typed = toConfigInput(draft);
      const moved = (['clientSecret', 'lmsToken'] as const).find((k) => credentialDestination(integration.config, k) !== credentialDestination(typed, k));
      if (moved) {
        const step = moved === 'lmsToken' ? 'lms' : 'entra';
        setDoneMap((m) => ({ ...m, [step]: false }));
        setBlocked(
          moved === 'lmsToken'
            ? 'The LMS address changed: press Save & Test on “LMS connection” with the token for the new address before you go on.'
            : 'The sign-in address changed: press Save & Test on “Connect to Entra ID” with the client secret for it before you go on.',
        );
        return;
      }
    }
    if (id && (key === 'entra' || key === 'lms' || key === 'scope' || key === 'rules')) {
      try {
        await save();
      } catch (err) {
        setSaveError(toAppError(err));
        return;
      }
    }
    setDoneMap((m) => ({ ...m, [key]: true }));
    if (index + 1 < steps.length) setIndex(index + 1);
    else navigate('/integrations');
  };

  const stepProps: StepProps = { draft, update, integration, save, setDone, done: done[key] === true };
  const infos = useMemo(() => steps.map((k) => ({ key: k, title: TITLES[k].title, done: done[k] === true, reachable: reachable(k) })), [steps, done, index]); // eslint-disable-line react-hooks/exhaustive-deps
  const last = index === steps.length - 1;

  return (
    <section style={{ display: 'grid', gap: 16 }} aria-labelledby="setup-title">
      <div>
        <Title3 as="h2" id="setup-title" style={{ display: 'block', margin: 0 }}>
          {mode === 'credentials' ? 'Update credentials' : 'Setup wizard'}
        </Title3>
        <Caption1 style={{ display: 'block' }}>{mode === 'new' ? 'New integration' : draft.name}</Caption1>
      </div>
      <div style={{ display: 'grid', gridTemplateColumns: '220px minmax(0, 1fr)', gap: 24, alignItems: 'start' }}>
        <Stepper steps={infos} current={index} onSelect={(i) => (setBlocked(null), setIndex(i))} />
        <div style={{ display: 'grid', gap: 16, minWidth: 0 }} data-testid="wizard-step" data-step={key}>
          <div>
            <Subtitle1 as="h3" style={{ margin: 0 }}>
              {TITLES[key].title}
            </Subtitle1>
            <Caption1 style={{ display: 'block' }}>{TITLES[key].intro}</Caption1>
          </div>
          {key === 'prerequisites' ? <StepPrerequisites {...stepProps} /> : null}
          {key === 'entra' ? <StepEntra {...stepProps} /> : null}
          {key === 'scope' ? <StepScope {...stepProps} /> : null}
          {key === 'lms' ? <StepLms {...stepProps} /> : null}
          {key === 'rules' ? <StepRules {...stepProps} errors={ruleErrors} /> : null}
          {key === 'communication' ? <StepCommunication {...stepProps} /> : null}
          {key === 'dry-run' ? <StepDryRun {...stepProps} /> : null}
          {key === 'enable' ? <StepEnable {...stepProps} /> : null}
          {blockedMessage ? (
            <MessageBar intent="warning" layout="multiline" data-testid="wizard-blocked" style={{ maxWidth: 860, boxSizing: 'border-box' }}>
              <MessageBarBody>{blockedMessage}</MessageBarBody>
            </MessageBar>
          ) : null}
          {saveError ? <ErrorMessage error={saveError} title="Could not save the settings" /> : null}
          <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8, paddingTop: 12, borderTop: `1px solid ${tokens.colorNeutralStroke2}`, maxWidth: 860 }}>
            <Button icon={<ArrowLeft16Regular />} disabled={index === 0} onClick={() => (setBlocked(null), setIndex(index - 1))} data-testid="wizard-back">
              Back
            </Button>
            <Button appearance={last ? 'secondary' : 'primary'} icon={last ? undefined : <ArrowRight16Regular />} iconPosition="after" onClick={() => void next()} data-testid="wizard-next">
              {last ? 'Finish' : 'Next'}
            </Button>
          </div>
        </div>
      </div>
    </section>
  );
}

/** /setup (new), /setup/:id (edit) and /setup/:id/credentials (update credentials). */
/** What stops Next on the rules step (the first problem), or null. */
function rulesProblem(d: Draft): string | null {
  const problems = mappingProblems(d.mapping);
  if (problems.length > 0) return problems[0] ?? null;
  return Object.keys(validateRules(d)).length > 0 ? 'Some values need fixing: see the messages under the fields.' : null;
}

const typedProblem = (errs: Errors): string | null => (Object.keys(errs).length > 0 ? `${Object.values(errs)[0] ?? 'Some values need fixing.'} Press Save & Test to see every message.` : null);
const entraProblem = (d: Draft) => typedProblem(validateEntra(d));
const lmsProblem = (d: Draft, savedBaseUrl?: string) => typedProblem(validateLms(d, savedBaseUrl));

export function SetupWizardPage({ credentials = false }: { credentials?: boolean }) {
  const { id } = useParams();
  const integration = useIntegration(id);
  const runs = useRuns(id);
  if (!id) return <Wizard key="new" initial={emptyDraft()} mode="new" existing={null} />;
  if (integration.isPending || runs.isPending)
    return (
      <Skeleton aria-label="Loading the integration">
        <SkeletonItem size={32} />
        <SkeletonItem size={128} />
      </Skeleton>
    );
  if (integration.isError) return <ErrorMessage error={toAppError(integration.error)} title="Could not load the integration" />;
  return <Wizard key={`${id}-${credentials}`} initial={fromConfig(integration.data.config)} mode={credentials ? 'credentials' : 'edit'} existing={integration.data} ran={runs.data?.some((r) => r.outcome === 'succeeded' || r.outcome === 'partial') ?? false} />;
}
