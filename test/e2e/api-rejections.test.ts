// Every 4xx the API contract (docs: shared/design/api.md) defines for the routes that exist,
// proved over real HTTP on the embedded stack: authentication, roles, validation, body size,
// not found (including another organization's event) and the business-rule refusals.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SampleMiner } from '../../infra/local/fleet/sample-fleet';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '../../infra/local/identity';
import type { Stack } from '../../infra/local/stack';
import { HTTP_ROUTES } from '../../infra/manifest';
import { healthyFleet, startTestStack, waitFor, waitForTelemetry } from '../support/stack';

type Json = Record<string, unknown>;
type Role = 'viewer' | 'operator' | 'admin';
type SigningKey = Parameters<SignJWT['sign']>[0];

interface Res {
  status: number;
  body: Json;
  headers: Headers;
}

interface CallOptions {
  role?: Role;
  org?: string;
  /** A token to send as is; null sends no Authorization header. */
  token?: string | null;
  body?: unknown;
  /** A body sent verbatim (malformed JSON, huge bodies). */
  raw?: string;
  headers?: Record<string, string>;
}

let stack: Stack;
let dataDir: string;

/** One miner of a fixed shape (the simulator reports what the profile says). */
function miner(
  minerId: string,
  siteId: string,
  options: {
    status?: SampleMiner['inventory']['status'];
    commandable?: boolean;
    capabilities?: string[];
    behaviour?: SampleMiner['profile']['behaviour'];
    powerW?: number;
    hashrateThs?: number;
  } = {},
): SampleMiner {
  const powerW = options.powerW ?? 3_200;
  const hashrateThs = options.hashrateThs ?? 100;
  return {
    inventory: {
      minerId,
      siteId,
      model: 'Antminer S19',
      nominalPowerW: powerW,
      nominalHashrateThs: hashrateThs,
      status: options.status ?? 'online',
      commandable: options.commandable ?? true,
      capabilities: options.capabilities ?? ['curtail_full'],
    },
    profile: { behaviour: options.behaviour ?? 'normal', powerW, hashrateThs },
  };
}

// site-x: one miner per exclusion reason the simulator can produce, and four eligible ones
// (12.8 kW in all for fixed_kw).
const SITE_X: SampleMiner[] = [
  miner('x-01-maint', 'site-x', { status: 'maintenance' }),
  miner('x-02-nocmd', 'site-x', { commandable: false }),
  miner('x-03-nocap', 'site-x', { capabilities: [] }),
  miner('x-04-silent', 'site-x', { behaviour: 'silent' }),
  miner('x-05-updating', 'site-x', { status: 'updating' }),
  miner('x-06-reboot', 'site-x', { status: 'reboot_required' }),
  miner('x-07-sleep', 'site-x', { status: 'sleeping', behaviour: 'asleep' }),
  miner('x-08-low-nohash', 'site-x', { behaviour: 'phantom', powerW: 1_000 }),
  miner('x-09-low-hash', 'site-x', { powerW: 1_000, hashrateThs: 50 }),
  miner('x-10-phantom', 'site-x', { behaviour: 'phantom' }),
  miner('x-11-ok', 'site-x', { hashrateThs: 80 }),
  miner('x-12-ok', 'site-x'),
  miner('x-13-ok', 'site-x'),
  miner('x-14-ok', 'site-x'),
];
const FLEET: SampleMiner[] = [
  ...healthyFleet({ count: 16 }),
  ...SITE_X,
  miner('y-maint', 'site-y', { status: 'maintenance' }),
];
const REPORTING = FLEET.filter((m) => m.profile.behaviour !== 'silent').length;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'curtail-api-rejections-'));
  stack = await startTestStack({ dataDir, fleet: FLEET });
  await waitForTelemetry(stack, REPORTING);
}, 90_000);
afterAll(async () => stack?.stop());

async function call(method: string, path: string, options: CallOptions = {}): Promise<Res> {
  const token =
    options.token === null
      ? undefined
      : (options.token ?? (await stack.token(options.role ?? 'admin', options.org)));
  const payload = options.raw ?? (options.body !== undefined ? JSON.stringify(options.body) : '');
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(payload ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    ...(payload ? { body: payload } : {}),
  });
  const text = await response.text();
  let body: Json;
  try {
    body = text ? (JSON.parse(text) as Json) : {};
  } catch {
    body = { unparsedText: text.slice(0, 500) };
  }
  return { status: response.status, body, headers: response.headers };
}

function expectProblem(res: Res, status: number, code: string, reason?: string): Json {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({
    type: expect.any(String),
    title: expect.any(String),
    status,
    detail: expect.any(String),
    code,
    reason: reason ?? expect.any(String),
  });
  return res.body;
}

/** 400 validation_failed with an issue naming `field` (and mentioning `message`, if given). */
function expectInvalid(res: Res, field: string, message?: string) {
  expectProblem(res, 400, 'invalid_argument', 'validation_failed');
  const issues = ((res.body.details as Json | undefined)?.issues ?? []) as {
    field: string;
    message: string;
  }[];
  const named = issues.filter((issue) => issue.field === field);
  expect(named, `issues ${JSON.stringify(issues)} should name ${field}`).not.toHaveLength(0);
  if (message) expect(named.map((issue) => issue.message).join(' | ')).toContain(message);
}

/** Within the simulator's ±2 % meter noise of a nominal figure. */
function expectNear(value: unknown, nominal: number) {
  expect(typeof value).toBe('number');
  expect(Math.abs(Number(value) - nominal)).toBeLessThanOrEqual(nominal * 0.021);
}

const ids = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();
const randomEventId = () => crypto.randomUUID();
/** A scope that passes validation but names no known miner: the request then answers 404. */
const PROBE_SCOPE = { type: 'miners', minerIds: ['no-such-miner'] };

