import type { Store } from '../store/store';
import type { SecretStore } from '../secrets/secret-store';
import type { DemoService } from '../demo/demo-service';
import type { RunManager } from '../sync/run-manager';

/** What every API handler may use. Built once per process (desktop app or preview). */
export interface HandlerContext {
  store: Store;
  secrets: SecretStore;
  runtime: 'electron' | 'preview';
  appVersion: string;
  /** The clock, injected so tests can fix it. */
  now: () => Date;
  /** Runs in the background (UI and scheduler). */
  runs: RunManager;
  demo: DemoService;
}
