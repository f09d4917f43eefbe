/**
 * The wizard's Save & Test for one side (Entra or the LMS): validate, save the settings, put the
 * secret in the keychain (then forget it: it is never shown again), and run that side's checks.
 * The LMS side then forgets the LMS's group names read so far (another address or token may list
 * other groups, or none), so the rules step reads them again.
 */
import { useState } from 'react';
import type { AppError, CheckResult } from '../../../../src-preload/api-types';
import { UPDATE_CLIENT_SECRET, UPDATE_LMS_TOKEN } from '../../../../src-main/core/errors';
import { call, toAppError } from '../../api';
import { useInvalidateIntegration, useResetLmsGroups } from '../../queries';
import type { Errors } from './draft';
import type { StepProps } from './wizard-types';

export interface SaveAndTestOptions {
  kind: 'clientSecret' | 'lmsToken';
  part: 'entra' | 'lms';
  /** Problems with the settings typed so far (field → message). */
  validate: () => Errors;
  /** The field the secret's error goes to, and what to say when none is stored or typed. */
  secretField: string;
  missingMessage: string;
  stored: boolean;
  save: StepProps['save'];
  setDone: StepProps['setDone'];
}

/** A fix as the wizard says it: the new credential goes in this step, not in "Update credentials". */
export function inWizard(fix: string): string {
  return fix.replace(UPDATE_CLIENT_SECRET, 'Then paste it in this step and press Save & Test again.').replace(UPDATE_LMS_TOKEN, 'Then paste it in this step and press Save & Test again.');
}

export function useSaveAndTest(o: SaveAndTestOptions) {
  // The secret lives only here, and only until it is in the keychain.
  const [secret, setSecret] = useState('');
  const [replacing, setReplacing] = useState(false);
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<AppError | null>(null);
  const [warning, setWarning] = useState<AppError | null>(null);
  const [result, setResult] = useState<CheckResult | null>(null);
  const invalidate = useInvalidateIntegration();
  const resetLmsGroups = useResetLmsGroups();

  const run = async () => {
    const found = o.validate();
    if (!secret.trim() && !o.stored) found[o.secretField] = o.missingMessage;
    setErrors(found);
    setFailure(null);
    setResult(null);
    if (Object.keys(found).length > 0) {
      o.setDone(false);
      return;
    }
    setBusy(true);
    let saved: Awaited<ReturnType<StepProps['save']>> | null = null;
    try {
      saved = await o.save();
      if (secret.trim()) {
        const r = await call('setSecret', { integrationId: saved.id, kind: o.kind, value: secret });
        setWarning(r.warning);
        // Stored: the value leaves the window for good.
        setSecret('');
        setReplacing(false);
        invalidate(saved.id);
      }
      const checks = await call('checkIntegration', { id: saved.id, part: o.part });
      setResult({ ...checks, checks: checks.checks.map((c) => (c.fix ? { ...c, fix: inWizard(c.fix) } : c)) });
      o.setDone(checks.ok);
      invalidate(saved.id);
    } catch (err) {
      const e = toAppError(err);
      setFailure({ ...e, fix: inWizard(e.fix) });
      o.setDone(false);
    } finally {
      // Saved (and tested, whatever the checks said): the names read before are not to be trusted.
      if (saved && o.part === 'lms') resetLmsGroups();
      setBusy(false);
    }
  };

  return { secret, setSecret, replacing, setReplacing, errors, busy, failure, warning, result, run };
}
