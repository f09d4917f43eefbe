/** Public surface of the LMS room. */
export { createScimTarget, authorizationHeader, type ScimTarget, type ScimTargetOptions } from './scim-target';
export { describeCapabilities, type LmsLayout } from './discovery';
export { LmsErrorCode, integrationStatusFor, isCredentialError, toTargetWriteError, redact } from './errors';
