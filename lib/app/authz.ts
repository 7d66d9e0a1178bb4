// Role checks. Roles are ordered: a viewer reads, an operator also acts, an admin also
// overrides the guard rails.

import { PermissionDeniedError } from '../domain/errors';
import type { Caller } from './deps';

const RANK = { viewer: 0, operator: 1, admin: 2 } as const;

export function requireRole(caller: Caller, role: Caller['role']): void {
  if (RANK[caller.role] < RANK[role]) {
    throw new PermissionDeniedError(`this action needs the ${role} role`, 'role_required', {
      requiredRole: role,
    });
  }
}

/** Throws unless the caller is an admin, naming the controls that need one. */
export function requireAdminFor(caller: Caller, controls: string[]): void {
  if (controls.length === 0 || caller.role === 'admin') return;
  throw new PermissionDeniedError(
    `only an admin may set ${controls.join(', ')}`,
    'admin_required',
    { controls },
  );
}
