// Follows a running event for the demo: polls the event's rollup and the fleet's stored
// telemetry over HTTP, prints a progress line per poll and measures the shed as the grid sees it.

import type { DemoApi, EventView, FleetMiner, Rollup } from './demo-api';

export interface ShedSample {
  at: number;
  shedKw: number;
}

export interface Seen {
  /** The demo's event first, then any top-up events, as last read. */
  events: EventView[];
  sample: ShedSample;
}

export interface Follower {
  /** Adds an event (a top-up) to follow; its targets' pre-event draw joins the baseline. */
  track(eventId: string, baseline: Map<string, number>): void;
  /** Polls until `done` holds (or the deadline passes) and returns what it saw last. */
  until(
    done: (seen: Seen) => boolean,
    options: { deadlineMs: number; what: string },
  ): Promise<Seen>;
  samples: ShedSample[];
}

/**
 * Shed from stored telemetry: each selected miner's draw before the event minus its latest
 * stored draw. A miner without a sample (it fell silent) counts as not shed.
 */
export function shedKw(fleet: FleetMiner[], baselineW: Map<string, number>): number {
  let shedW = 0;
  for (const miner of fleet) {
    const before = baselineW.get(miner.minerId);
    if (before === undefined) continue;
    shedW += before - (miner.telemetry?.powerW ?? before);
  }
  return shedW / 1_000;
}

const ROLLUP_LABELS: [keyof Rollup, string][] = [
  ['pending', 'pending'],
  ['dispatched', 'dispatched'],
  ['confirmed', 'confirmed'],
  ['curtailFailed', 'curtail_failed'],
  ['drifted', 'drifted'],
  ['resolved', 'resolved'],
  ['restoreFailed', 'restore_failed'],
  ['released', 'released'],
];

export function rollupText(rollup: Rollup | undefined): string {
  if (!rollup) return '';
  const parts = ROLLUP_LABELS.filter(([key]) => rollup[key] > 0).map(
    ([key, label]) => `${label} ${rollup[key]}`,
  );
  return parts.length > 0 ? parts.join(', ') : 'no targets';
}

/** A share (0..1) as a percentage without floating-point noise: 0.07 → "7". */
export const percent = (share: number) => String(Math.round(share * 1_000) / 10);

export const kw = (value: number) =>
  value.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

export function startFollower(options: {
  api: DemoApi;
  eventId: string;
  t0: number;
  requestedKw: number;
  baselineW: Map<string, number>;
  intervalMs: number;
  print: (line: string) => void;
}): Follower {
  const samples: ShedSample[] = [];
  const { api, t0, requestedKw, intervalMs, print } = options;
  const eventIds = [options.eventId];
  const baselineW = new Map(options.baselineW);

  async function poll(): Promise<Seen> {
    const [events, fleet] = await Promise.all([
      Promise.all(eventIds.map((id) => api.event(id))),
      api.fleet(),
    ]);
    const sample = { at: Date.now(), shedKw: shedKw(fleet, baselineW) };
    samples.push(sample);
    const [main, ...topUps] = events;
    const elapsed = ((sample.at - t0) / 1_000).toFixed(1).padStart(6);
    const share = requestedKw > 0 ? (100 * sample.shedKw) / requestedKw : 0;
    const extra = topUps.map((e) => ` | top-up ${e.state} ${rollupText(e.rollup)}`).join('');
    print(
      `  +${elapsed}s  ${(main?.state ?? '?').padEnd(10)} ${rollupText(main?.rollup).padEnd(56)} ` +
        `shed ${kw(sample.shedKw).padStart(8)} kW (${share.toFixed(1).padStart(5)} %)  ` +
        `newest sample ${newestAge(fleet, sample.at)}${extra}`,
    );
    return { events, sample };
  }

  return {
    samples,
    track(eventId, baseline) {
      eventIds.push(eventId);
      for (const [minerId, powerW] of baseline) baselineW.set(minerId, powerW);
    },
    async until(done, { deadlineMs, what }) {
      const deadline = Date.now() + deadlineMs;
      for (;;) {
        const started = Date.now();
        const seen = await poll();
        if (done(seen)) return seen;
        if (Date.now() > deadline) {
          throw new Error(`gave up after ${deadlineMs / 1_000} s waiting for ${what}`);
        }
        const wait = Math.max(0, intervalMs - (Date.now() - started));
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    },
  };
}

/** Age of the newest stored sample in the fleet: how far telemetry ingestion lags behind. */
function newestAge(fleet: FleetMiner[], now: number): string {
  let newest = 0;
  for (const miner of fleet) {
    const at = miner.telemetry ? Date.parse(miner.telemetry.at) : 0;
    if (at > newest) newest = at;
  }
  return newest > 0 ? `${((now - newest) / 1_000).toFixed(1)} s old` : 'none';
}
