// How fresh the sweep's heartbeat is, for the watchdog metric and the health endpoint. A dead
// reconciler shows as a growing age even when nothing else reports.

import type { Caller, Deps } from './deps';

export async function heartbeatAge(deps: Deps) {
  const heartbeat = await deps.heartbeat.read();
  const now = deps.clock.now().getTime();
  const ageSeconds = heartbeat
    ? Math.max(0, Math.round((now - Date.parse(heartbeat.tickAt)) / 1000))
    : null;
  return { heartbeat, ageSeconds };
}

/** Publishes the heartbeat age and the live event count (run every minute). */
export async function watchdog(deps: Deps) {
  const { heartbeat, ageSeconds } = await heartbeatAge(deps);
  // With no heartbeat at all there is no figure: the alarm treats missing data as breaching.
  if (ageSeconds !== null) deps.metrics.seconds('HeartbeatAgeSeconds', ageSeconds);
  deps.metrics.count('ActiveEvents', heartbeat?.liveEvents ?? 0);
  return { ageSeconds, liveEvents: heartbeat?.liveEvents ?? 0 };
}

export async function health(deps: Deps, caller: Caller) {
  const [{ heartbeat, ageSeconds }, live] = await Promise.all([
    heartbeatAge(deps),
    deps.events.listLive(caller.orgId),
  ]);
  return {
    reconciler: {
      lastTickAt: heartbeat?.tickAt ?? null,
      heartbeatAgeSeconds: ageSeconds,
      lastTickDurationMs: heartbeat?.durationMs ?? null,
      lastTickFailedEvents: heartbeat?.failedEvents ?? null,
      lastTickQueryFailed: heartbeat?.queryFailed ?? null,
    },
    activeEvents: live.length,
  };
}