async function startEvent(body: Json, role: Role = 'operator'): Promise<Json> {
  const res = await call('POST', '/v1/events', { role, body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.event as Json;
}

async function getEvent(eventId: string, org?: string): Promise<Json> {
  const res = await call('GET', `/v1/events/${eventId}`, { role: 'viewer', org });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.event as Json;
}

async function waitState(eventId: string, state: string): Promise<Json> {
  return waitFor(
    async () => {
      const event = await getEvent(eventId);
      return event.state === state ? event : undefined;
    },
    { what: `event ${eventId} to be ${state}`, timeoutMs: 30_000 },
  );
}

async function forceRelease(eventId: string): Promise<Res> {
  return call('POST', `/v1/events/${eventId}/force-release`, {
    role: 'admin',
    body: { reason: 'test cleanup' },
  });
}

async function auditTypes(eventId: string): Promise<string[]> {
  const res = await call('GET', `/v1/audit?eventId=${eventId}&pageSize=200`, { role: 'viewer' });
  expect(res.status).toBe(200);
  return (res.body.rows as Json[]).map((row) => String(row.type));
}

async function historyIds(org?: string): Promise<string[]> {
  const res = await call('GET', '/v1/events?pageSize=200', { role: 'viewer', org });
  expect(res.status).toBe(200);
  return (res.body.events as Json[]).map((event) => String(event.eventId));
}

async function auditIds(org?: string): Promise<string[]> {
  const res = await call('GET', '/v1/audit?pageSize=200', { role: 'viewer', org });
  expect(res.status).toBe(200);
  return (res.body.rows as Json[]).map((row) => String(row.auditId));
}

// ---------------------------------------------------------------------------------------------

describe('authentication', () => {
  let stackKey: SigningKey;
  let kid: string;
  let foreignKey: SigningKey;

  beforeAll(async () => {
    const stored = JSON.parse(
      readFileSync(join(dataDir, 'keys', 'jwt-signing-key.json'), 'utf8'),
    ) as { kid: string; privateJwk: JWK };
    kid = stored.kid;
    stackKey = (await importJWK({ ...stored.privateJwk, alg: 'ES256' }, 'ES256')) as SigningKey;
    foreignKey = (await generateKeyPair('ES256', { extractable: true })).privateKey;
  });

  /** A token built claim by claim; defaults are what the stack itself would sign. */
  async function craft(
    options: {
      claims?: Json;
      key?: SigningKey;
      kid?: string;
      issuer?: string;
      audience?: string;
      expiresAt?: number | null;
      notBefore?: number;
    } = {},
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const claims = options.claims ?? { org_id: stack.orgId, role: 'admin', actor_type: 'user' };
    let jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: options.kid ?? kid, typ: 'JWT' })
      .setSubject('crafted-user')
      .setIssuer(options.issuer ?? LOCAL_ISSUER)
      .setAudience(options.audience ?? LOCAL_AUDIENCE)
      .setIssuedAt(now - 120);
    if (options.expiresAt !== null) jwt = jwt.setExpirationTime(options.expiresAt ?? now + 600);
    if (options.notBefore !== undefined) jwt = jwt.setNotBefore(options.notBefore);
    return jwt.sign(options.key ?? stackKey);
  }

  it('answers 401 problem+json on every JWT route when no token is sent', async () => {
    const routes = HTTP_ROUTES.filter((route) => route.auth);
    expect(routes.length).toBeGreaterThanOrEqual(15);
    for (const route of routes) {
      const path = route.path.replace('{eventId}', randomEventId());
      const res = await call(route.method, path, {
        token: null,
        ...(route.method === 'GET' ? {} : { body: {} }),
      });
      expectProblem(res, 401, 'unauthenticated');
      expect(res.headers.get('www-authenticate'), `${route.method} ${route.path}`).toMatch(
        /^Bearer/,
      );
    }
  });

  it('answers 401 before looking at the body', async () => {
    const res = await call('POST', '/v1/preview', { token: null, raw: '{not json' });
    expectProblem(res, 401, 'unauthenticated', 'missing_token');
  });

  it('rejects a malformed Authorization header or token', async () => {
    const basic = await call('GET', '/v1/events', {
      token: null,
      headers: { authorization: 'Basic dXNlcjpwYXNz' },
    });
    expectProblem(basic, 401, 'unauthenticated', 'missing_token');
    const empty = await call('GET', '/v1/events', {
      token: null,
      headers: { authorization: 'Bearer ' },
    });
    expectProblem(empty, 401, 'unauthenticated');
    for (const token of ['not-a-jwt', 'a.b.c', `${await stack.token('admin')}x`]) {
      const res = await call('GET', '/v1/events', { token });
      expectProblem(res, 401, 'unauthenticated', 'invalid_token');
    }
    // An unsigned token (alg none) is never accepted.
    const b64 = (value: Json) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({
      org_id: stack.orgId,
      role: 'admin',
      iss: LOCAL_ISSUER,
      aud: LOCAL_AUDIENCE,
      exp: now + 600,
    })}.`;
    expectProblem(
      await call('GET', '/v1/events', { token: unsigned }),
      401,
      'unauthenticated',
      'invalid_token',
    );
  });

  it('accepts a well-formed token it signed (control)', async () => {
    const res = await call('GET', '/v1/events', { token: await craft() });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });

  it('rejects an expired token and one not yet valid', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await craft({ expiresAt: now - 60 });
    expectProblem(
      await call('GET', '/v1/events', { token: expired }),
      401,
      'unauthenticated',
      'invalid_token',
    );
    const noExpiry = await craft({ expiresAt: null });
    expectProblem(
      await call('GET', '/v1/events', { token: noExpiry }),
      401,
      'unauthenticated',
      'invalid_token',
    );
    const future = await craft({ notBefore: now + 600 });
    expectProblem(
      await call('GET', '/v1/events', { token: future }),
      401,
      'unauthenticated',
      'invalid_token',
    );
  });

  it('rejects a token signed by another key, or for another issuer or audience', async () => {
    const cases = {
      'foreign key, same kid': await craft({ key: foreignKey }),
      'foreign key, unknown kid': await craft({ key: foreignKey, kid: 'foreign-kid' }),
      'wrong audience': await craft({ audience: 'someone-else-api' }),
      'wrong issuer': await craft({ issuer: 'https://evil.example/issuer' }),
    };
    for (const [name, token] of Object.entries(cases)) {
      const res = await call('GET', '/v1/events', { token });
      expect(res.status, name).toBe(401);
      expectProblem(res, 401, 'unauthenticated', 'invalid_token');
    }
  });

  it('rejects a valid signature whose claims lack an organization or a valid role', async () => {
    const cases: Record<string, Json> = {
      'no org_id': { role: 'admin', actor_type: 'user' },
      'no role': { org_id: stack.orgId, actor_type: 'user' },
      'unknown role': { org_id: stack.orgId, role: 'superuser', actor_type: 'user' },
      'malformed org_id': { org_id: 'Not An Org!', role: 'admin', actor_type: 'user' },
      'empty org_id': { org_id: '', role: 'admin' },
      'unknown actor type': { org_id: stack.orgId, role: 'admin', actor_type: 'robot' },
    };
    for (const [name, claims] of Object.entries(cases)) {
      const res = await call('GET', '/v1/events', { token: await craft({ claims }) });
      expect(res.status, name).toBe(401);
      expectProblem(res, 401, 'unauthenticated', 'invalid_claims');
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('roles', () => {
  const planBody = { scope: { type: 'org' }, mode: 'fixed_kw', targetKw: 5 };
  const startBody = { ...planBody, reason: 'role check' };

  it('lets a viewer read but nothing else (403 role_required)', async () => {
    const id = randomEventId();
    for (const path of [
      '/v1/events',
      '/v1/events/active',
      '/v1/audit',
      '/v1/settings',
      '/v1/fleet/miners',
    ]) {
      const res = await call('GET', path, { role: 'viewer' });
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
    }
    const writes: [string, string, unknown][] = [
      ['POST', '/v1/preview', planBody],
      ['POST', '/v1/events', startBody],
      ['POST', `/v1/events/${id}/stop`, {}],
      ['PATCH', `/v1/events/${id}`, { reason: 'viewer edit' }],
      ['PUT', '/v1/fleet/miners', { miners: [FLEET[0]?.inventory] }],
    ];
    for (const [method, path, body] of writes) {
      const res = await call(method, path, { role: 'viewer', body });
      expectProblem(res, 403, 'permission_denied', 'role_required');
      expect(res.body.details, `${method} ${path}`).toMatchObject({ requiredRole: 'operator' });
    }
  });

  it('keeps admin-terminate, force-release and settings changes for admins', async () => {
    const id = randomEventId();
    const adminOnly: [string, string, unknown][] = [
      ['POST', `/v1/events/${id}/admin-terminate`, { targetState: 'cancelled', reason: 'x' }],
      ['POST', `/v1/events/${id}/force-release`, { reason: 'x' }],
      ['PUT', '/v1/settings', { candidateMinPowerW: 2_000 }],
    ];
    for (const role of ['viewer', 'operator'] as const) {
      for (const [method, path, body] of adminOnly) {
        const res = await call(method, path, { role, body });
        expectProblem(res, 403, 'permission_denied', 'role_required');
        expect(res.body.details, `${role} ${method} ${path}`).toMatchObject({
          requiredRole: 'admin',
        });
      }
    }
    const settings = await call('GET', '/v1/settings', { role: 'viewer' });
    expect((settings.body.settings as Json).candidateMinPowerW).toBe(1_500);
  });

  it('refuses admin-only start and preview controls to an operator (403 admin_required)', async () => {
    const controls: [string, Json, string][] = [
      ['allowUnbounded', { allowUnbounded: true }, 'allowUnbounded'],
      [
        'forceIncludeMaintenance',
        { includeMaintenance: true, forceIncludeMaintenance: true },
        'forceIncludeMaintenance',
      ],
      [
        'candidateMinPowerWOverride',
        { candidateMinPowerWOverride: 1_000 },
        'candidateMinPowerWOverride',
      ],
      ['maxDurationSeconds', { maxDurationSeconds: 14_401 }, 'maxDurationSeconds'],
      ['restoreBatchIntervalSec', { restoreBatchIntervalSec: 301 }, 'restoreBatchIntervalSec'],
      [
        'curtailBatchIntervalSec',
        { curtailBatchSize: 5, curtailBatchIntervalSec: 301 },
        'curtailBatchIntervalSec',
      ],
    ];
    for (const [name, extra, control] of controls) {
      const res = await call('POST', '/v1/events', {
        role: 'operator',
        body: { ...startBody, ...extra },
      });
      expectProblem(res, 403, 'permission_denied', 'admin_required');
      const named = ((res.body.details as Json).controls as string[]).join(' ');
      expect(named, name).toContain(control);
    }
    for (const extra of [
      { includeMaintenance: true, forceIncludeMaintenance: true },
      { candidateMinPowerWOverride: 1_000 },
    ]) {
      const res = await call('POST', '/v1/preview', {
        role: 'operator',
        body: { ...planBody, ...extra },
      });
      expectProblem(res, 403, 'permission_denied', 'admin_required');
    }
    // Exactly at the operator limits the gate passes (the probe scope then answers 404).
    const before = await historyIds();
    const atLimits = await call('POST', '/v1/events', {
      role: 'operator',
      body: {
        ...startBody,
        scope: PROBE_SCOPE,
        maxDurationSeconds: 14_400,
        restoreBatchIntervalSec: 300,
        curtailBatchSize: 5,
        curtailBatchIntervalSec: 300,
      },
    });
    expectProblem(atLimits, 404, 'not_found', 'miners_not_found');
    expect(await historyIds()).toEqual(before);
  });

  it('lets an admin use every admin-only control on start', async () => {
    const event = await startEvent(
      {
        scope: { type: 'miners', minerIds: ['y-maint', 'm-0015'] },
        mode: 'full_fleet',
        reason: 'admin overrides',
        allowUnbounded: true,
        includeMaintenance: true,
        forceIncludeMaintenance: true,
        candidateMinPowerWOverride: 1_000,
        restoreBatchIntervalSec: 3_600,
        curtailBatchSize: 1,
        curtailBatchIntervalSec: 3_600,
        scheduledStartAt: inAnHour(),
      },
      'admin',
    );
    const eventId = String(event.eventId);
    try {
      expect(event).toMatchObject({
        allowUnbounded: true,
        maxDurationSeconds: 0,
        forceIncludeMaintenance: true,
        restoreBatchIntervalSec: 3_600,
        curtailBatchIntervalSec: 3_600,
      });
      expect((event.targets as Json[]).map((t) => t.minerId)).toEqual(['m-0015', 'y-maint']);
      expect(await auditTypes(eventId)).toEqual(
        expect.arrayContaining([
          'curtailment_started',
          'curtailment_unbounded_start',
          'curtailment_force_include_maintenance',
        ]),
      );
      // Bounding an unbounded event is an admin's decision.
      const byOperator = await call('PATCH', `/v1/events/${eventId}`, {
        role: 'operator',
        body: { maxDurationSeconds: 600 },
      });
      expectProblem(byOperator, 403, 'permission_denied', 'admin_required');
      const patch = await call('PATCH', `/v1/events/${eventId}`, {
        role: 'admin',
        body: { maxDurationSeconds: 600 },
      });
      expect(patch.status).toBe(200);
      expect(patch.body.event).toMatchObject({ allowUnbounded: false, maxDurationSeconds: 600 });
      const longer = await startEvent(
        {
          scope: { type: 'miners', minerIds: ['m-0014'] },
          mode: 'full_fleet',
          reason: 'admin long event',
          maxDurationSeconds: 604_800,
          scheduledStartAt: inAnHour(),
        },
        'admin',
      );
      expect(longer.maxDurationSeconds).toBe(604_800);
      expect((await forceRelease(String(longer.eventId))).status).toBe(200);
    } finally {
      expect((await forceRelease(eventId)).status).toBe(200);
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('validation of preview and start bodies', () => {
  const planBase = { scope: PROBE_SCOPE, mode: 'fixed_kw', targetKw: 10 };
  const startBase = { ...planBase, reason: 'validation' };
  const many = (count: number, prefix: string) => ids(prefix, count);

  // [name, overrides, field] — each is wrong for preview and start alike.
  const planCases: [string, Json, string, string?][] = [
    ['unknown field', { colour: 'red' }, 'body', 'colour'],
    ['unknown scope field', { scope: { type: 'org', siteIds: ['site-a'] } }, 'body.scope'],
    ['scope missing', { scope: undefined }, 'body.scope'],
    ['scope type unknown', { scope: { type: 'region' } }, 'body.scope.type'],
    ['sites without siteIds', { scope: { type: 'sites' } }, 'body.scope.siteIds'],
    ['siteIds empty', { scope: { type: 'sites', siteIds: [] } }, 'body.scope.siteIds'],
    ['siteIds 257', { scope: { type: 'sites', siteIds: many(257, 'site') } }, 'body.scope.siteIds'],
    [
      'siteIds repeated',
      { scope: { type: 'sites', siteIds: ['site-a', 'site-a'] } },
      'body.scope.siteIds',
    ],
    ['siteId malformed', { scope: { type: 'sites', siteIds: ['site a'] } }, 'body.scope.siteIds.0'],
    ['minerIds empty', { scope: { type: 'miners', minerIds: [] } }, 'body.scope.minerIds'],
    [
      'minerIds 10,001',
      { scope: { type: 'miners', minerIds: many(10_001, 'm') } },
      'body.scope.minerIds',
    ],
    [
      'minerIds repeated',
      { scope: { type: 'miners', minerIds: ['m-0000', 'm-0000'] } },
      'body.scope.minerIds',
    ],
    [
      'minerId too long',
      { scope: { type: 'miners', minerIds: ['m'.repeat(129)] } },
      'body.scope.minerIds.0',
    ],
    ['mode missing', { mode: undefined }, 'body.mode'],
    ['mode unknown', { mode: 'half_fleet' }, 'body.mode'],
    ['fixed_kw without targetKw', { targetKw: undefined }, 'body.targetKw'],
    ['targetKw zero', { targetKw: 0 }, 'body.targetKw'],
    ['targetKw negative', { targetKw: -5 }, 'body.targetKw'],
    ['targetKw a string', { targetKw: '10' }, 'body.targetKw'],
    ['full_fleet with targetKw', { mode: 'full_fleet' }, 'body.targetKw'],
    [
      'full_fleet with toleranceKw',
      { mode: 'full_fleet', targetKw: undefined, toleranceKw: 1 },
      'body.toleranceKw',
    ],
    ['toleranceKw equal to targetKw', { toleranceKw: 10 }, 'body.toleranceKw'],
    ['toleranceKw above targetKw', { toleranceKw: 11 }, 'body.toleranceKw'],
    ['toleranceKw negative', { toleranceKw: -0.5 }, 'body.toleranceKw'],
    ['strategy unknown', { strategy: 'most_efficient_first' }, 'body.strategy'],
    ['level unknown', { level: 'partial' }, 'body.level'],
    ['priority unknown', { priority: 'urgent' }, 'body.priority'],
    [
      'includeMaintenance without forceIncludeMaintenance',
      { includeMaintenance: true },
      'body.forceIncludeMaintenance',
    ],
    [
      'forceIncludeMaintenance without includeMaintenance',
      { forceIncludeMaintenance: true },
      'body.forceIncludeMaintenance',
    ],
    ['includeMaintenance not boolean', { includeMaintenance: 'yes' }, 'body.includeMaintenance'],
    [
      'candidateMinPowerWOverride 0',
      { candidateMinPowerWOverride: 0 },
      'body.candidateMinPowerWOverride',
    ],
    [
      'candidateMinPowerWOverride 10,000,001',
      { candidateMinPowerWOverride: 10_000_001 },
      'body.candidateMinPowerWOverride',
    ],
    [
      'candidateMinPowerWOverride fractional',
      { candidateMinPowerWOverride: 1.5 },
      'body.candidateMinPowerWOverride',
    ],
    ['postEventCooldownSec negative', { postEventCooldownSec: -1 }, 'body.postEventCooldownSec'],
    ['postEventCooldownSec 86,401', { postEventCooldownSec: 86_401 }, 'body.postEventCooldownSec'],
  ];

  it('rejects every plan bound on preview and on start (400, field named)', async () => {
    for (const [name, overrides, field, message] of planCases) {
      for (const [path, base] of [
        ['/v1/preview', planBase],
        ['/v1/events', startBase],
      ] as const) {
        // Admin, so a field that is also an admin-only control fails on its bounds, not its role.
        const res = await call('POST', path, { role: 'admin', body: { ...base, ...overrides } });
        expect(res.status, `${path} ${name}: ${JSON.stringify(res.body)}`).toBe(400);
        expectInvalid(res, field, message);
      }
    }
  });

  it('rejects a non-finite targetKw, malformed JSON and non-object bodies', async () => {
    for (const path of ['/v1/preview', '/v1/events']) {
      const infinite = await call('POST', path, {
        role: 'operator',
        raw: '{"scope":{"type":"org"},"mode":"fixed_kw","targetKw":1e400,"reason":"x"}',
      });
      expectInvalid(infinite, 'body.targetKw');
      for (const raw of ['{"scope":', '{scope: {type: "org"}}', "{'mode':'full_fleet'}"]) {
        const res = await call('POST', path, { role: 'operator', raw });
        expectProblem(res, 400, 'invalid_argument', 'malformed_json');
      }
      for (const raw of ['[]', '"text"', '42', 'null']) {
        const res = await call('POST', path, { role: 'operator', raw });
        expectProblem(res, 400, 'invalid_argument', 'validation_failed');
      }
    }
  });

  const startCases: [string, Json, string][] = [
    ['reason missing', { reason: undefined }, 'body.reason'],
    ['reason empty', { reason: '' }, 'body.reason'],
    ['reason blank', { reason: ' \t\n ' }, 'body.reason'],
    ['reason 257 characters', { reason: 'r'.repeat(257) }, 'body.reason'],
    ['reason 257 emoji', { reason: '⚡'.repeat(257) }, 'body.reason'],
    ['reason not a string', { reason: 7 }, 'body.reason'],
    ['maxDurationSeconds negative', { maxDurationSeconds: -1 }, 'body.maxDurationSeconds'],
    ['maxDurationSeconds 604,801', { maxDurationSeconds: 604_801 }, 'body.maxDurationSeconds'],
    ['maxDurationSeconds fractional', { maxDurationSeconds: 10.5 }, 'body.maxDurationSeconds'],
    [
      'maxDurationSeconds with allowUnbounded',
      { allowUnbounded: true, maxDurationSeconds: 3_600 },
      'body.maxDurationSeconds',
    ],
    ['allowUnbounded not boolean', { allowUnbounded: 'true' }, 'body.allowUnbounded'],
    ['restoreBatchSize negative', { restoreBatchSize: -1 }, 'body.restoreBatchSize'],
    ['restoreBatchSize 10,001', { restoreBatchSize: 10_001 }, 'body.restoreBatchSize'],
    [
      'restoreBatchIntervalSec negative',
      { restoreBatchIntervalSec: -1 },
      'body.restoreBatchIntervalSec',
    ],
    [
      'restoreBatchIntervalSec 3,601',
      { restoreBatchIntervalSec: 3_601 },
      'body.restoreBatchIntervalSec',
    ],
    ['curtailBatchSize 0', { curtailBatchSize: 0 }, 'body.curtailBatchSize'],
    ['curtailBatchSize 10,001', { curtailBatchSize: 10_001 }, 'body.curtailBatchSize'],
    [
      'curtailBatchIntervalSec without curtailBatchSize',
      { curtailBatchIntervalSec: 5 },
      'body.curtailBatchIntervalSec',
    ],
    [
      'curtailBatchIntervalSec 3,601',
      { curtailBatchSize: 5, curtailBatchIntervalSec: 3_601 },
      'body.curtailBatchIntervalSec',
    ],
    [
      'minCurtailedDurationSec negative',
      { minCurtailedDurationSec: -1 },
      'body.minCurtailedDurationSec',
    ],
    [
      'minCurtailedDurationSec 604,801',
      { minCurtailedDurationSec: 604_801 },
      'body.minCurtailedDurationSec',
    ],
    ['scheduledStartAt not a time', { scheduledStartAt: 'tomorrow' }, 'body.scheduledStartAt'],
    [
      'scheduledStartAt without offset',
      { scheduledStartAt: '2030-01-01T00:00:00' },
      'body.scheduledStartAt',
    ],
    ['idempotencyKey 257', { idempotencyKey: 'k'.repeat(257) }, 'body.idempotencyKey'],
    ['externalSource 257', { externalSource: 's'.repeat(257) }, 'body.externalSource'],
    ['externalReference 257', { externalReference: 'e'.repeat(257) }, 'body.externalReference'],
  ];

  it('rejects every start-only bound (400, field named)', async () => {
    for (const [name, overrides, field] of startCases) {
      const res = await call('POST', '/v1/events', {
        role: 'admin',
        body: { ...startBase, ...overrides },
      });
      expect(res.status, `${name}: ${JSON.stringify(res.body)}`).toBe(400);
      expectInvalid(res, field);
    }
  });

  it('rejects a scheduledStartAt in the past or more than 7 days ahead', async () => {
    const day = 86_400_000;
    for (const [name, at] of [
      ['an hour ago', new Date(Date.now() - 3_600_000).toISOString()],
      ['8 days ahead', new Date(Date.now() + 8 * day).toISOString()],
    ]) {
      const res = await call('POST', '/v1/events', {
        role: 'operator',
        body: { ...startBase, scheduledStartAt: at },
      });
      expect(res.status, `${name}: ${JSON.stringify(res.body)}`).toBe(400);
      // Checked against the clock in the use case, so it may carry its own reason; it must
      // still be invalid_argument and name the field.
      expectProblem(res, 400, 'invalid_argument');
      expect(JSON.stringify(res.body), name).toContain('scheduledStartAt');
    }
  });

  it('rejects an Idempotency-Key header that differs from the idempotencyKey field', async () => {
    const res = await call('POST', '/v1/events', {
      role: 'operator',
      headers: { 'idempotency-key': 'key-from-header' },
      body: { ...startBase, idempotencyKey: 'key-from-body' },
    });
    expectProblem(res, 400, 'invalid_argument');
  });

  it('accepts every bound exactly at its limit (the probe scope then answers 404)', async () => {
    const planEdges: Json[] = [
      { targetKw: 0.001 },
      { targetKw: 10, toleranceKw: 9.999 },
      { mode: 'full_fleet', targetKw: undefined },
      { priority: 'emergency', postEventCooldownSec: 86_400 },
      { scope: { type: 'miners', minerIds: ['n'.repeat(128)] } },
      { strategy: 'least_efficient_first', level: 'full', priority: 'normal' },
    ];
    const startEdges: Json[] = [
      { reason: 'r'.repeat(256) },
      { reason: '⚡'.repeat(256) },
      { maxDurationSeconds: 0 },
      { restoreBatchSize: 0 },
      { restoreBatchSize: 10_000 },
      { curtailBatchSize: 1, curtailBatchIntervalSec: 0 },
      { curtailBatchSize: 10_000 },
      { minCurtailedDurationSec: 604_800 },
      { scheduledStartAt: new Date(Date.now() + 6 * 86_400_000).toISOString() },
      { idempotencyKey: 'k'.repeat(256) },
      { idempotencyKey: '', externalSource: '', externalReference: '' },
      { externalSource: 's'.repeat(256), externalReference: 'e'.repeat(256) },
    ];
    const before = await historyIds();
    for (const edge of planEdges) {
      const res = await call('POST', '/v1/preview', {
        role: 'operator',
        body: { ...planBase, ...edge },
      });
      expect(res.status, `${JSON.stringify(edge)}: ${JSON.stringify(res.body)}`).toBe(404);
    }
    for (const edge of [...planEdges, ...startEdges]) {
      const res = await call('POST', '/v1/events', {
        role: 'operator',
        body: { ...startBase, ...edge },
      });
      expect(res.status, `${JSON.stringify(edge)}: ${JSON.stringify(res.body)}`).toBe(404);
      expect(res.body.reason).toBe('miners_not_found');
    }
    const adminEdges: Json[] = [
      { candidateMinPowerWOverride: 1 },
      { candidateMinPowerWOverride: 10_000_000 },
      { maxDurationSeconds: 604_800 },
      { restoreBatchIntervalSec: 3_600 },
      { curtailBatchSize: 1, curtailBatchIntervalSec: 3_600 },
      { allowUnbounded: true, maxDurationSeconds: 0 },
    ];
    for (const edge of adminEdges) {
      const res = await call('POST', '/v1/events', {
        role: 'admin',
        body: { ...startBase, ...edge },
      });
      expect(res.status, `${JSON.stringify(edge)}: ${JSON.stringify(res.body)}`).toBe(404);
    }
    // 10,000 miner ids is within bounds (every one unknown here).
    const big = await call('POST', '/v1/preview', {
      role: 'operator',
      body: { ...planBase, scope: { type: 'miners', minerIds: ids('m', 10_000) } },
    });
    expectProblem(big, 404, 'not_found', 'miners_not_found');
    // 256 site ids is within bounds.
    const sites = await call('POST', '/v1/preview', {
      role: 'operator',
      body: { ...planBase, scope: { type: 'sites', siteIds: ids('site', 256) } },
    });
    expectProblem(sites, 404, 'not_found', 'site_not_found');
    expect(await historyIds()).toEqual(before);
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------

describe('validation of the other routes', () => {
  it('rejects an eventId that is not a UUID on every event route', async () => {
    for (const bad of ['not-a-uuid', '12345', '00000000-0000-0000-0000-00000000000g']) {
      const routes: [string, string, unknown][] = [
        ['GET', `/v1/events/${bad}`, undefined],
        ['PATCH', `/v1/events/${bad}`, { reason: 'x' }],
        ['POST', `/v1/events/${bad}/stop`, {}],
        ['POST', `/v1/events/${bad}/admin-terminate`, { targetState: 'failed', reason: 'x' }],
        ['POST', `/v1/events/${bad}/force-release`, { reason: 'x' }],
      ];
      for (const [method, path, body] of routes) {
        const res = await call(method, path, { role: 'admin', body });
        expect(res.status, `${method} ${path}`).toBe(400);
        expectInvalid(res, 'path.eventId');
      }
    }
  });

  it('rejects malformed JSON on every route that takes a body', async () => {
    const id = randomEventId();
    const routes: [string, string][] = [
      ['POST', '/v1/preview'],
      ['POST', '/v1/events'],
      ['POST', `/v1/events/${id}/stop`],
      ['PATCH', `/v1/events/${id}`],
      ['POST', `/v1/events/${id}/admin-terminate`],
      ['POST', `/v1/events/${id}/force-release`],
      ['PUT', '/v1/settings'],
      ['PUT', '/v1/fleet/miners'],
    ];
    for (const [method, path] of routes) {
      const res = await call(method, path, { role: 'admin', raw: '{"reason": "unterminated' });
      expect(res.status, `${method} ${path}`).toBe(400);
      expectProblem(res, 400, 'invalid_argument', 'malformed_json');
    }
  });

  it('rejects unknown fields and bad values on stop, update, terminate and release', async () => {
    const id = randomEventId();
    const cases: [string, string, unknown, string][] = [
      ['POST', `/v1/events/${id}/stop`, { force: 'yes' }, 'body.force'],
      ['POST', `/v1/events/${id}/stop`, { force: true, now: true }, 'body'],
      ['PATCH', `/v1/events/${id}`, {}, 'body'],
      ['PATCH', `/v1/events/${id}`, { state: 'active' }, 'body'],
      ['PATCH', `/v1/events/${id}`, { reason: '' }, 'body.reason'],
      ['PATCH', `/v1/events/${id}`, { reason: '   ' }, 'body.reason'],
      ['PATCH', `/v1/events/${id}`, { reason: 'r'.repeat(257) }, 'body.reason'],
      ['PATCH', `/v1/events/${id}`, { maxDurationSeconds: 0 }, 'body.maxDurationSeconds'],
      ['PATCH', `/v1/events/${id}`, { maxDurationSeconds: 604_801 }, 'body.maxDurationSeconds'],
      [
        'PATCH',
        `/v1/events/${id}`,
        { restoreBatchIntervalSec: -1 },
        'body.restoreBatchIntervalSec',
      ],
      [
        'PATCH',
        `/v1/events/${id}`,
        { restoreBatchIntervalSec: 3_601 },
        'body.restoreBatchIntervalSec',
      ],
      ['PATCH', `/v1/events/${id}`, { restoreBatchSize: 10_001 }, 'body.restoreBatchSize'],
      ['PATCH', `/v1/events/${id}`, { curtailBatchSize: 5 }, 'body'],
      ['POST', `/v1/events/${id}/admin-terminate`, {}, 'body.targetState'],
      [
        'POST',
        `/v1/events/${id}/admin-terminate`,
        { targetState: 'completed', reason: 'x' },
        'body.targetState',
      ],
      ['POST', `/v1/events/${id}/admin-terminate`, { targetState: 'cancelled' }, 'body.reason'],
      [
        'POST',
        `/v1/events/${id}/admin-terminate`,
        { targetState: 'cancelled', reason: 'r'.repeat(257) },
        'body.reason',
      ],
      [
        'POST',
        `/v1/events/${id}/admin-terminate`,
        { targetState: 'cancelled', reason: 'x', force: true },
        'body',
      ],
      ['POST', `/v1/events/${id}/force-release`, {}, 'body.reason'],
      ['POST', `/v1/events/${id}/force-release`, { reason: ' ' }, 'body.reason'],
      ['POST', `/v1/events/${id}/force-release`, { reason: 'x', restore: false }, 'body'],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await call(method, path, { role: 'admin', body });
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      expectInvalid(res, field);
    }
  });

  it('rejects out-of-range and unknown query parameters', async () => {
    const id = randomEventId();
    const sevenStates =
      'pending,active,restoring,completed,completed_with_failures,cancelled,failed';
    const cases: [string, string][] = [
      ['/v1/events?pageSize=201', 'query.pageSize'],
      ['/v1/events?pageSize=-1', 'query.pageSize'],
      ['/v1/events?pageSize=ten', 'query.pageSize'],
      ['/v1/events?pageSize=1.5', 'query.pageSize'],
      ['/v1/events?limit=5', 'query'],
      ['/v1/events?state=finished', 'query.state.0'],
      ['/v1/events?state=claiming', 'query.state.0'],
      ['/v1/events?state=', 'query.state.0'],
      ['/v1/events?state=failed&state=failed', 'query.state'],
      [`/v1/events?state=${sevenStates.split(',').join('&state=')}&state=failed`, 'query.state'],
      [`/v1/events/${id}?targetPageSize=1001`, 'query.targetPageSize'],
      [`/v1/events/${id}?targetPageSize=-1`, 'query.targetPageSize'],
      [`/v1/events/${id}?targetPageSize=many`, 'query.targetPageSize'],
      [`/v1/events/${id}?pageSize=10`, 'query'],
      ['/v1/fleet/miners?pageSize=0', 'query.pageSize'],
      ['/v1/fleet/miners?pageSize=1001', 'query.pageSize'],
      ['/v1/fleet/miners?siteId=site%20a', 'query.siteId'],
      ['/v1/fleet/miners?status=online', 'query'],
      ['/v1/audit?pageSize=0', 'query.pageSize'],
      ['/v1/audit?pageSize=201', 'query.pageSize'],
      ['/v1/audit?eventId=not-a-uuid', 'query.eventId'],
    ];
    for (const [path, field] of cases) {
      const res = await call('GET', path, { role: 'viewer' });
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(400);
      expectInvalid(res, field);
    }
    // The edges themselves are fine.
    for (const path of [
      '/v1/events?pageSize=0',
      '/v1/events?pageSize=200',
      `/v1/events?state=${sevenStates.split(',').join('&state=')}`,
      '/v1/fleet/miners?pageSize=1',
      '/v1/fleet/miners?pageSize=1000',
      '/v1/audit?pageSize=1',
      '/v1/audit?pageSize=200',
    ]) {
      const res = await call('GET', path, { role: 'viewer' });
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
    }
  });

  it('rejects page tokens that do not decode or belong to another query (invalid_page_token)', async () => {
    const forged = Buffer.from(JSON.stringify({ v: 1, org: 'demo', before: 'x' })).toString(
      'base64url',
    );
    for (const path of [
      '/v1/events?pageToken=garbage!',
      '/v1/events?pageToken=eyJ2IjoxfQ',
      `/v1/events?pageToken=${'A'.repeat(1_025)}`,
      `/v1/events?pageToken=${forged}`,
      '/v1/fleet/miners?pageToken=garbage',
      `/v1/fleet/miners?pageToken=${forged}`,
      '/v1/audit?pageToken=garbage',
    ]) {
      const res = await call('GET', path, { role: 'viewer' });
      expectProblem(res, 400, 'invalid_argument', 'invalid_page_token');
    }
    // A fleet token issued for one site does not continue another site's listing or the
    // whole fleet's, nor another organization's.
    const page = await call('GET', '/v1/fleet/miners?siteId=site-x&pageSize=2', {
      role: 'viewer',
    });
    const token = String(page.body.nextPageToken);
    expect(token).not.toBe('null');
    for (const [path, org] of [
      [`/v1/fleet/miners?siteId=site-a&pageToken=${token}`, undefined],
      [`/v1/fleet/miners?pageToken=${token}`, undefined],
      [`/v1/fleet/miners?siteId=site-x&pageToken=${token}`, 'other-org'],
    ] as const) {
      const res = await call('GET', path, { role: 'viewer', org });
      expectProblem(res, 400, 'invalid_argument', 'invalid_page_token');
    }
  });

  it('rejects invalid settings (admin) and leaves them unchanged', async () => {
    const org = 'settings-rejections';
    const cases: [Json, string][] = [
      [{}, 'body'],
      [{ colour: 'red' }, 'body'],
      [{ maxDurationDefaultSec: 0 }, 'body.maxDurationDefaultSec'],
      [{ maxDurationDefaultSec: 604_801 }, 'body.maxDurationDefaultSec'],
      [{ maxDurationDefaultSec: 3_600.5 }, 'body.maxDurationDefaultSec'],
      [{ candidateMinPowerW: 0 }, 'body.candidateMinPowerW'],
      [{ candidateMinPowerW: 10_000_001 }, 'body.candidateMinPowerW'],
      [{ nonAdminIntervalCapSec: -1 }, 'body.nonAdminIntervalCapSec'],
      [{ nonAdminIntervalCapSec: 3_601 }, 'body.nonAdminIntervalCapSec'],
      [{ curtailConfirmTimeoutSec: 0 }, 'body.curtailConfirmTimeoutSec'],
      [{ restoreConfirmTimeoutSec: 3_601 }, 'body.restoreConfirmTimeoutSec'],
      [{ restoreMaxRetries: 101 }, 'body.restoreMaxRetries'],
      [{ curtailMaxRetries: -1 }, 'body.curtailMaxRetries'],
      [{ candidateMinPowerW: '2000' }, 'body.candidateMinPowerW'],
    ];
    for (const [body, field] of cases) {
      const res = await call('PUT', '/v1/settings', { role: 'admin', org, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expectInvalid(res, field);
    }
    const settings = await call('GET', '/v1/settings', { role: 'viewer', org });
    expect(settings.body.settings).toEqual({
      maxDurationDefaultSec: 14_400,
      candidateMinPowerW: 1_500,
      nonAdminIntervalCapSec: 300,
      curtailConfirmTimeoutSec: 30,
      restoreConfirmTimeoutSec: 60,
      restoreMaxRetries: 10,
      curtailMaxRetries: 10,
    });
  });

  it('rejects fleet upserts out of bounds or malformed, writing none of the batch', async () => {
    const org = 'fleet-rejections';
    const inv = (minerId: string, extra: Json = {}) => ({
      minerId,
      siteId: 'site-f',
      model: 'Antminer S21',
      nominalPowerW: 3_500,
      nominalHashrateThs: 200,
      status: 'online',
      commandable: true,
      capabilities: ['curtail_full'],
      ...extra,
    });
    const valid = ids('f', 5).map((id) => inv(id));
    const cases: [string, unknown, string][] = [
      ['no miners', { miners: [] }, 'body.miners'],
      ['1,001 miners', { miners: ids('f', 1_001).map((id) => inv(id)) }, 'body.miners'],
      ['duplicate ids', { miners: [...valid, inv('f-0')] }, 'body.miners'],
      [
        'unknown status',
        { miners: [...valid, inv('f-9', { status: 'broken' })] },
        'body.miners.5.status',
      ],
      ['missing miners', {}, 'body.miners'],
      ['miners not a list', { miners: inv('f-9') }, 'body.miners'],
      ['unknown top-level field', { miners: valid, replace: true }, 'body'],
      ['unknown miner field', { miners: [inv('f-9', { colour: 'red' })] }, 'body.miners.0'],
      [
        'telemetry is not written by PUT',
        {
          miners: [
            inv('f-9', {
              telemetry: { at: new Date().toISOString(), powerW: 1, hashrateThs: 1 },
            }),
          ],
        },
        'body.miners.0',
      ],
      ['bad minerId', { miners: [inv('f 9')] }, 'body.miners.0.minerId'],
      ['bad siteId', { miners: [inv('f-9', { siteId: '' })] }, 'body.miners.0.siteId'],
      ['missing siteId', { miners: [inv('f-9', { siteId: undefined })] }, 'body.miners.0.siteId'],
      ['empty model', { miners: [inv('f-9', { model: '' })] }, 'body.miners.0.model'],
      ['zero power', { miners: [inv('f-9', { nominalPowerW: 0 })] }, 'body.miners.0.nominalPowerW'],
      [
        'negative hashrate',
        { miners: [inv('f-9', { nominalHashrateThs: -1 })] },
        'body.miners.0.nominalHashrateThs',
      ],
      [
        'commandable not boolean',
        { miners: [inv('f-9', { commandable: 'yes' })] },
        'body.miners.0.commandable',
      ],
      [
        'capabilities repeated',
        { miners: [inv('f-9', { capabilities: ['curtail_full', 'curtail_full'] })] },
        'body.miners.0.capabilities',
      ],
      [
        'capability malformed',
        { miners: [inv('f-9', { capabilities: ['Curtail-Full'] })] },
        'body.miners.0.capabilities.0',
      ],
    ];
    for (const [name, body, field] of cases) {
      const res = await call('PUT', '/v1/fleet/miners', { role: 'operator', org, body });
      expect(res.status, `${name}: ${JSON.stringify(res.body).slice(0, 500)}`).toBe(400);
      expectInvalid(res, field);
    }
    const listed = await call('GET', '/v1/fleet/miners', { role: 'viewer', org });
    expect(listed.body.miners).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('body size', () => {
  const LIMIT = 2 * 1024 * 1024;
  const small = JSON.stringify({ scope: { type: 'org' }, mode: 'full_fleet' });

  it('answers 413 body_too_large for a declared body over 2 MiB', async () => {
    const res = await call('POST', '/v1/preview', {
      role: 'operator',
      raw: small + ' '.repeat(LIMIT + 1 - small.length),
    });
    expectProblem(res, 413, 'resource_exhausted', 'body_too_large');
    const fleet = await call('PUT', '/v1/fleet/miners', {
      role: 'operator',
      raw: `{"miners":[${'{},'.repeat(LIMIT / 3)}{}]}`,
    });
    expectProblem(fleet, 413, 'resource_exhausted', 'body_too_large');
  });

  it('answers 413 for a chunked body that passes 2 MiB while streaming', async () => {
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 40; i++) controller.enqueue(chunk);
        controller.close();
      },
    });
    const init = {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await stack.token('operator')}`,
        'content-type': 'application/json',
      },
      body,
      duplex: 'half',
    };
    const response = await fetch(`${stack.apiUrl}/v1/preview`, init as RequestInit);
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({
      code: 'resource_exhausted',
      reason: 'body_too_large',
    });
  });

  it('accepts a body of exactly 2 MiB', async () => {
    const res = await call('POST', '/v1/preview', {
      role: 'operator',
      raw: small + ' '.repeat(LIMIT - small.length),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });
});

