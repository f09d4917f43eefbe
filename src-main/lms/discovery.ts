/**
 * Pure interpretation of /ServiceProviderConfig, /ResourceTypes and /Schemas into what the
 * client needs: the public LmsCapabilities plus the "layout" (endpoints, the vendor extension's
 * attribute shapes, which attribute of a Department names its parent). No I/O here.
 */
import { ENTERPRISE_USER, type LmsCapabilities } from '../core/model';
import { arr, bool, num, obj, str, type JsonObject } from './json';

export const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** How an attribute is represented: a plain value, or a complex {value, display} reference. */
export interface AttrShape {
  complex: boolean;
  multiValued: boolean;
  /** The schema's type in lower case ("string", "reference", "complex", …); "string" when it states none. */
  type: string;
}

export interface OrgResourceLayout {
  endpoint: string;
  /** Attribute holding the display name ("name" or "displayName"). */
  nameAttr: string;
  /** Departments: the attribute pointing at the parent (absent for flat departments). */
  parentAttr: string | null;
  /** Whether the parent is written as {value: id} (complex) or as the bare id. */
  parentComplex: boolean;
  /** Job profiles: the boolean marking the default one. */
  defaultAttr: string | null;
  /** The schema URN, sent in "schemas" on create. */
  schema: string;
}

export interface LmsLayout {
  capabilities: LmsCapabilities;
  usersEndpoint: string;
  groupsEndpoint: string | null;
  departments: OrgResourceLayout | null;
  jobProfiles: OrgResourceLayout | null;
  permissionTypes: OrgResourceLayout | null;
  /** Vendor extension attribute shapes by name (empty when none). */
  vendorShapes: Record<string, AttrShape>;
}

/** /ServiceProviderConfig → the protocol half of the capabilities. */
export function parseServiceProviderConfig(body: unknown): Pick<LmsCapabilities, 'filter' | 'patch' | 'bulk' | 'sort' | 'etag' | 'maxResults'> {
  const o = obj(body) ?? {};
  const feature = (name: string): JsonObject => obj(o[name]) ?? {};
  const maxResults = num(feature('filter').maxResults);
  return {
    filter: bool(feature('filter').supported) ?? false,
    patch: bool(feature('patch').supported) ?? false,
    bulk: bool(feature('bulk').supported) ?? false,
    sort: bool(feature('sort').supported) ?? false,
    etag: bool(feature('etag').supported) ?? false,
    maxResults: maxResults !== null && maxResults > 0 ? Math.floor(maxResults) : null,
  };
}

/** ListResponse or a bare array (some servers) → the resources. */
export function listResources(body: unknown): JsonObject[] {
  const o = obj(body);
  const list = o ? arr(o.Resources ?? o.resources) : arr(body);
  return (list ?? []).map(obj).filter((r): r is JsonObject => r !== null);
}

interface ResourceTypeInfo {
  name: string;
  endpoint: string;
  schema: string;
  extensions: string[];
}

function resourceTypes(body: unknown): ResourceTypeInfo[] {
  return listResources(body).map((r) => ({
    name: str(r.name) ?? str(r.id) ?? '',
    endpoint: '/' + (str(r.endpoint) ?? '').replace(/^\/+/, ''),
    schema: str(r.schema) ?? '',
    extensions: (arr(r.schemaExtensions) ?? []).map((e) => str(obj(e)?.schema) ?? '').filter(Boolean),
  }));
}

function schemaAttributes(schemas: JsonObject[], id: string): JsonObject[] {
  const s = schemas.find((x) => str(x.id)?.toLowerCase() === id.toLowerCase());
  return (arr(s?.attributes) ?? []).map(obj).filter((a): a is JsonObject => a !== null);
}

function attrShapes(attrs: JsonObject[]): Record<string, AttrShape> {
  const out: Record<string, AttrShape> = {};
  for (const a of attrs) {
    const name = str(a.name);
    // Attribute types are compared in any case; RFC 7643 §2.2 makes an untyped attribute a string.
    const type = str(a.type)?.toLowerCase() ?? 'string';
    if (name) out[name] = { complex: type === 'complex', multiValued: bool(a.multiValued) ?? false, type };
  }
  return out;
}

const ORG_KINDS = {
  departments: /^(departments?|units?|organi[sz]ational ?units?)$/i,
  jobProfiles: /^job ?profiles?$/i,
  permissionTypes: /^permission ?types?$/i,
} as const;

function orgLayout(rt: ResourceTypeInfo | undefined, schemas: JsonObject[]): OrgResourceLayout | null {
  if (!rt) return null;
  const attrs = schemaAttributes(schemas, rt.schema);
  const names = attrs.map((a) => str(a.name) ?? '');
  const pick = (candidates: string[]): string | null => candidates.find((c) => names.includes(c)) ?? null;
  const parentAttr = pick(['parent', 'parentId', 'parentDepartment']);
  return {
    endpoint: rt.endpoint,
    nameAttr: pick(['name', 'displayName']) ?? 'displayName',
    parentAttr,
    parentComplex: str(attrs.find((a) => str(a.name) === parentAttr)?.type)?.toLowerCase() === 'complex',
    defaultAttr: pick(['isDefault', 'default']),
    schema: rt.schema,
  };
}

/**
 * Builds the layout. `configuredVendor` (settings.vendorNamespace) wins over discovery; without
 * it, the first User extension that is not the enterprise one is the vendor's.
 */
