/**
 * The domain model shared by every room of the main process: what the Entra reader produces,
 * what the SCIM reader produces, and what plan() returns. Pure data, no behaviour.
 *
 * Values are kept raw in snapshots (hidden characters and all): normalisation happens in core,
 * so that it can be reported to the admin ("Sales⟨U+FEFF⟩" ≠ "Sales").
 */

// ---------------------------------------------------------------------------------------------
// Source: Microsoft Entra ID
// ---------------------------------------------------------------------------------------------

/** One Entra user, as read from Graph with the attributes rules and mappings need. */
export interface SourceUser {
  /** Entra object id (GUID). The identity Rollcall links on. */
  id: string;
  accountEnabled: boolean;
  displayName: string | null;
  givenName: string | null;
  surname: string | null;
  mail: string | null;
  userPrincipalName: string;
  otherMails: string[];
  /** As Graph returns them, e.g. "SMTP:anna@contoso.com", "smtp:anna.old@contoso.com". */
  proxyAddresses: string[];
  department: string | null;
  jobTitle: string | null;
  companyName: string | null;
  employeeType: string | null;
  employeeId: string | null;
  /** Country or region as Graph stores it (free text or ISO code). */
  country: string | null;
  /** ISO 3166 alpha-2 usage location. */
  usageLocation: string | null;
  preferredLanguage: string | null;
  officeLocation: string | null;
  /** Entra object id of the manager, when read. */
  managerId: string | null;
  /** ISO date-time; needs User-LifecycleInfo.Read.All. Null when unset or not readable. */
  employeeLeaveDateTime: string | null;
  createdDateTime: string | null;
  /**
   * Any other attribute a mapping or rule names (extension attributes such as
   * "extension_<appid>_costCenter", onPremisesExtensionAttributes.extensionAttribute1, …).
   * Keyed by the exact Graph attribute name the mapping uses.
   */
  extra: Record<string, string | string[] | null>;
}

/**
 * A group reachable from the configured rules, with its DIRECT members. Nested groups are kept
 * as groups, so core can compute "Anna → Sales EMEA → All Sales" paths.
 */
export interface SourceGroup {
  id: string;
  displayName: string;
  /** Direct user members (Entra object ids). */
  memberUserIds: string[];
  /** Direct nested group members (Entra object ids of groups, also present in the snapshot). */
  memberGroupIds: string[];
}

