import { ok, type Result } from '../core/errors';
import { keychainAccount, type SecretKind, type SecretStore } from './secret-store';

/** In-memory SecretStore for unit tests and for the demo tenant's throwaway credentials. */
export class MemorySecretStore implements SecretStore {
  private readonly values = new Map<string, string>();

  async available(): Promise<Result<void>> {
    return ok(undefined);
  }
  async get(integrationId: string, kind: SecretKind): Promise<Result<string | null>> {
    return ok(this.values.get(keychainAccount(integrationId, kind)) ?? null);
  }
  async set(integrationId: string, kind: SecretKind, value: string): Promise<Result<void>> {
    this.values.set(keychainAccount(integrationId, kind), value);
    return ok(undefined);
  }
  async delete(integrationId: string, kind: SecretKind): Promise<Result<void>> {
    this.values.delete(keychainAccount(integrationId, kind));
    return ok(undefined);
  }
  async has(integrationId: string, kind: SecretKind): Promise<Result<boolean>> {
    return ok(this.values.has(keychainAccount(integrationId, kind)));
  }
}