// ---------------------------------------------------------------------------------------------

describe('not found', () => {
  it('answers 404 for an unknown event on every event route', async () => {
    const id = randomEventId();
    const routes: [string, string, unknown][] = [
      ['GET', `/v1/events/${id}`, undefined],
      ['PATCH', `/v1/events/${id}`, { reason: 'x' }],
      ['POST', `/v1/events/${id}/stop`, {}],
      ['POST', `/v1/events/${id}/admin-terminate`, { targetState: 'cancelled', reason: 'x' }],
      ['POST', `/v1/events/${id}/force-release`, { reason: 'x' }],
    ];
    for (const [method, path, body] of routes) {
      const res = await call(method, path, { role: 'admin', body });
      expect(res.status, `${method} ${path}`).toBe(404);
      expectProblem(res, 404, 'not_found', 'event_not_found');
    }
    const route = await call('GET', '/v1/nothing-here', { role: 'admin' });
    expectProblem(route, 404, 'not_found');
  });

  it("answers 404 for another organization's event and leaves it untouched", async () => {
    const event = await startEvent({
      scope: { type: 'miners', minerIds: ['m-0000', 'm-0001'] },
      mode: 'full_fleet',
      reason: 'tenant isolation',
      scheduledStartAt: inAnHour(),
    });
    const eventId = String(event.eventId);
    try {
      const routes: [string, string, unknown][] = [
        ['GET', `/v1/events/${eventId}`, undefined],
        ['GET', `/v1/events/${eventId}?targetPageSize=1`, undefined],
        ['PATCH', `/v1/events/${eventId}`, { reason: 'hijacked' }],
        ['POST', `/v1/events/${eventId}/stop`, { force: true }],
        ['POST', `/v1/events/${eventId}/admin-terminate`, { targetState: 'failed', reason: 'x' }],
        ['POST', `/v1/events/${eventId}/force-release`, { reason: 'x' }],
      ];
      for (const [method, path, body] of routes) {
        const res = await call(method, path, { role: 'admin', org: 'other-org', body });
        expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(404);
        expectProblem(res, 404, 'not_found', 'event_not_found');
        expect(JSON.stringify(res.body)).not.toContain('tenant isolation');
      }
      // Nor does it show up in the other organization's lists.
      for (const path of ['/v1/events', '/v1/events/active', `/v1/audit?eventId=${eventId}`]) {
        const res = await call('GET', path, { role: 'viewer', org: 'other-org' });
        expect(res.status).toBe(200);
        expect(JSON.stringify(res.body)).not.toContain(eventId);
      }
      const after = await getEvent(eventId);
      expect(after).toMatchObject({ state: 'pending', reason: 'tenant isolation' });
      expect(await auditTypes(eventId)).toEqual(['curtailment_started']);

      // A claimed miner cannot move to another site while its event is live (409).
      const move = await call('PUT', '/v1/fleet/miners', {
        role: 'operator',
        body: { miners: [{ ...FLEET[0]?.inventory, siteId: 'site-b' }] },
      });
      expectProblem(move, 409, 'failed_precondition', 'miner_claimed');
      // The refused move registers no new site either.
      const moveToNewSite = await call('PUT', '/v1/fleet/miners', {
        role: 'operator',
        body: { miners: [{ ...FLEET[0]?.inventory, siteId: 'site-never-saved' }] },
      });
      expectProblem(moveToNewSite, 409, 'failed_precondition', 'miner_claimed');
      const preview = await call('POST', '/v1/preview', {
        role: 'operator',
        body: { scope: { type: 'sites', siteIds: ['site-never-saved'] }, mode: 'full_fleet' },
      });
      expectProblem(preview, 404, 'not_found', 'site_not_found');
    } finally {
      expect((await forceRelease(eventId)).status).toBe(200);
    }
  });

  it('answers 404 for unknown sites or miners in scope, on preview and start', async () => {
    const before = await historyIds();
    const cases: [Json, string, Json][] = [
      [
        { type: 'sites', siteIds: ['site-a', 'site-nowhere'] },
        'site_not_found',
        { siteIds: ['site-nowhere'] },
      ],
      [
        { type: 'miners', minerIds: ['m-0003', 'ghost-1', 'ghost-2'] },
        'miners_not_found',
        { minerIds: ['ghost-1', 'ghost-2'] },
      ],
    ];
    for (const [scope, reason, details] of cases) {
      const preview = await call('POST', '/v1/preview', {
        role: 'operator',
        body: { scope, mode: 'full_fleet' },
      });
      expectProblem(preview, 404, 'not_found', reason);
      expect(preview.body.details).toEqual(details);
      const start = await call('POST', '/v1/events', {
        role: 'operator',
        body: { scope, mode: 'full_fleet', reason: 'unknown scope' },
      });
      expectProblem(start, 404, 'not_found', reason);
      expect(start.body.details).toEqual(details);
    }
    // Another organization's miners and sites are unknown too.
    const foreign = await call('POST', '/v1/preview', {
      role: 'admin',
      org: 'other-org',
      body: { scope: { type: 'miners', minerIds: ['m-0003'] }, mode: 'full_fleet' },
    });
    expectProblem(foreign, 404, 'not_found', 'miners_not_found');
    const foreignSite = await call('POST', '/v1/events', {
      role: 'admin',
      org: 'other-org',
      body: { scope: { type: 'sites', siteIds: ['site-a'] }, mode: 'full_fleet', reason: 'x' },
    });
    expectProblem(foreignSite, 404, 'not_found', 'site_not_found');
    expect(await historyIds()).toEqual(before);
  });
});

