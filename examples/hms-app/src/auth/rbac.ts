/** Roles a session can carry. */
export type Role = 'clinician' | 'nurse' | 'admin' | 'auditor';

/** Actions that a route may require. */
export type Permission = 'patient:read' | 'patient:write' | 'observation:read' | 'observation:write' | 'audit:read';

/** Authenticated caller, as stored in its session. */
export interface Principal {
  userId: string;
  role: Role;
}

/**
 * Grants per role. A permission not listed for a role is denied: there is no wildcard and no
 * role inherits from another. Registration staff (admin) manage demographics but not clinical
 * data, and auditors read only the audit log.
 */
const GRANTS: ReadonlyMap<Role, ReadonlySet<Permission>> = new Map<Role, ReadonlySet<Permission>>([
  ['clinician', new Set<Permission>(['patient:read', 'patient:write', 'observation:read', 'observation:write'])],
  ['nurse', new Set<Permission>(['patient:read', 'observation:read', 'observation:write'])],
  ['admin', new Set<Permission>(['patient:read', 'patient:write'])],
  ['auditor', new Set<Permission>(['audit:read'])],
]);

/** Every role name, in a fixed order. */
export const ROLES: readonly Role[] = ['clinician', 'nurse', 'admin', 'auditor'];

/** Reports whether value is a known role name. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Reports whether role is granted permission. An unknown role is granted nothing. */
export function can(role: string, permission: Permission): boolean {
  return isRole(role) && GRANTS.get(role)?.has(permission) === true;
}
