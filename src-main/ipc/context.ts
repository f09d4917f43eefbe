import type { Store } from '../store/store';
import type { SecretStore } from '../secrets/secret-store';

/** What every API handler may use. Built once per process (desktop app or preview). */
export interface HandlerContext {
  store: Store;
  secrets: SecretStore;
  runtime: 'electron' | 'preview';
  appVersion: string;
  /** The clock, injected so tests can fix it. */
  now: () => Date;
}
