// Turns the payloads of one OpenADR interval into a curtailment obligation. Anything we cannot
// map is refused by name: silently dropping a grid signal is worse than a visible 400.

import {
  fail,
  INVALID_CONFIG,
  isRecord,
  type JsonObject,
  optionalArray,
  optionalString,
  path,
  UNSUPPORTED_PAYLOAD,
} from './openadr-json';
import type { OpenAdrConfig, PlanMode } from './openadr-types';

export interface Obligation {
  mode: PlanMode;
  valueKw?: number;
  emergency: boolean;
}

export const NO_OBLIGATION: Obligation = { mode: 'none', emergency: false };

// Both are a ceiling on what the site draws: a setpoint is the load to reach, a limit the load
// not to exceed, and from the fleet's side the response is the same.
const POWER_TYPES = ['IMPORT_CAPACITY_LIMIT', 'DISPATCH_SETPOINT'];
// A black start rebuilds the grid from nothing; a large load coming back then is as harmful as
// during an emergency, so both stop everything.
const EMERGENCY_ALERTS = ['ALERT_GRID_EMERGENCY', 'ALERT_BLACK_START'];
// Defined alerts that ask nothing of a load: recorded in `ignored`, never refused, so a VTN that
// broadcasts weather warnings does not see its notifications bounce.
const INFORMATIONAL_ALERTS = [
  'ALERT_POSSIBLE_OUTAGE',
  'ALERT_FLEX_ALERT',
  'ALERT_FIRE',
  'ALERT_FREEZING',
  'ALERT_WIND',
  'ALERT_TSUNAMI',
  'ALERT_AIR_QUALITY',
  'ALERT_OTHER',
];
export const SUPPORTED_PAYLOAD_TYPES = [
  ...POWER_TYPES,
  'SIMPLE',
  ...EMERGENCY_ALERTS,
  ...INFORMATIONAL_ALERTS,
];

// Units the power payloads may declare. The OpenADR enumeration only has KW; W and MW are
// private strings some programs use, and the conversion is unambiguous.
const kilowatts = (value: number): number => value;
const TO_KW: Record<string, (value: number) => number> = {
  KW: kilowatts,
  W: (value) => value / 1000,
  MW: (value) => value * 1000,
};

const RANK: Record<PlanMode, number> = { none: 0, reduce_by_kw: 1, site_cap_kw: 2, full_stop: 3 };

/**
 * The more demanding of two obligations: full stop over a site cap over a reduction; between two
 * caps the lower one, between two reductions the larger one. An emergency flag is never lost.
 */
export function stronger(a: Obligation, b: Obligation): Obligation {
  const emergency = a.emergency || b.emergency;
  if (RANK[a.mode] !== RANK[b.mode]) return { ...(RANK[a.mode] > RANK[b.mode] ? a : b), emergency };
  if (a.mode === 'site_cap_kw' || a.mode === 'reduce_by_kw') {
    const pick = a.mode === 'site_cap_kw' ? Math.min : Math.max;
    return { mode: a.mode, valueKw: pick(a.valueKw ?? 0, b.valueKw ?? 0), emergency };
  }
  return { mode: a.mode, emergency };
}

export type PowerUnits = Map<string, (value: number) => number>;

/** Units per power payload type from the event's payloadDescriptors; kW when undeclared. */
export function readPowerUnits(event: JsonObject, at: string): PowerUnits {
  const units: PowerUnits = new Map();
  const descriptorsAt = path(at, 'payloadDescriptors');
  const descriptors = optionalArray(event, 'payloadDescriptors', at) ?? [];
  for (const [index, descriptor] of descriptors.entries()) {
    const descriptorAt = path(descriptorsAt, index);
    if (!isRecord(descriptor)) fail(descriptorAt, 'must be an object');
    const type = optionalString(descriptor, 'payloadType', descriptorAt)?.toUpperCase();
    if (type === undefined || !POWER_TYPES.includes(type)) continue;
    const declared = optionalString(descriptor, 'units', descriptorAt);
    const convert = TO_KW[(declared ?? 'KW').toUpperCase()];
    if (!convert) {
      fail(
        path(descriptorAt, 'units'),
        `'${declared}' is not a power unit for ${type}; expected KW (or W, MW)`,
        UNSUPPORTED_PAYLOAD,
        { payloadType: type, units: declared },
      );
    }
    units.set(type, convert);
  }
  return units;
}

