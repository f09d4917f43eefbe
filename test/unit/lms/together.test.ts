import { describe, expect, it } from 'vitest';
import { appError, fail, ok, type Result } from '../../../src-main/core/errors';
import { together } from '../../../src-main/lms/together';

/** A task that answers after `ms`, unless its signal is aborted first (then it says so). */
const task = (ms: number, answer: Result<string>, seen: string[]) => (signal: AbortSignal) =>
  new Promise<Result<string>>((resolve) => {
    let answered = false;
    const timer = setTimeout(() => {
      answered = true;
      resolve(answer);
    }, ms);
    signal.addEventListener('abort', () => {
      if (answered) return;
      clearTimeout(timer);
      seen.push('aborted');
      resolve(fail(appError('LMS_ABORTED', 'stopped', 'nothing')));
    });
  });

describe('together', () => {
  it('gives every value, in the order the tasks were given', async () => {
    expect(await together(undefined, [task(20, ok('a'), []), task(1, ok('b'), [])])).toEqual(ok(['a', 'b']));
  });

  it('returns the first failure and stops the others, which do not get to answer', async () => {
    const seen: string[] = [];
    const refused = fail(appError('LMS_TOKEN_REFUSED', 'refused', 'fix the token'));
    const r = await together(undefined, [task(5_000, ok('slow'), seen), task(1, refused, seen)]);
    expect(r).toEqual(refused);
    expect(seen).toEqual(['aborted']);
  });

  it('stops everything when the caller cancels', async () => {
    const seen: string[] = [];
    const cancel = new AbortController();
    const pending = together(cancel.signal, [task(5_000, ok('a'), seen), task(5_000, ok('b'), seen)]);
    cancel.abort();
    expect(await pending).toMatchObject({ ok: false, error: { code: 'LMS_ABORTED' } });
    expect(seen).toEqual(['aborted', 'aborted']);
  });
});
