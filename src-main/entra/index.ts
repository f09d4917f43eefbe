/** Microsoft Entra ID as a Rollcall source: the public surface of src-main/entra. */
export { createEntraSource, type EntraSource, type EntraSourceOptions } from './source';
export { isDeltaLinkExpired, DELTA_LINK_MAX_AGE_MS } from './delta';
export { EntraErrorCode, isCredentialsRejected, integrationStatusFor } from './errors';
export { decodeJwtPayload, tokenRoles, missingPermissions } from './jwt';
export { cloudEndpoints, type CloudEndpoints } from './clouds';
export type { GraphStats } from './graph-client';
