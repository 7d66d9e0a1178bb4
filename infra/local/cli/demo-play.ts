// The demo's "day" over the HTTP API: preview the eligible load, curtail a share of it (topping
// up a shortfall), hold, stop, follow the staged restore, and gather what the summary needs.

import type { SampleMiner } from '../fleet/sample-fleet';
import type { Stack } from '../stack';
import { DemoApi, type EventView, TERMINAL } from './demo-api';
import { kw, percent, type ShedSample, startFollower } from './demo-follow';
import { restoreWaves, type Summary } from './demo-report';
import { startWithBaseline, type TopUp, topUpUntilMet } from './demo-topup';

export interface PlayOptions {
  stack: Stack;
  fleet: SampleMiner[];
  share: number;
  holdMs: number;
  pollMs: number;
  topUp: boolean;
  print: (line: string) => void;
}

export type PlayResult = Omit<Summary, 'logErrors' | 'wallMs'>;

const SILENT = new Set(['offline', 'silent']);
const round1 = (value: number) => Math.round(value * 10) / 10;
const ENDED_WELL = ['completed', 'completed_with_failures'];

export async function playDay(options: PlayOptions): Promise<PlayResult> {
  const { stack, fleet, share, print } = options;
  const api = new DemoApi(stack.apiUrl, await stack.token('operator'));

  const reporting = fleet.filter((m) => !SILENT.has(m.profile.behaviour)).length;
  await waitForTelemetry(api, reporting, print);

  const scope = { type: 'org' };
  const eligible = await api.preview({ scope, mode: 'full_fleet' });
  const eligibleKw = eligible.estimatedReductionKw;
  const requestedKw = round1(eligibleKw * share);
  print(
    `preview (full_fleet): ${eligible.candidates.length} eligible miners, ${kw(eligibleKw)} kW`,
  );
  const plan = await api.preview({ scope, mode: 'fixed_kw', targetKw: requestedKw });
  const restoreBatchSize = Math.ceil(plan.candidates.length / 5);
  print(
    `grid signal: ERCOT EEA1, reduce ${percent(share)} % of the eligible load = ` +
      `${kw(requestedKw)} kW; preview (fixed_kw) picks ${plan.candidates.length} miners ` +
      `(${kw(plan.estimatedReductionKw)} kW)`,
  );

  const {
    event: started,
    baseline,
    startedAt: t0,
  } = await startWithBaseline(api, {
    scope,
    mode: 'fixed_kw',
    targetKw: requestedKw,
    reason: `ERCOT EEA1: reduce ${percent(share)} %`,
    restoreBatchSize,
    restoreBatchIntervalSec: 2,
  });
  const eventId = started.eventId;
  print(
    `event ${eventId} ${started.state}: ${baseline.size} targets, curtail waves of ` +
      `${started.curtailBatchSize}, restore waves of ${started.effectiveBatchSize}`,
  );
  print('shed = pre-event draw minus latest stored telemetry of the selected miners, read from');
  print(
    'GET /v1/fleet/miners; "newest sample" is the age of the newest stored sample in the fleet',
  );
  const follower = startFollower({
    api,
    eventId,
    t0,
    requestedKw,
    baselineW: baseline,
    intervalMs: options.pollMs,
    print,
  });

  const first = await follower.until(({ events }) => events[0]?.state !== 'pending', {
    deadlineMs: 300_000,
    what: 'the curtail phase to settle',
  });
  const firstEvent = first.events[0];
  const activated = firstEvent?.state === 'active';
  const activationMs = firstEvent?.startedAt ? Date.parse(firstEvent.startedAt) - t0 : undefined;
  let held: ShedSample[] = [];
  let topUps: TopUp[] = [];
  let stopAt = Date.now();
  if (activated) {
    if (options.topUp) topUps = await topUpUntilMet({ api, follower, requestedKw, print });
    const holdUntil = Date.now() + options.holdMs;
    print(`active: holding for ${options.holdMs / 1000} s`);
    const from = follower.samples.length;
    await follower.until(() => Date.now() >= holdUntil, { deadlineMs: 60_000, what: 'the hold' });
    held = follower.samples.slice(from);
    stopAt = Date.now();
    const ids = [eventId, ...topUps.map((t) => t.eventId)];
    const stopped = await Promise.all(ids.map((id) => api.stop(id)));
    print(`stop requested: ${stopped.map((e) => e.state).join(', ')}`);
  } else {
    print(`the curtail phase ended in ${firstEvent?.state}: nothing to hold`);
  }
  const last = await follower.until(
    ({ events }) => events.every((e) => TERMINAL.includes(e.state)),
    {
      deadlineMs: 300_000,
      what: 'the events to end',
    },
  );

  const targets = await api.targets(eventId);
  const topUpTargets = (await Promise.all(topUps.map((t) => api.targets(t.eventId)))).flat();
  const commands = stack.simulator?.commands() ?? [];
  const curtails = commands.filter((c) => c.eventId === eventId && c.action === 'curtail');
  const heldKw = held.length > 0 ? Math.min(...held.map((s) => s.shedKw)) : undefined;
  const finalStates = last.events.map((e) => e.state);
  return {
    share,
    eligibleKw,
    requestedKw,
    shedAtActivationKw: activated ? first.sample.shedKw : undefined,
    heldKw,
    peakKw: Math.max(0, ...follower.samples.map((s) => s.shedKw)),
    selected: started.decisionSnapshot?.selectedCount ?? baseline.size,
    skippedAggregate: started.decisionSnapshot?.skippedAggregate ?? {},
    firstCommandMs:
      curtails.length > 0 ? Math.min(...curtails.map((c) => c.receivedAt)) - t0 : undefined,
    activationMs,
    topUps: topUps.map((t, i) => ({ ...t, finalState: finalStates[i + 1] ?? '?' })),
    waves: restoreWaves(commands, eventId, stopAt, targets),
    failures: [...targets, ...topUpTargets].filter((t) => t.lastError !== undefined),
    finalState: last.events[0]?.state ?? '?',
    passed: passed(last.events, heldKw, requestedKw),
  };
}

function passed(events: EventView[], heldKw: number | undefined, requestedKw: number): boolean {
  const ended = events.every((e) => ENDED_WELL.includes(e.state));
  return ended && heldKw !== undefined && heldKw >= requestedKw;
}

async function waitForTelemetry(api: DemoApi, expected: number, print: (line: string) => void) {
  const deadline = Date.now() + 120_000;
  print(`waiting for telemetry from the ${expected} miners that report...`);
  for (;;) {
    const stored = (await api.fleet()).filter((m) => m.telemetry).length;
    if (stored >= expected) {
      print(`telemetry stored for ${stored} miners`);
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`only ${stored} of ${expected} miners had stored telemetry after 120 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}