function simpleLevel(config: OpenAdrConfig, level: number, at: string): Obligation {
  const key = String(level);
  const mapping = Object.hasOwn(config.simpleLevels, key) ? config.simpleLevels[key] : undefined;
  if (!mapping) {
    return fail(
      at,
      `SIMPLE level ${level} has no mapping in this source's simpleLevels configuration`,
      UNSUPPORTED_PAYLOAD,
      { payloadType: 'SIMPLE', level },
    );
  }
  if (mapping.mode === 'none') return NO_OBLIGATION;
  if (mapping.mode === 'full_stop') return { mode: 'full_stop', emergency: false };
  const valueKw = mapping.valueKw;
  const valid =
    (mapping.mode === 'site_cap_kw' || mapping.mode === 'reduce_by_kw') &&
    typeof valueKw === 'number' &&
    Number.isFinite(valueKw) &&
    (mapping.mode === 'site_cap_kw' ? valueKw >= 0 : valueKw > 0);
  if (!valid) {
    return fail(
      `simpleLevels.${key}`,
      `the mapping for SIMPLE level ${level} needs mode none, full_stop, or a kW value`,
      INVALID_CONFIG,
      { level },
    );
  }
  return { mode: mapping.mode, valueKw, emergency: false };
}

export interface IntervalPayloads {
  /** One obligation per sub-interval; several when a payload packs several values. */
  steps: Obligation[];
  notes: { objectType: string; reason: string }[];
}

/** The obligations of one interval. With several payloads the strongest wins at each step. */
export function evaluatePayloads(
  interval: JsonObject,
  at: string,
  units: PowerUnits,
  config: OpenAdrConfig,
): IntervalPayloads {
  const fixed: Obligation[] = [];
  const series: { at: string; values: Obligation[] }[] = [];
  const notes: IntervalPayloads['notes'] = [];
  const payloadsAt = path(at, 'payloads');
  const payloads = optionalArray(interval, 'payloads', at) ?? [];
  for (const [index, payload] of payloads.entries()) {
    const payloadAt = path(payloadsAt, index);
    if (!isRecord(payload)) fail(payloadAt, 'must be an object');
    const sent = optionalString(payload, 'type', payloadAt);
    if (sent === undefined) fail(path(payloadAt, 'type'), 'is required');
    const type = sent.toUpperCase();
    const valuesAt = path(payloadAt, 'values');
    const values = optionalArray(payload, 'values', payloadAt) ?? [];
    if (EMERGENCY_ALERTS.includes(type)) {
      fixed.push({ mode: 'full_stop', emergency: true });
      continue;
    }
    if (INFORMATIONAL_ALERTS.includes(type)) {
      notes.push({ objectType: type, reason: `${payloadAt}: informational, no load obligation` });
      continue;
    }
    if (!POWER_TYPES.includes(type) && type !== 'SIMPLE') {
      fail(
        path(payloadAt, 'type'),
        `payload type '${sent}' is not supported; supported: ${SUPPORTED_PAYLOAD_TYPES.join(', ')}`,
        UNSUPPORTED_PAYLOAD,
        { payloadType: sent },
      );
    }
    if (values.length === 0) fail(valuesAt, 'must hold at least one value');
    const convert = units.get(type) ?? kilowatts;
    const obligations = values.map((value, position): Obligation => {
      const valueAt = path(valuesAt, position);
      if (type === 'SIMPLE') {
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 3) {
          return fail(valueAt, 'a SIMPLE level must be an integer from 0 to 3');
        }
        return simpleLevel(config, value, valueAt);
      }
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        return fail(valueAt, `${type} must be a number ≥ 0`);
      }
      return { mode: 'site_cap_kw', valueKw: convert(value), emergency: false };
    });
    series.push({ at: valuesAt, values: obligations });
  }
  return { steps: combine(fixed, series), notes };
}

// Packed values split the interval into equal sub-intervals; payloads in one interval must agree
// on how many, except a single value, which holds for all of them.
function combine(fixed: Obligation[], series: { at: string; values: Obligation[] }[]) {
  const count = Math.max(1, ...series.map((entry) => entry.values.length));
  for (const entry of series) {
    if (entry.values.length !== 1 && entry.values.length !== count) {
      fail(entry.at, `has ${entry.values.length} values where another payload has ${count}`);
    }
  }
  const base = fixed.reduce(stronger, NO_OBLIGATION);
  return Array.from({ length: count }, (_unused, step) =>
    series.reduce(
      (acc, entry) => stronger(acc, entry.values[entry.values.length === 1 ? 0 : step] ?? acc),
      base,
    ),
  );
}
