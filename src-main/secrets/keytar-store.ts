import { createRequire } from 'node:module';
import { fail, ok, type Result } from '../core/errors';
import { KEYCHAIN_SERVICE, keychainAccount, keychainUnavailable, type SecretKind, type SecretStore } from './secret-store';

interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

/** Keychain errors can quote D-Bus internals; keep the first line and never anything we passed in. */
function describe(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0]?.slice(0, 200) ?? 'unknown error';
}

/** SecretStore backed by the OS keychain through keytar (libsecret, Keychain, Credential Manager). */
export class KeytarSecretStore implements SecretStore {
  private keytar: Keytar | null = null;
  private loadError: string | null = null;

  constructor(private readonly service: string = KEYCHAIN_SERVICE) {
    try {
      // keytar is a native CommonJS addon: load it lazily so a missing keychain is a message, not a crash.
      const require = createRequire(import.meta.url);
      this.keytar = require('keytar') as Keytar;
    } catch (err) {
      this.loadError = `the keytar module could not be loaded: ${describe(err)}`;
    }
  }

  async available(): Promise<Result<void>> {
    if (!this.keytar) return fail(keychainUnavailable(this.loadError ?? 'not loaded'));
    try {
      // A read of an account that does not exist proves the Secret Service answers.
      await this.keytar.getPassword(this.service, '__rollcall_probe__');
      return ok(undefined);
    } catch (err) {
      return fail(keychainUnavailable(describe(err)));
    }
  }

  async get(integrationId: string, kind: SecretKind): Promise<Result<string | null>> {
    return this.call((k) => k.getPassword(this.service, keychainAccount(integrationId, kind)));
  }

  async set(integrationId: string, kind: SecretKind, value: string): Promise<Result<void>> {
    return this.call((k) => k.setPassword(this.service, keychainAccount(integrationId, kind), value));
  }

  async delete(integrationId: string, kind: SecretKind): Promise<Result<void>> {
    const r = await this.call((k) => k.deletePassword(this.service, keychainAccount(integrationId, kind)));
    return r.ok ? ok(undefined) : r;
  }

  async has(integrationId: string, kind: SecretKind): Promise<Result<boolean>> {
    const r = await this.get(integrationId, kind);
    return r.ok ? ok(r.value !== null && r.value !== '') : r;
  }

  private async call<T>(work: (k: Keytar) => Promise<T>): Promise<Result<T>> {
    if (!this.keytar) return fail(keychainUnavailable(this.loadError ?? 'not loaded'));
    try {
      return ok(await work(this.keytar));
    } catch (err) {
      return fail(keychainUnavailable(describe(err)));
    }
  }
}
