// Signals from utilities, aggregators and schedulers, and signal sources: what a signal may
// say, and how a source's defaults turn it into a curtailment.

import { z } from 'zod';
import type { SimpleLevelMapping } from './openadr-types';
import type { Scope } from './plan';
import { isPrintableText } from './text';

export type SignalAction = 'curtail' | 'update' | 'restore' | 'cancel';
export type SignalMode = 'reduce_by_kw' | 'site_cap_kw' | 'full_stop';

export interface Signal {
  externalId: string;
  revision: number;
  action: SignalAction;
  mode: SignalMode;
  valueKw?: number;
  start?: string;
  end?: string;
  priority?: 'normal' | 'emergency';
  scope?: Scope;
  reason?: string;
}

export interface SourceResponse {
  restoreBatchSize: number;
  restoreBatchIntervalSec: number;
  curtailBatchSize?: number;
  /** 0 = the organization default. */
  maxDurationSeconds: number;
  /** An open-ended signal holds until cancelled (true) or for the max duration (false). */
  openEndedUnbounded: boolean;
  priority: 'normal' | 'emergency';
  /** OpenADR SIMPLE levels: what each level asks for. */
  simpleLevels: SimpleLevelMapping;
}

export interface SignalSource {
  orgId: string;
  sourceId: string;
  name: string;
  kind: 'generic' | 'openadr3';
  enabled: boolean;
  defaultScope: Scope;
  response: SourceResponse;
  createdAt: string;
  updatedAt: string;
}

/** Every secret of a source: webhook HMAC secrets (newest first) and OpenADR bearer tokens. */
export interface SourceSecrets {
  webhookSecrets: string[];
  /** SHA-256 (hex) of each accepted OpenADR bearer token. */
  bearerTokenHashes: string[];
}

export const SOURCE_ID = /^src-[a-z0-9]{16}$/;

export function sourceAdmits(source: SignalSource | undefined): source is SignalSource {
  return source !== undefined && source.enabled;
}

/** Plain start fields a signal asks for, before the fleet is looked at. */
export function signalWindow(signal: Signal, now: Date) {
  const startMs = signal.start ? Date.parse(signal.start) : now.getTime();
  // A start already past starts now.
  const effectiveStart = Math.max(startMs, now.getTime());
  const endMs = signal.end ? Date.parse(signal.end) : undefined;
  return {
    scheduledStartAt:
      effectiveStart > now.getTime() + 1_000 ? new Date(effectiveStart).toISOString() : undefined,
    durationSec: endMs !== undefined ? Math.ceil((endMs - effectiveStart) / 1000) : undefined,
    ended: endMs !== undefined && endMs <= now.getTime(),
  };
}

export const signalSchemaShape = {
  externalId: z.string().min(1).max(256).refine(isPrintableText, 'must be printable text'),
  revision: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
  action: z.enum(['curtail', 'update', 'restore', 'cancel']),
  mode: z.enum(['reduce_by_kw', 'site_cap_kw', 'full_stop']),
  valueKw: z.number().finite().positive().max(10_000_000).optional(),
  start: z.iso.datetime({ offset: true }).optional(),
  end: z.iso.datetime({ offset: true }).optional(),
  priority: z.enum(['normal', 'emergency']).optional(),
  reason: z.string().min(1).max(256).refine(isPrintableText, 'must be printable text').optional(),
};
