/**
 * Entra attributes → SCIM attribute paths (ScimPath / vendorPath), with normalisation notices.
 * Only attributes the LMS advertises are produced; references are by name (model.ts AttrValue).
 */
import type { Mapping } from './config';
import type { GroupIndex } from './groups';
import {
  ScimPath,
  vendorPath,
  type AttrValue,
  type LmsCapabilities,
  type NormalisationNotice,
  type PlanWarning,
  type SourceUser,
  type TargetDepartment,
  type TargetJobProfile,
  type TargetPermissionType,
  type VendorAttribute,
} from './model';
import { lmsName, siblingKey, spelledAsInLms } from './lms-names';
import { cleanText, isPlainText, normaliseEmail, normaliseText } from './normalise';
import { sourceAttribute } from './scope';

import { contentRegionOf, countryNotRecognised, departmentPath } from './mapping-values';

/**
 * How a department path is written into an LMS without a department resource: one text,
 * "Sales / EMEA", read back split at the same separator (lms/mapping.ts).
 */
export const DEPARTMENT_TEXT_SEPARATOR = ' / ';
export { contentRegionFor, contentRegionOf, countryCodeOf, countryValue, departmentPath, unitId } from './mapping-values';

// ---------------------------------------------------------------------------------------------
// The user
// ---------------------------------------------------------------------------------------------

export interface MappingContext {
  mapping: Mapping;
  capabilities: LmsCapabilities;
  groups: GroupIndex;
  /** Null when the LMS does not list job profiles (then names are written unchecked). */
  jobProfiles: readonly TargetJobProfile[] | null;
  /** Null when the LMS does not list departments (then paths are written as mapped). */
  departments: readonly TargetDepartment[] | null;
  /** Null when the LMS does not list permission types (then names are written as mapped). */
  permissionTypes: readonly TargetPermissionType[] | null;
}

export interface PermissionMapping {
  /** Every permission type named in the mapping: the only ones this integration adds or removes. */
  owned: readonly string[];
  /** The owned types this user's groups grant. */
  granted: string[];
}

export interface MappedUser {
  sourceId: string;
  email: string | null;
  userName: string;
  displayName: string | null;
  /** Users-phase attributes by SCIM path. A missing key is never written; null clears. */
  attributes: Record<string, AttrValue>;
  /** Null when permission types are not written (no group map, or the LMS lacks the attribute). */
  permissions: PermissionMapping | null;
  /** Fields in `attributes` written when the account is created, or to an account that has none; never over a value (the default job profile). */
  createOnly: readonly string[];
  notices: NormalisationNotice[];
  warnings: PlanWarning[];
}

/** Whether the LMS advertises a vendor-extension attribute, and its path when it does. */
export function vendorField(capabilities: LmsCapabilities, name: VendorAttribute): string | null {
  const ns = capabilities.vendorNamespace;
  return ns !== null && capabilities.vendorAttributes.includes(name) ? vendorPath(ns, name) : null;
}

/** Paths the change-toggles govern: set on create, changed on update only when the toggle is on. */
export function toggledFields(mapping: Mapping, capabilities: LmsCapabilities): Set<string> {
  const off = new Set<string>();
  if (!mapping.changeDepartments) off.add(ScimPath.department);
  const jp = vendorField(capabilities, 'jobProfile');
  if (!mapping.changeJobProfiles && jp) off.add(jp);
  const pt = vendorField(capabilities, 'permissionTypes');
  if (!mapping.changePermissions && pt) off.add(pt);
  // The LMS owns it after the create: comparing would "change" it at every sync, or fail.
  if (capabilities.userNameFixed === true) off.add(ScimPath.userName);
  return off;
}

function textValue(value: string | string[] | null): string | null {
  if (Array.isArray(value)) return value.length === 0 ? null : value.join(', ');
  return value;
}

