import { describe, expect, it } from 'vitest';
import { decodeJwtPayload, missingPermissions, tokenRoles } from '../../../src-main/entra/jwt';
import { DEFAULT_RETRY_POLICY, isRetryableStatus, parseRetryAfter, retryDelayMs } from '../../../src-main/entra/retry';
import { chunk, deltaErrorFor, isDeltaLinkExpired, DELTA_LINK_MAX_AGE_MS } from '../../../src-main/entra/delta';
import { selectNameFor, toSourceUser, userSelect, usersListPath } from '../../../src-main/entra/users';
import { classifySystemError } from '../../../src-main/entra/http';

function jwt(payload: object): string {
  return `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.sig`;
}

describe('token roles', () => {
  it('decodes the payload without checking the signature', () => {
    expect(decodeJwtPayload(jwt({ tid: 't', roles: ['User.Read.All'] }))?.tid).toBe('t');
    expect(decodeJwtPayload('not-a-token')).toBeNull();
    expect(decodeJwtPayload('a.%%%.c')).toBeNull();
    expect(tokenRoles(jwt({ roles: ['A', 3, 'B'] }))).toEqual(['A', 'B']);
    expect(tokenRoles(jwt({}))).toEqual([]);
  });

  it('lists what is missing, accepting broader grants', () => {
    expect(missingPermissions([])).toEqual(['User.Read.All', 'Group.Read.All', 'User-LifecycleInfo.Read.All']);
    expect(missingPermissions(['User.Read.All', 'Group.Read.All'])).toEqual(['User-LifecycleInfo.Read.All']);
    expect(missingPermissions(['Directory.Read.All'])).toEqual(['User-LifecycleInfo.Read.All']);
    expect(missingPermissions(['User.ReadWrite.All', 'Group.Read.All', 'User-LifecycleInfo.ReadWrite.All'])).toEqual([]);
  });
});

describe('retry policy', () => {
  it('retries throttling and brief outages only', () => {
    expect([429, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 410, 500].some(isRetryableStatus)).toBe(false);
  });

  it('reads Retry-After as seconds or a date', () => {
    expect(parseRetryAfter('3', 0)).toBe(3000);
    expect(parseRetryAfter(undefined, 0)).toBeNull();
    expect(parseRetryAfter('soon', 0)).toBeNull();
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
  });

  it('honours Retry-After with a little jitter, capped', () => {
    expect(retryDelayMs(0, 2_000, DEFAULT_RETRY_POLICY, () => 0)).toBe(2_000);
    expect(retryDelayMs(0, 2_000, DEFAULT_RETRY_POLICY, () => 1)).toBe(2_200);
    expect(retryDelayMs(0, 600_000, DEFAULT_RETRY_POLICY, () => 0)).toBe(DEFAULT_RETRY_POLICY.maxDelayMs);
  });

  it('backs off exponentially with equal jitter when the server says nothing', () => {
    const p = { maxRetries: 5, baseDelayMs: 100, maxDelayMs: 1_000 };
    expect(retryDelayMs(0, null, p, () => 0)).toBe(50);
    expect(retryDelayMs(0, null, p, () => 1)).toBe(100);
    expect(retryDelayMs(3, null, p, () => 1)).toBe(800);
    expect(retryDelayMs(10, null, p, () => 1)).toBe(1_000);
  });
});

