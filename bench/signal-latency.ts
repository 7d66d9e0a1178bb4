// How fast a signed signal is answered on a 10,000-miner fleet, alone and in a burst of
// duplicates (the answer must not wait for the event to be started).

import { randomUUID } from 'node:crypto';
import type { Stack } from '../infra/local/stack';
import { sign } from '../lib/domain/webhook-signature';
import { median } from './stats';

async function post(stack: Stack, sourceId: string, secret: string, body: Record<string, unknown>) {
  const raw = JSON.stringify(body);
  const id = `msg_${randomUUID()}`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const started = performance.now();
  const response = await fetch(`${stack.apiUrl}/v1/signals/${sourceId}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': timestamp,
      'webhook-signature': sign(secret, id, timestamp, raw),
    },
    body: raw,
  });
  await response.text();
  return { status: response.status, ms: performance.now() - started };
}

/** Answer times in ms: a first signal, then a burst of duplicates sent at once. */
export async function measureSignals(stack: Stack, burst = 50) {
  const admin = await stack.token('admin');
  const created = await fetch(`${stack.apiUrl}/v1/sources`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench', kind: 'generic', defaultScope: { type: 'org' } }),
  });
  const { source, secret } = (await created.json()) as {
    source: { sourceId: string };
    secret: string;
  };
  const body = {
    externalId: `bench-${randomUUID()}`,
    revision: 1,
    action: 'curtail',
    mode: 'reduce_by_kw',
    valueKw: 500,
  };
  const first = await post(stack, source.sourceId, secret, body);
  const duplicates = await Promise.all(
    Array.from({ length: burst }, () => post(stack, source.sourceId, secret, body)),
  );
  const times = duplicates.map((d) => d.ms);
  return {
    firstMs: first.ms,
    firstStatus: first.status,
    burstMedianMs: median(times),
    burstMaxMs: Math.max(...times),
    burstStatuses: [...new Set(duplicates.map((d) => d.status))],
  };
}
