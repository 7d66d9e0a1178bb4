// Writes the default sample fleet to sample-fleet.json and prints its composition.
// Run with `npm run fleet:generate` (or `npx tsx infra/local/fleet/generate.ts`).

import { writeFileSync } from 'node:fs';
import { generateSampleFleet, type SampleMiner } from './sample-fleet';

function countBy(miners: SampleMiner[], key: (miner: SampleMiner) => string): string {
  const counts = new Map<string, number>();
  for (const miner of miners) counts.set(key(miner), (counts.get(key(miner)) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([name, count]) => `  ${name.padEnd(20)} ${String(count).padStart(5)}`)
    .join('\n');
}

export function describeFleet(miners: SampleMiner[]): string {
  const nominalKw = miners.reduce((sum, m) => sum + m.inventory.nominalPowerW, 0) / 1_000;
  const profileKw = miners.reduce((sum, m) => sum + m.profile.powerW, 0) / 1_000;
  const noCurtail = miners.filter((m) => !m.inventory.capabilities.includes('curtail_full'));
  const notCommandable = miners.filter((m) => !m.inventory.commandable);
  return [
    `${miners.length} miners, nominal ${nominalKw.toFixed(1)} kW (units' real draw ${profileKw.toFixed(1)} kW)`,
    `without curtail_full: ${noCurtail.length}, not commandable: ${notCommandable.length}`,
    `by site:\n${countBy(miners, (m) => m.inventory.siteId)}`,
    `by model:\n${countBy(miners, (m) => m.inventory.model)}`,
    `by inventory status:\n${countBy(miners, (m) => m.inventory.status)}`,
    `by behaviour:\n${countBy(miners, (m) => m.profile.behaviour)}`,
  ].join('\n');
}

// Laid out the way Biome formats JSON (objects and arrays inline when they fit in 100 columns),
// so the committed file passes `biome check` without a reformat after every regeneration.
export function serializeFleet(miners: SampleMiner[]): string {
  return `${layout(miners, '', 0)}\n`;
}

const LINE_WIDTH = 100;

function layout(value: unknown, indent: string, used: number): string {
  const flat = inline(value);
  if (typeof value !== 'object' || value === null) return flat;
  // `used` counts what precedes the value on its line; the +1 is a trailing comma.
  if (indent.length + used + flat.length + 1 <= LINE_WIDTH) return flat;
  const inner = `${indent}  `;
  const lines = Array.isArray(value)
    ? value.map((item) => `${inner}${layout(item, inner, 0)}`)
    : Object.entries(value).map(([key, item]) => {
        const label = `${JSON.stringify(key)}: `;
        return `${inner}${label}${layout(item, inner, label.length)}`;
      });
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  return `${open}\n${lines.join(',\n')}\n${indent}${close}`;
}

function inline(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inline).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${inline(v)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  return JSON.stringify(value);
}

if (import.meta.url === new URL(process.argv[1] ?? '', 'file://').href) {
  const miners = generateSampleFleet();
  const target = new URL('./sample-fleet.json', import.meta.url);
  writeFileSync(target, serializeFleet(miners));
  process.stdout.write(`wrote ${target.pathname}\n${describeFleet(miners)}\n`);
}
