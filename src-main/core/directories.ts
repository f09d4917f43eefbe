/**
 * The two real seams of the product: where users come from (Entra) and where they go (the LMS).
 * Types only; implementations live in src-main/entra/ and src-main/lms/, fakes in tests.
 */
import type { Result } from './errors';
import type {
  FieldChange,
  LmsCapabilities,
  SourceGroup,
  SourceSnapshot,
  SourceUser,
  TargetGroup,
  TargetSnapshot,
  TargetUser,
  AttrValue,
} from './model';

export interface ReadProgress {
  /** e.g. "users", "groups", "departments". */
  phase: string;
  done: number;
  /** Null while the total is unknown (Graph paging does not say). */
  total: number | null;
}

// ---------------------------------------------------------------------------------------------
// Source
// ---------------------------------------------------------------------------------------------

/** Microsoft Graph application permissions Rollcall needs. */
export const REQUIRED_GRAPH_PERMISSIONS = ['User.Read.All', 'Group.Read.All', 'User-LifecycleInfo.Read.All'] as const;
export type GraphPermission = (typeof REQUIRED_GRAPH_PERMISSIONS)[number];

export interface SourceConnectionReport {
  /** Token obtained. */
  tenantId: string;
  /** Application roles in the token. */
  roles: string[];
  /** Required permissions not granted (admin consent missing for these). */
  missingPermissions: GraphPermission[];
  /** Token lifetime end, ISO. */
  tokenExpiresOn: string | null;
}

export interface GroupSummary {
  id: string;
  displayName: string;
  description: string | null;
  /** Direct members; null when the count could not be read. */
  memberCount: number | null;
  /** Groups directly inside this one; null when it could not be counted. */
  nestedGroupCount: number | null;
  /** People in scope through this group: its users, nested groups' users included; null when unknown. */
  peopleCount: number | null;
  /** Whether the group has nested groups (their members are included transitively). */
  hasNestedGroups: boolean;
  securityEnabled: boolean;
}

export interface SourceReadOptions {
  /** Group ids whose membership (transitively, with nested groups) the snapshot must carry. */
  groupIds: string[];
  /** Extra Graph attributes to $select (named by mappings/rules), beyond the standard set. */
  extraAttributes: string[];
  onProgress?: (p: ReadProgress) => void;
  signal?: AbortSignal;
}

export interface SourceDeltaResult {
  /** Users added or changed since the delta link (full objects). */
  upserted: SourceUser[];
  /** Users removed (deleted or, for scoped deltas, gone). */
  removedIds: string[];
  deltaLink: string;
  /** As SourceSnapshot.lastDayUnread, for the users re-read here. */
  lastDayUnread: boolean;
}

export interface SourceFullResult {
  snapshot: SourceSnapshot;
  /** Delta link to continue from next time; null when delta is not available. */
  deltaLink: string | null;
  /** Link for the groups' membership changes (readGroupsDelta); absent when not available. */
  groupsDeltaLink?: string | null;
}

export interface SourceGroupsRead {
  /** The same groups and direct members readGroups would return now (order may differ). */
  groups: SourceGroup[];
  /** Opaque: hand it back to readGroupsDelta next time, with these groups. */
  groupsDeltaLink: string;
  /** 'full' when there was no usable link (none, expired, not matching the cached groups). */
  readMode: 'full' | 'delta';
}

export interface SourceDirectory {
  /** Get a token and check the roles claim for the required permissions. */
  testConnection(signal?: AbortSignal): Promise<Result<SourceConnectionReport>>;
  /** Read every user (paged) plus the groups the options name. Never "complete" after a failure. */
  readFull(options: SourceReadOptions): Promise<Result<SourceFullResult>>;
  /**
   * Read changes since deltaLink. Fails with code ENTRA_DELTA_EXPIRED when the link is too old
   * (410 / syncStateNotFound): the caller then does a full read.
   */
  readDelta(deltaLink: string, options: SourceReadOptions): Promise<Result<SourceDeltaResult>>;
  /** Groups whose display name starts with the text (the wizard's picker). */
  searchGroups(prefix: string, signal?: AbortSignal): Promise<Result<GroupSummary[]>>;
  /** Current membership (direct members) of the given groups and every group nested under them. */
  readGroups(groupIds: string[], signal?: AbortSignal): Promise<Result<SourceGroup[]>>;
  /**
   * The same as readGroups, from the groups read last time (`cached`, as returned with
   * `groupsDeltaLink`) plus the membership changes since. Without a usable link it reads in full
   * and returns a fresh link; it never fails for an expired link.
   */
  readGroupsDelta(
    groupIds: string[],
    cached: readonly SourceGroup[] | null,
    groupsDeltaLink: string | null,
    options?: { signal?: AbortSignal; onProgress?: (p: ReadProgress) => void },
  ): Promise<Result<SourceGroupsRead>>;
  /** One user by object id, UPN or mail (provision on demand, troubleshooting). Null = not found. */
  readUser(idOrUpnOrMail: string, extraAttributes: string[], signal?: AbortSignal): Promise<Result<SourceUser | null>>;
}

