/** Shared set-up for the LMS integration tests: settings, a fast-retry client, the namespaces. */
import { LmsSettingsSchema, type LmsSettings } from '../../../src-main/core/config';
import { DEFAULT_VENDOR_NAMESPACE, ENTERPRISE_USER, ScimPath, vendorPath } from '../../../src-main/core/model';
import { createScimTarget, type ScimTarget } from '../../../src-main/lms';

export const TOKEN = 'rc-test-token-7Hq2xZ9pLm';
export const NS = DEFAULT_VENDOR_NAMESPACE;
export const ENT = ENTERPRISE_USER;
export const P = {
  ...ScimPath,
  contentRegion: vendorPath(NS, 'contentRegion'),
  customField1: vendorPath(NS, 'customField1'),
  jobProfile: vendorPath(NS, 'jobProfile'),
  permissionTypes: vendorPath(NS, 'permissionTypes'),
  approvers: vendorPath(NS, 'approvers'),
};

export function lmsSettings(baseUrl: string, over: Partial<LmsSettings> = {}): LmsSettings {
  return LmsSettingsSchema.parse({ kind: 'scim', baseUrl, ...over });
}

/** A client whose backoff is milliseconds, not seconds, so fault tests stay fast. */
export function client(baseUrl: string, over: Partial<LmsSettings> = {}, token = TOKEN): ScimTarget {
  return createScimTarget(lmsSettings(baseUrl, over), token, { baseBackoffMs: 2, maxBackoffMs: 20, maxRetries: 12, timeoutMs: 10_000 });
}

export function unwrap<T>(r: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}
