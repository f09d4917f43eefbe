import { describe, expect, it } from 'vitest';
import { aadstsCode, integrationStatusFor, isCredentialsRejected, scrubSecret, signInError, transportError } from '../../../src-main/entra/errors';
import { TransportError } from '../../../src-main/entra/http';
import { mapMsalError } from '../../../src-main/entra/token';

const ctx = { tenantId: 'contoso.onmicrosoft.com', clientId: '3f1c2a9e-5b7d-4e21-9a0c-6d8e4b2f1a01', secret: 'Abc8Q~realSecretValue' };

describe('sign-in errors', () => {
  it.each([
    [7000215, 'ENTRA_WRONG_SECRET', 'invalid'],
    [7000222, 'ENTRA_SECRET_EXPIRED', 'invalid'],
    [700016, 'ENTRA_APP_NOT_FOUND', 'invalid'],
    [90002, 'ENTRA_TENANT_NOT_FOUND', 'invalid'],
    [900023, 'ENTRA_TENANT_INVALID', 'invalid'],
    [50034, 'ENTRA_SIGNIN_FAILED', 'error'],
  ] as const)('AADSTS%i → %s (%s)', (code, want, status) => {
    const e = signInError(code, ctx, 'Something. Trace ID: 123');
    expect(e.code).toBe(want);
    expect(integrationStatusFor(e)).toBe(status);
    expect(isCredentialsRejected(e)).toBe(status === 'invalid');
    expect(e.message).not.toContain('Trace ID');
  });

  it('recognises a pasted Secret ID by its GUID shape', () => {
    expect(signInError(7000215, { ...ctx, secret: ' 9b2e7c41-0d3f-4a6b-8e15-2c7f9a1d3b01 ' }, '').code).toBe('ENTRA_SECRET_ID_PASTED');
  });

  it('finds the AADSTS number in MSAL errors', () => {
    expect(aadstsCode('Error(s): 7000215 - Description: AADSTS7000215: Invalid client secret')).toBe(7000215);
    expect(aadstsCode('', '90002')).toBe(90002);
    expect(aadstsCode('nothing here')).toBeNull();
    expect(mapMsalError({ errorCode: 'invalid_client', errorMessage: 'AADSTS7000222: expired', errorNo: '7000222' }, null, ctx).code).toBe('ENTRA_SECRET_EXPIRED');
    expect(mapMsalError(new Error('x'), new TransportError('tls', 'h', 'SELF_SIGNED_CERT_IN_CHAIN', 'x'), ctx).code).toBe('ENTRA_TLS');
  });
});

describe('transport errors and secrets', () => {
  it('maps each socket failure', () => {
    expect(transportError(new TransportError('tls', 'h:1', 'CERT_HAS_EXPIRED', '')).code).toBe('ENTRA_TLS');
    expect(transportError(new TransportError('unreachable', 'h:1', 'ENOTFOUND', '')).code).toBe('ENTRA_UNREACHABLE');
    expect(transportError(new TransportError('timeout', 'h:1', 'ETIMEDOUT', '')).code).toBe('ENTRA_UNREACHABLE');
    expect(transportError(new TransportError('aborted', 'h:1', null, '')).code).toBe('ENTRA_CANCELLED');
  });

  it('scrubs the secret from message, fix and details', () => {
    const e = scrubSecret({ code: 'X', message: `bad ${ctx.secret}`, fix: ctx.secret, details: { a: `x${ctx.secret}`, n: 3 } }, ctx.secret);
    expect(JSON.stringify(e)).not.toContain(ctx.secret);
    expect(e.details?.n).toBe(3);
  });
});
