import { describe, expect, it } from 'vitest';
import { appError } from '../../src-main/core/errors';
import { ExitCode, exitCodeFor } from '../../src-main/cli/exit-codes';

describe('exit codes of the CLI (the automation contract)', () => {
  it.each([
    ['ENTRA_WRONG_SECRET', ExitCode.credentials],
    ['LMS_TOKEN_REFUSED', ExitCode.credentials],
    ['ENTRA_UNREACHABLE', ExitCode.failed],
    ['GUARD_DEACTIVATION_THRESHOLD', ExitCode.blocked],
    ['RUN_IN_PROGRESS', ExitCode.blocked],
    // A data file another Rollcall process holds: try again later, like a run in progress.
    ['STORE_LOCKED', ExitCode.blocked],
    ['CONFIG_INVALID', ExitCode.usage],
    // The data folder was written by a newer Rollcall: update this one (nothing was changed).
    ['DATA_FROM_NEWER_ROLLCALL', ExitCode.usage],
  ])('%s → %i', (code, exit) => {
    expect(exitCodeFor(appError(code, 'm', 'f'))).toBe(exit);
  });
});
