/** Which user attributes Rollcall asks Graph for, and how a Graph user becomes a SourceUser. */
import { SOURCE_ATTRIBUTE_PATTERN, SOURCE_ATTRIBUTES } from '../core/config';
import type { SourceUser } from '../core/model';

/** What every read selects: the attributes rules and mappings offer, plus what matching and deactivation need. */
export const STANDARD_USER_ATTRIBUTES = ['id', 'accountEnabled', ...SOURCE_ATTRIBUTES, 'otherMails', 'proxyAddresses', 'employeeLeaveDateTime', 'createdDateTime'] as const;

/** Needs User-LifecycleInfo.Read.All; asking without it fails the whole request. */
export const LIFECYCLE_ATTRIBUTE = 'employeeLeaveDateTime';

/** The Graph property to $select for an extra attribute ("a.b" selects "a"). Null = not a valid name. */
export function selectNameFor(attribute: string): string | null {
  if (!SOURCE_ATTRIBUTE_PATTERN.test(attribute)) return null;
  return attribute.split('.')[0] ?? null;
}

export function userSelect(extraAttributes: readonly string[], lifecycleReadable: boolean): string {
  const names = new Set<string>(STANDARD_USER_ATTRIBUTES);
  if (!lifecycleReadable) names.delete(LIFECYCLE_ATTRIBUTE);
  for (const a of extraAttributes) {
    const n = selectNameFor(a);
    if (n) names.add(n);
  }
  return [...names].join(',');
}

export const MANAGER_EXPAND = 'manager($select=id)';

/** /users with the right $select, $expand and $top (Graph caps $expand pages at 100 itself). */
export function usersListPath(extraAttributes: readonly string[], lifecycleReadable: boolean): string {
  const select = encodeURIComponent(userSelect(extraAttributes, lifecycleReadable));
  return `/users?$select=${select}&$expand=${encodeURIComponent(MANAGER_EXPAND)}&$top=999`;
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function strList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** A property of a Graph object by name in any case (Graph matches $select names so; a config may spell one otherwise). */
function property(o: unknown, name: string): unknown {
  if (typeof o !== 'object' || o === null) return undefined;
  const record = o as Record<string, unknown>;
  if (name in record) return record[name];
  const lower = name.toLowerCase();
  for (const key in record) if (key.toLowerCase() === lower) return record[key];
  return undefined;
}

function extraValue(raw: Record<string, unknown>, attribute: string): string | string[] | null {
  let v: unknown = raw;
  for (const part of attribute.split('.')) v = property(v, part);
  if (Array.isArray(v)) return strList(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

/** A Graph user object → SourceUser, values kept raw (hidden characters and all). Null if no id. */
export function toSourceUser(raw: unknown, extraAttributes: readonly string[]): SourceUser | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const u = raw as Record<string, unknown>;
  const id = str(u.id);
  if (!id) return null;
  const manager = u.manager;
  const extra: SourceUser['extra'] = {};
  for (const a of extraAttributes) extra[a] = extraValue(u, a);
  return {
    id,
    // Graph omits accountEnabled only when not selected; a missing value is not "enabled".
    accountEnabled: u.accountEnabled === true,
    displayName: str(u.displayName),
    givenName: str(u.givenName),
    surname: str(u.surname),
    mail: str(u.mail),
    userPrincipalName: str(u.userPrincipalName) ?? '',
    otherMails: strList(u.otherMails),
    proxyAddresses: strList(u.proxyAddresses),
    department: str(u.department),
    jobTitle: str(u.jobTitle),
    companyName: str(u.companyName),
    employeeType: str(u.employeeType),
    employeeId: str(u.employeeId),
    country: str(u.country),
    usageLocation: str(u.usageLocation),
    preferredLanguage: str(u.preferredLanguage),
    officeLocation: str(u.officeLocation),
    managerId: typeof manager === 'object' && manager !== null ? str((manager as Record<string, unknown>).id) : null,
    employeeLeaveDateTime: str(u.employeeLeaveDateTime),
    createdDateTime: str(u.createdDateTime),
    extra,
  };
}
