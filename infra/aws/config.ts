// Deployment settings read from CDK context (cdk.json, cdk.context.json or `-c key=value`) and
// the resource names derived from the stage, so both stacks agree without cross-stack exports.

import { join } from 'node:path';
import type { Node } from 'constructs';

export type Stage = 'dev' | 'prod';

export interface CurtailSettings {
  stage: Stage;
  /** `curtail-{stage}`: every named resource starts with it. */
  prefix: string;
  /** An external OIDC issuer and audience replace the Cognito user pool when both are set. */
  oidc?: { issuer: string; audience: string };
  /** The portal's origin (scheme://host[:port]) allowed by CORS; no CORS without it. */
  portalOrigin?: string;
  /** The account's `iot:Data-ATS` endpoint; looked up at deploy time when absent. */
  iotDataEndpoint?: string;
  /** Subscribed to the alarm topic when set (the subscription must be confirmed by mail). */
  alarmEmail?: string;
}

/** The repository root: entries, the ASL file and the lockfile are resolved from here. */
export const REPO_ROOT = join(import.meta.dirname, '..', '..');

function optionalString(node: Node, key: string): string | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new Error(`context ${key} must be a string`);
  return value.trim();
}

export function readSettings(node: Node): CurtailSettings {
  const stage = optionalString(node, 'stage') ?? 'dev';
  if (stage !== 'dev' && stage !== 'prod') {
    throw new Error(`context stage must be dev or prod, not ${stage}`);
  }
  const issuer = optionalString(node, 'oidcIssuer');
  const audience = optionalString(node, 'oidcAudience');
  if ((issuer === undefined) !== (audience === undefined)) {
    throw new Error('context oidcIssuer and oidcAudience must be given together');
  }
  if (issuer && !issuer.startsWith('https://')) throw new Error('oidcIssuer must be https');
  const portalOrigin = optionalString(node, 'portalOrigin');
  if (portalOrigin && !/^https?:\/\/[^/]+$/.test(portalOrigin)) {
    throw new Error('portalOrigin must be an origin such as https://portal.example.com');
  }
  const iotDataEndpoint = optionalString(node, 'iotDataEndpoint');
  const alarmEmail = optionalString(node, 'alarmEmail');
  return {
    stage,
    prefix: `curtail-${stage}`,
    ...(issuer && audience ? { oidc: { issuer, audience } } : {}),
    ...(portalOrigin ? { portalOrigin } : {}),
    ...(iotDataEndpoint ? { iotDataEndpoint } : {}),
    ...(alarmEmail ? { alarmEmail } : {}),
  };
}

/** Physical names both stacks derive from the settings (fixed names avoid export lock-in). */
export function resourceNames(settings: CurtailSettings) {
  const { prefix, stage } = settings;
  return {
    table: prefix,
    alarmTopic: `${prefix}-alarms`,
    stateMachine: `${prefix}-event-workflow`,
    api: `${prefix}-api`,
    userPool: `${prefix}-users`,
    dashboard: prefix,
    /** IoT rule names allow only letters, digits and underscores. */
    telemetryRule: `curtail_${stage}_telemetry`,
    /** Per-source signing secrets: `curtail/{stage}/sources/{orgId}/{sourceId}`. */
    sourceSecretPrefix: `curtail/${stage}/sources/`,
    minerPolicy: `${prefix}-miner`,
    gatewayPolicy: `${prefix}-site-gateway`,
  };
}

export type ResourceNames = ReturnType<typeof resourceNames>;
