/**
 * App-only sign-in: MSAL Node ConfidentialClientApplication, client-credentials flow, tokens
 * cached in memory only (no cache plugin, nothing on disk). MSAL's HTTP goes through our own
 * transport so a custom cloud's CA is trusted explicitly and socket failures keep their cause.
 */
import { ConfidentialClientApplication, LogLevel, type Configuration, type INetworkModule, type NetworkRequestOptions, type NetworkResponse } from '@azure/msal-node';
import { fail, ok, type AppError, type Result } from '../core/errors';
import { authorityMetadata, graphScope, hostOf, type CloudEndpoints } from './clouds';
import { aadstsCode, cancelled, signInError, transportError, type CredentialContext } from './errors';
import { TransportError, type Transport } from './http';

export interface AccessToken {
  accessToken: string;
  expiresOn: Date | null;
}

export interface TokenProvider {
  /** A valid token, from the in-memory cache when possible. */
  getToken(signal?: AbortSignal, forceRefresh?: boolean): Promise<Result<AccessToken>>;
}

/** MSAL's network hook over our transport; remembers the last socket-level failure for mapping. */
class MsalNetwork implements INetworkModule {
  lastFailure: TransportError | null = null;
  constructor(private readonly transport: Transport) {}

  async sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    return this.send<T>('GET', url, options, timeout);
  }

  async sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('POST', url, options);
  }

  private async send<T>(method: 'GET' | 'POST', url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    try {
      const res = await this.transport.request({
        method,
        url,
        headers: options?.headers ?? {},
        ...(options?.body !== undefined ? { body: options.body } : {}),
        ...(timeout ? { timeoutMs: timeout } : {}),
      });
      let body: unknown = {};
      try {
        body = res.body ? JSON.parse(res.body) : {};
      } catch {
        body = { error: 'invalid_response', error_description: `The sign-in service answered ${res.status} with something that is not JSON.` };
      }
      return { status: res.status, headers: res.headers, body: body as T };
    } catch (e) {
      if (e instanceof TransportError) this.lastFailure = e;
      throw e;
    }
  }
}

/** MSAL renews a cached token this long before it expires (its default tokenRenewalOffsetSeconds). */
const MSAL_RENEWAL_MARGIN_MS = 5 * 60 * 1000;

interface MsalLikeError {
  errorCode?: string;
  errorMessage?: string;
  errorNo?: string;
  message?: string;
}

export function createTokenProvider(opts: {
  endpoints: CloudEndpoints;
  tenantId: string;
  clientId: string;
  secret: string;
  transport: Transport;
}): TokenProvider {
  const network = new MsalNetwork(opts.transport);
  const config: Configuration = {
    auth: {
      clientId: opts.clientId,
      clientSecret: opts.secret,
      authority: `${opts.endpoints.authorityHost}/${opts.tenantId}`,
      // Endpoint metadata is given, and a custom host is declared known, so MSAL sends nothing
      // to the public cloud's discovery endpoints when talking to a private one.
      authorityMetadata: authorityMetadata(opts.endpoints, opts.tenantId),
      ...(opts.endpoints.custom ? { knownAuthorities: [hostOf(opts.endpoints.authorityHost)] } : {}),
    },
    system: {
      networkClient: network,
      // MSAL must not log: its verbose logs can carry request details.
      loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => undefined },
    },
  };
  const app = new ConfidentialClientApplication(config);
  const ctx: CredentialContext = { tenantId: opts.tenantId, clientId: opts.clientId, secret: opts.secret };
  const scope = graphScope(opts.endpoints);
  let inFlight: Promise<Result<AccessToken>> | null = null;
  /**
   * The last token, handed out while MSAL would hand it out from its cache (more than its
   * 5-minute renewal margin before expiry): asking MSAL costs ~0.5 ms, once per Graph page.
   */
  let last: { token: AccessToken; reuseUntil: number } | null = null;

  async function acquire(forceRefresh: boolean): Promise<Result<AccessToken>> {
    network.lastFailure = null;
    try {
      const res = await app.acquireTokenByClientCredential({ scopes: [scope], skipCache: forceRefresh });
      if (!res?.accessToken) return fail(signInError(null, ctx, 'no access token in the answer'));
      const token = { accessToken: res.accessToken, expiresOn: res.expiresOn ?? null };
      const reuseUntil = token.expiresOn ? token.expiresOn.getTime() - MSAL_RENEWAL_MARGIN_MS : 0;
      // A forced sign-in always wins; a cached answer finishing after it must not bring back its older token.
      if (forceRefresh || !last || reuseUntil >= last.reuseUntil) last = { token, reuseUntil };
      return ok(token);
    } catch (e) {
      return fail(mapMsalError(e, network.lastFailure, ctx));
    }
  }

  return {
    async getToken(signal, forceRefresh = false) {
      if (signal?.aborted) return fail(cancelled());
      if (!forceRefresh && last && Date.now() < last.reuseUntil) return ok(last.token);
      // Parallel Graph workers share one sign-in instead of racing the token endpoint; a forced
      // refresh (after a 401) never joins a normal one, which could hand back the same token.
      if (!inFlight || forceRefresh) {
        const started = acquire(forceRefresh);
        inFlight = started;
        void started.finally(() => {
          if (inFlight === started) inFlight = null;
        });
      }
      const current = inFlight;
      if (!signal) return current;
      return new Promise<Result<AccessToken>>((resolve) => {
        const onAbort = (): void => resolve(fail(cancelled()));
        signal.addEventListener('abort', onAbort, { once: true });
        void current.then((r) => {
          signal.removeEventListener('abort', onAbort);
          resolve(r);
        });
      });
    },
  };
}

export function mapMsalError(e: unknown, transportFailure: TransportError | null, ctx: CredentialContext): AppError {
  if (transportFailure) return transportError(transportFailure);
  if (e instanceof TransportError) return transportError(e);
  const err = (typeof e === 'object' && e !== null ? e : {}) as MsalLikeError;
  const text = `${err.errorMessage ?? ''} ${err.message ?? ''}`;
  const code = aadstsCode(text, err.errorNo ?? null);
  if (code === null && err.errorCode === 'endpoints_resolution_error') return signInError(90002, ctx, text);
  return signInError(code, ctx, err.errorMessage ?? err.errorCode ?? 'unknown error');
}
