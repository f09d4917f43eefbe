import { describe, expect, it } from 'vitest';
import { scheduledRunToast } from '../../src-main/desktop/notices';
import type { RunStatus } from '../../src-main/sync/run-manager';

const base: RunStatus = {
  runId: 'run-1',
  integrationId: 'int-1',
  kind: 'apply',
  trigger: 'schedule',
  startedAt: '2026-11-23T10:00:00Z',
  progress: { stage: 'applying', done: 1, total: 1, detail: null },
  finished: true,
  outcome: 'succeeded',
  summary: null,
  applied: 10,
  failed: 0,
  groupsWritten: 0,
  heldBack: 0,
  error: null,
};

describe('tray toast for scheduled runs', () => {
  it('says nothing when a scheduled run succeeded, or for manual runs', () => {
    expect(scheduledRunToast(base, 'Contoso')).toBeNull();
    expect(scheduledRunToast({ ...base, trigger: 'manual', outcome: 'failed' }, 'Contoso')).toBeNull();
  });

  it('tells what went wrong and what to do when a scheduled run fails or is blocked', () => {
    const failed = scheduledRunToast({ ...base, outcome: 'failed', error: { code: 'LMS_TOKEN_REFUSED', message: 'The LMS refused the token.', fix: 'Update the LMS token.' } }, 'Contoso');
    expect(failed).toEqual({ title: 'Rollcall: Contoso did not sync', body: 'The LMS refused the token. Update the LMS token.' });
    expect(scheduledRunToast({ ...base, outcome: 'blocked', error: { code: 'GUARD_DEACTIVATION_THRESHOLD', message: '800 users would be deactivated.', fix: 'Review and confirm.' } }, 'Contoso')?.title).toContain('waiting for you');
    expect(scheduledRunToast({ ...base, outcome: 'partial', applied: 7, failed: 3 }, 'Contoso')?.body).toContain('3 change(s) were refused');
  });
});
