import type { IntegrationSummary } from '../../../../src-preload/api-types';
import type { Draft } from './draft';

/** What every step gets from the wizard. */
export interface StepProps {
  draft: Draft;
  update: (patch: Partial<Draft>) => void;
  integration: IntegrationSummary | undefined;
  /** Saves the draft (create the first time, update afterwards) and returns the stored integration. */
  save: () => Promise<IntegrationSummary>;
  /** Marks this step done (or not) so Next is allowed. */
  setDone: (done: boolean) => void;
  done: boolean;
}
