// Request schemas of the HTTP API. They validate every request and are the source of the
// OpenAPI document, so the contract and the checks cannot drift apart.

import { z } from 'zod';
import { EVENT_STATES, type StartRequestFields } from '../../domain/event';
import { MINER_STATUSES } from '../../domain/fleet';
import type { PlanRequest } from '../../domain/plan';
import { signalSchemaShape } from '../../domain/signal';
import { isPrintableText } from '../../domain/text';

export const ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
const id = (what: string) =>
  z.string().regex(ID_PATTERN, `${what} must be 1-128 characters of letters, digits and . _ : -`);
export const minerIdSchema = id('minerId');
export const siteIdSchema = id('siteId');

const uniqueList = <T extends z.ZodType>(item: T, min: number, max: number, what: string) =>
  z
    .array(item)
    .min(min)
    .max(max)
    .refine((list) => new Set(list).size === list.length, `${what} must not repeat`);

export const scopeSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('org') }),
  z.strictObject({
    type: z.literal('sites'),
    siteIds: uniqueList(siteIdSchema, 1, 256, 'siteIds'),
  }),
  z.strictObject({
    type: z.literal('miners'),
    minerIds: uniqueList(minerIdSchema, 1, 10_000, 'minerIds'),
  }),
]);

const kw = z.number().finite();
const seconds = (max: number) => z.int().min(0).max(max);

const planFields = {
  scope: scopeSchema,
  mode: z.enum(['fixed_kw', 'full_fleet']),
  targetKw: kw.positive().optional(),
  toleranceKw: kw.min(0).optional(),
  strategy: z.literal('least_efficient_first').optional(),
  level: z.literal('full').optional(),
  priority: z.enum(['normal', 'emergency']).optional(),
  includeMaintenance: z.boolean().optional(),
  forceIncludeMaintenance: z.boolean().optional(),
  candidateMinPowerWOverride: z.int().min(1).max(10_000_000).optional(),
  postEventCooldownSec: seconds(86_400).optional(),
};

type PlanInput = z.infer<z.ZodObject<typeof planFields>>;

function checkPlan(plan: PlanInput, ctx: z.RefinementCtx) {
  if (plan.mode === 'fixed_kw' && plan.targetKw === undefined) {
    ctx.addIssue({ code: 'custom', path: ['targetKw'], message: 'required for fixed_kw' });
  }
  if (plan.mode === 'full_fleet' && plan.targetKw !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['targetKw'], message: 'not allowed for full_fleet' });
  }
  if (plan.mode === 'full_fleet' && plan.toleranceKw !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['toleranceKw'], message: 'not allowed for full_fleet' });
  }
  if (
    plan.targetKw !== undefined &&
    plan.targetKw > 0 &&
    (plan.toleranceKw ?? 0) >= plan.targetKw
  ) {
    ctx.addIssue({ code: 'custom', path: ['toleranceKw'], message: 'must be less than targetKw' });
  }
  if ((plan.includeMaintenance ?? false) !== (plan.forceIncludeMaintenance ?? false)) {
    ctx.addIssue({
      code: 'custom',
      path: ['forceIncludeMaintenance'],
      message: 'includeMaintenance and forceIncludeMaintenance must be equal',
    });
  }
}

function toPlan(plan: PlanInput): PlanRequest {
  return {
    scope: plan.scope,
    mode: plan.mode,
    ...(plan.targetKw !== undefined ? { targetKw: plan.targetKw } : {}),
    toleranceKw: plan.toleranceKw ?? 0,
    strategy: 'least_efficient_first',
    level: 'full',
    priority: plan.priority ?? 'normal',
    includeMaintenance: plan.includeMaintenance ?? false,
    forceIncludeMaintenance: plan.forceIncludeMaintenance ?? false,
    ...(plan.candidateMinPowerWOverride !== undefined
      ? { candidateMinPowerWOverride: plan.candidateMinPowerWOverride }
      : {}),
    postEventCooldownSec: plan.priority === 'emergency' ? 0 : (plan.postEventCooldownSec ?? 0),
  };
}

