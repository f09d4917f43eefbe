import { describe, expect, it } from 'vitest';
import { DemoAwareSecretStore } from '../../src-main/demo/demo-service';
import { KeytarSecretStore } from '../../src-main/secrets/keytar-store';
import { MemorySecretStore } from '../../src-main/secrets/memory-store';

describe('demo credentials beside the keychain', () => {
  it('serves the demo secrets from memory and sends everything else to the keychain', async () => {
    const keychain = new MemorySecretStore();
    const store = new DemoAwareSecretStore(keychain);
    store.register('int-demo', { clientSecret: 'demo-secret', lmsToken: 'demo-token' });
    await store.set('int-real', 'lmsToken', 'real-token');
    expect(await store.get('int-demo', 'clientSecret')).toEqual({ ok: true, value: 'demo-secret' });
    expect(await keychain.get('int-real', 'lmsToken')).toEqual({ ok: true, value: 'real-token' });
    expect(await keychain.get('int-demo', 'clientSecret')).toEqual({ ok: true, value: null });
  });

  it('clearing one demo secret keeps the other, and works where no keychain exists', async () => {
    const broken = new KeytarSecretStore();
    Object.assign(broken, { keytar: null, loadError: 'no keychain on this machine' });
    const store = new DemoAwareSecretStore(broken);
    store.register('int-demo', { clientSecret: 'demo-secret', lmsToken: 'demo-token' });
    expect(await store.delete('int-demo', 'clientSecret')).toEqual({ ok: true, value: undefined });
    expect(await store.has('int-demo', 'clientSecret')).toEqual({ ok: true, value: false });
    expect(await store.get('int-demo', 'lmsToken')).toEqual({ ok: true, value: 'demo-token' });
    expect(await store.delete('int-demo', 'lmsToken')).toEqual({ ok: true, value: undefined });
    expect(await store.has('int-demo', 'lmsToken')).toEqual({ ok: true, value: false });
  });
});
