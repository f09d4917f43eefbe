/**
 * One entry point for every caller of the API (Electron IPC and the preview's loopback bridge):
 * check the method exists, validate the input against its schema, run the handler, and turn
 * anything thrown into an error value. Secrets never appear in what comes back.
 */
import type { z } from 'zod';
import { api, isMethodName, type MethodName } from '../../src-preload/api';
import { AppErrorException, appError, fail, type Result } from '../core/errors';
import type { HandlerContext } from './context';
import { handlers, type Handlers } from './handlers';
import { followRuns } from './plan-holder';

export function invalidInput(method: string, error: z.ZodError) {
  const first = error.issues[0];
  const field = first && first.path.length ? first.path.join('.') : 'input';
  return appError(
    'INVALID_INPUT',
    `${field} ${first ? first.message.replace(/^Invalid input: /, '') : 'is not valid'}.`,
    `Correct ${field} and try again.`,
    { method, field },
  );
}

export async function dispatch(method: unknown, rawInput: unknown, ctx: HandlerContext, table: Handlers = handlers): Promise<Result<unknown>> {
  if (!isMethodName(method)) {
    return fail(appError('UNKNOWN_METHOD', `The app asked for an operation this version does not have (${String(method).slice(0, 60)}).`, 'Restart Rollcall; if it persists, reinstall it.'));
  }
  // The diff viewer's plan holder takes over each run's plan as it finishes (once per process).
  followRuns(ctx.runs, ctx.store.dataDir);
  const parsed = api[method].input.safeParse(rawInput);
  if (!parsed.success) return fail(invalidInput(method, parsed.error));
  try {
    // The CLI from cron may have changed the settings since this window last looked.
    await ctx.store.settings.refreshIfChanged();
    return await callHandler(table, method, parsed.data, ctx);
  } catch (err) {
    if (err instanceof AppErrorException) return fail(err.error);
    // Unexpected: log it for support, with every string the caller sent blanked out (the input may
    // hold a secret and an exception message may quote it); the caller gets no internals.
    const text = err instanceof Error ? (err.stack ?? err.message) : 'unknown error';
    console.error(`[rollcall] ${method} failed:`, redactInputStrings(text, rawInput));
    return fail(appError('INTERNAL', `Rollcall hit an unexpected problem while running ${method}.`, 'Try again. If it keeps happening, report it with the log (Help → Report a problem).', { method }));
  }
}

/** Replaces every string (of 4+ characters) found in the input with [redacted]. */
export function redactInputStrings(text: string, input: unknown): string {
  const strings: string[] = [];
  const visit = (v: unknown, depth: number): void => {
    if (depth > 8) return;
    if (typeof v === 'string') {
      if (v.length >= 4) strings.push(v, v.trim());
    } else if (Array.isArray(v)) v.forEach((x) => visit(x, depth + 1));
    else if (typeof v === 'object' && v !== null) Object.values(v).forEach((x) => visit(x, depth + 1));
  };
  visit(input, 0);
  let out = text;
  for (const s of strings.sort((a, b) => b.length - a.length)) if (s.length >= 4) out = out.split(s).join('[redacted]');
  return out;
}

function callHandler<K extends MethodName>(table: Handlers, method: K, input: unknown, ctx: HandlerContext): Promise<Result<unknown>> {
  // The input has just been validated by api[method].input, so it is InputOf<K>.
  const handler = table[method] as (i: unknown, c: HandlerContext) => Promise<Result<unknown>>;
  return handler(input, ctx);
}
