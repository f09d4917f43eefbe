/**
 * The diff table's rows, a window at a time: main filters the plan and answers with the count and
 * the rows asked for, so the window never holds the whole plan. The rows on screen stay until the
 * first window of a new filter arrives (no flash of an empty table while typing).
 */
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { PlanFilterInput } from '../../../../src-preload/api';
import type { AppError, OpKind, PlanRow } from '../../../../src-preload/api-types';
import { call, toAppError } from '../../api';
import { NO_FILTER, NO_FILTER_KEY, queryKeys, ROWS_PER_PAGE } from '../../queries';

export interface PlanFilter {
  kinds: ReadonlySet<OpKind>;
  reason: string | null;
  warning: string | null;
  text: string;
}

/** The filter as main takes it; built on NO_FILTER so that its JSON (the rows' cache key) has the same key order. */
export function filterInput(f: PlanFilter): PlanFilterInput {
  return { ...NO_FILTER, kinds: [...f.kinds].sort(), reason: f.reason, warning: f.warning, text: f.text.trim() };
}

export { NO_FILTER_KEY };

interface View {
  /** The filter these rows answer (filterInput as JSON). */
  key: string;
  total: number;
  pages: ReadonlyMap<number, PlanRow[]>;
}

export function usePlanRows(id: string, version: string, filter: PlanFilter) {
  const client = useQueryClient();
  const key = JSON.stringify(filterInput(filter));
  const [view, setView] = useState<View | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const asked = useRef(new Set<string>());
  const [attempt, setAttempt] = useState(0);

  const fetchPage = useCallback(
    (k: string, page: number) =>
      client.fetchQuery({
        queryKey: queryKeys.planRows(id, version, k, page),
        queryFn: () => call('getPlanRows', { id, version, filter: JSON.parse(k) as PlanFilterInput, offset: page * ROWS_PER_PAGE, limit: ROWS_PER_PAGE }),
        staleTime: Infinity,
      }),
    [client, id, version],
  );

  const failed = useCallback(
    (err: unknown) => {
      const e = toAppError(err);
      setError(e);
      // A newer dry run replaced this one: show it (the viewer is keyed by version and starts over).
      if (e.code === 'PLAN_REPLACED') void client.invalidateQueries({ queryKey: queryKeys.planHeader(id), exact: true });
    },
    [client, id],
  );

  useEffect(() => {
    let live = true;
    fetchPage(key, 0).then(
      (r) => {
        if (!live) return;
        setError(null);
        setView({ key, total: r.total, pages: new Map([[0, r.rows]]) });
      },
      (err: unknown) => live && failed(err),
    );
    return () => {
      live = false;
    };
  }, [fetchPage, failed, key, attempt]);

  const retry = useCallback(() => {
    setError(null);
    asked.current.clear();
    setAttempt((a) => a + 1);
  }, []);

  /** Asks for the pages holding rows from..to (positions in the filtered list) that are not here yet. */
  const ensure = useCallback(
    (from: number, to: number) => {
      if (!view) return;
      for (let p = Math.floor(from / ROWS_PER_PAGE); p <= Math.floor(to / ROWS_PER_PAGE); p++) {
        const tag = `${view.key}#${p}`;
        if (view.pages.has(p) || p * ROWS_PER_PAGE >= view.total || asked.current.has(tag)) continue;
        asked.current.add(tag);
        const k = view.key;
        fetchPage(k, p).then(
          (r) => setView((v) => (v && v.key === k ? { ...v, pages: new Map(v.pages).set(p, r.rows) } : v)),
          (err: unknown) => {
            asked.current.delete(tag);
            failed(err);
          },
        );
      }
    },
    [view, fetchPage, failed],
  );

  const rowAt = useCallback((pos: number): PlanRow | undefined => view?.pages.get(Math.floor(pos / ROWS_PER_PAGE))?.[pos % ROWS_PER_PAGE], [view]);

  return { view, pending: view === null || view.key !== key, error, retry, ensure, rowAt };
}
