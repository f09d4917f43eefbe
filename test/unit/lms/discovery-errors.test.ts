/** Discovery parsing, the plain-words description, error translation, redaction, Retry-After, limiter. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildLayout, describeCapabilities, parseServiceProviderConfig } from '../../../src-main/lms/discovery';
import { httpStatusError, integrationStatusFor, networkError, parseScimError, redact, redactError } from '../../../src-main/lms/errors';
import { parseRetryAfter } from '../../../src-main/lms/http';
import { mapBounded, RequestLimiter } from '../../../src-main/lms/limiter';
import { authorizationHeader } from '../../../src-main/lms/scim-target';

describe('discovery parsing', () => {
  // Reference 002: "userName – automatically set by" the LMS.
  it('notes a userName the LMS sets itself or never lets change (readOnly, immutable), and says so', () => {
    const layoutWith = (mutability: string | undefined) =>
      buildLayout(parseServiceProviderConfig({}), [{ name: 'User', endpoint: 'Users', schema: 'urn:ietf:params:scim:schemas:core:2.0:User' }], [{ id: 'urn:ietf:params:scim:schemas:core:2.0:User', attributes: [{ name: 'userName', type: 'string', ...(mutability ? { mutability } : {}) }] }], undefined);
    expect(layoutWith('readOnly').capabilities.userNameFixed).toBe(true);
    expect(layoutWith('immutable').capabilities.userNameFixed).toBe(true);
    expect(layoutWith('readWrite').capabilities.userNameFixed).toBe(false);
    expect(layoutWith(undefined).capabilities.userNameFixed).toBe(false);
    expect(describeCapabilities(layoutWith('readOnly').capabilities)).toContain('User name: set by the LMS — Rollcall sends it when it creates an account and never changes it');
  });

  it('reads ServiceProviderConfig leniently (string booleans, missing sections)', () => {
    expect(parseServiceProviderConfig({ patch: { supported: 'true' }, filter: { supported: true, maxResults: '200' } })).toEqual({
      filter: true,
      patch: true,
      bulk: false,
      sort: false,
      etag: false,
      maxResults: 200,
    });
    expect(parseServiceProviderConfig('<html>')).toMatchObject({ filter: false, patch: false, maxResults: null });
  });

  it('finds the vendor extension, org resource types and a department parent attribute; accepts bare arrays', () => {
    const l = buildLayout(
      parseServiceProviderConfig({}),
      [
        { name: 'User', endpoint: 'Users', schema: 'urn:ietf:params:scim:schemas:core:2.0:User', schemaExtensions: [{ schema: 'urn:acme:User' }] },
        { name: 'Units', endpoint: '/Units', schema: 'urn:acme:Unit' },
      ],
      [{ id: 'urn:acme:User', attributes: [{ name: 'contentRegion', type: 'string' }] }, { id: 'urn:acme:Unit', attributes: [{ name: 'name' }, { name: 'parentId', type: 'string' }] }],
      undefined,
    );
    expect(l.capabilities).toMatchObject({ vendorNamespace: 'urn:acme:User', vendorAttributes: ['contentRegion'], departments: true, jobProfiles: false, enterpriseExtension: false });
    expect(l.usersEndpoint).toBe('/Users');
    expect(l.departments).toMatchObject({ endpoint: '/Units', nameAttr: 'name', parentAttr: 'parentId', parentComplex: false });
    expect(describeCapabilities(l.capabilities, l)).toContain('Departments: yes, hierarchical; missing ones will be created');
    expect(l.capabilities.flatDepartments).toBe(false);
  });

  it('sees a department resource without a parent attribute as one level, and says what that means', () => {
    const l = buildLayout(
      parseServiceProviderConfig({}),
      [{ name: 'User', endpoint: 'Users', schema: 'urn:ietf:params:scim:schemas:core:2.0:User' }, { name: 'Departments', endpoint: '/Departments', schema: 'urn:acme:Department' }],
      [{ id: 'urn:acme:Department', attributes: [{ name: 'displayName', type: 'string' }] }],
      undefined,
    );
    expect(l.capabilities).toMatchObject({ departments: true, flatDepartments: true });
    const words = describeCapabilities(l.capabilities, l).join('\n');
    expect(words).toContain('Departments: yes, one level (only the last level of a path is written; "Below the LMS department" is not used)');
    expect(describeCapabilities(l.capabilities).join('\n')).toBe(words);
  });
});

describe('error translation', () => {
  it('401/403 mean "update the LMS token" and an invalid integration', () => {
    for (const status of [401, 403]) {
      const e = httpStatusError(parseScimError(status, { detail: 'nope' }), 'reading users', 'https://lms/scim/v2');
      expect(e.code).toBe('LMS_TOKEN_REFUSED');
      expect(e.fix).toMatch(/update the LMS token/i);
      expect(integrationStatusFor(e)).toBe('invalid');
    }
    expect(integrationStatusFor(httpStatusError(parseScimError(500, null), 'x', 'y'))).toBe('error');
  });

  it('keeps the LMS own scimType and detail for per-user errors', () => {
    const e = httpStatusError(parseScimError(409, { scimType: 'uniqueness', detail: 'userName taken' }), 'creating a@b', 'u');
    expect(e).toMatchObject({ code: 'LMS_USER_CONFLICT', details: { httpStatus: 409, scimType: 'uniqueness', lmsDetail: 'userName taken' } });
  });

  it('names TLS and connection failures', () => {
    expect(networkError({ code: 'SELF_SIGNED_CERT_IN_CHAIN' }, 'lms').code).toBe('LMS_TLS');
    expect(networkError({ code: 'ECONNREFUSED' }, 'lms').code).toBe('LMS_UNREACHABLE');
    expect(networkError({ code: 'LMS_TIMEOUT' }, 'lms').code).toBe('LMS_TIMEOUT');
  });

  it('redaction removes every occurrence of every secret (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9._~-]{4,40}$/), fc.string(), fc.string(), (secret, a, b) => {
        fc.pre(!'[redacted]'.includes(secret));
        return !redact(`${a}${secret}${b}${secret}`, [secret]).includes(secret);
      }),
    );
    const e = redactError({ code: 'X', message: 'got Bearer abcd1234', fix: 'abcd1234', details: { lmsDetail: 'abcd1234!' } }, ['abcd1234']);
    expect(JSON.stringify(e)).not.toContain('abcd1234');
  });

  it('builds each Authorization scheme', () => {
    expect(authorizationHeader({ scheme: 'bearer' }, 't0k')).toBe('Bearer t0k');
    expect(authorizationHeader({ scheme: 'custom', prefix: 'Static' }, 't0k')).toBe('Static t0k');
    expect(authorizationHeader({ scheme: 'basic', username: 'u' }, 't0k')).toBe(`Basic ${Buffer.from('u:t0k').toString('base64')}`);
  });
});

describe('Retry-After and the limiter', () => {
  it('parses seconds and HTTP dates', () => {
    expect(parseRetryAfter('2', 0)).toBe(2000);
    expect(parseRetryAfter('0.5', 0)).toBe(500);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter('soon', 0)).toBeNull();
    expect(parseRetryAfter(undefined, 0)).toBeNull();
  });

  it('never runs more than `concurrency` at once', async () => {
    const limiter = new RequestLimiter(3, null);
    let active = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        limiter.run(async () => {
          active++;
          peak = Math.max(peak, active);
          await new Promise((r) => setTimeout(r, 2));
          active--;
        }),
      ),
    );
    expect(peak).toBe(3);
  });

  it('mapBounded keeps order', async () => {
    expect(await mapBounded([3, 1, 2], 2, async (x) => x * 10)).toEqual([30, 10, 20]);
  });
});