/** Which mapping step chose the job profile; diagnose() shows it, resolveJobProfile() uses it. */
export interface JobProfileChoice {
  /** The name chosen, before it is checked against the LMS's list; null = nothing maps and no default. */
  chosen: string | null;
  via: 'valueMap' | 'groupMap' | 'lmsName' | 'default' | 'none';
  /** The mapped source attribute's cleaned value, when an attribute is configured. */
  attributeValue: string | null;
  /** The group whose membership chose it (via groupMap). */
  groupId: string | null;
}

const NONE: readonly string[] = [];

/**
 * What mapUser() works out once per mapping context rather than once per user: plan() maps
 * every user of the tenant with one context, and departments, job titles and countries repeat.
 */
interface Prepared {
  jobProfileField: string | null;
  /** [jobProfileField], shared by everyone given the default job profile. */
  jobProfileOnly: readonly string[];
  regionField: string | null;
  customFields: { field: string; attribute: string }[];
  /** Sorted owned permission types; null when permission types are not written. */
  ownedPermissions: string[] | null;
  /** The permission group map with each type as the LMS spells it (null: the LMS has no such type). */
  permissionGroups: { groupId: string; permissionType: string; inLms: string | null }[];
  /** Cleaned, lower-cased permission valueMap value → the types it grants, spelled as in permissionGroups; empty without an attribute. */
  permissionValues: Map<string, { permissionType: string; inLms: string | null }[]>;
  /** Cleaned, lower-cased valueMap value → job profile; the first entry wins (as a find() would). */
  valueMap: Map<string, string>;
  /** A job profile name → the LMS's spelling of it (lmsName(), memoised: there are few names and many users); null when the LMS lists none. */
  lmsProfiles: ((name: string) => string | null) | null;
  /** Raw department value → its path and notices (copied per user: op data is not shared). */
  departments: Map<string, { path: string[] | null; notices: NormalisationNotice[] }>;
  /** LMS departments by parent id and lower-cased name; null when the LMS lists none. */
  lmsDepartments: Map<string, TargetDepartment[]> | null;
  /** Raw country value → content region. */
  regions: Map<string | null, { region: string; recognised: boolean }>;
  /** The LMS's departments have one level: only the last is written. */
  flatDepartments: boolean;
  /** The LMS has no department resource: the path is written as one text (DEPARTMENT_TEXT_SEPARATOR). */
  textDepartments: boolean;
}

const preparedContexts = new WeakMap<MappingContext, Prepared>();

