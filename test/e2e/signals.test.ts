// Signals over HTTP on the embedded stack: signed webhooks from a generic source, and OpenADR 3
// notifications, each producing exactly one event that later revisions move or end.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../infra/local/stack';
import { sign } from '../../lib/domain/webhook-signature';
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

beforeAll(async () => {
  stack = await startTestStack({ fleet: healthyFleet({ count: 24, sites: ['north', 'south'] }) });
  api = apiClient(stack);
  await waitForTelemetry(stack, 24);
});
afterAll(async () => stack?.stop());

async function createSource(kind: 'generic' | 'openadr3', siteId: string) {
  const created = await api('POST', '/v1/sources', {
    body: {
      name: `${kind} ${siteId}`,
      kind,
      defaultScope: { type: 'sites', siteIds: [siteId] },
      response: {
        restoreBatchSize: 2,
        simpleLevels: { '0': { mode: 'none' }, '1': { mode: 'reduce_by_kw', valueKw: 6 } },
      },
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as { source: Json; secret: string; bearerToken?: string };
}

async function send(
  sourceId: string,
  secret: string | string[],
  body: Json,
  options: { at?: number; tamper?: boolean } = {},
) {
  const raw = JSON.stringify(body);
  const id = `msg_${randomUUID()}`;
  const timestamp = String(Math.floor((options.at ?? Date.now()) / 1000));
  const secrets = Array.isArray(secret) ? secret : [secret];
  const signature = secrets.map((s) => sign(s, id, timestamp, raw)).join(' ');
  const response = await fetch(`${stack.apiUrl}/v1/signals/${sourceId}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': timestamp,
      'webhook-signature': signature,
    },
    body: options.tamper ? raw.replace('"revision":', '"revision": ') : raw,
  });
  return { status: response.status, body: (await response.json()) as Json };
}

async function sourceEvent(sourceId: string, externalId: string) {
  return stack.deps.events.findByIdempotency(stack.orgId, 'pair', {
    externalSource: sourceId,
    externalReference: externalId,
  });
}

describe('signed signals', () => {
  it('refuses anything not signed by an enabled source and stores nothing', async () => {
    const { source, secret } = await createSource('generic', 'north');
    const sourceId = String(source.sourceId);
    const body = {
      externalId: 'x-1',
      revision: 1,
      action: 'curtail',
      mode: 'reduce_by_kw',
      valueKw: 6,
    };
    const operator = await api('POST', '/v1/sources', {
      role: 'operator',
      body: { name: 'n', kind: 'generic', defaultScope: { type: 'org' } },
    });
    expect(operator.status).toBe(403);

    const tampered = await send(sourceId, secret, body, { tamper: true });
    expect(tampered.status).toBe(401);
    const stale = await send(sourceId, secret, body, { at: Date.now() - 6 * 60 * 1000 });
    expect(stale.status).toBe(401);
    const wrongSecret = await send(
      sourceId,
      `whsec_${Buffer.alloc(32, 1).toString('base64')}`,
      body,
    );
    expect(wrongSecret.status).toBe(401);
    const unknown = await send('src-0000000000000000', secret, body);
    expect(unknown.status).toBe(401);
    expect(await stack.deps.signals.getSignal(stack.orgId, sourceId, 'x-1')).toBeUndefined();

    const rotated = await api('POST', `/v1/sources/${sourceId}/rotate-secret`, {});
    const newSecret = String(rotated.body.secret);
    const during = await send(sourceId, [newSecret, secret], {
      ...body,
      externalId: 'x-2',
      valueKw: 3,
    });
    expect(during.status).toBe(202);
    const oldOnly = await send(sourceId, secret, { ...body, externalId: 'x-3', valueKw: 3 });
    expect(oldOnly.status).toBe(202);

    await api('POST', `/v1/sources/${sourceId}/disable`, {});
    const disabled = await send(sourceId, newSecret, { ...body, externalId: 'x-4' });
    expect(disabled.status).toBe(401);
    for (const externalId of ['x-2', 'x-3']) {
      const event = await waitFor(() => sourceEvent(sourceId, externalId), {
        what: `event for ${externalId}`,
      });
      await api('POST', `/v1/events/${event.eventId}/force-release`, {
        body: { reason: 'cleanup' },
      });
    }
  });

  it('starts one event, ignores older revisions, moves the end and cancels', async () => {
    const { source, secret } = await createSource('generic', 'south');
    const sourceId = String(source.sourceId);
    const base = { externalId: 'ev-7', mode: 'reduce_by_kw', valueKw: 6 };
    const first = await send(sourceId, secret, { ...base, revision: 1, action: 'curtail' });
    expect(first.status).toBe(202);
    const duplicate = await send(sourceId, secret, { ...base, revision: 1, action: 'curtail' });
    expect(duplicate.body).toMatchObject({ applied: false, reason: 'duplicate_revision' });
    const event = await waitFor(() => sourceEvent(sourceId, 'ev-7'), { what: 'the signal event' });
    await waitFor(
      async () =>
        (await stack.deps.events.getEvent(stack.orgId, event.eventId))?.state === 'active',
      { what: 'active' },
    );

    const end = new Date(Date.now() + 3_600_000).toISOString();
    const update = await send(sourceId, secret, { ...base, revision: 3, action: 'update', end });
    expect(update.status).toBe(202);
    await waitFor(
      async () => {
        const got = await stack.deps.events.getEvent(stack.orgId, event.eventId);
        return (
          got &&
          !got.allowUnbounded &&
          got.maxDurationSeconds > 3_000 &&
          got.maxDurationSeconds <= 3_700
        );
      },
      { what: 'the end to move' },
    );
    const older = await send(sourceId, secret, { ...base, revision: 2, action: 'cancel' });
    expect(older.body).toMatchObject({ applied: false, reason: 'older_revision' });

    const cancel = await send(sourceId, secret, { ...base, revision: 4, action: 'cancel' });
    expect(cancel.status).toBe(202);
    await waitFor(
      async () =>
        (await stack.deps.events.getEvent(stack.orgId, event.eventId))?.state === 'completed',
      {
        what: 'the staged restore to finish',
        timeoutMs: 45_000,
      },
    );
    const events = await stack.deps.events.listHistory(stack.orgId, { pageSize: 50 });
    expect(events.events.filter((e) => e.externalReference === 'ev-7')).toHaveLength(1);
  });

  it('refuses at once a signal that starts more than 7 days ahead', async () => {
    const { source, secret } = await createSource('generic', 'north');
    const start = new Date(Date.now() + 8 * 86_400_000).toISOString();
    const far = await send(String(source.sourceId), secret, {
      externalId: 'far',
      revision: 1,
      action: 'curtail',
      mode: 'full_stop',
      start,
    });
    expect(far.status).toBe(400);
    expect(JSON.stringify(far.body)).toContain('body.start');
    expect(
      await stack.deps.signals.getSignal(stack.orgId, String(source.sourceId), 'far'),
    ).toBeUndefined();
  });

  it('drops a scheduled signal event cancelled before its start, sending nothing', async () => {
    const { source, secret } = await createSource('generic', 'north');
    const sourceId = String(source.sourceId);
    const start = new Date(Date.now() + 3_600_000).toISOString();
    await send(sourceId, secret, {
      externalId: 'later',
      revision: 1,
      action: 'curtail',
      mode: 'full_stop',
      start,
    });
    const event = await waitFor(() => sourceEvent(sourceId, 'later'), {
      what: 'the scheduled event',
    });
    expect(event.scheduledStartAt).toBe(start);
    await send(sourceId, secret, {
      externalId: 'later',
      revision: 2,
      action: 'cancel',
      mode: 'full_stop',
    });
    await waitFor(
      async () =>
        (await stack.deps.events.getEvent(stack.orgId, event.eventId))?.state === 'cancelled',
      { what: 'cancelled' },
    );
    expect(stack.simulator?.commands().filter((c) => c.eventId === event.eventId)).toHaveLength(0);
  });
});

describe('OpenADR 3 notifications', () => {
  const eventObject = (overrides: Json = {}) => ({
    id: 'oadr-1',
    programID: 'p1',
    eventName: 'peak',
    modificationDateTime: new Date().toISOString(),
    intervalPeriod: { start: '0001-01-01T00:00:00Z', duration: 'P9999Y' },
    intervals: [{ id: 0, payloads: [{ type: 'SIMPLE', values: [1] }] }],
    ...overrides,
  });

  it('answers the callback check and refuses a wrong bearer token', async () => {
    const { source, bearerToken } = await createSource('openadr3', 'south');
    const url = `${stack.apiUrl}/v1/openadr/${source.sourceId}/notifications`;
    const echo = await fetch(`${url}?echo=abc123`, {
      headers: { authorization: `Bearer ${bearerToken}` },
    });
    expect(echo.status).toBe(200);
    expect(await echo.text()).toBe('abc123');
    const wrong = await fetch(`${url}?echo=abc123`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    // An unknown source answers exactly like a wrong token.
    const unknown = await fetch(
      `${stack.apiUrl}/v1/openadr/src-0000000000000000/notifications?echo=x`,
      { headers: { authorization: `Bearer ${bearerToken}` } },
    );
    expect(unknown.status).toBe(401);
  });

  it('creates, moves the end earlier during the hold, and refuses malformed timing', async () => {
    const { source, bearerToken } = await createSource('openadr3', 'south');
    const url = `${stack.apiUrl}/v1/openadr/${source.sourceId}/notifications`;
    const post = (body: Json) =>
      fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${bearerToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const created = await post({ objectType: 'EVENT', operation: 'POST', object: eventObject() });
    expect(created.status).toBe(200);
    const event = await waitFor(() => sourceEvent(String(source.sourceId), 'oadr-1'), {
      what: 'the OpenADR event',
    });
    expect(event.allowUnbounded).toBe(true);
    await waitFor(
      async () =>
        (await stack.deps.events.getEvent(stack.orgId, event.eventId))?.state === 'active',
      { what: 'active' },
    );

    const later = new Date(Date.now() + 1000).toISOString();
    const endsNow = await post({
      objectType: 'EVENT',
      operation: 'UPDATE',
      object: eventObject({
        modificationDateTime: later,
        intervalPeriod: { start: new Date(Date.now() - 60_000).toISOString(), duration: 'PT61S' },
      }),
    });
    expect(endsNow.status).toBe(200);
    await waitFor(
      async () =>
        (await stack.deps.events.getEvent(stack.orgId, event.eventId))?.state === 'completed',
      {
        what: 'restore after the end moved earlier',
        timeoutMs: 45_000,
      },
    );

    const malformed = await post({
      objectType: 'EVENT',
      operation: 'CREATE',
      object: eventObject({
        id: 'oadr-2',
        intervalPeriod: { start: 'yesterday', duration: 'PT1H' },
      }),
    });
    expect(malformed.status).toBe(400);
    const problem = (await malformed.json()) as Json;
    expect(JSON.stringify(problem.details)).toContain('intervalPeriod');
    const unknownPayload = await post({
      objectType: 'EVENT',
      operation: 'CREATE',
      object: eventObject({
        id: 'oadr-3',
        intervals: [{ id: 0, payloads: [{ type: 'PRICE', values: [0.3] }] }],
      }),
    });
    expect(unknownPayload.status).toBe(400);
    expect(await sourceEvent(String(source.sourceId), 'oadr-3')).toBeUndefined();
  });
});