describe('delta helpers', () => {
  it('treats a link 7 days old as expired', () => {
    const now = new Date('2026-03-10T12:00:00Z');
    expect(isDeltaLinkExpired(new Date(now.getTime() - DELTA_LINK_MAX_AGE_MS + 1), now)).toBe(false);
    expect(isDeltaLinkExpired(new Date(now.getTime() - DELTA_LINK_MAX_AGE_MS), now)).toBe(true);
    expect(isDeltaLinkExpired('2026-03-09T12:00:00Z', now)).toBe(false);
    expect(isDeltaLinkExpired('garbage', now)).toBe(true);
  });

  it('recognises expired sync state by status or code', () => {
    expect(deltaErrorFor({ status: 410, code: null, message: null, requestId: null })?.code).toBe('ENTRA_DELTA_EXPIRED');
    expect(deltaErrorFor({ status: 400, code: 'resyncRequired', message: null, requestId: null })?.code).toBe('ENTRA_DELTA_EXPIRED');
    expect(deltaErrorFor({ status: 400, code: 'SyncStateNotFound', message: null, requestId: null })?.code).toBe('ENTRA_DELTA_EXPIRED');
    expect(deltaErrorFor({ status: 400, code: 'BadRequest', message: null, requestId: null })).toBeNull();
  });

  it('chunks ids for `in` filters', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 15)).toEqual([]);
  });
});

describe('user attributes', () => {
  it('selects the standard set plus valid extras, without Last Day when not readable', () => {
    const s = userSelect(['extension_0123456789abcdef0123456789abcdef_costCenter', 'onPremisesExtensionAttributes.extensionAttribute3', 'bad name;drop'], true).split(',');
    expect(s).toContain('employeeLeaveDateTime');
    expect(s).toContain('extension_0123456789abcdef0123456789abcdef_costCenter');
    expect(s).toContain('onPremisesExtensionAttributes');
    expect(s).not.toContain('bad name;drop');
    expect(userSelect([], false).split(',')).not.toContain('employeeLeaveDateTime');
    expect(selectNameFor('department')).toBe('department');
    expect(usersListPath([], true)).toMatch(/\$top=999/);
    expect(usersListPath([], true)).toContain('$expand=manager(%24select%3Did)');
  });

  it('maps a Graph user raw, with manager and extras', () => {
    const u = toSourceUser(
      {
        id: 'u1',
        accountEnabled: true,
        userPrincipalName: 'a@x',
        department: '\uFEFFSales ',
        otherMails: ['b@x', 5],
        manager: { '@odata.type': '#microsoft.graph.user', id: 'm1' },
        onPremisesExtensionAttributes: { extensionAttribute3: 'E3' },
      },
      ['onPremisesExtensionAttributes.extensionAttribute3', 'missing'],
    );
    expect(u?.department).toBe('\uFEFFSales ');
    expect(u?.otherMails).toEqual(['b@x']);
    expect(u?.managerId).toBe('m1');
    expect(u?.extra).toEqual({ 'onPremisesExtensionAttributes.extensionAttribute3': 'E3', missing: null });
    expect(u?.mail).toBeNull();
    expect(toSourceUser({ displayName: 'no id' }, [])).toBeNull();
    // A name typed in another case than Graph answers with still finds the value.
    expect(toSourceUser({ id: 'u2', city: 'Malmö', onPremisesExtensionAttributes: { extensionAttribute3: 'E3' } }, ['City', 'onpremisesextensionattributes.ExtensionAttribute3'])?.extra).toEqual({ City: 'Malmö', 'onpremisesextensionattributes.ExtensionAttribute3': 'E3' });
    expect(toSourceUser({ id: 'x' }, [])?.accountEnabled).toBe(false);
  });
});

describe('socket failures', () => {
  it('tells TLS problems from unreachable hosts', () => {
    expect(classifySystemError('UNABLE_TO_VERIFY_LEAF_SIGNATURE', '')).toBe('tls');
    expect(classifySystemError('SELF_SIGNED_CERT_IN_CHAIN', '')).toBe('tls');
    expect(classifySystemError('ERR_TLS_CERT_ALTNAME_INVALID', '')).toBe('tls');
    expect(classifySystemError('CERT_HAS_EXPIRED', '')).toBe('tls');
    expect(classifySystemError('ECONNREFUSED', '')).toBe('unreachable');
    expect(classifySystemError('ENOTFOUND', '')).toBe('unreachable');
    expect(classifySystemError('ETIMEDOUT', '')).toBe('timeout');
    expect(classifySystemError('ECONNRESET', '')).toBe('dropped');
    expect(classifySystemError(null, 'socket hang up')).toBe('dropped');
  });
});
