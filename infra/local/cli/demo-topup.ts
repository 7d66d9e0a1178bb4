// What an operator does when the confirmed shed falls short of the grid's request: start a
// top-up event for the shortfall (the selector skips miners the first event holds) and repeat.

import type { DemoApi } from './demo-api';
import { type Follower, kw } from './demo-follow';

export interface TopUp {
  eventId: string;
  targetKw: number;
  selected: number;
  /** Shed measured right before this top-up was started. */
  shortBeforeKw: number;
}

const MAX_ROUNDS = 3;
const HEADROOM = 0.03;

/** Starts an event and returns it with its targets' draw from the fleet snapshot `before`. */
export async function startWithBaseline(api: DemoApi, body: Record<string, unknown>) {
  const before = new Map((await api.fleet()).map((m) => [m.minerId, m.telemetry?.powerW ?? 0]));
  const startedAt = Date.now();
  const event = await api.start(body);
  const targets = await api.targets(event.eventId);
  const baseline = new Map(targets.map((t) => [t.minerId, before.get(t.minerId) ?? 0]));
  return { event, baseline, startedAt };
}

export async function topUpUntilMet(options: {
  api: DemoApi;
  follower: Follower;
  requestedKw: number;
  print: (line: string) => void;
}): Promise<TopUp[]> {
  const { api, follower, requestedKw, print } = options;
  const topUps: TopUp[] = [];
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    // A fresh reading once the last confirmed miners have finished ramping down.
    const now = await follower.until(() => true, { deadlineMs: 10_000, what: 'a reading' });
    const shortKw = requestedKw - now.sample.shedKw;
    if (shortKw <= 0) break;
    const failed = now.events.reduce((sum, e) => sum + e.rollup.curtailFailed, 0);
    // Headroom for what the new miners will still draw asleep (10-38 W each) and meter noise.
    const targetKw = Math.ceil((shortKw + Math.max(0.5, shortKw * HEADROOM)) * 10) / 10;
    print(
      `short by ${kw(shortKw)} kW (${failed} miner(s) failed to curtail; curtailed miners still ` +
        `draw idle power): top-up event ${round} for ${kw(targetKw)} kW incl. headroom`,
    );
    let started: Awaited<ReturnType<typeof startWithBaseline>>;
    try {
      started = await startWithBaseline(api, {
        scope: { type: 'org' },
        mode: 'fixed_kw',
        targetKw,
        reason: `ERCOT EEA1 top-up ${round}: ${kw(shortKw)} kW short of the request`,
        restoreBatchIntervalSec: 2,
      });
    } catch (error) {
      print(`top-up refused: ${error instanceof Error ? error.message : String(error)}`);
      break;
    }
    const { event, baseline } = started;
    follower.track(event.eventId, baseline);
    topUps.push({
      eventId: event.eventId,
      targetKw,
      selected: baseline.size,
      shortBeforeKw: shortKw,
    });
    await follower.until(({ events }) => events.at(-1)?.state !== 'pending', {
      deadlineMs: 300_000,
      what: `top-up ${round} to settle`,
    });
  }
  return topUps;
}
