/**
 * "I have too many users in my platform": the LMS accounts no integration manages, counted by the
 * dry run, with an export of the list. Rollcall never changes them, so the admin needs to see them
 * somewhere other than the diff (they are not changes).
 */
import { Button, Caption1, ProgressBar } from '@fluentui/react-components';
import { ArrowDownload20Regular, PeopleQueue20Regular } from '@fluentui/react-icons';
import { useEffect, useRef, useState } from 'react';
import type { PlanHeader, UnmanagedAccount } from '../../../../src-preload/api-types';
import { describeUnmanaged, UNMANAGED_CSV_HEADER, unmanagedCsvRow } from '../../../../src-main/core/unmanaged';
import { call, toAppError } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { downloadCsv } from '../../lib/download';
import { AdoptUnmanaged } from './AdoptUnmanaged';

const PER_REQUEST = 5_000;

async function exportUnmanaged(plan: PlanHeader, onProgress: (done: number, total: number) => void, signal: AbortSignal): Promise<void> {
  const accounts: UnmanagedAccount[] = [];
  let total = Infinity;
  while (accounts.length < total && !signal.aborted) {
    const chunk = await call('getUnmanagedAccounts', { id: plan.integrationId, version: plan.version, offset: accounts.length, limit: PER_REQUEST });
    total = chunk.total;
    accounts.push(...chunk.accounts);
    onProgress(accounts.length, total);
    if (chunk.accounts.length === 0) break;
  }
  if (signal.aborted) return;
  downloadCsv(`rollcall-unmanaged-${plan.integrationId}-${plan.createdAt.replace(/[:.]/g, '-')}.csv`, UNMANAGED_CSV_HEADER, accounts.map(unmanagedCsvRow));
}

export function UnmanagedNote({ plan }: { plan: PlanHeader }) {
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [error, setError] = useState<ReturnType<typeof toAppError> | null>(null);
  const stop = useRef<AbortController | null>(null);
  useEffect(() => () => stop.current?.abort(), []);
  const u = plan.unmanaged;
  // Plans from before the count have none; an incomplete LMS read cannot tell.
  if (u === undefined) return null;
  if (u === null) {
    return (
      <Caption1 data-testid="unmanaged-note">
        LMS accounts no integration manages: not counted, because the LMS read was incomplete.
      </Caption1>
    );
  }
  if (u.count === 0) return null;

  const run = () => {
    const controller = new AbortController();
    stop.current = controller;
    setError(null);
    setProgress({ done: 0, total: u.count });
    exportUnmanaged(plan, (done, total) => setProgress({ done, total }), controller.signal)
      .catch((err: unknown) => setError(toAppError(err)))
      .finally(() => {
        if (stop.current === controller) stop.current = null;
        setProgress(null);
      });
  };
  const { title, detail } = describeUnmanaged(u, 'app');
  return (
    <div style={{ display: 'grid', gap: 4 }} data-testid="unmanaged-note">
      <div style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap' }}>
        <PeopleQueue20Regular aria-hidden />
        <Caption1 style={{ flex: 1, minWidth: 240 }}>
          <strong>{title}.</strong> {detail}
        </Caption1>
        <Button size="small" icon={<ArrowDownload20Regular />} onClick={run} disabled={progress !== null} data-testid="export-unmanaged">
          Export list
        </Button>
      </div>
      {progress ? <ProgressBar value={progress.total ? progress.done / progress.total : undefined} aria-label="Export progress" /> : null}
      {error ? <ErrorMessage error={error} title="Could not export the list" /> : null}
      {/* Keyed by the dry run: a new one starts without the last one's answer. */}
      {u.linkable !== undefined && u.linkable > 0 ? <AdoptUnmanaged key={plan.version} plan={plan} linkable={u.linkable} /> : null}
    </div>
  );
}
