// Building and publishing miner commands. Command ids are derived from the event, phase,
// wave, attempt and miner, so a step repeated after a crash sends the same ids and miners
// drop the duplicates.

import { createHash } from 'node:crypto';
import type { TargetPhase } from '../../domain/event';
import type { MinerCommand } from '../../ports/publisher';
import type { Deps } from '../deps';

export function commandId(
  eventId: string,
  phase: TargetPhase,
  wave: number,
  attempt: number,
  minerId: string,
) {
  const hex = createHash('sha256')
    .update(`${eventId}|${phase}|${wave}|${attempt}|${minerId}`)
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export async function publishWave(
  deps: Deps,
  orgId: string,
  eventId: string,
  spec: { phase: TargetPhase; wave: number; attempt: number; minerIds: string[]; ttlSec: number },
) {
  const issued = deps.clock.now();
  const expiresAt = new Date(issued.getTime() + spec.ttlSec * 1000).toISOString();
  const commands: MinerCommand[] = spec.minerIds.map((minerId) => ({
    commandId: commandId(eventId, spec.phase, spec.wave, spec.attempt, minerId),
    eventId,
    minerId,
    action: spec.phase === 'curtail' ? 'curtail' : 'restore',
    level: 'full',
    issuedAt: issued.toISOString(),
    expiresAt,
  }));
  if (commands.length === 0) return;
  const outcome = await deps.publisher.publish(orgId, commands);
  deps.metrics.count('CommandsPublished', outcome.sent.size);
  if (outcome.failed.size > 0) {
    deps.metrics.count('CommandPublishFailed', outcome.failed.size);
    deps.logger.warn('commands not accepted by the broker', {
      eventId,
      phase: spec.phase,
      wave: spec.wave,
      failed: outcome.failed.size,
      firstError: outcome.failed.values().next().value,
    });
  }
  deps.logger.info('wave published', {
    eventId,
    phase: spec.phase,
    wave: spec.wave,
    attempt: spec.attempt,
    miners: commands.length,
  });
}
