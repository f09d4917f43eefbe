/**
 * Small pure builders for snapshots, links and settings: unit tests, property tests, the
 * benchmark and the demo all describe tenants with them instead of repeating full objects.
 */
import type { z } from 'zod';
import { DeactivationSchema, MappingSchema, ScopeSchema } from '../config';
import {
  DEFAULT_VENDOR_NAMESPACE,
  type LmsCapabilities,
  type Link,
  type SourceGroup,
  type SourceSnapshot,
  type SourceUser,
  type TargetSnapshot,
  type TargetUser,
} from '../model';
import type { PlanConfig } from '../plan';

export function sourceUser(id: string, over: Partial<SourceUser> = {}): SourceUser {
  const upn = over.userPrincipalName ?? `${id}@contoso.com`;
  return {
    id,
    accountEnabled: true,
    displayName: id,
    givenName: null,
    surname: null,
    mail: upn,
    userPrincipalName: upn,
    otherMails: [],
    proxyAddresses: [],
    department: null,
    jobTitle: null,
    companyName: null,
    employeeType: null,
    employeeId: null,
    country: null,
    usageLocation: null,
    preferredLanguage: null,
    officeLocation: null,
    managerId: null,
    employeeLeaveDateTime: null,
    createdDateTime: null,
    extra: {},
    ...over,
  };
}

export function group(id: string, displayName: string, memberUserIds: string[] = [], memberGroupIds: string[] = []): SourceGroup {
  return { id, displayName, memberUserIds, memberGroupIds };
}

export function sourceSnapshot(users: SourceUser[], groups: SourceGroup[] = [], over: Partial<SourceSnapshot> = {}): SourceSnapshot {
  return { readAt: '2026-01-01T00:00:00Z', complete: true, incompleteReason: null, readMode: 'full', users, groups, ...over };
}

/** Everything on: enterprise extension, departments, job profiles and the full vendor extension. */
export function capabilities(over: Partial<LmsCapabilities> = {}): LmsCapabilities {
  return {
    filter: true,
    patch: true,
    bulk: false,
    sort: false,
    etag: false,
    maxResults: 1000,
    enterpriseExtension: true,
    vendorNamespace: DEFAULT_VENDOR_NAMESPACE,
    vendorAttributes: ['contentRegion', 'customField1', 'customField2', 'customField3', 'approvers', 'jobProfile', 'permissionTypes'],
    departments: true,
    jobProfiles: true,
    permissionTypes: true,
    groups: false,
    ...over,
  };
}

export function targetUser(id: string, over: Partial<TargetUser> = {}): TargetUser {
  const userName = over.userName ?? `${id}@contoso.com`;
  return {
    id,
    externalId: null,
    userName,
    active: true,
    emails: [userName],
    attributes: {},
    created: null,
    lastModified: null,
    ...over,
  };
}

export function targetSnapshot(users: TargetUser[], over: Partial<TargetSnapshot> = {}): TargetSnapshot {
  return {
    readAt: '2026-01-01T00:00:00Z',
    readMode: 'full',
    changesFrom: null,
    complete: true,
    incompleteReason: null,
    users,
    departments: [],
    jobProfiles: null,
    permissionTypes: null,
    capabilities: capabilities(),
    ...over,
  };
}

export function link(sourceId: string, targetId: string, integrationId = 'int-1', over: Partial<Link> = {}): Link {
  return { integrationId, sourceId, targetId, origin: 'created', linkedAt: '2026-01-01T00:00:00Z', emailAtLink: null, ...over };
}

/** Settings with the schema defaults, overridden where given. */
export function planConfig(
  over: {
    id?: string;
    scope?: z.input<typeof ScopeSchema>;
    deactivation?: z.input<typeof DeactivationSchema>;
    mapping?: z.input<typeof MappingSchema>;
  } = {},
): PlanConfig {
  return {
    id: over.id ?? 'int-1',
    scope: ScopeSchema.parse(over.scope ?? {}),
    deactivation: DeactivationSchema.parse(over.deactivation ?? {}),
    mapping: MappingSchema.parse(over.mapping ?? {}),
  };
}
