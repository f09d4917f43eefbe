/** The pure sync core's public API (see README.md in this folder). */
export { plan, lastDayReached, ACTIVE_FIELD, EXTERNAL_ID_FIELD, USER_NAME_FIELD, type PlanConfig } from './plan';
export {
  evaluateScope,
  scopeVerdict,
  describeRule,
  skipListEntryFor,
  sourceAttribute,
  type ScopeExplanation,
  type ScopeVerdict,
  type RuleMatch,
} from './scope';
export { buildGroupIndex, groupNames, membershipPath, type GroupIndex } from './groups';
export { normaliseText, normaliseEmail, cleanText, showHidden, hiddenCharacterName, type NormalisedText } from './normalise';
export {
  mapUser,
  mergePermissionTypes,
  contentRegionFor,
  departmentPath,
  unitId,
  vendorField,
  type MappedUser,
  type MappingContext,
  type PermissionMapping,
} from './mapping';
export { matchUsers, aliasKeys, targetKeys, type MatchResult, type ConflictReason, type MatchCandidate, type MatchInput } from './matching';
export { unmanagedAccounts, type UnmanagedAccount, type UnmanagedAccounts } from './unmanaged';
export { evaluateGuards, deactivationLimit, type GuardInput } from './guards';
export { departmentsToCreate, existingDepartmentPaths } from './departments';
export { diffAttributes, sameValue, fieldLabel } from './diff';
