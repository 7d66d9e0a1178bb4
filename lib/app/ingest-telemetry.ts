// Telemetry in: validates a site's batch, drops samples that say nothing new, and stores the
// rest as each miner's latest sample. Skipping immaterial samples keeps a large fleet
// reporting every minute far below the table's per-partition write ceiling.

import type { TelemetrySample } from '../domain/fleet';
import { telemetryMessageSchema } from '../domain/telemetry';
import type { TelemetryWrite } from '../ports/fleet-store';
import type { Deps } from './deps';

const TOPIC =
  /^curtail\/v1\/([a-z0-9][a-z0-9-]{0,62})\/sites\/([A-Za-z0-9._:-]{1,128})\/telemetry$/;
/** Samples this far in the future are refused: they would shadow every real sample. */
const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

export interface IngestResult {
  accepted: number;
  written: number;
  skipped: number;
  rejected: number;
}

/** Remembers what this process last wrote per miner, to skip samples that change nothing. */
export class MaterialityFilter {
  private readonly last = new Map<string, { sample: TelemetrySample; writtenAt: number }>();

  constructor(private readonly refreshMs: number) {}

  shouldWrite(key: string, sample: TelemetrySample, nowMs: number): boolean {
    const previous = this.last.get(key);
    if (!previous || nowMs - previous.writtenAt >= this.refreshMs) return true;
    const before = previous.sample;
    const powerDelta = Math.abs(sample.powerW - before.powerW);
    return (
      powerDelta > Math.max(50, before.powerW * 0.05) ||
      sample.hashrateThs > 0 !== before.hashrateThs > 0 ||
      sample.status !== before.status ||
      sample.curtailed !== before.curtailed
    );
  }

  remember(key: string, sample: TelemetrySample, nowMs: number): void {
    if (this.last.size > 200_000) this.last.clear();
    this.last.set(key, { sample, writtenAt: nowMs });
  }
}

export async function ingestTelemetry(
  deps: Deps,
  filter: MaterialityFilter,
  topic: string,
  payload: unknown,
): Promise<IngestResult> {
  const match = TOPIC.exec(topic);
  const parsed = telemetryMessageSchema.safeParse(payload);
  if (!match || !parsed.success) {
    deps.metrics.count('TelemetrySamplesRejected', 1);
    deps.logger.warn('telemetry message rejected', {
      topic: topic.slice(0, 200),
      problem: match ? parsed.error?.issues[0]?.message : 'unexpected topic',
    });
    return { accepted: 0, written: 0, skipped: 0, rejected: 1 };
  }
  const [, orgId = '', siteId = ''] = match;
  const nowMs = deps.clock.now().getTime();
  const writes: TelemetryWrite[] = [];
  let rejected = 0;
  for (const raw of parsed.data.samples) {
    const at = Date.parse(raw.at);
    if (at - nowMs > MAX_CLOCK_SKEW_MS) {
      rejected++;
      continue;
    }
    const sample: TelemetrySample = { ...raw, at: new Date(at).toISOString() };
    if (filter.shouldWrite(`${orgId}/${raw.minerId}`, sample, nowMs)) {
      writes.push({ minerId: raw.minerId, sample });
    }
  }
  const written = await deps.fleet.writeTelemetry(orgId, siteId, writes);
  for (const write of writes) filter.remember(`${orgId}/${write.minerId}`, write.sample, nowMs);
  deps.metrics.count('TelemetrySamplesWritten', written);
  if (rejected > 0) deps.metrics.count('TelemetrySamplesRejected', rejected);
  const skipped = parsed.data.samples.length - writes.length - rejected;
  return { accepted: parsed.data.samples.length - rejected, written, skipped, rejected };
}
