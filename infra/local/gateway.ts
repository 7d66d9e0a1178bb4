// The local stand-in for API Gateway (HTTP API, JWT authorizer, payload 2.0): routes requests to
// Lambda handlers in-process so the embedded stack exercises the same handler code as AWS.

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { buildEvent, createContext } from './gateway-event';
import { problem, readBody, send, writeResult } from './gateway-io';
import { compileRoutes, type Route } from './gateway-routes';

export type { HttpMethod, Route } from './gateway-routes';

export interface GatewayOptions {
  port: number;
  host?: '127.0.0.1';
  routes: Route[];
  verifier: { verify(token: string): Promise<Record<string, unknown>> };
  jwks?: { keys: unknown[] };
  maxBodyBytes?: number;
}

export interface Gateway {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024;
const JWKS_PATH = '/.well-known/jwks.json';

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const match = compileRoutes(options.routes);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const host = options.host ?? '127.0.0.1';

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      logError('gateway failure', error, {});
      if (res.headersSent) res.destroy();
      else problem(res, 500, 'internal', 'internal', 'The request could not be processed.');
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const now = new Date();
    res.setHeader('apigw-requestid', requestId);
    const target = req.url ?? '/';
    const queryAt = target.indexOf('?');
    const rawPath = queryAt === -1 ? target : target.slice(0, queryAt);
    const rawQueryString = queryAt === -1 ? '' : target.slice(queryAt + 1);

    if (options.jwks && req.method === 'GET' && rawPath === JWKS_PATH) {
      return send(res, 200, { 'content-type': 'application/json' }, JSON.stringify(options.jwks));
    }
    const matched = match(req.method ?? '', rawPath);
    if (!matched) {
      return problem(res, 404, 'not_found', 'route_not_found', 'No route matches this request.');
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBodyBytes) return tooLarge(res, maxBodyBytes);

    let claims: Record<string, unknown> | undefined;
    if (matched.route.auth) {
      const token = bearerToken(req.headers.authorization);
      if (!token) {
        res.setHeader('www-authenticate', 'Bearer');
        return problem(res, 401, 'unauthenticated', 'missing_token', 'A bearer token is required.');
      }
      try {
        claims = await options.verifier.verify(token);
      } catch {
        res.setHeader('www-authenticate', 'Bearer error="invalid_token"');
        const detail = 'The bearer token is invalid or expired.';
        return problem(res, 401, 'unauthenticated', 'invalid_token', detail);
      }
    }

    const body = await readBody(req, maxBodyBytes);
    if (!body) return tooLarge(res, maxBodyBytes);

    const event = buildEvent({
      req,
      match: matched,
      rawPath,
      rawQueryString,
      body,
      claims,
      requestId,
      now,
    });
    const context = createContext(matched.route.name ?? 'local');
    try {
      const result = await matched.route.handler(event, context);
      writeResult(res, result);
    } catch (error) {
      logError('handler failed', error, { routeKey: matched.routeKey, requestId });
      problem(res, 500, 'internal', 'internal', 'The request could not be processed.');
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;

  return {
    url: `http://${host}:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
  return match?.[1];
}

function tooLarge(res: ServerResponse, limit: number): void {
  // The rest of the body is never read, so the connection cannot be reused.
  res.setHeader('connection', 'close');
  const detail = `The request body exceeds ${limit} bytes.`;
  problem(res, 413, 'resource_exhausted', 'body_too_large', detail);
}

/** One JSON line on stderr; never includes the request body or token. */
function logError(message: string, error: unknown, fields: Record<string, unknown>): void {
  const detail =
    error instanceof Error
      ? { name: error.name, message: error.message, stack: error.stack }
      : { value: String(error) };
  const line = {
    level: 'ERROR',
    time: new Date().toISOString(),
    message,
    ...fields,
    error: detail,
  };
  process.stderr.write(`${JSON.stringify(line)}\n`);
}