export const previewBody = z.strictObject(planFields).superRefine(checkPlan).transform(toPlan);

/** Counted in characters, not UTF-16 units, and never blank. */
/**
 * Free text that is stored and shown back: no control characters and no lone surrogates, which
 * strict JSON clients cannot read back.
 */
export const cleanText = (max: number) =>
  z
    .string()
    .refine(isPrintableText, 'must be printable text (no control characters or lone surrogates)')
    .refine((value) => [...value].length <= max, `must be at most ${max} characters`);

export const reasonSchema = cleanText(256).refine(
  (value) => value.trim().length > 0,
  'must not be blank',
);

const optionalText = (max: number) =>
  cleanText(max)
    .optional()
    .transform((value) => (value === '' ? undefined : value));

const startFields = {
  ...planFields,
  reason: reasonSchema,
  maxDurationSeconds: seconds(604_800).optional(),
  allowUnbounded: z.boolean().optional(),
  restoreBatchSize: z.int().min(0).max(10_000).optional(),
  restoreBatchIntervalSec: seconds(3_600).optional(),
  curtailBatchSize: z.int().min(1).max(10_000).optional(),
  curtailBatchIntervalSec: seconds(3_600).optional(),
  minCurtailedDurationSec: seconds(604_800).optional(),
  scheduledStartAt: z.iso.datetime({ offset: true }).optional(),
  idempotencyKey: optionalText(256),
  externalSource: optionalText(256),
  externalReference: optionalText(256),
};

type StartInput = z.infer<z.ZodObject<typeof startFields>>;

export const startBody = z
  .strictObject(startFields)
  .superRefine((start, ctx) => {
    checkPlan(start, ctx);
    if (start.allowUnbounded && (start.maxDurationSeconds ?? 0) !== 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxDurationSeconds'],
        message: 'must be 0 or unset when allowUnbounded is true',
      });
    }
    if (start.curtailBatchIntervalSec !== undefined && start.curtailBatchSize === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['curtailBatchIntervalSec'],
        message: 'needs curtailBatchSize',
      });
    }
  })
  .transform(
    (start: StartInput): StartRequestFields => ({
      ...toPlan(start),
      reason: start.reason,
      maxDurationSeconds: start.maxDurationSeconds ?? 0,
      allowUnbounded: start.allowUnbounded ?? false,
      restoreBatchSize: start.restoreBatchSize ?? 0,
      restoreBatchIntervalSec: start.restoreBatchIntervalSec ?? 0,
      ...(start.curtailBatchSize !== undefined ? { curtailBatchSize: start.curtailBatchSize } : {}),
      curtailBatchIntervalSec: start.curtailBatchIntervalSec ?? 0,
      minCurtailedDurationSec: start.minCurtailedDurationSec ?? 0,
      ...(start.scheduledStartAt
        ? { scheduledStartAt: new Date(start.scheduledStartAt).toISOString() }
        : {}),
      ...(start.idempotencyKey ? { idempotencyKey: start.idempotencyKey } : {}),
      ...(start.externalSource ? { externalSource: start.externalSource } : {}),
      ...(start.externalReference ? { externalReference: start.externalReference } : {}),
    }),
  );

export const eventPath = z.strictObject({ eventId: z.uuid('eventId must be a UUID') });

const intParam = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,15}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.int().min(min).max(max));

export const getEventQuery = z.strictObject({
  targetPageSize: intParam(0, 1_000).optional(),
  targetPageToken: z.string().max(1_024).optional(),
});

export const stopBody = z.strictObject({ force: z.boolean().optional() });

