import type { HandlerContext } from '../../src-main/ipc/context';
import { MemorySecretStore } from '../../src-main/secrets/memory-store';
import type { SecretStore } from '../../src-main/secrets/secret-store';
import { Store } from '../../src-main/store/store';
import { DemoAwareSecretStore, DemoService } from '../../src-main/demo/demo-service';
import { RunManager } from '../../src-main/sync/run-manager';

export async function testContext(dataDir: string, keychain: SecretStore = new MemorySecretStore(), now: () => Date = () => new Date('2026-11-23T10:00:00Z')): Promise<HandlerContext> {
  const store = await Store.open(dataDir);
  const secrets = new DemoAwareSecretStore(keychain);
  return { store, secrets, runtime: 'preview', appVersion: '9.9.9-test', now, runs: new RunManager({ store, secrets, now }), demo: new DemoService(store, secrets, now, 300) };
}

export const VALID_CONFIG = {
  name: 'Contoso → Learning',
  source: { kind: 'entra', tenantId: 'contoso.onmicrosoft.com', clientId: '6f1c2a4e-1b2c-4d5e-8f90-1234567890ab' },
  target: { kind: 'scim', baseUrl: 'https://lms.example.com/scim/v2' },
} as const;
