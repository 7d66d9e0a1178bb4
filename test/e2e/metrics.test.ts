// Metrics and races the other suites do not reach: EMF output of start versus preview, with
// low-cardinality dimensions, and an update that loses a race with a stop.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SampleMiner } from '../../infra/local/fleet/sample-fleet';
import type { Stack } from '../../infra/local/stack';
import { flushMetrics } from '../../lib/adapters/observability';
import { updateEvent } from '../../lib/app/update-event';
import { FailedPreconditionError } from '../../lib/domain/errors';
import { capturedLines } from '../support/capture-logs';
import {
  apiClient,
  healthyFleet,
  startTestStack,
  waitFor,
  waitForTelemetry,
} from '../support/stack';

let stack: Stack;
let api: ReturnType<typeof apiClient>;
type Json = Record<string, unknown>;

const maintenance: SampleMiner = {
  ...(healthyFleet({ count: 1, prefix: 'maint' })[0] as SampleMiner),
};
maintenance.inventory = { ...maintenance.inventory, status: 'maintenance' };

beforeAll(async () => {
  stack = await startTestStack({ fleet: [...healthyFleet({ count: 6 }), maintenance] });
  api = apiClient(stack);
  await waitForTelemetry(stack, 7);
});
afterAll(async () => stack?.stop());

function emfLines(metric: string) {
  return capturedLines()
    .filter((line) => line.includes('"_aws"') && line.includes(`"${metric}"`))
    .map((line) => JSON.parse(line) as Json);
}

describe('metrics', () => {
  it('counts excluded candidates by reason on start only, never with ids as dimensions', async () => {
    const before = emfLines('CandidateExcluded').length;
    const preview = await api('POST', '/v1/preview', {
      role: 'operator',
      body: { scope: { type: 'org' }, mode: 'full_fleet' },
    });
    expect(preview.status).toBe(200);
    flushMetrics();
    expect(emfLines('CandidateExcluded').length).toBe(before);

    const start = await api('POST', '/v1/events', {
      role: 'operator',
      body: {
        scope: { type: 'miners', minerIds: ['m-0000', 'maint-0000'] },
        mode: 'full_fleet',
        reason: 'metrics',
      },
    });
    expect(start.status).toBe(201);
    await waitFor(async () => emfLines('CandidateExcluded').length > before, {
      what: 'the EMF line',
    });
    const line = emfLines('CandidateExcluded').at(-1) ?? {};
    expect(line).toMatchObject({ Reason: 'maintenance', CandidateExcluded: 1, service: 'curtail' });
    const dimensions = ((line._aws as Json).CloudWatchMetrics as { Dimensions: string[][] }[])[0]
      ?.Dimensions;
    expect(dimensions?.flat().sort()).toEqual(['Reason', 'service']);
    await waitFor(() => Promise.resolve(emfLines('CommandsPublished').length > 0), {
      what: 'CommandsPublished',
    });
    const eventId = String((start.body.event as Json).eventId);
    await api('POST', `/v1/events/${eventId}/force-release`, { body: { reason: 'cleanup' } });
  });
});

describe('update racing a stop', () => {
  it('answers update_state_race_loss when the event moved between the read and the write', async () => {
    const start = await api('POST', '/v1/events', {
      role: 'operator',
      body: {
        scope: { type: 'miners', minerIds: ['m-0003', 'm-0004'] },
        mode: 'full_fleet',
        reason: 'race',
      },
    });
    const eventId = String((start.body.event as Json).eventId);
    await waitFor(
      async () => (await stack.deps.events.getEvent(stack.orgId, eventId))?.state === 'active',
      {
        what: 'active',
      },
    );
    const seen = await stack.deps.events.getEvent(stack.orgId, eventId);
    await api('POST', `/v1/events/${eventId}/stop`, { role: 'operator', body: {} });
    // The update read the event just before the stop landed.
    const staleRead = {
      ...stack.deps,
      events: new Proxy(stack.deps.events, {
        get: (target, property, receiver) =>
          property === 'getEvent' ? async () => seen : Reflect.get(target, property, receiver),
      }),
    };
    const caller = {
      orgId: stack.orgId,
      role: 'operator' as const,
      actor: { type: 'user' as const, id: 'u' },
    };
    const attempt = updateEvent(staleRead, caller, eventId, { reason: 'too late' });
    await expect(attempt).rejects.toBeInstanceOf(FailedPreconditionError);
    await expect(attempt).rejects.toMatchObject({ reason: 'update_state_race_loss' });
    const audit = await api('GET', `/v1/audit?eventId=${eventId}`, { role: 'viewer' });
    expect((audit.body.rows as Json[]).some((row) => row.type === 'curtailment_updated')).toBe(
      false,
    );
  });
});
