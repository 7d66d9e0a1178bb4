// A deterministic sample fleet for local runs, demos, benchmarks and tests: the inventory the
// backend sees plus each unit's true behaviour, which only the simulator knows.

import { readFileSync } from 'node:fs';
import type { Miner, MinerStatus } from '../../../lib/domain/fleet';
import { ASIC_MODELS } from './models';
import { apportion, mulberry32, type Random, shuffle, uniform } from './prng';

export type Behaviour =
  | 'normal'
  | 'offline'
  | 'asleep'
  | 'silent'
  | 'phantom'
  | 'ignore_sleep'
  | 'fake_curtail'
  | 'drop_offline';

export const BEHAVIOURS: readonly Behaviour[] = [
  'normal',
  'offline',
  'asleep',
  'silent',
  'phantom',
  'ignore_sleep',
  'fake_curtail',
  'drop_offline',
];

export interface MinerProfile {
  behaviour: Behaviour;
  /** What this particular unit really draws when hashing (nominal ±5 %). */
  powerW: number;
  hashrateThs: number;
}

export type SampleInventory = Omit<Miner, 'telemetry' | 'claimEventId' | 'releasedAt'>;

export interface SampleMiner {
  inventory: SampleInventory;
  profile: MinerProfile;
}

export interface SampleFleetOptions {
  size?: number;
  sites?: string[];
  seed?: number;
}

export const DEFAULT_SITES: readonly string[] = ['tx-west-1', 'tx-west-2', 'ok-north-1'];
export const DEFAULT_FLEET_SIZE = 2_400;
export const DEFAULT_SEED = 20_240_420;
export const MINER_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

const SLOTS_PER_RACK = 40;

interface SpecialCase {
  share: number;
  status: MinerStatus;
  behaviour: Behaviour;
}

// Mutually exclusive; whatever is left is an ordinary online unit that obeys commands.
const SPECIAL_CASES: readonly SpecialCase[] = [
  { share: 0.03, status: 'offline', behaviour: 'offline' },
  { share: 0.03, status: 'maintenance', behaviour: 'normal' },
  { share: 0.02, status: 'sleeping', behaviour: 'asleep' },
  { share: 0.02, status: 'online', behaviour: 'silent' },
  { share: 0.01, status: 'online', behaviour: 'phantom' },
  { share: 0.01, status: 'updating', behaviour: 'normal' },
  { share: 0.005, status: 'reboot_required', behaviour: 'normal' },
  { share: 0.005, status: 'online', behaviour: 'ignore_sleep' },
  { share: 0.005, status: 'online', behaviour: 'fake_curtail' },
];
const NO_CURTAIL_CAPABILITY_SHARE = 0.02;
const NOT_COMMANDABLE_SHARE = 0.01;

export function generateSampleFleet(options: SampleFleetOptions = {}): SampleMiner[] {
  const size = options.size ?? DEFAULT_FLEET_SIZE;
  const sites = options.sites ?? [...DEFAULT_SITES];
  if (!Number.isInteger(size) || size < 0) throw new Error(`invalid fleet size ${size}`);
  if (sites.length === 0 && size > 0) throw new Error('a fleet needs at least one site');
  const random = mulberry32(options.seed ?? DEFAULT_SEED);

  const miners: SampleMiner[] = [];
  const perSite = apportion(
    size,
    sites.map(() => 1),
  );
  sites.forEach((siteId, siteIndex) => {
    const models = siteModelLayout(random, perSite[siteIndex] ?? 0);
    models.forEach((spec, i) => {
      const rack = String(Math.floor(i / SLOTS_PER_RACK) + 1).padStart(2, '0');
      const slot = String((i % SLOTS_PER_RACK) + 1).padStart(2, '0');
      miners.push({
        inventory: {
          minerId: `${siteId}-r${rack}-s${slot}`,
          siteId,
          model: spec.model,
          nominalPowerW: spec.powerW,
          nominalHashrateThs: spec.hashrateThs,
          status: 'online',
          commandable: true,
          capabilities: ['curtail_full'],
        },
        profile: {
          behaviour: 'normal',
          powerW: Math.round(spec.powerW * uniform(random, 0.95, 1.05)),
          hashrateThs: round2(spec.hashrateThs * uniform(random, 0.95, 1.05)),
        },
      });
    });
  });

  const pool = shuffle(
    random,
    miners.map((_, i) => i),
  );
  let next = 0;
  for (const special of SPECIAL_CASES) {
    for (let n = Math.round(size * special.share); n > 0 && next < pool.length; n--) {
      const miner = miners[pool[next++] ?? -1];
      if (!miner) continue;
      miner.inventory.status = special.status;
      miner.profile.behaviour = special.behaviour;
    }
  }
  for (const miner of pick(random, miners, NO_CURTAIL_CAPABILITY_SHARE)) {
    miner.inventory.capabilities = [];
  }
  for (const miner of pick(random, miners, NOT_COMMANDABLE_SHARE)) {
    miner.inventory.commandable = false;
  }
  return miners;
}

/** The default fleet as committed in sample-fleet.json (regenerate with generate.ts). */
export function loadSampleFleet(): SampleMiner[] {
  const text = readFileSync(new URL('./sample-fleet.json', import.meta.url), 'utf8');
  return JSON.parse(text) as SampleMiner[];
}

// Sites are racked in batches: a site gets its share of each model in contiguous runs (in a
// per-site order), so neighbouring slots usually hold the same model, as in real deployments.
function siteModelLayout(random: Random, count: number) {
  const counts = apportion(
    count,
    ASIC_MODELS.map((m) => m.weight),
  );
  const order = shuffle(
    random,
    ASIC_MODELS.map((_, i) => i),
  );
  return order.flatMap((i) => {
    const spec = ASIC_MODELS[i];
    return spec ? Array.from({ length: counts[i] ?? 0 }, () => spec) : [];
  });
}

function pick<T>(random: Random, items: T[], share: number): T[] {
  return shuffle(random, [...items]).slice(0, Math.round(items.length * share));
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
