/**
 * The renderer's only door to main: window.rollcall (typed from src-preload/api.ts). Results are
 * unwrapped here so TanStack Query sees a thrown ApiError carrying the admin-readable AppError.
 */
import type { CallInputOf, MethodName, OutputOf, RollcallApi } from '../../src-preload/api';
import type { AppError } from '../../src-preload/api-types';

declare global {
  interface Window {
    rollcall?: RollcallApi;
  }
}

export class ApiError extends Error {
  readonly error: AppError;
  constructor(error: AppError) {
    super(error.message);
    this.name = 'ApiError';
    this.error = error;
  }
}

const NO_BRIDGE: AppError = {
  code: 'NO_BRIDGE',
  message: 'This page is not connected to Rollcall.',
  fix: 'Open Rollcall with `npm start` (or `npm run preview`), not the HTML file directly.',
};

export async function call<K extends MethodName>(method: K, input?: CallInputOf<K>): Promise<OutputOf<K>> {
  const bridge = window.rollcall;
  if (!bridge) throw new ApiError(NO_BRIDGE);
  const fn = bridge[method] as (i?: CallInputOf<K>) => ReturnType<RollcallApi[K]>;
  const result = await fn(input);
  if (!result.ok) throw new ApiError(result.error);
  return result.value as OutputOf<K>;
}

export function toAppError(err: unknown): AppError {
  if (err instanceof ApiError) return err.error;
  return {
    code: 'UI_ERROR',
    message: err instanceof Error ? err.message : 'Something went wrong in the window.',
    fix: 'Reload the window (Ctrl+R). If it happens again, report it.',
  };
}
