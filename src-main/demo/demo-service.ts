/**
 * "Try with a demo tenant" in the app: starts the demo simulators inside the main process,
 * creates (or reconnects) the demo integration, and keeps the simulators running while the app
 * runs. The LMS is kept in the data directory so what the admin applied is still there next time.
 */
import path from 'node:path';
import { IntegrationConfigSchema } from '../core/config';
import { ok, type Result } from '../core/errors';
import type { SecretKind, SecretStore } from '../secrets/secret-store';
import { createIntegration, refreshSetupStatus } from '../store/integrations';
import type { StoredIntegration } from '../store/settings';
import type { Store } from '../store/store';
import { DEMO_DEFAULT_USERS, startDemoTenant, type DemoTenant } from './tenant';

/**
 * The demo's credentials are made up by the simulators and known to the source code, so they are
 * served from memory: the demo works even where no keychain is available. Real integrations'
 * secrets still go only to the keychain.
 */
export class DemoAwareSecretStore implements SecretStore {
  private readonly demo = new Map<string, Record<SecretKind, string>>();

  constructor(private readonly keychain: SecretStore) {}

  register(integrationId: string, values: Record<SecretKind, string>): void {
    this.demo.set(integrationId, values);
  }
  available() {
    return this.keychain.available();
  }
  async get(id: string, kind: SecretKind) {
    const d = this.demo.get(id);
    return d ? ok(d[kind] === '' ? null : d[kind]) : this.keychain.get(id, kind);
  }
  async set(id: string, kind: SecretKind, value: string) {
    const d = this.demo.get(id);
    if (d) {
      d[kind] = value;
      return ok(undefined);
    }
    return this.keychain.set(id, kind, value);
  }
  async delete(id: string, kind: SecretKind) {
    const d = this.demo.get(id);
    if (d) {
      d[kind] = '';
      return ok(undefined);
    }
    return this.keychain.delete(id, kind);
  }
  async has(id: string, kind: SecretKind) {
    const d = this.demo.get(id);
    return d ? ok(d[kind] !== '') : this.keychain.has(id, kind);
  }
}

export class DemoService {
  private tenant: DemoTenant | null = null;
  private starting: Promise<Result<StoredIntegration>> | null = null;

  constructor(
    private readonly store: Store,
    private readonly secrets: DemoAwareSecretStore,
    private readonly now: () => Date,
    private readonly users = DEMO_DEFAULT_USERS,
  ) {}

  existing(): StoredIntegration | undefined {
    return this.store.settings.data.integrations.find((i) => i.demo);
  }

  /** Starts the simulators (once) and returns the demo integration, creating it the first time. */
  start(): Promise<Result<StoredIntegration>> {
    this.starting ??= this.doStart().finally(() => (this.starting = null));
    return this.starting;
  }

  /** On app start: a demo integration from an earlier session gets its simulators back. */
  async resume(): Promise<void> {
    if (this.existing()) await this.start();
  }

  async close(): Promise<void> {
    await this.tenant?.close();
    this.tenant = null;
  }

  private async doStart(): Promise<Result<StoredIntegration>> {
    this.tenant ??= await startDemoTenant({ users: this.users, lmsPersistFile: path.join(this.store.dataDir, 'demo-lms.json') });
    const tenant = this.tenant;
    // Ports and the simulator's CA are new each time: point the integration at this session's.
    const config = IntegrationConfigSchema.parse(tenant.config);
    let record = this.existing();
    if (!record) {
      record = await createIntegration(this.store, config, this.now());
      const id = record.id;
      await this.store.settings.update((s) => {
        const r = s.integrations.find((i) => i.id === id);
        if (!r) return;
        r.demo = true;
        // The simulated LMS sends no e-mail: there is nothing for the admin to turn off.
        r.communicationAcknowledgedAt = this.now().toISOString();
      });
    } else {
      const id = record.id;
      await this.store.settings.update((s) => {
        const r = s.integrations.find((i) => i.id === id);
        if (r) r.config = { ...r.config, source: config.source, target: config.target };
      });
    }
    this.secrets.register(record.id, { clientSecret: tenant.clientSecret, lmsToken: tenant.lmsToken });
    await refreshSetupStatus(this.store, this.secrets, record.id);
    const id = record.id;
    return ok(this.store.settings.data.integrations.find((i) => i.id === id) ?? record);
  }
}
