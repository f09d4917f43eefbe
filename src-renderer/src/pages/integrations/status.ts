import { tokens } from '@fluentui/react-components';
import type { IntegrationStatus, IntegrationSummary } from '../../../../src-preload/api-types';

export const STATUS: Record<IntegrationStatus, { label: string; badge: 'success' | 'danger' | 'informative' | 'warning' | 'subtle'; stripe: string }> = {
  active: { label: 'Active', badge: 'success', stripe: tokens.colorPaletteGreenBorderActive },
  invalid: { label: 'Invalid credentials', badge: 'danger', stripe: tokens.colorPaletteRedBorderActive },
  disabled: { label: 'Disabled', badge: 'informative', stripe: tokens.colorNeutralStrokeAccessible },
  error: { label: 'Last run failed', badge: 'warning', stripe: tokens.colorPaletteDarkOrangeBorderActive },
  setup: { label: 'Setup incomplete', badge: 'subtle', stripe: tokens.colorNeutralStroke1 },
};

/** One sentence for the card: what the status means for the admin right now. */
export function statusSentence(i: IntegrationSummary): string {
  const every = `every ${i.config.schedule.everyHours} hours`;
  switch (i.status) {
    case 'active':
      return `Syncing ${every} while Rollcall runs.`;
    case 'disabled':
      return 'Disabled: nothing is read or written. Enable it when the dry run looks right.';
    case 'setup':
      return `Setup is not finished: ${i.setupMissing.join(' and ') || 'settings'} missing.`;
    case 'invalid':
      return 'The credentials were rejected. Update them to resume syncing.';
    case 'error':
      return 'The last run failed; the integration tries again at the next run.';
  }
}
