// The telemetry message a site gateway or a miner publishes on
// curtail/v1/{orgId}/sites/{siteId}/telemetry.

import { z } from 'zod';
import { MINER_STATUSES } from './fleet';

export const MAX_SAMPLES_PER_MESSAGE = 500;

export const telemetrySampleSchema = z.strictObject({
  minerId: z.string().min(1).max(128),
  at: z.iso.datetime({ offset: true }),
  powerW: z.number().finite().min(0).max(100_000),
  hashrateThs: z.number().finite().min(0).max(100_000),
  status: z.enum(MINER_STATUSES).optional(),
  curtailed: z.boolean().optional(),
});

export const telemetryMessageSchema = z.strictObject({
  samples: z.array(telemetrySampleSchema).min(1).max(MAX_SAMPLES_PER_MESSAGE),
});

export type TelemetryMessage = z.infer<typeof telemetryMessageSchema>;

export function telemetryTopic(orgId: string, siteId: string): string {
  return `curtail/v1/${orgId}/sites/${siteId}/telemetry`;
}
