// Bench fleets: a realistic mix from the sample-fleet generator (for previews) or all-healthy
// miners (for events that select every one), with fresh telemetry, and loading them into the
// table through the product's fleet store.

import { generateSampleFleet, type SampleMiner } from '../infra/local/fleet/sample-fleet';
import type { Stack } from '../infra/local/stack';
import type { Miner, TelemetrySample } from '../lib/domain/fleet';
import type { TelemetryWrite } from '../lib/ports/fleet-store';
import { log } from './measure';

export const BENCH_SITES = ['bench-a', 'bench-b', 'bench-c', 'bench-d', 'bench-e'];

/** What a miner of this behaviour would report now; undefined for one that never reports. */
export function sampleFor(miner: SampleMiner, at: string): TelemetrySample | undefined {
  const { behaviour, powerW, hashrateThs } = miner.profile;
  if (behaviour === 'offline' || behaviour === 'silent') return undefined;
  if (behaviour === 'asleep') return { at, powerW: 12, hashrateThs: 0, status: 'sleeping' };
  if (behaviour === 'phantom') return { at, powerW, hashrateThs: 0 };
  return { at, powerW, hashrateThs, status: miner.inventory.status };
}

/** The generator's mix of models and special cases (offline, maintenance, phantom...). */
export function mixedFleet(size: number, prefix: string): SampleMiner[] {
  const fleet = generateSampleFleet({ size, sites: BENCH_SITES, seed: 7 + size });
  return prefix
    ? fleet.map((m) => ({
        ...m,
        inventory: { ...m.inventory, minerId: `${prefix}-${m.inventory.minerId}` },
      }))
    : fleet;
}

/** Healthy miners of 3.0-3.5 kW with distinct efficiencies: every one is selectable. */
export function healthyFleet(size: number, prefix: string): SampleMiner[] {
  return Array.from({ length: size }, (_, i) => {
    const powerW = 3_000 + (i % 501);
    const hashrateThs = 90 + ((i * 7919) % 10_000) / 50;
    return {
      inventory: {
        minerId: `${prefix}-${String(i).padStart(6, '0')}`,
        siteId: BENCH_SITES[i % BENCH_SITES.length] ?? 'bench-a',
        model: 'Antminer S19j Pro',
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

/** The miners as the selector sees them once loaded (for the in-memory selector runs). */
export function asMiners(fleet: SampleMiner[], at: string): Miner[] {
  return fleet.map((miner) => {
    const telemetry = sampleFor(miner, at);
    return { ...miner.inventory, ...(telemetry ? { telemetry } : {}) };
  });
}

/** Telemetry writes grouped by site, as gateways would send them. */
export function bySite(
  fleet: SampleMiner[],
  sample: (miner: SampleMiner) => TelemetrySample | undefined,
): Map<string, TelemetryWrite[]> {
  const sites = new Map<string, TelemetryWrite[]>();
  for (const miner of fleet) {
    const written = sample(miner);
    if (!written) continue;
    const list = sites.get(miner.inventory.siteId) ?? [];
    list.push({ minerId: miner.inventory.minerId, sample: written });
    sites.set(miner.inventory.siteId, list);
  }
  return sites;
}

/** Writes samples site by site in slices of 1,000, a few slices at once. */
export async function writeSamples(
  stack: Stack,
  orgId: string,
  sites: Map<string, TelemetryWrite[]>,
  onProgress?: (written: number) => void,
): Promise<number> {
  const slices: [string, TelemetryWrite[]][] = [];
  for (const [siteId, samples] of sites) {
    for (let i = 0; i < samples.length; i += 1_000) {
      slices.push([siteId, samples.slice(i, i + 1_000)]);
    }
  }
  let written = 0;
  await lanes(slices, 2, async ([siteId, samples]) => {
    const stored = await stack.deps.fleet.writeTelemetry(orgId, siteId, samples);
    written += stored;
    onProgress?.(written);
  });
  return written;
}

/** Upserts the inventory then writes fresh telemetry, printing progress; returns items/s. */
export async function loadFleet(stack: Stack, orgId: string, fleet: SampleMiner[]) {
  const started = performance.now();
  let phaseStart = started;
  let lastLog = started;
  const progress = (what: string, done: number) => {
    if (performance.now() - lastLog < 10_000) return;
    lastLog = performance.now();
    const rate = Math.round(done / ((lastLog - phaseStart) / 1000));
    log(`  ${orgId}: ${what} ${done.toLocaleString('en-US')}/${fleet.length} (${rate}/s)`);
  };
  const batches: SampleMiner[][] = [];
  for (let i = 0; i < fleet.length; i += 1_000) batches.push(fleet.slice(i, i + 1_000));
  let upserted = 0;
  await lanes(batches, 2, async (batch) => {
    await stack.deps.fleet.upsertMiners(
      orgId,
      batch.map((m) => m.inventory),
    );
    upserted += batch.length;
    progress('inventory', upserted);
  });
  const inventoryMs = performance.now() - started;
  phaseStart = performance.now();
  const at = new Date().toISOString();
  const written = await writeSamples(
    stack,
    orgId,
    bySite(fleet, (m) => sampleFor(m, at)),
    (n) => progress('telemetry', n),
  );
  const totalMs = performance.now() - started;
  return {
    inventoryMs,
    telemetryMs: totalMs - inventoryMs,
    totalMs,
    writes: fleet.length + written,
  };
}

/** Runs work over items with `limit` lanes. */
export async function lanes<T>(items: T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++];
      if (item !== undefined) await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
