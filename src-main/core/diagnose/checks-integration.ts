/** The integration itself: credentials (red / invalid), enabled (grey / disabled), the data used. */
import type { DiagnoseContext } from './context';
import { ev, relative, when } from './format';
import type { Check } from './types';

export function credentialsCheck(ctx: DiagnoseContext): Check {
  const { status, statusReason } = ctx.inputs.integration;
  const title = 'Integration credentials';
  const reason = statusReason ? [ev('Reason', `${statusReason.message} [${statusReason.code}]`)] : [];
  switch (status) {
    case 'invalid':
      return {
        id: 'credentials',
        status: 'fail',
        title,
        detail: 'The integration is invalid (red): its credentials were rejected, so nothing is read or written for anyone.',
        fix: statusReason?.fix ?? 'Choose "Update credentials" on the integration and enter a new client secret (the secret Value, not its ID) or LMS token.',
        evidence: [ev('Status', 'invalid'), ...reason],
      };
    case 'setup':
      return { id: 'credentials', status: 'fail', title, detail: 'The setup is not finished (a secret is missing), so the integration cannot run.', fix: 'Finish the setup wizard: enter the client secret and the LMS token.', evidence: [ev('Status', 'setup')] };
    case 'error':
      return {
        id: 'credentials',
        status: 'warn',
        title,
        detail: 'The credentials work, but the last run failed for another reason.',
        fix: statusReason?.fix ?? 'Run the sync again; if it keeps failing, test the connection.',
        evidence: [ev('Status', 'error'), ...reason],
      };
    default:
      return { id: 'credentials', status: 'pass', title, detail: 'The credentials were accepted at the last run.', fix: null, evidence: [ev('Status', status)] };
  }
}

export function enabledCheck(ctx: DiagnoseContext): Check {
  const { enabled, id } = ctx.inputs.integration;
  if (enabled) return { id: 'enabled', status: 'pass', title: 'Integration enabled (provisioning on)', detail: 'The integration is enabled: scheduled syncs write to the LMS.', fix: null, evidence: [ev('Enabled', 'yes')] };
  return {
    id: 'enabled',
    status: 'fail',
    title: 'Integration enabled (provisioning on)',
    detail: 'The integration is disabled (grey): it can be dry-run, but nothing is written to the LMS until it is enabled. Disabling changed no data.',
    fix: `Review a dry run, then enable the integration (the toggle on the integration, or rollcall integration enable --integration ${id}). The first run after enabling reads everything again.`,
    evidence: [ev('Enabled', 'no')],
  };
}

/** Which reads the checklist is based on, and whether they were complete. */
export function dataCheck(ctx: DiagnoseContext): Check {
  const { source, target, plan, now } = ctx.inputs;
  const evidence = [
    ev('Entra read', `${when(source.readAt)} (${relative(now, source.readAt)}), ${source.readMode}, ${source.users.length} users${source.complete ? '' : `, INCOMPLETE: ${source.incompleteReason ?? 'unknown reason'}`}`),
    ev('LMS read', `${when(target.readAt)} (${relative(now, target.readAt)}), ${target.readMode === 'changes' ? 'changes since the last read' : 'full'}, ${target.users.length} accounts${target.complete ? '' : `, INCOMPLETE: ${target.incompleteReason ?? 'unknown reason'}`}`),
    ev('Planned', when(plan.createdAt)),
  ];
  const warning = ctx.inputs.dataWarning ?? null;
  if (warning !== null) {
    return { id: 'data', status: 'warn', title: 'Data used for this diagnosis', detail: warning, fix: 'Run a dry run to read Entra and the LMS again, then diagnose again.', evidence };
  }
  if (!source.complete || !target.complete) {
    return {
      id: 'data',
      status: 'warn',
      title: 'Data used for this diagnosis',
      detail: `The last ${!source.complete ? 'Entra' : 'LMS'} read was incomplete: ${!source.complete ? 'nobody is deactivated' : 'nobody is created'} until a complete read.`,
      fix: 'Run a dry run again; if the read keeps failing, test the connection.',
      evidence,
    };
  }
  return { id: 'data', status: 'info', title: 'Data used for this diagnosis', detail: 'Based on the last complete reads of Entra and the LMS.', fix: null, evidence };
}
