/**
 * "Why can't Anna see her courses?": search a person, read the verdict and the evidence-backed
 * checklist, and provision that one person on demand (dry run or for real) step by step.
 */
import { Button, Caption1, Checkbox, Field, Input, Skeleton, SkeletonItem, Subtitle2, Title3 } from '@fluentui/react-components';
import { ArrowDownload20Regular, Search20Regular } from '@fluentui/react-icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useParams, useSearchParams } from 'react-router';
import type { Checklist, ProvisionTrace } from '../../../../src-preload/api-types';
import { call, toAppError } from '../../api';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { IntegrationPicker } from '../../components/IntegrationPicker';
import { supportReport } from '../../../../src-main/core/diagnose/report';
import { downloadText } from '../../lib/download';
import { queryKeys, useAppInfo, useIntegration } from '../../queries';
import { DiagnosisView, ProvisionSteps } from './Diagnosis';

export function TroubleshootPage() {
  const { id } = useParams();
  const [params, setParams] = useSearchParams();
  const [query, setQuery] = useState(params.get('q') ?? '');
  const [refresh, setRefresh] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const client = useQueryClient();
  const integration = useIntegration(id);
  const appInfo = useAppInfo();

  const diagnosis = useMutation<Checklist, Error, { q: string }>({
    mutationFn: ({ q }) => call('diagnoseUser', { id: id ?? '', query: q, refresh }),
  });
  const provision = useMutation<ProvisionTrace, Error, { apply: boolean }>({
    // By Entra id: a query such as "Anna" may mean several people; this is the one diagnosed.
    mutationFn: ({ apply }) => call('provisionOnDemand', { id: id ?? '', query: diagnosis.data?.user.sourceId ?? diagnosis.data?.user.query ?? query, apply }),
    onSuccess: async (trace) => {
      if (!trace.apply) return;
      await client.invalidateQueries({ queryKey: queryKeys.runs(id ?? '') });
      diagnosis.mutate({ q: trace.query });
    },
  });

  const search = (typed = query) => {
    const q = typed.trim();
    if (!q || !id) return;
    setQuery(q);
    setParams({ q }, { replace: true });
    provision.reset();
    diagnosis.mutate({ q });
  };

  return (
    <section style={{ display: 'grid', gap: 16, maxWidth: 1100 }} aria-labelledby="troubleshoot-title">
      <Title3 as="h2" id="troubleshoot-title">
        Troubleshoot user
      </Title3>
      <IntegrationPicker base="/troubleshoot" selected={id} />
      {id ? (
        <form
          style={{ display: 'flex', gap: 8, alignItems: 'end', flexWrap: 'wrap' }}
          onSubmit={(e) => {
            e.preventDefault();
            search();
          }}
        >
          <Field label="Person" hint="E-mail, UPN, name or Entra object id" style={{ flex: '1 1 420px' }}>
            <Input value={query} onChange={(_e, d) => setQuery(d.value)} contentBefore={<Search20Regular />} placeholder="anna.lindqvist@contoso.com" data-testid="troubleshoot-query" />
          </Field>
          <Checkbox label="Read Entra and the LMS again first" checked={refresh} onChange={(_e, d) => setRefresh(d.checked === true)} />
          <Button appearance="primary" type="submit" disabled={!query.trim() || diagnosis.isPending}>
            Diagnose
          </Button>
        </form>
      ) : null}

      {diagnosis.isPending ? (
        <Skeleton aria-label="Diagnosing">
          <SkeletonItem size={48} />
          <SkeletonItem size={32} />
          <SkeletonItem size={32} />
        </Skeleton>
      ) : null}
      {diagnosis.isError ? <ErrorMessage error={toAppError(diagnosis.error)} title="Could not diagnose this person" /> : null}
      {!diagnosis.data && !diagnosis.isPending && !diagnosis.isError && id ? (
        <Caption1 data-testid="troubleshoot-empty">
          Type who the question is about. Rollcall finds them in Entra and in the LMS, runs every check the support articles walk you through, and says
          what the next sync would do — with the evidence and what to change.
        </Caption1>
      ) : null}
      {diagnosis.data ? <DiagnosisView checklist={diagnosis.data} onPick={search} /> : null}
      {diagnosis.data ? (
        <div style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap' }}>
          <Button
            icon={<ArrowDownload20Regular />}
            data-testid="support-report"
            onClick={() => {
              const checklist = diagnosis.data;
              const now = new Date();
              const text = supportReport({ checklist, trace: provision.data ?? null, integrationName: integration.data?.name ?? null, appVersion: appInfo.data?.version ?? null, now });
              const who = (checklist.user.email ?? checklist.user.query).replace(/[^A-Za-z0-9.@_-]+/g, '_');
              downloadText(`rollcall-support-${who}-${now.toISOString().slice(0, 10)}.txt`, text, 'text/plain;charset=utf-8');
            }}
          >
            Save report for support
          </Button>
          <Caption1>The verdict, every check with its evidence, what the next sync does{provision.data ? ' and the provision on demand steps' : ''}, as text to attach to a support ticket. No secrets are in it.</Caption1>
        </div>
      ) : null}

      {/* Not for an ambiguous name: pick the person first (main refuses it too). */}
      {diagnosis.data?.user.sourceId && diagnosis.data.verdictKind !== 'ambiguous' ? (
        <section style={{ display: 'grid', gap: 8 }} aria-label="Provision on demand">
          <Subtitle2>Provision on demand</Subtitle2>
          <Caption1>Run the sync for this one person now, like Entra's "Provision on demand": each step is shown with what it found.</Caption1>
          <div style={{ display: 'flex', gap: 8 }}>
            <Button onClick={() => provision.mutate({ apply: false })} disabled={provision.isPending}>
              Dry run for this person
            </Button>
            <Button appearance="primary" onClick={() => setConfirming(true)} disabled={provision.isPending}>
              Provision now
            </Button>
          </div>
          {provision.isPending ? <Caption1>Running the steps…</Caption1> : null}
          {provision.isError ? <ErrorMessage error={toAppError(provision.error)} title="Provision on demand failed" /> : null}
          {provision.data ? (
            <div data-testid="provision-trace" data-outcome={provision.data.outcome} style={{ display: 'grid', gap: 8 }}>
              <Caption1>
                <strong>{provision.data.summary}</strong>
              </Caption1>
              <ProvisionSteps steps={provision.data.steps} />
            </div>
          ) : null}
        </section>
      ) : null}

      <ConfirmDialog
        open={confirming}
        title="Provision this person now?"
        confirmLabel="Provision now"
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          provision.mutate({ apply: true });
        }}
      >
        Rollcall writes this one person's change to the LMS now, with the same safety rules as a sync. A disabled integration writes nothing.
      </ConfirmDialog>
    </section>
  );
}
