import type { Result } from '../core/errors';

/**
 * Runs requests at the same time; the first that fails stops the others (their signal is
 * aborted, so none keeps retrying behind an answer that is already decided) and is the result.
 * The caller's signal stops them all.
 */
export async function together<T>(signal: AbortSignal | undefined, tasks: ReadonlyArray<(signal: AbortSignal) => Promise<Result<T>>>): Promise<Result<T[]>> {
  const stop = new AbortController();
  const linked = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
  let firstFailure: Result<T[]> | null = null;
  const values = await Promise.all(
    tasks.map(async (task) => {
      const r = await task(linked);
      if (!r.ok && firstFailure === null) {
        firstFailure = r;
        stop.abort();
      }
      return r;
    }),
  );
  if (firstFailure !== null) return firstFailure;
  return { ok: true, value: values.map((r) => (r as { ok: true; value: T }).value) };
}