// ---------------------------------------------------------------------------------------------
// Target
// ---------------------------------------------------------------------------------------------

export interface NewTargetUser {
  externalId: string;
  userName: string;
  active: boolean;
  /** By SCIM path (ScimPath / vendorPath); references by name, resolved by the connector. */
  attributes: Record<string, AttrValue>;
}

/** A per-user failure from the LMS, with the LMS's own message, that does not stop the run. */
export interface TargetWriteError {
  code: string;
  message: string;
  fix: string;
  httpStatus: number | null;
  /** The LMS's own error text (scimType / detail). */
  lmsDetail: string | null;
}

/**
 * A changes read's answer: the up-to-date snapshot and the ids of the accounts the LMS listed as
 * changed, or why the LMS must be read in full.
 */
export type TargetChangesResult = { snapshot: TargetSnapshot; changedIds: string[] } | { fullReadBecause: string };

export interface TargetDirectory {
  /** Discover what the LMS supports; "Test LMS connection" shows this in plain words. */
  discover(signal?: AbortSignal): Promise<Result<LmsCapabilities>>;
  /** Read every user and organisation resource, paged. */
  readAll(onProgress?: (p: ReadProgress) => void, signal?: AbortSignal): Promise<Result<TargetSnapshot>>;
  /**
   * The cached snapshot brought up to date by reading only the accounts modified since it was
   * read (core/target-changes.ts), or why only a full read gives the right answer.
   */
  readChanges(cached: TargetSnapshot, onProgress?: (p: ReadProgress) => void, signal?: AbortSignal): Promise<Result<TargetChangesResult>>;
  /** Look up users by externalId, userName or e-mail (filter when supported, scan otherwise). */
  findUsers(by: { externalId?: string; userName?: string; email?: string }, signal?: AbortSignal): Promise<Result<TargetUser[]>>;
  createUser(user: NewTargetUser, signal?: AbortSignal): Promise<Result<TargetUser>>;
  /** Apply field changes (PATCH when supported, PUT otherwise). externalId may be among them. */
  updateUser(id: string, changes: FieldChange[], signal?: AbortSignal): Promise<Result<TargetUser>>;
  /** Deactivate (false) or reactivate (true). Users are never deleted. */
  setActive(id: string, active: boolean, signal?: AbortSignal): Promise<Result<TargetUser>>;
  /** Create the department path (and missing parents) when the LMS supports departments; returns the leaf id. */
  ensureDepartment(path: string[], signal?: AbortSignal): Promise<Result<string>>;
  /**
   * The departments this client has created so far (by ensureDepartment, or for a user write that
   * needed one), with their paths: what the integration made, for the dry run's note of
   * departments nobody is in any more.
   */
  createdDepartments?(): Array<{ id: string; path: string[] }>;
  /**
   * Every LMS group by name, with the user members of those whose name is among `withMembers`
   * (compared without case); null when the LMS has no Groups.
   */
  readGroups(withMembers: string[], signal?: AbortSignal): Promise<Result<TargetGroup[] | null>>;
  /**
   * Create a group with these user members (LMS ids). When the LMS already has a group of that
   * name (made since the read, or by a create whose answer was lost), the members are added to it
   * instead, none removed, and the answer's memberIds is null.
   */
  createGroup(displayName: string, memberIds: string[], signal?: AbortSignal): Promise<Result<TargetGroup>>;
  /** Add and remove user members (LMS ids): PATCH when supported, else the whole group with PUT. */
  updateGroupMembers(id: string, add: string[], remove: string[], signal?: AbortSignal): Promise<Result<void>>;
}