function prepare(ctx: MappingContext): Prepared {
  let p = preparedContexts.get(ctx);
  if (p) return p;
  const { mapping, capabilities } = ctx;
  const valueMap = new Map<string, string>();
  for (const m of mapping.jobProfile.valueMap) {
    const key = cleanText(m.value)?.toLowerCase();
    if (key !== undefined && !valueMap.has(key)) valueMap.set(key, m.jobProfile);
  }
  let lmsProfiles: Prepared['lmsProfiles'] = null;
  const profiles = ctx.jobProfiles;
  if (profiles) {
    const spelled = new Map<string, string | null>();
    lmsProfiles = (name) => {
      let hit = spelled.get(name);
      if (hit === undefined) spelled.set(name, (hit = lmsName(profiles, name)));
      return hit;
    };
  }
  let lmsDepartments: Map<string, TargetDepartment[]> | null = null;
  if (ctx.departments) {
    lmsDepartments = new Map();
    for (const d of ctx.departments) {
      const key = siblingKey(d.parentId, d.name);
      const list = lmsDepartments.get(key);
      if (list) list.push(d);
      else lmsDepartments.set(key, [d]);
    }
  }
  const customFields: Prepared['customFields'] = [];
  for (const name of ['customField1', 'customField2', 'customField3'] as const) {
    const attribute = mapping.customFields[name];
    const field = vendorField(capabilities, name);
    if (attribute !== null && field) customFields.push({ field, attribute });
  }
  const jobProfileField = vendorField(capabilities, 'jobProfile');
  const { permissions } = mapping;
  const byValue = permissions.attribute === null ? [] : permissions.valueMap;
  const writesPermissions = vendorField(capabilities, 'permissionTypes') !== null && (permissions.groupMap.length > 0 || byValue.length > 0);
  const inLms = (permissionType: string) => (ctx.permissionTypes ? lmsName(ctx.permissionTypes, permissionType) : permissionType);
  const permissionGroups = permissions.groupMap.map((m) => ({ ...m, inLms: inLms(m.permissionType) }));
  const permissionValues: Prepared['permissionValues'] = new Map();
  for (const m of byValue) {
    const key = cleanText(m.value)?.toLowerCase();
    if (key === undefined) continue;
    const list = permissionValues.get(key) ?? [];
    list.push({ permissionType: m.permissionType, inLms: inLms(m.permissionType) });
    permissionValues.set(key, list);
  }
  const ownedInLms = [...permissionGroups, ...[...permissionValues.values()].flat()].flatMap((m) => (m.inLms === null ? [] : [m.inLms]));
  p = {
    jobProfileField,
    jobProfileOnly: jobProfileField ? [jobProfileField] : NONE,
    regionField: mapping.contentRegion.enabled ? vendorField(capabilities, 'contentRegion') : null,
    customFields,
    ownedPermissions: writesPermissions ? [...new Set(ownedInLms)].sort() : null,
    permissionGroups,
    permissionValues,
    valueMap,
    lmsProfiles,
    departments: new Map(),
    lmsDepartments,
    regions: new Map(),
    flatDepartments: capabilities.flatDepartments === true,
    textDepartments: !capabilities.departments,
  };
  preparedContexts.set(ctx, p);
  return p;
}

export function chooseJobProfile(user: SourceUser, ctx: MappingContext): JobProfileChoice {
  const { jobProfile } = ctx.mapping;
  const p = prepare(ctx);
  const attributeValue = jobProfile.attribute ? cleanText(textValue(sourceAttribute(user, jobProfile.attribute))) : null;
  const wanted = attributeValue?.toLowerCase() ?? null;
  if (wanted !== null) {
    const hit = p.valueMap.get(wanted);
    if (hit !== undefined) return { chosen: hit, via: 'valueMap', attributeValue, groupId: null };
  }
  const byGroup = jobProfile.groupMap.find((m) => ctx.groups.members(m.groupId).has(user.id));
  if (byGroup) return { chosen: byGroup.jobProfile, via: 'groupMap', attributeValue, groupId: byGroup.groupId };
  if (attributeValue && p.lmsProfiles) {
    // Reference article 004: an LMS job profile with exactly the role's name is applied.
    const same = p.lmsProfiles(attributeValue);
    if (same !== null) return { chosen: same, via: 'lmsName', attributeValue, groupId: null };
  }
  if (jobProfile.defaultJobProfile !== null) return { chosen: jobProfile.defaultJobProfile, via: 'default', attributeValue, groupId: null };
  return { chosen: null, via: 'none', attributeValue, groupId: null };
}

function resolveJobProfile(user: SourceUser, ctx: MappingContext, warnings: PlanWarning[]): { name: string | null; isDefault: boolean } {
  const { chosen, via } = chooseJobProfile(user, ctx);
  const isDefault = via === 'default';
  const known = prepare(ctx).lmsProfiles;
  if (chosen === null || known === null) return { name: chosen, isDefault };
  const name = known(chosen);
  if (name !== null) return { name, isDefault };
  warnings.push({
    code: 'job_profile_not_in_lms',
    message: `The job profile "${chosen}" does not exist in the LMS, so the job profile is left as it is.`,
  });
  return { name: null, isDefault };
}

