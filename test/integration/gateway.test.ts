// The local gateway against real HTTP: routing, the payload 2.0 event handlers receive, the JWT
// authorizer's answers, body limits, and how handler results and failures are written back.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyResultV2,
  Context,
} from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Gateway, type Route, startGateway } from '../../infra/local/gateway';
import { type LocalIssuer, loadOrCreateSigningKey } from '../../infra/local/identity';
import { createJwtVerifier, type JwtVerifier } from '../../lib/adapters/jwt-verifier';

type Seen = { event: APIGatewayProxyEventV2WithJWTAuthorizer; context: Context };

let dir: string;
let issuer: LocalIssuer;
let gateway: Gateway;
let token: string;
let verifier: JwtVerifier;
const seen: Record<string, Seen> = {};

function recorder(id: string): Route['handler'] {
  return async (event, context) => {
    seen[id] = { event, context };
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"ok":true}',
    };
  };
}

const routes: Route[] = [
  { method: 'GET', path: '/v1/events/{eventId}', auth: true, handler: recorder('get-event') },
  { method: 'GET', path: '/v1/events/active', auth: true, handler: recorder('active') },
  {
    method: 'POST',
    path: '/v1/events/{eventId}/stop',
    auth: true,
    name: 'stop-event',
    handler: recorder('stop'),
  },
  { method: 'GET', path: '/v1/health', auth: false, handler: recorder('health') },
  { method: 'POST', path: '/v1/upload', auth: false, handler: recorder('upload') },
  { method: 'GET', path: '/v1/string', auth: false, handler: async () => 'plain text' },
  {
    method: 'GET',
    path: '/v1/object',
    auth: false,
    // Untyped JavaScript handlers can return any JSON; the typed signature cannot say so.
    handler: async () => ({ hello: 'world' }) as unknown as APIGatewayProxyResultV2,
  },
  {
    method: 'GET',
    path: '/v1/cookies',
    auth: false,
    handler: async () => ({
      statusCode: 204,
      cookies: ['a=1; Path=/', 'b=2; Path=/'],
      headers: { 'x-count': 2 },
    }),
  },
  {
    method: 'POST',
    path: '/v1/boom',
    auth: false,
    handler: async () => {
      throw new Error('dynamo table curtail-secret unreachable at 10.0.0.7');
    },
  },
];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'curtail-gateway-'));
  issuer = await loadOrCreateSigningKey(dir);
  verifier = createJwtVerifier(issuer);
  gateway = await startGateway({ port: 0, routes, verifier, jwks: issuer.jwks });
  token = await issuer.sign({ orgId: 'demo', role: 'operator' });
});

afterAll(async () => {
  await gateway?.stop();
  await rm(dir, { recursive: true, force: true });
});

const bearer = () => ({ authorization: `Bearer ${token}` });

async function expectProblem(response: Response, status: number, code: string, reason: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ type: 'about:blank', status, code, reason });
  expect(typeof body.title).toBe('string');
  expect(typeof body.detail).toBe('string');
  return body;
}

