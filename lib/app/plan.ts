// Resolves a plan request's scope to miners and runs the selector: shared by preview and start.

import { NotFoundError, ResourceExhaustedError } from '../domain/errors';
import type { Miner } from '../domain/fleet';
import type { Plan, PlanRequest } from '../domain/plan';
import { selectMiners } from '../domain/selector';
import type { OrgSettings } from '../domain/settings';
import { requireAdminFor } from './authz';
import type { Caller, Deps } from './deps';

/** Largest fleet one plan may consider; larger scopes must be split by site. */
export const MAX_SCOPE_MINERS = 100_000;

export function planAdminControls(request: PlanRequest): string[] {
  const controls: string[] = [];
  if (request.forceIncludeMaintenance) controls.push('forceIncludeMaintenance');
  if (request.candidateMinPowerWOverride !== undefined) controls.push('candidateMinPowerWOverride');
  return controls;
}

export async function resolveScope(deps: Deps, orgId: string, request: Pick<PlanRequest, 'scope'>) {
  const { scope } = request;
  if (scope.type === 'miners') {
    const found = await deps.fleet.getMiners(orgId, scope.minerIds);
    const missing = scope.minerIds.filter((id) => !found.has(id));
    if (missing.length > 0) {
      throw new NotFoundError(
        `${missing.length} miner(s) in scope are not in this organization's fleet`,
        'miners_not_found',
        { minerIds: missing.slice(0, 100) },
      );
    }
    return [...found.values()];
  }
  let miners: Miner[];
  if (scope.type === 'sites') {
    const known = await deps.fleet.knownSites(orgId, scope.siteIds);
    const missing = scope.siteIds.filter((id) => !known.has(id));
    if (missing.length > 0) {
      throw new NotFoundError(
        `unknown site(s): ${missing.slice(0, 20).join(', ')}`,
        'site_not_found',
        {
          siteIds: missing.slice(0, 100),
        },
      );
    }
    const wanted = new Set(scope.siteIds);
    miners = (await deps.fleet.loadFleet(orgId)).filter((miner) => wanted.has(miner.siteId));
  } else {
    miners = await deps.fleet.loadFleet(orgId);
  }
  if (miners.length > MAX_SCOPE_MINERS) {
    throw new ResourceExhaustedError(
      `scope holds ${miners.length} miners; at most ${MAX_SCOPE_MINERS} per plan`,
      'scope_too_large',
    );
  }
  return miners;
}

export async function buildPlan(
  deps: Deps,
  caller: Caller,
  request: PlanRequest,
  settings: OrgSettings,
): Promise<Plan> {
  requireAdminFor(caller, planAdminControls(request));
  const miners = await resolveScope(deps, caller.orgId, request);
  return selectMiners({
    request,
    miners,
    candidateMinPowerW: request.candidateMinPowerWOverride ?? settings.candidateMinPowerW,
    now: deps.clock.now(),
  });
}

export async function preview(deps: Deps, caller: Caller, request: PlanRequest): Promise<Plan> {
  const settings = await deps.settings.get(caller.orgId);
  return buildPlan(deps, caller, request, settings);
}
