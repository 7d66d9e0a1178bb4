// The demo's HTTP client: real bearer tokens over fetch against the local gateway, with the
// few response shapes the demo reads checked by zod (the demo drives the API, not internals).

import { z } from 'zod';

const rollupSchema = z.object({
  pending: z.number(),
  dispatched: z.number(),
  confirmed: z.number(),
  drifted: z.number(),
  curtailFailed: z.number(),
  resolved: z.number(),
  released: z.number(),
  restoreFailed: z.number(),
  total: z.number(),
});
export type Rollup = z.infer<typeof rollupSchema>;

const targetSchema = z.object({
  minerId: z.string(),
  siteId: z.string(),
  phase: z.enum(['curtail', 'restore']),
  state: z.string(),
  baselinePowerW: z.number().optional(),
  observedPowerW: z.number().optional(),
  retryCount: z.number(),
  lastError: z.string().optional(),
  confirmedAt: z.string().optional(),
});
export type TargetView = z.infer<typeof targetSchema>;

const eventSchema = z.object({
  eventId: z.string(),
  state: z.string(),
  targetKw: z.number().optional(),
  startedAt: z.string().optional(),
  endedAt: z.string().optional(),
  effectiveBatchSize: z.number(),
  curtailBatchSize: z.number(),
  rollup: rollupSchema,
  targets: z.array(targetSchema).optional(),
  decisionSnapshot: z
    .object({
      selectedCount: z.number(),
      skippedAggregate: z.record(z.string(), z.number()),
      estimatedReductionKw: z.number(),
    })
    .optional(),
});
export type EventView = z.infer<typeof eventSchema>;

const eventReply = z.object({ event: eventSchema, nextTargetPageToken: z.string().nullish() });

const previewReply = z.object({
  candidates: z.array(z.object({ minerId: z.string(), powerW: z.number() })),
  estimatedReductionKw: z.number(),
  skippedAggregate: z.record(z.string(), z.number()),
});
export type PreviewReply = z.infer<typeof previewReply>;

const minersReply = z.object({
  miners: z.array(
    z.object({
      minerId: z.string(),
      siteId: z.string(),
      telemetry: z.object({ at: z.string(), powerW: z.number() }).optional(),
    }),
  ),
  nextPageToken: z.string().nullish(),
});
export type FleetMiner = z.infer<typeof minersReply>['miners'][number];

export const TERMINAL = ['completed', 'completed_with_failures', 'cancelled', 'failed'];

export class DemoApi {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  private async call<T>(schema: z.ZodType<T>, method: string, path: string, body?: unknown) {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    if (!response.ok) {
      throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
    }
    return schema.parse(JSON.parse(text));
  }

  preview(body: Record<string, unknown>): Promise<PreviewReply> {
    return this.call(previewReply, 'POST', '/v1/preview', body);
  }

  async start(body: Record<string, unknown>): Promise<EventView> {
    return (await this.call(eventReply, 'POST', '/v1/events', body)).event;
  }

  async stop(eventId: string): Promise<EventView> {
    return (await this.call(eventReply, 'POST', `/v1/events/${eventId}/stop`, {})).event;
  }

  /** The event with its rollup and one small page of targets. */
  async event(eventId: string): Promise<EventView> {
    return (await this.call(eventReply, 'GET', `/v1/events/${eventId}?targetPageSize=1`)).event;
  }

  /** Every target of the event, page by page. */
  async targets(eventId: string): Promise<TargetView[]> {
    const all: TargetView[] = [];
    let token: string | null | undefined;
    do {
      const next = token ? `&targetPageToken=${encodeURIComponent(token)}` : '';
      const query = `targetPageSize=1000${next}`;
      const page = await this.call(eventReply, 'GET', `/v1/events/${eventId}?${query}`);
      all.push(...(page.event.targets ?? []));
      token = page.nextTargetPageToken;
    } while (token);
    return all;
  }

  /** The whole fleet inventory with the latest stored telemetry, page by page. */
  async fleet(): Promise<FleetMiner[]> {
    const all: FleetMiner[] = [];
    let token: string | null | undefined;
    do {
      const next = token ? `&pageToken=${encodeURIComponent(token)}` : '';
      const query = `pageSize=1000${next}`;
      const page = await this.call(minersReply, 'GET', `/v1/fleet/miners?${query}`);
      all.push(...page.miners);
      token = page.nextPageToken;
    } while (token);
    return all;
  }
}
