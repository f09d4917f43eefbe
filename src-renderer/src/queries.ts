import { keepPreviousData, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef } from 'react';
import { MAX_NAMED, type PlanSummary, type RunStatus } from '../../src-preload/api-types';
import type { PlanFilterInput } from '../../src-preload/api';
import { call } from './api';

/**
 * Everything that comes from main lives here, in TanStack Query. Secrets never do: they are sent
 * with a plain call('setSecret') from the component that holds the input, never cached.
 */
export const queryKeys = {
  appInfo: ['appInfo'] as const,
  integrations: ['integrations'] as const,
  integration: (id: string) => ['integration', id] as const,
  /** The last plan's header; its rows and op details hang below it, so invalidating it refreshes them all. */
  planHeader: (id: string) => ['plan', id] as const,
  planRows: (id: string, version: string, filterKey: string, page: number) => ['plan', id, version, 'rows', filterKey, page] as const,
  planOp: (id: string, version: string, index: number) => ['plan', id, version, 'op', index] as const,
  runs: (id: string) => ['runs', id] as const,
  auditLog: (id: string, runId: string) => ['auditLog', id, runId] as const,
  run: (runId: string) => ['run', runId] as const,
  activeRun: (id: string) => ['activeRun', id] as const,
  /** The LMS's group names for the wizard (all wizard visits share the prefix, to forget them at once). */
  lmsGroupsAll: ['lmsGroups'] as const,
  lmsGroups: (id: string, lmsAddress: string) => ['lmsGroups', id, lmsAddress] as const,
  peopleNames: (id: string, sourceIds: readonly string[]) => ['peopleNames', id, ...sourceIds] as const,
};

export function useAppInfo() {
  return useQuery({ queryKey: queryKeys.appInfo, queryFn: () => call('getAppInfo') });
}

export function useIntegrations() {
  return useQuery({ queryKey: queryKeys.integrations, queryFn: () => call('listIntegrations') });
}

export function useIntegration(id: string | undefined) {
  return useQuery({ queryKey: queryKeys.integration(id ?? ''), queryFn: () => call('getIntegration', { id: id ?? '' }), enabled: Boolean(id) });
}

/**
 * Entra users' names by object id, from the last dry run's read (the wizard's list of confirmed
 * new accounts); whom it did not read is missing from the map. Asked for the list as saved, not
 * as edited: the wizard only takes ids away, and each new list would make main read the whole
 * Entra snapshot again (58 MB at 100k people) when its copy in memory has gone.
 */
export function usePeopleNames(id: string | undefined, sourceIds: readonly string[]) {
  const ids = [...new Set(sourceIds)].sort().slice(0, MAX_NAMED);
  const names = useQuery({
    queryKey: queryKeys.peopleNames(id ?? '', ids),
    queryFn: () => call('getPeopleNames', { id: id ?? '', sourceIds: ids }),
    enabled: Boolean(id) && ids.length > 0,
    placeholderData: keepPreviousData,
    refetchOnWindowFocus: false,
  });
  return useMemo(() => new Map((names.data ?? []).map((p) => [p.sourceId, p])), [names.data]);
}

/**
 * The names of the groups the LMS has, for the wizard's pushed groups: read once per wizard visit
 * (the wizard forgets them when it closes, useForgetLmsGroups) and again for another LMS address.
 * The key cannot hold the token (it never comes back from main): the LMS step's Save & Test
 * forgets the names instead (useResetLmsGroups), so the rules step reads them with the token
 * saved last. A failed read is tried again when the rules step opens again.
 */
