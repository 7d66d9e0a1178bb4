// Test helpers: an embedded stack on the shared DynamoDB Local with its own table, an HTTP
// client with tokens, small fleets, and waiting on conditions with deadlines.

import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { SampleMiner } from '../../infra/local/fleet/sample-fleet';
import { type Stack, type StackOptions, startStack } from '../../infra/local/stack';

export function testTableName(): string {
  return `curtail-test-${randomUUID().slice(0, 8)}`;
}

export async function startTestStack(options: Partial<StackOptions> = {}): Promise<Stack> {
  return startStack({
    dataDir: options.dataDir ?? mkdtempSync(join(tmpdir(), 'curtail-test-')),
    dynamoEndpoint: inject('dynamoEndpoint'),
    tableName: options.tableName ?? testTableName(),
    speed: 200,
    telemetryIntervalMs: 150,
    ...options,
  });
}

export interface FleetSpec {
  count: number;
  sites?: string[];
  prefix?: string;
  powerW?: (i: number) => number;
  hashrateThs?: (i: number) => number;
}

/** Healthy S19-class miners with distinct efficiencies (miner i is less efficient than i+1). */
export function healthyFleet(spec: FleetSpec): SampleMiner[] {
  const sites = spec.sites ?? ['site-a', 'site-b'];
  return Array.from({ length: spec.count }, (_, i) => {
    const powerW = spec.powerW?.(i) ?? 3_200;
    const hashrateThs = spec.hashrateThs?.(i) ?? 50 + 10 * i;
    return {
      inventory: {
        minerId: `${spec.prefix ?? 'm'}-${String(i).padStart(4, '0')}`,
        siteId: sites[i % sites.length] ?? 'site-a',
        model: 'Antminer S19',
        nominalPowerW: powerW,
        nominalHashrateThs: hashrateThs,
        status: 'online',
        commandable: true,
        capabilities: ['curtail_full'],
      },
      profile: { behaviour: 'normal', powerW, hashrateThs },
    };
  });
}

export async function waitFor<T>(
  probe: () => Promise<T | undefined | false>,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${options.what ?? 'condition'}${last ? `: ${String(last)}` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}

/** Waits until every simulated miner that reports has a stored sample. */
export async function waitForTelemetry(stack: Stack, expected: number): Promise<void> {
  await waitFor(
    async () => {
      await stack.simulator?.publishNow();
      const fleet = await stack.deps.fleet.loadFleet(stack.orgId);
      return fleet.filter((miner) => miner.telemetry).length >= expected;
    },
    { what: `telemetry from ${expected} miners`, intervalMs: 200 },
  );
}

export interface ApiResponse {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

export function apiClient(stack: Stack) {
  return async function call(
    method: string,
    path: string,
    options: {
      role?: 'viewer' | 'operator' | 'admin';
      org?: string;
      body?: unknown;
      token?: string | null;
    } = {},
  ): Promise<ApiResponse> {
    const token =
      options.token === null
        ? undefined
        : (options.token ?? (await stack.token(options.role ?? 'admin', options.org)));
    const response = await fetch(`${stack.apiUrl}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(options.body !== undefined
        ? { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }
        : {}),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? JSON.parse(text) : {},
      headers: response.headers,
    };
  };
}
