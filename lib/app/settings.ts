// Organization settings: viewers read them, admins change them. A new organization reads the
// defaults. Start and Update resolve their defaults and admin gates from here.

import type { OrgSettings } from '../domain/settings';
import { requireRole } from './authz';
import type { Caller, Deps } from './deps';

export async function getSettings(deps: Deps, caller: Caller): Promise<OrgSettings> {
  return deps.settings.get(caller.orgId);
}

export async function putSettings(
  deps: Deps,
  caller: Caller,
  changes: Partial<OrgSettings>,
): Promise<OrgSettings> {
  requireRole(caller, 'admin');
  const current = await deps.settings.get(caller.orgId);
  const next = { ...current, ...changes };
  await deps.settings.put(caller.orgId, next);
  deps.logger.info('settings changed', { orgId: caller.orgId, fields: Object.keys(changes) });
  return next;
}
