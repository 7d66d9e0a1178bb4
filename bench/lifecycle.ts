// One 10,000-miner event over HTTP: start until every curtail command reached the subscriber,
// confirmation written as telemetry, stop (restoreBatchSize 0) until every restore command
// arrived, then running telemetry so the event completes and frees its miners for the next run.

import type { SampleMiner } from '../infra/local/fleet/sample-fleet';
import type { Stack } from '../infra/local/stack';
import { eventWithTargets } from '../lib/app/read-events';
import { bySite, writeSamples } from './fleet';
import { log } from './measure';
import type { Figures } from './stats';
import type { CommandWatcher } from './watcher';

export interface Lifecycle {
  stack: Stack;
  watcher: CommandWatcher;
  orgId: string;
  fleet: SampleMiner[];
}

async function call(stack: Stack, orgId: string, path: string, body: unknown, role = 'operator') {
  const token = await stack.token(role === 'admin' ? 'admin' : 'operator', orgId);
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as {
    event: { eventId: string; state: string; decisionSnapshot?: { selectedCount?: number } };
  };
}

async function waitForState(ctx: Lifecycle, eventId: string, states: string[], timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const event = await ctx.stack.deps.events.getEvent(ctx.orgId, eventId);
    if (event && states.includes(event.state)) return { at: performance.now(), state: event.state };
    if (Date.now() > deadline) throw new Error(`event ${eventId} stayed ${event?.state}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function defineLifecycleFigures(figures: Figures) {
  figures.define('start.answer', 'start 10k: HTTP answer (claims written)', 'ms');
  figures.define('start.firstCommand', 'start 10k: first curtail command received', 'ms');
  figures.define('start.allCommands', 'start 10k: all curtail commands received', 'ms');
  figures.define('start.afterAnswer', 'start 10k: answer -> all curtail commands', 'ms');
  figures.define('start.claimItems', 'start 10k: claim items/s (2 per miner, over answer)', '/s', {
    ceiling: 'dynamo.transact',
  });
  figures.define('curtail.rate', 'start 10k: curtail commands/s (first -> last)', '/s', {
    ceiling: 'broker.rate',
  });
  figures.define('telemetry.rate', 'telemetry via fleet store: samples/s', '/s', {
    ceiling: 'dynamo.update',
  });
  figures.define('confirm.toActive', 'confirm 10k: telemetry written -> active', 'ms');
  figures.define('stop.answer', 'stop 10k: HTTP answer', 'ms');
  figures.define('stop.firstCommand', 'stop 10k: first restore command received', 'ms');
  figures.define('stop.allCommands', 'stop 10k: all restore commands received', 'ms');
  figures.define('restore.rate', 'stop 10k: restore commands/s (first -> last)', '/s', {
    ceiling: 'broker.rate',
  });
  figures.define('restore.toCompleted', 'restore 10k: telemetry written -> completed', 'ms');
  figures.define('answer.readBack', 'answer body read-back of start/stop (10k targets)', 'ms');
}

/** What the start and stop handlers read back to answer (rollup of every target, skipped). */
async function timeReadBack(ctx: Lifecycle, eventId: string): Promise<number> {
  const event = await ctx.stack.deps.events.getEvent(ctx.orgId, eventId);
  if (!event) throw new Error(`event ${eventId} vanished`);
  const started = performance.now();
  await eventWithTargets(ctx.stack.deps, event, { pageSize: 500 });
  return performance.now() - started;
}

export async function runLifecycle(ctx: Lifecycle, figures: Figures, run: number) {
  const { stack, watcher, orgId, fleet } = ctx;
  const size = fleet.length;
  const t0 = performance.now();
  const started = await call(stack, orgId, '/v1/events', {
    scope: { type: 'org' },
    mode: 'full_fleet',
    reason: `bench run ${run}`,
    restoreBatchSize: 0,
  });
  const answered = performance.now();
  const { eventId } = started.event;
  const targetCount = started.event.decisionSnapshot?.selectedCount;
  if (targetCount !== size) throw new Error(`expected ${size} targets, got ${targetCount}`);
  const curtail = await watcher.waitFor(eventId, 'curtail', size, 300_000);
  figures.add('start.answer', answered - t0);
  figures.add('start.firstCommand', curtail.firstAt - t0);
  figures.add('start.allCommands', curtail.lastAt - t0);
  figures.add('start.afterAnswer', curtail.lastAt - answered);
  figures.add('start.claimItems', (2 * size) / ((answered - t0) / 1000));
  figures.add('curtail.rate', size / ((curtail.lastAt - curtail.firstAt) / 1000));
  log(`  run ${run}: ${size} curtail commands in ${Math.round(curtail.lastAt - t0)} ms`);

  const dark = new Date().toISOString();
  const telemetryStart = performance.now();
  const written = await writeSamples(
    stack,
    orgId,
    bySite(fleet, () => ({ at: dark, powerW: 15, hashrateThs: 0, curtailed: true })),
  );
  const telemetryDone = performance.now();
  figures.add('telemetry.rate', written / ((telemetryDone - telemetryStart) / 1000));
  const active = await waitForState(ctx, eventId, ['active'], 180_000);
  figures.add('confirm.toActive', active.at - telemetryDone);

  const t1 = performance.now();
  await call(stack, orgId, `/v1/events/${eventId}/stop`, {});
  const stopAnswered = performance.now();
  const restore = await watcher.waitFor(eventId, 'restore', size, 300_000);
  figures.add('stop.answer', stopAnswered - t1);
  figures.add('stop.firstCommand', restore.firstAt - t1);
  figures.add('stop.allCommands', restore.lastAt - t1);
  figures.add('restore.rate', size / ((restore.lastAt - restore.firstAt) / 1000));
  log(`  run ${run}: ${size} restore commands in ${Math.round(restore.lastAt - t1)} ms`);

  const running = new Date().toISOString();
  const restoreTelemetry = await writeSamples(
    stack,
    orgId,
    bySite(fleet, (m) => ({
      at: running,
      powerW: m.profile.powerW,
      hashrateThs: m.profile.hashrateThs,
    })),
  );
  const restoredAt = performance.now();
  try {
    const done = await waitForState(
      ctx,
      eventId,
      ['completed', 'completed_with_failures'],
      240_000,
    );
    figures.add('restore.toCompleted', done.at - restoredAt);
    figures.add('answer.readBack', await timeReadBack(ctx, eventId));
    log(
      `  run ${run}: event ${done.state} (${restoreTelemetry} running samples written, ` +
        `${watcher.duplicates} repeated commands seen so far)`,
    );
  } catch (error) {
    // Free the miners for the next run; the missing figure shows in the run count.
    log(`  run ${run}: ${String(error)}; force-releasing`);
    await call(stack, orgId, `/v1/events/${eventId}/force-release`, { reason: 'bench' }, 'admin');
  }
}
