import { ROLES, can, isRole, type Permission, type Role } from '../../src/auth/rbac';

const PERMISSIONS: Permission[] = ['patient:read', 'patient:write', 'observation:read', 'observation:write', 'audit:read'];

const EXPECTED: Record<Role, Permission[]> = {
  clinician: ['patient:read', 'patient:write', 'observation:read', 'observation:write'],
  nurse: ['patient:read', 'observation:read', 'observation:write'],
  admin: ['patient:read', 'patient:write'],
  auditor: ['audit:read'],
};

describe('can', () => {
  for (const role of ROLES) {
    for (const permission of PERMISSIONS) {
      const granted = EXPECTED[role].includes(permission);
      it(`${granted ? 'grants' : 'denies'} ${role} ${permission}`, () => {
        expect(can(role, permission)).toBe(granted);
      });
    }
  }

  it.each(['', 'root', 'Clinician', 'constructor', '__proto__'])('denies unknown role %j', (role) => {
    for (const permission of PERMISSIONS) {
      expect(can(role, permission)).toBe(false);
    }
  });
});

describe('isRole', () => {
  it('accepts the four roles only', () => {
    expect(ROLES.every(isRole)).toBe(true);
    expect(isRole('superuser')).toBe(false);
    expect(isRole(1)).toBe(false);
  });
});