export const minerSchema = z.strictObject({
  minerId: minerIdSchema,
  siteId: siteIdSchema,
  model: z.string().min(1).max(64),
  nominalPowerW: z.number().finite().positive().max(100_000),
  nominalHashrateThs: z.number().finite().min(0).max(100_000),
  status: z.enum(MINER_STATUSES),
  commandable: z.boolean(),
  capabilities: uniqueList(z.string().regex(/^[a-z][a-z0-9_]{0,63}$/), 0, 16, 'capabilities'),
});

export const upsertMinersBody = z.strictObject({
  miners: z
    .array(minerSchema)
    .min(1)
    .max(1_000)
    .refine(
      (miners) => new Set(miners.map((m) => m.minerId)).size === miners.length,
      'a minerId appears more than once',
    ),
});

export const listMinersQuery = z.strictObject({
  pageSize: intParam(1, 1_000).optional(),
  pageToken: z.string().max(1_024).optional(),
  siteId: siteIdSchema.optional(),
});

/** Repeated query keys arrive joined by commas (API Gateway's payload 2.0 convention). */
export const listEventsQuery = z.strictObject({
  pageSize: intParam(0, 200).optional(),
  pageToken: z.string().max(1_024).optional(),
  state: z
    .string()
    .transform((value) => value.split(','))
    .pipe(uniqueList(z.enum(EVENT_STATES), 1, 7, 'state'))
    .optional(),
});

export const updateBody = z
  .strictObject({
    reason: reasonSchema.optional(),
    restoreBatchIntervalSec: seconds(3_600).optional(),
    maxDurationSeconds: z.int().min(1).max(604_800).optional(),
    restoreBatchSize: z.int().min(0).max(10_000).optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'at least one field is required');

export const terminateBody = z.strictObject({
  targetState: z.enum(['cancelled', 'failed']),
  reason: reasonSchema,
});

export const releaseBody = z.strictObject({ reason: reasonSchema });

export const auditQuery = z.strictObject({
  eventId: z.uuid('eventId must be a UUID').optional(),
  pageSize: intParam(1, 200).optional(),
  pageToken: z.string().max(1_024).optional(),
});

export const settingsBody = z
  .strictObject({
    maxDurationDefaultSec: z.int().min(1).max(604_800),
    candidateMinPowerW: z.int().min(1).max(10_000_000),
    nonAdminIntervalCapSec: z.int().min(0).max(3_600),
    curtailConfirmTimeoutSec: z.int().min(1).max(3_600),
    restoreConfirmTimeoutSec: z.int().min(1).max(3_600),
    restoreMaxRetries: z.int().min(0).max(100),
    curtailMaxRetries: z.int().min(0).max(100),
  })
  .partial()
  .refine((body) => Object.keys(body).length > 0, 'at least one field is required');

export const signalBody = z.strictObject({ ...signalSchemaShape, scope: scopeSchema.optional() });

export const sourcePath = z.strictObject({
  sourceId: z.string().regex(/^src-[a-z0-9]{16}$/, 'sourceId is not a signal source id'),
});

const levelMapping = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('none') }),
  z.strictObject({ mode: z.literal('full_stop') }),
  z.strictObject({
    mode: z.enum(['reduce_by_kw', 'site_cap_kw']),
    valueKw: z.number().finite().positive(),
  }),
]);

export const createSourceBody = z.strictObject({
  name: cleanText(128).refine((value) => value.trim().length > 0, 'must not be blank'),
  kind: z.enum(['generic', 'openadr3']),
  defaultScope: scopeSchema,
  response: z
    .strictObject({
      restoreBatchSize: z.int().min(0).max(10_000),
      restoreBatchIntervalSec: seconds(3_600),
      curtailBatchSize: z.int().min(1).max(10_000),
      maxDurationSeconds: seconds(604_800),
      openEndedUnbounded: z.boolean(),
      priority: z.enum(['normal', 'emergency']),
      simpleLevels: z.partialRecord(z.enum(['0', '1', '2', '3']), levelMapping),
    })
    .partial()
    .optional(),
});