/** departmentPath() once per distinct raw value; each user gets its own copies. */
function departmentOf(raw: string, p: Prepared, mapping: Mapping): { path: string[] | null; notices: NormalisationNotice[] } {
  let dep = p.departments.get(raw);
  if (!dep) {
    dep = departmentPath(raw, mapping.department.pathDelimiter, mapping.department.uniqueUnits);
    const under = mapping.department.under;
    // One level in the LMS: the client writes only the last, so the plan must too ("Below" has no place).
    if (dep.path && p.flatDepartments) dep = { ...dep, path: dep.path.slice(-1) };
    else if (dep.path && under.length > 0) dep = { ...dep, path: [...under, ...dep.path] };
    if (dep.path && p.lmsDepartments) dep = { ...dep, path: spelledAsInLms(dep.path, p.lmsDepartments) };
    // As one text, "R / D" reads back as two levels: planned as it reads back, or every sync
    // would write it again (the text written is the same either way).
    if (dep.path && p.textDepartments) dep = { ...dep, path: dep.path.join(DEPARTMENT_TEXT_SEPARATOR).split(DEPARTMENT_TEXT_SEPARATOR) };
    p.departments.set(raw, dep);
  }
  return { path: dep.path && [...dep.path], notices: dep.notices.map((n) => ({ ...n, found: [...n.found] })) };
}

/** The normalised e-mail a user is written with: mail, else the sign-in name. */
export function mappedEmail(user: SourceUser): string | null {
  return normaliseEmail(user.mail) ?? normaliseEmail(user.userPrincipalName);
}

/** The LMS userName: the normalised sign-in name (the object id when there is none). */
export function mappedUserName(user: SourceUser): string {
  return normaliseEmail(user.userPrincipalName) ?? user.id;
}

/** A text attribute as written; a repair is reported in `notices`. */
function text(attribute: string, raw: string | string[] | null, notices: NormalisationNotice[]): string | null {
  const value = textValue(raw);
  if (value === null || isPlainText(value)) return value === '' ? null : value; // no repair, nothing to report
  const n = normaliseText(value, attribute);
  if (n.notice) notices.push(n.notice);
  return n.value;
}

/**
 * The user as the LMS should have them. `known`: their mappedEmail() and mappedUserName(), when
 * the caller has worked them out already (plan() has, for everyone).
 */