// ---------------------------------------------------------------------------------------------

describe('business rules', () => {
  const EXCLUDED = {
    not_commandable: 1,
    curtail_full_unsupported: 1,
    stale_telemetry: 1,
    updating: 1,
    reboot_required: 1,
    non_actionable_status: 1,
    maintenance: 1,
    below_candidate_min_power_w: 1,
    power_telemetry_unreliable: 1,
    phantom_load_no_hash: 1,
  };

  it('refuses a fixed_kw plan that cannot reach its target (insufficient_load)', async () => {
    const body = {
      scope: { type: 'sites', siteIds: ['site-x'] },
      mode: 'fixed_kw',
      targetKw: 20,
      toleranceKw: 5,
    };
    for (const [path, extra] of [
      ['/v1/preview', {}],
      ['/v1/events', { reason: 'not enough' }],
    ] as const) {
      const res = await call('POST', path, { role: 'operator', body: { ...body, ...extra } });
      expectProblem(res, 400, 'invalid_argument', 'insufficient_load');
      const details = res.body.details as Json;
      // The simulated meters carry ±2 % noise: four 3.2 kW miners are 12.8 kW give or take.
      expectNear(details.availableKw, 12.8);
      expect(details).toEqual({
        availableKw: details.availableKw,
        requestedKw: 20,
        toleranceKw: 5,
        candidateMinPowerW: 1_500,
        excluded: EXCLUDED,
      });
      // The per-reason counts come in the contract's order.
      expect(Object.keys(details.excluded as Json)).toEqual(Object.keys(EXCLUDED));
    }
    // The floor is the one the plan used: an admin override shows up in the details.
    const override = await call('POST', '/v1/preview', {
      role: 'admin',
      body: { ...body, targetKw: 100, toleranceKw: 0, candidateMinPowerWOverride: 900 },
    });
    expectProblem(override, 400, 'invalid_argument', 'insufficient_load');
    expectNear((override.body.details as Json).availableKw, 13.8);
    expect(override.body.details).toMatchObject({
      requestedKw: 100,
      toleranceKw: 0,
      candidateMinPowerW: 900,
    });
  });

  it('persists nothing for a start refused for insufficient load or lack of eligible miners', async () => {
    const events = await historyIds();
    const audit = await auditIds();
    const refused = await call('POST', '/v1/events', {
      role: 'operator',
      body: {
        scope: { type: 'sites', siteIds: ['site-x'] },
        mode: 'fixed_kw',
        targetKw: 14,
        reason: 'about one kW short',
      },
    });
    expectProblem(refused, 400, 'invalid_argument', 'insufficient_load');
    const none = await call('POST', '/v1/events', {
      role: 'operator',
      body: {
        scope: { type: 'miners', minerIds: ['x-01-maint', 'x-02-nocmd', 'x-04-silent'] },
        mode: 'full_fleet',
        reason: 'nothing eligible',
      },
    });
    expect(none.status, JSON.stringify(none.body)).toBe(400);
    expect(none.body.code).toBe('invalid_argument');
    expect(await historyIds()).toEqual(events);
    expect(await auditIds()).toEqual(audit);
    const active = await call('GET', '/v1/events/active', { role: 'viewer' });
    expect(active.body.events).toEqual([]);
    const miners = await call('GET', '/v1/fleet/miners?siteId=site-x', { role: 'viewer' });
    expect((miners.body.miners as Json[]).filter((m) => m.activeEventId)).toEqual([]);
    // The same holds in an organization that has never had an event.
    const org = 'empty-org';
    await call('PUT', '/v1/fleet/miners', {
      role: 'operator',
      org,
      body: { miners: [{ ...FLEET[0]?.inventory }] },
    });
    const empty = await call('POST', '/v1/events', {
      role: 'operator',
      org,
      body: { scope: { type: 'org' }, mode: 'fixed_kw', targetKw: 1, reason: 'no telemetry' },
    });
    expectProblem(empty, 400, 'invalid_argument', 'insufficient_load');
    expect((empty.body.details as Json).excluded).toEqual({ stale_telemetry: 1 });
    expect(await historyIds(org)).toEqual([]);
    expect(await auditIds(org)).toEqual([]);
  });

  it('lets only one of two concurrent starts claim the same miners (409 device_already_curtailed)', async () => {
    const minerIds = ['m-0004', 'm-0005', 'm-0006', 'm-0007'];
    const body = (reason: string) => ({
      scope: { type: 'miners', minerIds },
      mode: 'full_fleet',
      reason,
      scheduledStartAt: inAnHour(),
    });
    const [a, b] = await Promise.all([
      call('POST', '/v1/events', { role: 'operator', body: body('first') }),
      call('POST', '/v1/events', { role: 'operator', body: body('second') }),
    ]);
    const winner = a.status === 201 ? a : b;
    const loser = a.status === 201 ? b : a;
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    expectProblem(loser, 409, 'already_exists', 'device_already_curtailed');
    const winnerId = String((winner.body.event as Json).eventId);
    try {
      const active = await call('GET', '/v1/events/active', { role: 'viewer' });
      const racers = (active.body.events as Json[]).filter((e) =>
        ['first', 'second'].includes(String(e.reason)),
      );
      expect(racers.map((e) => e.eventId)).toEqual([winnerId]);
      const history = await call('GET', '/v1/events?pageSize=200', { role: 'viewer' });
      const listed = (history.body.events as Json[]).filter((e) =>
        ['first', 'second'].includes(String(e.reason)),
      );
      expect(listed.map((e) => e.eventId)).toEqual([winnerId]);
      // A later start sees the miners as taken (active_event) and has nothing to curtail.
      const late = await call('POST', '/v1/preview', {
        role: 'operator',
        body: { scope: { type: 'miners', minerIds }, mode: 'full_fleet' },
      });
      expect(late.status).toBe(200);
      expect(late.body.candidates).toEqual([]);
      expect((late.body.skipped as Json[]).map((s) => s.reason)).toEqual(
        minerIds.map(() => 'active_event'),
      );
    } finally {
      expect((await forceRelease(winnerId)).status).toBe(200);
    }
  });

  it('enforces stop, update and terminate preconditions through an event lifecycle', async () => {
    const event = await startEvent({
      scope: { type: 'miners', minerIds: ['m-0002', 'm-0003'] },
      mode: 'full_fleet',
      reason: 'preconditions',
      minCurtailedDurationSec: 3_600,
      restoreBatchSize: 1,
      restoreBatchIntervalSec: 300,
    });
    const eventId = String(event.eventId);
    let released = false;
    try {
      await waitState(eventId, 'active');

      const early = await call('POST', `/v1/events/${eventId}/stop`, {
        role: 'operator',
        body: {},
      });
      expectProblem(early, 409, 'failed_precondition', 'min_duration_not_elapsed');
      expect(early.body.details).toMatchObject({ minCurtailedDurationSec: 3_600 });
      const operatorForce = await call('POST', `/v1/events/${eventId}/stop`, {
        role: 'operator',
        body: { force: true },
      });
      expectProblem(operatorForce, 403, 'permission_denied', 'admin_required');
      const adminNoForce = await call('POST', `/v1/events/${eventId}/stop`, {
        role: 'admin',
        body: {},
      });
      expectProblem(adminNoForce, 409, 'failed_precondition', 'min_duration_not_elapsed');

      const terminate = await call('POST', `/v1/events/${eventId}/admin-terminate`, {
        role: 'admin',
        body: { targetState: 'cancelled', reason: 'too early' },
      });
      expectProblem(terminate, 409, 'failed_precondition', 'stop_first');

      const gates: [Json, string][] = [
        [{ maxDurationSeconds: 14_401 }, 'maxDurationSeconds'],
        [{ restoreBatchIntervalSec: 301 }, 'restoreBatchIntervalSec'],
      ];
      for (const [body, control] of gates) {
        const res = await call('PATCH', `/v1/events/${eventId}`, { role: 'operator', body });
        expectProblem(res, 403, 'permission_denied', 'admin_required');
        expect(((res.body.details as Json).controls as string[]).join(' ')).toContain(control);
      }
      const frozen = await call('PATCH', `/v1/events/${eventId}`, {
        role: 'operator',
        body: { restoreBatchSize: 2 },
      });
      expectProblem(frozen, 400, 'invalid_argument');
      const echo = await call('PATCH', `/v1/events/${eventId}`, {
        role: 'operator',
        body: { restoreBatchSize: 1, reason: 'preconditions' },
      });
      expect(echo.status, JSON.stringify(echo.body)).toBe(200);
      expect(await auditTypes(eventId)).not.toContain('curtailment_updated');

      const forced = await call('POST', `/v1/events/${eventId}/stop`, {
        role: 'admin',
        body: { force: true },
      });
      expect(forced.status, JSON.stringify(forced.body)).toBe(200);
      expect((forced.body.event as Json).state).toBe('restoring');

      // Already restoring: 200 and nothing changes (no second transition, no audit row).
      const again = await call('POST', `/v1/events/${eventId}/stop`, {
        role: 'operator',
        body: {},
      });
      expect(again.status, JSON.stringify(again.body)).toBe(200);
      expect((again.body.event as Json).state).toBe('restoring');
      expect((again.body.event as Json).restoreStartedAt).toBe(
        (forced.body.event as Json).restoreStartedAt,
      );
      const stops = (await auditTypes(eventId)).filter((t) => t === 'curtailment_stopped');
      expect(stops).toHaveLength(1);

      const patchRestoring = await call('PATCH', `/v1/events/${eventId}`, {
        role: 'operator',
        body: { reason: 'too late' },
      });
      expectProblem(patchRestoring, 409, 'failed_precondition', 'event_not_updatable');

      const release = await forceRelease(eventId);
      expect(release.status, JSON.stringify(release.body)).toBe(200);
      released = true;
      expect((release.body.event as Json).state).toBe('cancelled');

      // Terminal: stop, update and release are refused; terminate answers by state.
      const stopTerminal = await call('POST', `/v1/events/${eventId}/stop`, {
        role: 'admin',
        body: { force: true },
      });
      expectProblem(stopTerminal, 409, 'failed_precondition');
      const patchTerminal = await call('PATCH', `/v1/events/${eventId}`, {
        role: 'admin',
        body: { reason: 'after the end' },
      });
      expectProblem(patchTerminal, 409, 'failed_precondition', 'event_not_updatable');
      const releaseTerminal = await forceRelease(eventId);
      expectProblem(releaseTerminal, 409, 'failed_precondition');
      const otherState = await call('POST', `/v1/events/${eventId}/admin-terminate`, {
        role: 'admin',
        body: { targetState: 'failed', reason: 'conflict' },
      });
      expectProblem(otherState, 409, 'failed_precondition', 'terminal_state_conflict');
      const sameState = await call('POST', `/v1/events/${eventId}/admin-terminate`, {
        role: 'admin',
        body: { targetState: 'cancelled', reason: 'echo' },
      });
      expect(sameState.status, JSON.stringify(sameState.body)).toBe(200);
      expect((sameState.body.event as Json).state).toBe('cancelled');
    } finally {
      if (!released) await forceRelease(eventId);
    }
  });

  it('refuses to terminate a pending event with a curtail in flight (stop_first)', async () => {
    // One miner a wave, five minutes apart: the first wave goes out, the second waits, and
    // the event stays pending with a miner curtailed.
    const event = await startEvent({
      scope: { type: 'miners', minerIds: ['m-0009', 'm-0010'] },
      mode: 'full_fleet',
      reason: 'curtail in flight',
      curtailBatchSize: 1,
      curtailBatchIntervalSec: 300,
    });
    const eventId = String(event.eventId);
    try {
      const waiting = await waitFor(
        async () => {
          const got = await getEvent(eventId);
          const rollup = got.rollup as Record<string, number>;
          return (rollup.dispatched ?? 0) + (rollup.confirmed ?? 0) >= 1 ? got : undefined;
        },
        { what: 'first curtail wave' },
      );
      expect(waiting.state).toBe('pending');
      const terminate = await call('POST', `/v1/events/${eventId}/admin-terminate`, {
        role: 'admin',
        body: { targetState: 'cancelled', reason: 'while curtailing' },
      });
      expectProblem(terminate, 409, 'failed_precondition', 'stop_first');
      // The refused terminate leaves nothing behind: the event is still pending and an
      // operator can stop it.
      expect((await getEvent(eventId)).state).toBe('pending');
      const stop = await call('POST', `/v1/events/${eventId}/stop`, { role: 'operator', body: {} });
      expect(stop.status, JSON.stringify(stop.body)).toBe(200);
      expect((stop.body.event as Json).state).toBe('restoring');
    } finally {
      await forceRelease(eventId);
    }
  });

  it('terminates a pending event with nothing in flight, then refuses a second state', async () => {
    const event = await startEvent({
      scope: { type: 'miners', minerIds: ['m-0008'] },
      mode: 'full_fleet',
      reason: 'terminate pending',
      scheduledStartAt: inAnHour(),
    });
    const eventId = String(event.eventId);
    const done = await call('POST', `/v1/events/${eventId}/admin-terminate`, {
      role: 'admin',
      body: { targetState: 'failed', reason: 'never started' },
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect((done.body.event as Json).state).toBe('failed');
    const conflict = await call('POST', `/v1/events/${eventId}/admin-terminate`, {
      role: 'admin',
      body: { targetState: 'cancelled', reason: 'changed my mind' },
    });
    expectProblem(conflict, 409, 'failed_precondition', 'terminal_state_conflict');
    const stop = await call('POST', `/v1/events/${eventId}/stop`, { role: 'operator', body: {} });
    expectProblem(stop, 409, 'failed_precondition');
  });
});