export function buildLayout(
  spc: ReturnType<typeof parseServiceProviderConfig>,
  resourceTypesBody: unknown,
  schemasBody: unknown,
  configuredVendor: string | undefined,
): LmsLayout {
  const types = resourceTypes(resourceTypesBody);
  const schemas = listResources(schemasBody);
  const user = types.find((t) => t.schema === CORE_USER) ?? types.find((t) => /^users?$/i.test(t.name));
  const group = types.find((t) => t.schema === CORE_GROUP) ?? types.find((t) => /^groups?$/i.test(t.name));
  const userExtensions = user?.extensions ?? [];
  const schemaIds = schemas.map((s) => str(s.id) ?? '');

  const discoveredVendor =
    userExtensions.find((e) => e !== ENTERPRISE_USER) ??
    schemaIds.find((id) => id.endsWith(':User') && id !== CORE_USER && id !== ENTERPRISE_USER && !id.startsWith('urn:ietf:'));
  const vendorNamespace = configuredVendor ?? discoveredVendor ?? null;
  const vendorShapes = vendorNamespace ? attrShapes(schemaAttributes(schemas, vendorNamespace)) : {};

  const find = (re: RegExp): ResourceTypeInfo | undefined => types.find((t) => re.test(t.name) || re.test(t.endpoint.replace(/^\//, '')));
  const departments = orgLayout(find(ORG_KINDS.departments), schemas);
  const jobProfiles = orgLayout(find(ORG_KINDS.jobProfiles), schemas);
  const permissionTypes = orgLayout(find(ORG_KINDS.permissionTypes), schemas);
  const userNameMutability = str(schemaAttributes(schemas, CORE_USER).find((a) => str(a.name)?.toLowerCase() === 'username')?.mutability)?.toLowerCase();

  return {
    capabilities: {
      ...spc,
      enterpriseExtension: userExtensions.includes(ENTERPRISE_USER) || schemaIds.includes(ENTERPRISE_USER),
      vendorNamespace,
      vendorAttributes: Object.keys(vendorShapes),
      // Plain strings, typed or not, are addresses (Learnerbly's "array of the user's approvers
      // emails"); a reference, plain or complex, names LMS user ids.
      approversByEmail: vendorShapes.approvers?.type === 'string',
      departments: departments !== null,
      flatDepartments: departments !== null && departments.parentAttr === null,
      userNameFixed: userNameMutability === 'readonly' || userNameMutability === 'immutable',
      jobProfiles: jobProfiles !== null,
      permissionTypes: permissionTypes !== null,
      groups: group !== undefined,
    },
    usersEndpoint: user?.endpoint ?? '/Users',
    groupsEndpoint: group?.endpoint ?? null,
    departments,
    jobProfiles,
    permissionTypes,
    vendorShapes,
  };
}

/** What the wizard's "Test LMS connection" shows, one plain sentence per capability. */
export function describeCapabilities(c: LmsCapabilities, layout?: Pick<LmsLayout, 'departments'>): string[] {
  const hierarchical = layout ? layout.departments?.parentAttr != null : c.flatDepartments !== true;
  const yes = (b: boolean): string => (b ? 'yes' : 'no');
  const lines = [
    c.filter
      ? 'Filtering: yes — lookups by e-mail are fast'
      : 'Filtering: no — lookups by e-mail read the whole user list (slower on large LMSs)',
    c.patch
      ? 'Partial updates (PATCH): yes — only changed fields are sent'
      : 'Partial updates (PATCH): no — each update re-sends the whole user (PUT)',
    `Bulk requests: ${yes(c.bulk)}`,
    `Sorting: ${yes(c.sort)}`,
    c.etag ? 'Versioning (ETag): yes — concurrent edits in the LMS are not overwritten' : 'Versioning (ETag): no',
    c.maxResults ? `Page size: up to ${c.maxResults} users per request` : 'Page size: not stated by the LMS — Rollcall asks for 1000',
    c.enterpriseExtension
      ? 'Enterprise attributes (employee number, department, manager): yes'
      : 'Enterprise attributes (employee number, department, manager): no — these fields are not written',
    c.vendorNamespace
      ? `Vendor attributes: yes (${c.vendorNamespace}${c.vendorAttributes.length ? `: ${c.vendorAttributes.join(', ')}` : ''})`
      : 'Vendor attributes: none found — content region, approvers and custom fields are not written',
    ...(c.vendorAttributes.includes('approvers') ? [c.approversByEmail ? "Approvers: written as the manager's e-mail address" : "Approvers: written as a reference to the manager's LMS account"] : []),
    c.departments
      ? `Departments: yes, ${hierarchical ? 'hierarchical' : 'one level (only the last level of a path is written; "Below the LMS department" is not used)'}; missing ones will be created`
      : 'Departments: no department list in the LMS — the department name is written as text',
    ...(c.userNameFixed ? ['User name: set by the LMS — Rollcall sends it when it creates an account and never changes it'] : []),
    c.jobProfiles ? 'Job profiles: yes — mapped by name; the LMS default applies when none maps' : 'Job profiles: no',
    c.permissionTypes ? 'Permission types: yes — Rollcall only adds or removes the ones it owns' : 'Permission types: no',
    `Groups: ${yes(c.groups)}`,
  ];
  return lines;
}