export function useLmsGroups(id: string | undefined, lmsAddress: string) {
  return useQuery({
    queryKey: queryKeys.lmsGroups(id ?? '', lmsAddress),
    queryFn: () => call('listLmsGroups', { id: id ?? '' }),
    enabled: Boolean(id),
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
}

/**
 * Forgets the LMS's group names now (after the LMS settings or token were saved): a list shown
 * is read again at once, any other when it is next shown — never the one read with the old token.
 */
export function useResetLmsGroups() {
  const client = useQueryClient();
  return useCallback(() => void client.resetQueries({ queryKey: queryKeys.lmsGroupsAll }), [client]);
}

/** Drops the LMS's group names when the component using it (the wizard) goes, so the next visit reads them afresh. */
export function useForgetLmsGroups() {
  const client = useQueryClient();
  useEffect(() => () => client.removeQueries({ queryKey: queryKeys.lmsGroupsAll }), [client]);
}

/** Rows per request of the diff table: a few screens' worth, small enough to answer in milliseconds. */
export const ROWS_PER_PAGE = 200;
/** The diff table's filter key (filterInput as JSON) when nothing is filtered. */
/** The empty filter; filterInput() builds every filter on it, so their keys have its order. */
export const NO_FILTER: PlanFilterInput = { kinds: [], reason: null, warning: null, text: '' };
export const NO_FILTER_KEY = JSON.stringify(NO_FILTER);

/** The last plan's header, with the first window of rows put beside it in the cache. */
function planHeaderQuery(client: QueryClient, id: string) {
  return {
    queryKey: queryKeys.planHeader(id),
    queryFn: async () => {
      // The first window of rows travels beside the header (main parses a large plan once for both),
      // so the table paints without a second round trip.
      const [header, first] = await Promise.all([
        call('getPlanHeader', { id }),
        call('getPlanRows', { id, filter: NO_FILTER, offset: 0, limit: ROWS_PER_PAGE }).catch(() => null),
      ]);
      if (first && header.plan && first.version === header.plan.version) client.setQueryData(queryKeys.planRows(id, first.version, NO_FILTER_KEY, 0), first);
      return header;
    },
    staleTime: Infinity,
  };
}

export function usePlanHeader(id: string | undefined) {
  const client = useQueryClient();
  // Only the header comes whole (the ops stay in main); never refetched behind the admin's back.
  return useQuery({ ...planHeaderQuery(client, id ?? ''), enabled: Boolean(id), refetchOnWindowFocus: false });
}

/**
 * Starts loading an integration's last plan when the admin is about to open it (pointer on or
 * focus in a link to its changes): a large plan read cold from disk takes a second or more in main.
 */
export function usePrefetchPlan() {
  const client = useQueryClient();
  return useCallback((id: string) => void client.prefetchQuery(planHeaderQuery(client, id)), [client]);
}

/**
 * Pointer and focus handlers that prefetch a plan on intent: focus at once, a pointer only after
 * it rests ~0.3 s, so sweeping across cards does not queue one cold 100 MB parse per card in main.
 */
export function usePlanIntent(id: string | null | undefined) {
  const prefetch = usePrefetchPlan();
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const cancel = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
  }, []);
  useEffect(() => cancel, [cancel]);
  return useMemo(
    () =>
      id
        ? {
            onPointerEnter: () => {
              cancel();
              timer.current = setTimeout(() => prefetch(id), 300);
            },
            onPointerLeave: cancel,
            onFocus: () => prefetch(id),
          }
        : {},
    [id, prefetch, cancel],
  );
}

/** One op's full detail (field changes, notices, warnings, candidates), fetched when its row opens. */
export function usePlanOp(id: string, version: string, index: number) {
  return useQuery({
    queryKey: queryKeys.planOp(id, version, index),
    queryFn: () => call('getPlanOp', { id, version, index }),
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    retry: false,
  });
}

export function useRuns(id: string | undefined) {
  return useQuery({ queryKey: queryKeys.runs(id ?? ''), queryFn: () => call('listRuns', { id: id ?? '' }), enabled: Boolean(id) });
}

export function useAuditLog(id: string | undefined, runId: string | undefined) {
  return useQuery({
    queryKey: queryKeys.auditLog(id ?? '', runId ?? ''),
    queryFn: () => call('getAuditLog', { id: id ?? '', runId: runId ?? '', limit: 100_000 }),
    enabled: Boolean(id && runId),
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
}

/** Follows a background run by polling its status until it has finished. */
export function useRunStatus(runId: string | null) {
  return useQuery({
    queryKey: queryKeys.run(runId ?? ''),
    queryFn: () => call('getRunStatus', { runId: runId ?? '' }),
    enabled: Boolean(runId),
    refetchInterval: (q) => (q.state.data && q.state.data.finished ? false : 400),
    refetchOnWindowFocus: false,
  });
}

export function useActiveRun(id: string) {
  return useQuery({
    queryKey: queryKeys.activeRun(id),
    queryFn: () => call('getActiveRun', { id }),
    // Fast while a run is going; slowly otherwise, so a scheduled run shows up on its own.
    refetchInterval: (q) => (q.state.data ? 1_000 : 15_000),
  });
}

/** After anything about an integration changed: its card, its plan, its history. */
export function useInvalidateIntegration() {
  const client = useQueryClient();
  return (id?: string) => {
    void client.invalidateQueries({ queryKey: queryKeys.integrations });
    if (id) {
      void client.invalidateQueries({ queryKey: queryKeys.integration(id) });
      void client.invalidateQueries({ queryKey: queryKeys.runs(id) });
      void client.invalidateQueries({ queryKey: queryKeys.activeRun(id) });
    }
  };
}

/** Starts a run; the caller follows it with useRunStatus(runId). */
export function useStartRun() {
  const invalidate = useInvalidateIntegration();
  return useMutation({
    mutationFn: (input: { id: string; kind: 'dry-run' | 'apply'; full?: boolean; confirmedDeactivations?: number; confirmedGroupRemovals?: number; expectedSummary?: PlanSummary }) => call('startRun', input),
    onSuccess: (status: RunStatus) => invalidate(status.integrationId),
  });
}
