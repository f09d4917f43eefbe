/**
 * Reading the access token's claims. The token came straight from the authority over TLS, so
 * no signature check is needed to learn which roles were granted; Graph checks it for real.
 */
import { REQUIRED_GRAPH_PERMISSIONS, type GraphPermission } from '../core/directories';

export function decodeJwtPayload(token: string): Record<string, unknown> | null {
  const parts = token.split('.');
  if (parts.length < 2 || !parts[1]) return null;
  try {
    const json = Buffer.from(parts[1], 'base64url').toString('utf8');
    const payload: unknown = JSON.parse(json);
    return typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? (payload as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Application roles granted to the app (the `roles` claim); empty when none or unreadable. */
export function tokenRoles(token: string): string[] {
  const roles = decodeJwtPayload(token)?.roles;
  return Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [];
}

/**
 * Required permissions not granted. Directory.Read.All is a superset Graph accepts for users and
 * groups, so an app consented to it is not told to add User.Read.All / Group.Read.All.
 */
export function missingPermissions(roles: readonly string[]): GraphPermission[] {
  const granted = new Set(roles.map((r) => r.toLowerCase()));
  const directory = granted.has('directory.read.all') || granted.has('directory.readwrite.all');
  return REQUIRED_GRAPH_PERMISSIONS.filter((p) => {
    const lower = p.toLowerCase();
    if (granted.has(lower) || granted.has(lower.replace('.read.', '.readwrite.'))) return false;
    if (directory && (p === 'User.Read.All' || p === 'Group.Read.All')) return false;
    return true;
  });
}
