// The sample fleet is the shared fixture for demos, benchmarks and tests: it must be reproducible
// and look like a real fleet, special cases included.

import { describe, expect, it } from 'vitest';
import { serializeFleet } from '../../infra/local/fleet/generate';
import { MODEL_NAMES } from '../../infra/local/fleet/models';
import {
  BEHAVIOURS,
  generateSampleFleet,
  loadSampleFleet,
  MINER_ID_PATTERN,
  type SampleMiner,
} from '../../infra/local/fleet/sample-fleet';
import { MINER_STATUSES } from '../../lib/domain/fleet';

const fleet = generateSampleFleet();

function share(predicate: (miner: SampleMiner) => boolean): number {
  return fleet.filter(predicate).length / fleet.length;
}

describe('generateSampleFleet', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    expect(generateSampleFleet()).toEqual(fleet);
    expect(generateSampleFleet({ seed: 7, size: 300 })).toEqual(
      generateSampleFleet({ seed: 7, size: 300 }),
    );
    expect(generateSampleFleet({ seed: 8, size: 300 })).not.toEqual(
      generateSampleFleet({ seed: 7, size: 300 }),
    );
  });

  it('has at least 2,000 miners over at least 3 sites', () => {
    expect(fleet.length).toBeGreaterThanOrEqual(2_000);
    expect(new Set(fleet.map((m) => m.inventory.siteId)).size).toBeGreaterThanOrEqual(3);
  });

  it('gives every miner a unique, valid id on its own site', () => {
    const ids = fleet.map((m) => m.inventory.minerId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { inventory } of fleet) {
      expect(inventory.minerId).toMatch(MINER_ID_PATTERN);
      expect(inventory.minerId.startsWith(`${inventory.siteId}-`)).toBe(true);
    }
  });

  it('uses only the known models, mostly S19-class or newer, with realistic unit spread', () => {
    for (const { inventory, profile } of fleet) {
      expect(MODEL_NAMES).toContain(inventory.model);
      expect(MINER_STATUSES).toContain(inventory.status);
      expect(BEHAVIOURS).toContain(profile.behaviour);
      expect(Math.abs(profile.powerW / inventory.nominalPowerW - 1)).toBeLessThanOrEqual(0.051);
      expect(Math.abs(profile.hashrateThs / inventory.nominalHashrateThs - 1)).toBeLessThan(0.051);
    }
    const old = share((m) => /S9$|S17/.test(m.inventory.model));
    expect(old).toBeGreaterThan(0);
    expect(old).toBeLessThan(0.1);
  });

  it('has sensible shares of special cases', () => {
    const bounds: [string, (m: SampleMiner) => boolean, number, number][] = [
      [
        'offline',
        (m) => m.inventory.status === 'offline' && m.profile.behaviour === 'offline',
        0.02,
        0.04,
      ],
      ['maintenance', (m) => m.inventory.status === 'maintenance', 0.02, 0.04],
      [
        'sleeping',
        (m) => m.inventory.status === 'sleeping' && m.profile.behaviour === 'asleep',
        0.01,
        0.03,
      ],
      ['silent', (m) => m.profile.behaviour === 'silent', 0.01, 0.03],
      ['phantom', (m) => m.profile.behaviour === 'phantom', 0.005, 0.02],
      ['updating', (m) => m.inventory.status === 'updating', 0.005, 0.02],
      ['reboot_required', (m) => m.inventory.status === 'reboot_required', 0.002, 0.01],
      [
        'misbehaving',
        (m) => ['ignore_sleep', 'fake_curtail'].includes(m.profile.behaviour),
        0.005,
        0.02,
      ],
      ['no curtail_full', (m) => !m.inventory.capabilities.includes('curtail_full'), 0.01, 0.03],
      ['not commandable', (m) => !m.inventory.commandable, 0.005, 0.02],
      ['normal', (m) => m.profile.behaviour === 'normal', 0.8, 0.95],
    ];
    for (const [name, predicate, min, max] of bounds) {
      const value = share(predicate);
      expect(value, name).toBeGreaterThanOrEqual(min);
      expect(value, name).toBeLessThanOrEqual(max);
    }
    expect(share((m) => m.profile.behaviour === 'drop_offline')).toBe(0);
  });

  it('honours size and sites', () => {
    const small = generateSampleFleet({ size: 10, sites: ['a', 'b'] });
    expect(small).toHaveLength(10);
    expect(new Set(small.map((m) => m.inventory.siteId))).toEqual(new Set(['a', 'b']));
  });
});

describe('sample-fleet.json', () => {
  it('is the default fleet as generate.ts writes it', () => {
    expect(loadSampleFleet()).toEqual(fleet);
    expect(JSON.parse(serializeFleet(fleet))).toEqual(fleet);
  });
});