describe('local gateway', () => {
  it('builds a payload 2.0 event with claims as strings', async () => {
    const response = await fetch(`${gateway.url}/v1/events/ev%2001/stop?tag=a&tag=b&x=1`, {
      method: 'POST',
      headers: {
        ...bearer(),
        'Content-Type': 'application/json',
        'X-Custom': 'Yes',
        cookie: 'session=abc; theme=dark',
      },
      body: JSON.stringify({ reason: 'grid' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    expect(response.headers.get('apigw-requestid')).toBeTruthy();

    const { event, context } = seen.stop ?? expect.unreachable();
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /v1/events/{eventId}/stop',
      rawPath: '/v1/events/ev%2001/stop',
      rawQueryString: 'tag=a&tag=b&x=1',
      pathParameters: { eventId: 'ev 01' },
      queryStringParameters: { tag: 'a,b', x: '1' },
      cookies: ['session=abc', 'theme=dark'],
      body: '{"reason":"grid"}',
      isBase64Encoded: false,
    });
    expect(event.headers['x-custom']).toBe('Yes');
    expect(event.headers['content-type']).toBe('application/json');
    expect(event.headers.cookie).toBeUndefined();
    for (const name of Object.keys(event.headers)) expect(name).toBe(name.toLowerCase());

    const rc = event.requestContext;
    expect(rc).toMatchObject({
      accountId: 'local',
      apiId: 'local',
      routeKey: 'POST /v1/events/{eventId}/stop',
      stage: '$default',
      http: { method: 'POST', path: '/v1/events/ev%2001/stop', protocol: 'HTTP/1.1' },
    });
    expect(rc.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(rc.time).toMatch(/^\d{2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(rc.authorizer.jwt.scopes).toEqual([]);
    const claims = rc.authorizer.jwt.claims;
    expect(claims).toMatchObject({ org_id: 'demo', role: 'operator', actor_type: 'user' });
    expect(typeof claims.exp).toBe('string');
    expect(typeof claims.iat).toBe('string');

    expect(context.functionName).toBe('stop-event');
    expect(context.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(25_000);
  });

  it('prefers a literal segment over a path parameter, whatever the route order', async () => {
    expect((await fetch(`${gateway.url}/v1/events/active`, { headers: bearer() })).status).toBe(
      200,
    );
    expect(seen.active?.event.routeKey).toBe('GET /v1/events/active');
    expect(seen.active?.event.pathParameters).toBeUndefined();

    expect((await fetch(`${gateway.url}/v1/events/ev-9`, { headers: bearer() })).status).toBe(200);
    expect(seen['get-event']?.event.pathParameters).toEqual({ eventId: 'ev-9' });
  });

  it('leaves the authorizer and optional fields out on public routes', async () => {
    expect((await fetch(`${gateway.url}/v1/health`)).status).toBe(200);
    const { event } = seen.health ?? expect.unreachable();
    expect(event.requestContext).not.toHaveProperty('authorizer');
    expect(event).not.toHaveProperty('queryStringParameters');
    expect(event).not.toHaveProperty('pathParameters');
    expect(event).not.toHaveProperty('body');
    expect(event.isBase64Encoded).toBe(false);
  });

  it('base64-encodes non-textual bodies', async () => {
    const bytes = new Uint8Array([0, 1, 2, 254, 255]);
    const headers = { 'content-type': 'application/octet-stream' };
    await fetch(`${gateway.url}/v1/upload`, { method: 'POST', headers, body: bytes });
    const { event } = seen.upload ?? expect.unreachable();
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body ?? '', 'base64')).toEqual(Buffer.from(bytes));
  });

  it('answers 401 without a token, with a bad token and with a foreign token', async () => {
    const missing = await fetch(`${gateway.url}/v1/events/active`);
    await expectProblem(missing, 401, 'unauthenticated', 'missing_token');

    const bad = await fetch(`${gateway.url}/v1/events/active`, {
      headers: { authorization: 'Bearer not.a.jwt' },
    });
    await expectProblem(bad, 401, 'unauthenticated', 'invalid_token');

    const other = await loadOrCreateSigningKey(join(dir, 'other'));
    const foreign = await other.sign({ orgId: 'demo', role: 'admin' });
    const rejected = await fetch(`${gateway.url}/v1/events/active`, {
      headers: { authorization: `Bearer ${foreign}` },
    });
    await expectProblem(rejected, 401, 'unauthenticated', 'invalid_token');
  });

  it('answers 404 for an unknown path and for a known path with another method', async () => {
    await expectProblem(await fetch(`${gateway.url}/v1/nope`), 404, 'not_found', 'route_not_found');
    const wrongMethod = await fetch(`${gateway.url}/v1/health`, { method: 'DELETE' });
    await expectProblem(wrongMethod, 404, 'not_found', 'route_not_found');
  });

  it('answers 413 for a body over the limit', async () => {
    const response = await fetch(`${gateway.url}/v1/upload`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new Uint8Array(3 * 1024 * 1024),
    });
    await expectProblem(response, 413, 'resource_exhausted', 'body_too_large');
  });

  it('answers 413 for a chunked body that passes the limit while streaming', async () => {
    const small = await startGateway({ port: 0, routes, verifier, maxBodyBytes: 1024 });
    try {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < 8; i++) controller.enqueue(new Uint8Array(512));
          controller.close();
        },
      });
      const init = { method: 'POST', body, duplex: 'half' };
      const response = await fetch(`${small.url}/v1/upload`, init as RequestInit);
      await expectProblem(response, 413, 'resource_exhausted', 'body_too_large');
    } finally {
      await small.stop();
    }
  });

  it('answers 500 without internals when a handler throws, and logs one JSON line', async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      const response = await fetch(`${gateway.url}/v1/boom`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"password":"hunter2"}',
      });
      const body = await expectProblem(response, 500, 'internal', 'internal');
      const text = JSON.stringify(body);
      expect(text).not.toContain('curtail-secret');
      expect(text).not.toContain('10.0.0.7');
    } finally {
      spy.mockRestore();
    }
    expect(lines).toHaveLength(1);
    const logged = JSON.parse(lines[0] ?? '');
    expect(logged).toMatchObject({ level: 'ERROR', routeKey: 'POST /v1/boom' });
    expect(lines[0]).not.toContain('hunter2');
  });

  it('treats a bare string or an object without statusCode as a 200 JSON body', async () => {
    const text = await fetch(`${gateway.url}/v1/string`);
    expect(text.status).toBe(200);
    expect(text.headers.get('content-type')).toBe('application/json');
    expect(await text.text()).toBe('plain text');

    const object = await fetch(`${gateway.url}/v1/object`);
    expect(object.status).toBe(200);
    expect(await object.json()).toEqual({ hello: 'world' });
  });

  it('writes status, headers and cookies from a structured result', async () => {
    const response = await fetch(`${gateway.url}/v1/cookies`);
    expect(response.status).toBe(204);
    expect(response.headers.get('x-count')).toBe('2');
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/']);
  });

  it('serves the JWKS, which a remote-JWKS verifier can use', async () => {
    const response = await fetch(`${gateway.url}/.well-known/jwks.json`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(issuer.jwks);

    const remote = createJwtVerifier({
      issuer: issuer.issuer,
      audience: issuer.audience,
      jwksUrl: `${gateway.url}/.well-known/jwks.json`,
    });
    expect((await remote.verify(token)).org_id).toBe('demo');
  });
});