export function mapUser(user: SourceUser, ctx: MappingContext, known?: { email: string | null; userName: string }): MappedUser {
  const { mapping, capabilities } = ctx;
  const p = prepare(ctx);
  const notices: NormalisationNotice[] = [];
  const warnings: PlanWarning[] = [];

  const email = known ? known.email : mappedEmail(user);
  const userName = known ? known.userName : mappedUserName(user);
  const displayName = text('displayName', user.displayName, notices);
  const attributes: Record<string, AttrValue> = {};
  // Names empty in Entra are left alone rather than cleared: LMSs require them, and an admin
  // may have typed them in the LMS for an account Entra has no names for.
  const givenName = text('givenName', user.givenName, notices);
  const familyName = text('surname', user.surname, notices);
  if (givenName !== null) attributes[ScimPath.givenName] = givenName;
  if (familyName !== null) attributes[ScimPath.familyName] = familyName;
  if (displayName !== null) attributes[ScimPath.displayName] = displayName;
  attributes[ScimPath.email] = email;
  attributes[ScimPath.title] = text('jobTitle', user.jobTitle, notices);
  const language = text(mapping.languageAttribute, sourceAttribute(user, mapping.languageAttribute), notices);
  attributes[ScimPath.preferredLanguage] = language;
  attributes[ScimPath.locale] = language;

  if (capabilities.enterpriseExtension) {
    attributes[ScimPath.employeeNumber] = text('employeeId', user.employeeId, notices);
  }
  if (capabilities.enterpriseExtension || capabilities.departments) {
    const raw = textValue(sourceAttribute(user, mapping.department.attribute));
    const dep = raw === null ? { path: null, notices: [] } : departmentOf(raw, p, mapping);
    for (const n of dep.notices) notices.push(n);
    attributes[ScimPath.department] = dep.path;
  }

  let createOnly: readonly string[] = NONE;
  if (p.jobProfileField) {
    const profile = resolveJobProfile(user, ctx, warnings);
    // Null means "leave the LMS's own default": the attribute is not written at all.
    if (profile.name !== null) attributes[p.jobProfileField] = profile.name;
    if (profile.name !== null && profile.isDefault && mapping.jobProfile.defaultForNewOnly) createOnly = p.jobProfileOnly;
  }

  if (p.regionField) {
    const country = textValue(sourceAttribute(user, mapping.contentRegion.attribute));
    let region = p.regions.get(country);
    if (region === undefined) p.regions.set(country, (region = contentRegionOf(country)));
    attributes[p.regionField] = region.region;
    if (!region.recognised) warnings.push(countryNotRecognised(mapping.contentRegion.attribute, country));
  }

  for (const { field, attribute } of p.customFields) attributes[field] = text(attribute, sourceAttribute(user, attribute), notices);

  let permissions: PermissionMapping | null = null;
  if (p.ownedPermissions) {
    const granted = new Set<string>();
    const missing = new Set<string>();
    for (const m of p.permissionGroups) {
      if (ctx.groups.members(m.groupId).has(user.id)) (m.inLms !== null ? granted : missing).add(m.inLms ?? m.permissionType);
    }
    for (const m of permissionsByValue(user, p, mapping)) (m.inLms !== null ? granted : missing).add(m.inLms ?? m.permissionType);
    for (const name of missing) {
      warnings.push({ code: 'permission_type_not_in_lms', message: `The permission type "${name}" does not exist in the LMS, so it is not given; create it in the LMS or correct the permission mapping.` });
    }
    permissions = { owned: p.ownedPermissions, granted: [...granted].sort() };
  }

  return { sourceId: user.id, email, userName, displayName, attributes, permissions, createOnly, notices, warnings };
}

/** The user's values of the permission attribute, cleaned, each with the value map's entries it names (a multi-valued attribute: each value). */
function permissionHits(user: SourceUser, p: Prepared, attribute: string | null): { value: string; types: { permissionType: string; inLms: string | null }[] }[] {
  if (attribute === null || p.permissionValues.size === 0) return [];
  const raw = sourceAttribute(user, attribute);
  const out: { value: string; types: { permissionType: string; inLms: string | null }[] }[] = [];
  for (const v of raw === null ? [] : Array.isArray(raw) ? raw : [raw]) {
    const value = cleanText(v);
    const types = value === null ? undefined : p.permissionValues.get(value.toLowerCase());
    if (value !== null && types) out.push({ value, types });
  }
  return out;
}

function permissionsByValue(user: SourceUser, p: Prepared, mapping: Mapping): { permissionType: string; inLms: string | null }[] {
  return permissionHits(user, p, mapping.permissions.attribute).flatMap((h) => h.types);
}

/** For Diagnose: the attribute value that grants each type, by the type as mapped (lower case). */
export function permissionValuesOf(user: SourceUser, ctx: MappingContext): Map<string, string> {
  const out = new Map<string, string>();
  for (const { value, types } of permissionHits(user, prepare(ctx), ctx.mapping.permissions.attribute)) {
    for (const t of types) if (!out.has(t.permissionType.trim().toLowerCase())) out.set(t.permissionType.trim().toLowerCase(), value);
  }
  return out;
}

/**
 * The permission types the user should have: the current ones this integration does not own
 * stay untouched (reference article 004); owned ones are exactly those the groups grant.
 */
export function mergePermissionTypes(current: AttrValue | undefined, permissions: PermissionMapping): string[] {
  const owned = new Set(permissions.owned.map((p) => p.toLowerCase()));
  const list = current === null || current === undefined ? [] : Array.isArray(current) ? current : [current];
  const kept = list.filter((p) => !owned.has(p.toLowerCase()));
  return [...new Set([...kept, ...permissions.granted])].sort();
}