export interface SourceSnapshot {
  /** ISO time the read finished. */
  readAt: string;
  /**
   * False when any read failed or was cut short. plan() never deactivates from an incomplete
   * snapshot.
   */
  complete: boolean;
  /** Admin-readable reason when complete is false. */
  incompleteReason: string | null;
  /** How the data was obtained: a full read, or a cached full read updated by a delta read. */
  readMode: 'full' | 'delta';
  users: SourceUser[];
  /** Groups named by rules and mappings, and every group nested under them. */
  groups: SourceGroup[];
  /**
   * True when Last Day (employeeLeaveDateTime) could not be asked for: the app lacks
   * User-LifecycleInfo.Read.All, so every leave date is unknown. Absent: read with it.
   */
  lastDayUnread?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Target: the LMS over SCIM 2.0
// ---------------------------------------------------------------------------------------------

export const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const DEFAULT_VENDOR_NAMESPACE = 'urn:learnerbly:params:scim:schemas:2.0:User';

/**
 * A user attribute value in admin language. References are by NAME, not LMS id: a department
 * is its path of names from the top (["Sales", "EMEA"]), a job profile its name, permission
 * types their names, manager and approvers the LMS userNames of those people. The SCIM
 * connector resolves names to ids when writing and back to names when reading.
 */
export type AttrValue = string | string[] | null;

/**
 * Attribute keys are the SCIM attribute paths written to the LMS (DESIGN.md §8). Vendor
 * extension keys are built with vendorPath(namespace, name).
 */
export const ScimPath = {
  userName: 'userName',
  givenName: 'name.givenName',
  familyName: 'name.familyName',
  displayName: 'displayName',
  email: 'emails[type eq "work"].value',
  preferredLanguage: 'preferredLanguage',
  locale: 'locale',
  title: 'title',
  employeeNumber: `${ENTERPRISE_USER}:employeeNumber`,
  /** Department path of names (string[]); the connector maps it to the LMS's department model. */
  department: `${ENTERPRISE_USER}:department`,
  /** Manager's LMS userName; the connector resolves it to the manager's LMS id. */
  manager: `${ENTERPRISE_USER}:manager`,
} as const;

/** Vendor-extension attributes Rollcall knows how to fill. */
export type VendorAttribute =
  | 'contentRegion'
  | 'customField1'
  | 'customField2'
  | 'customField3'
  | 'approvers'
  | 'jobProfile'
  | 'permissionTypes';

export function vendorPath(namespace: string, name: VendorAttribute): string {
  return `${namespace}:${name}`;
}

export interface TargetUser {
  /** LMS id. */
  id: string;
  /** SCIM externalId: Rollcall writes the Entra object id here. */
  externalId: string | null;
  userName: string;
  active: boolean;
  /** Every e-mail on the account, primary first, as stored by the LMS. */
  emails: string[];
  /** Known attributes by SCIM path (see ScimPath / vendorPath). Missing key = not set. */
  attributes: Record<string, AttrValue>;
  /** ISO times from SCIM meta when the LMS provides them. */
  created: string | null;
  lastModified: string | null;
}

export interface TargetDepartment {
  id: string;
  name: string;
  parentId: string | null;
}

export interface TargetJobProfile {
  id: string;
  name: string;
  isDefault: boolean;
}

export interface TargetPermissionType {
  id: string;
  name: string;
}

/** What the LMS said it supports (from /ServiceProviderConfig, /ResourceTypes, /Schemas). */
export interface LmsCapabilities {
  filter: boolean;
  patch: boolean;
  bulk: boolean;
  sort: boolean;
  etag: boolean;
  /** Largest page the server will return (filter.maxResults), or null when not stated. */
  maxResults: number | null;
  enterpriseExtension: boolean;
  /** The vendor extension schema found (or configured), null when none. */
  vendorNamespace: string | null;
  /** Attribute names of the vendor extension, e.g. ["contentRegion", "approvers", …]. */
  vendorAttributes: string[];
  /**
   * The vendor's approvers are e-mail addresses (plain strings, as Learnerbly documents them),
   * not references to LMS users. Absent: references (an LMS read before this was recorded).
   */
  approversByEmail?: boolean;
  departments: boolean;
  /**
   * The LMS's departments have one level (its department resource has no parent): only a path's
   * last level is written, and read back. Absent: levels (an LMS read before this was recorded).
   */
  flatDepartments?: boolean;
  /**
   * The LMS sets userName itself or never lets it change (its schema says readOnly or immutable,
   * as "userName – automatically set by the LMS"): sent on create only, never compared after.
   * Absent: writable (an LMS read before this was recorded).
   */
  userNameFixed?: boolean;
  jobProfiles: boolean;
  permissionTypes: boolean;
  groups: boolean;
}

/** An LMS group (SCIM Group). */
export interface TargetGroup {
  id: string;
  displayName: string;
  /** LMS ids of its user members; null when they were not read (only pushed groups' are). */
  memberIds: string[] | null;
}

export interface TargetSnapshot {
  readAt: string;
  /** 'changes': the cached accounts plus those modified since (core/target-changes.ts). */
  readMode: 'full' | 'changes';
  /**
   * The LMS's own clock when this read began (its Date header), null when it sent none: the
   * next read asks for the accounts modified after it.
   */
  changesFrom: string | null;
  /** False when the read failed part-way; plan() then refuses to create (duplicates risk). */
  complete: boolean;
  incompleteReason: string | null;
  users: TargetUser[];
  /** Null when the LMS has no department resource type. */
  departments: TargetDepartment[] | null;
  jobProfiles: TargetJobProfile[] | null;
  permissionTypes: TargetPermissionType[] | null;
  /**
   * The LMS's groups, read only when the integration pushes groups (then every group's name, and
   * the members of those pushed to); absent when not read, null when the LMS has no Groups.
   */
  groups?: TargetGroup[] | null;
  /** Why the groups were not read though groups are pushed (the people's sync went on without them). */
  groupsUnreadBecause?: string;
  capabilities: LmsCapabilities;
}

// ---------------------------------------------------------------------------------------------
// Links: which LMS account belongs to which Entra user, per integration
// ---------------------------------------------------------------------------------------------

export interface Link {
  integrationId: string;
  /** Entra object id. */
  sourceId: string;
  /** LMS user id. */
  targetId: string;
  /** 'created' = this integration created the LMS user; 'matched' = it linked an existing one. */
  origin: 'created' | 'matched' | 'relinked';
  linkedAt: string;
  /** E-mail at link time: lets diagnose() say "e-mail changed from … to …". */
  emailAtLink: string | null;
}

// ---------------------------------------------------------------------------------------------
// The Plan (DESIGN.md §2): data, not a flag. Dry run shows it; apply executes it.
// ---------------------------------------------------------------------------------------------

export type OpKind = 'create' | 'update' | 'deactivate' | 'reactivate' | 'conflict' | 'skip';

export interface FieldChange {
  /** SCIM attribute path written to the LMS. */
  field: string;
  from: AttrValue;
  to: AttrValue;
}

/** A hidden-character or whitespace repair made to a source value, reported to the admin. */
export interface NormalisationNotice {
  /** Source attribute, e.g. "department". */
  attribute: string;
  raw: string;
  normalised: string;
  /** Human-readable names of what was removed, e.g. ["U+FEFF BYTE ORDER MARK", "trailing space"]. */
  found: string[];
}

export interface PlanOp {
  kind: OpKind;
  /** Entra object id, null for an LMS-only op. */
  sourceId: string | null;
  /** LMS user id, null for a create. */
  targetId: string | null;
  /** The person's e-mail as the admin knows it (normalised). */
  email: string | null;
  displayName: string | null;
  /** Machine-readable reason code, e.g. "new_in_scope", "left_scope", "disabled_in_entra", "last_day_reached", "email_taken". */
  reason: string;
  /** The reason in one admin-readable sentence. */
  detail: string;
  changes: FieldChange[];
  /**
   * 'users' ops run first (creates, then updates); 'relations' ops (manager, approvers) run after
   * every user exists; deactivations run last.
   */
  phase: 'users' | 'relations';
  /** Conflicts: the LMS ids / Entra ids involved, so the UI can offer relink / ignore. */
  candidates?: { sourceIds: string[]; targetIds: string[]; accounts?: CandidateAccount[] };
  notices?: NormalisationNotice[];
  /** Things the admin should know that did not stop the op (e.g. a job profile missing in the LMS). */
  warnings?: PlanWarning[];
}

/** An LMS account in a conflict, as the admin recognises it (its id alone says nothing). */
export interface CandidateAccount {
  id: string;
  userName: string;
  email: string | null;
  active: boolean;
  externalId: string | null;
  /**
   * The Entra users this integration links the account to now (one, unless the link table is
   * damaged); a Relink to someone else moves it away from them. Empty: not linked by this
   * integration.
   */
  linkedTo: LinkOwner[];
}

/** An Entra user a link names, by name (null: no longer in Entra) and id. */
export interface LinkOwner {
  sourceId: string;
  name: string | null;
}

/** A non-blocking remark on one op, e.g. "job_profile_not_in_lms", "manager_not_in_lms". */
export interface PlanWarning {
  code: string;
  message: string;
}

export interface PlanSummary {
  create: number;
  update: number;
  deactivate: number;
  reactivate: number;
  conflict: number;
  skip: number;
  /** In scope, linked, nothing to change. */
  unchanged: number;
}

export interface SafetyGuard {
  /** e.g. "incomplete_source", "empty_scope", "deactivation_threshold". */
  code: string;
  /** True when apply must stop unless the admin confirms (threshold) or must not run at all. */
  blocking: boolean;
  /** Whether an explicit confirmation (--yes --max-deactivations N / the UI's confirm) lifts it. */
  confirmable: boolean;
  message: string;
  fix: string;
  /** The number that tripped it (deactivations, owned users, …). */
  count: number;
  limit: number;
}

export interface Plan {
  /** What it was made from besides the reads (planBasis()): settings and link tables. Absent in plans saved before it was recorded. */
  basis?: string;
  /**
   * Manager and approver writes beyond the summary's counts (which count people): those of people
   * who also get their own change. Shown beside the counts so they add up with the ops. Absent in
   * plans saved before it was recorded.
   */
  relationWrites?: number;
  integrationId: string;
  /** ISO time plan() was given as "now". */
  createdAt: string;
  sourceReadMode: 'full' | 'delta';
  /** 'changes': the LMS accounts were the cached ones plus those modified since. */
  targetReadMode: 'full' | 'changes';
  summary: PlanSummary;
  /** Ordered: apply executes them in this order within their phase. */
  ops: PlanOp[];
  /** Department paths that do not exist in the LMS yet and will be created first. */
  departmentsToCreate: string[][];
  guards: SafetyGuard[];
  /**
   * LMS accounts no integration manages (core/unmanaged.ts), counted by the run after planning;
   * null when the LMS read was incomplete, absent in plans made before it was counted.
   */
  unmanaged?: UnmanagedSummary | null;
  /** The pushed groups (core/push-groups.ts), in the settings' order; absent when none are pushed. */
  groups?: GroupPush[];
  /**
   * Departments this integration created that nobody active is in after this plan
   * (core/departments.ts); absent when there are none, null when the LMS read was incomplete.
   */
  unusedDepartments?: Array<{ id: string; path: string[] }> | null;
}

/** A member of a pushed group as the plan names them. */
export interface GroupMember {
  /** The LMS account; null for an account this plan creates (apply finds it by sourceId). */
  targetId: string | null;
  /** The Entra user the account is (or is to be) linked to; they may be gone from Entra since. */
  sourceId: string | null;
  /** E-mail or name as the admin knows the person. */
  name: string;
}

/** What the apply does to one pushed group. */
export interface GroupPush {
  /** The Entra group. */
  groupId: string;
  groupName: string;
  /** The LMS group's name, as the settings give it. */
  lmsGroup: string;
  /** The LMS group's id; null when the apply creates it (or it cannot be pushed). */
  lmsGroupId: string | null;
  /**
   * create: no LMS group has the name; update: members to add or remove; unchanged: nothing to
   * do; blocked: it cannot be pushed (`problem` says why), and the apply leaves it alone.
   */
  action: 'create' | 'update' | 'unchanged' | 'blocked';
  add: GroupMember[];
  remove: GroupMember[];
  /** The group's synced members once applied (the Entra group's people who have an account). */
  members: number;
  /** Why it is blocked, in one admin-readable sentence with what to do; null otherwise. */
  problem: string | null;
}

/** LMS accounts that no integration links and no op of the plan names. */
export interface UnmanagedSummary {
  count: number;
  /** Of `count`: active accounts. */
  active: number;
  /** Of `count`: accounts of someone in Entra (by externalId or an address) whom this integration does not sync. */
  inEntra: number;
  /** Of `count`: second accounts of people this integration syncs through another account. */
  secondAccounts: number;
  /**
   * Of `inEntra`: those "Link to their Entra users" would link (core/adopt.ts): not on the skip
   * list, the only one of their person. Absent in plans from before it was counted.
   */
  linkable?: number;
}
