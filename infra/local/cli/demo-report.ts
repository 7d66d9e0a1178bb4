// The demo's end-of-run summary: restore waves derived from the commands the simulated miners
// received, timings against the start and stop requests, and the pass/fail verdict.

import type { ReceivedCommand } from '../simulator/simulator';
import type { TargetView } from './demo-api';
import { kw, percent } from './demo-follow';
import type { TopUp } from './demo-topup';

export interface RestoreWave {
  size: number;
  sentAfterMs: number;
  retries: number;
  /** When the wave's last miner was confirmed running, relative to the stop request. */
  confirmedAfterMs: number | undefined;
}

/**
 * Groups the first restore command each miner received into bursts: the workflow publishes a
 * wave in one go and waits for it to settle plus the batch interval before the next one.
 */
export function restoreWaves(
  commands: ReceivedCommand[],
  eventId: string,
  stopAt: number,
  targets: TargetView[],
  gapMs = 750,
): RestoreWave[] {
  const restores = commands
    .filter((c) => c.eventId === eventId && c.action === 'restore' && !c.duplicate)
    .sort((a, b) => a.receivedAt - b.receivedAt);
  const confirmedAt = new Map(
    targets
      .filter((t) => t.phase === 'restore' && t.state === 'resolved' && t.confirmedAt)
      .map((t) => [t.minerId, Date.parse(t.confirmedAt ?? '')]),
  );
  const seen = new Set<string>();
  const waves: { first: number; last: number; miners: string[]; retries: number }[] = [];
  for (const command of restores) {
    if (seen.has(command.minerId)) {
      const owner = waves.find((w) => w.miners.includes(command.minerId));
      if (owner) owner.retries += 1;
      continue;
    }
    seen.add(command.minerId);
    const current = waves.at(-1);
    if (current && command.receivedAt - current.last <= gapMs) {
      current.miners.push(command.minerId);
      current.last = command.receivedAt;
    } else {
      waves.push({
        first: command.receivedAt,
        last: command.receivedAt,
        miners: [command.minerId],
        retries: 0,
      });
    }
  }
  return waves.map((wave) => {
    const times = wave.miners.map((id) => confirmedAt.get(id));
    const all = times.every((t) => t !== undefined);
    const latest = Math.max(...times.map((t) => t ?? 0));
    return {
      size: wave.miners.length,
      sentAfterMs: wave.first - stopAt,
      retries: wave.retries,
      confirmedAfterMs: all ? latest - stopAt : undefined,
    };
  });
}

export interface Summary {
  share: number;
  eligibleKw: number;
  requestedKw: number;
  shedAtActivationKw: number | undefined;
  heldKw: number | undefined;
  peakKw: number;
  selected: number;
  skippedAggregate: Record<string, number>;
  firstCommandMs: number | undefined;
  activationMs: number | undefined;
  topUps: (TopUp & { finalState: string })[];
  waves: RestoreWave[];
  failures: TargetView[];
  finalState: string;
  logErrors: number;
  wallMs: number;
  passed: boolean;
}

const MAX_LISTED = 15;
const seconds = (ms: number | undefined) =>
  ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(2)} s`;
const row = (label: string, value: string) => `  ${label.padEnd(36)} ${value}`;

export function formatSummary(s: Summary): string {
  const pct = (value: number | undefined) =>
    value === undefined ? '' : ` (${((100 * value) / s.requestedKw).toFixed(1)} % of request)`;
  const skipped = Object.entries(s.skippedAggregate)
    .sort((a, b) => b[1] - a[1])
    .map(([reason, count]) => `${reason} ${count}`);
  const lines = [
    '',
    '── summary ─────────────────────────────────────────────────────────────────────',
    row(
      'requested',
      `${kw(s.requestedKw)} kW (${percent(s.share)} % of ${kw(s.eligibleKw)} kW eligible)`,
    ),
    row(
      'shed at activation (telemetry)',
      `${kw(s.shedAtActivationKw ?? 0)} kW${pct(s.shedAtActivationKw)}`,
    ),
    row('shed held through the hold (min)', `${kw(s.heldKw ?? 0)} kW${pct(s.heldKw)}`),
    row('peak shed (telemetry)', `${kw(s.peakKw)} kW${pct(s.peakKw)}`),
    row('miners selected', String(s.selected)),
    row('skipped by reason', skipped.slice(0, 4).join(', ') || 'none'),
    ...chunk(skipped.slice(4), 4).map((part) => row('', part.join(', '))),
    row('time to first command', seconds(s.firstCommandMs)),
    row('time to all confirmed (active)', seconds(s.activationMs)),
    row('restore waves', `${s.waves.length} (times from the stop request)`),
    ...s.waves.map((wave, i) =>
      row(
        `  wave ${i + 1}`,
        `${String(wave.size).padStart(4)} miners, sent +${seconds(wave.sentAfterMs)}, ` +
          `all running +${seconds(wave.confirmedAfterMs)}` +
          (wave.retries > 0 ? `, ${wave.retries} resent` : ''),
      ),
    ),
    row('failures', s.failures.length === 0 ? 'none' : String(s.failures.length)),
    ...s.failures
      .slice(0, MAX_LISTED)
      .map((t) => row('', `${t.minerId} (${t.state}): ${t.lastError ?? ''}`)),
    ...(s.failures.length > MAX_LISTED
      ? [row('', `... and ${s.failures.length - MAX_LISTED} more`)]
      : []),
    row('error lines in the log', String(s.logErrors)),
    row('final state', s.finalState),
    ...(s.topUps.length > 0
      ? [row('top-up final states', s.topUps.map((t) => t.finalState).join(', '))]
      : []),
    row('wall time', seconds(s.wallMs)),
    row('result', s.passed ? 'PASS' : 'FAIL'),
    '',
  ];
  return lines.join('\n');
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
