// The HTTP edge as one middy chain: caller from the verified JWT claims, JSON body and query
// parsing against zod schemas, errors to problem+json, a correlation id on every log line and
// metrics flushed after every invocation. Handlers only call a use case.

import middy from '@middy/core';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyResultV2,
  Context,
} from 'aws-lambda';
import type { z } from 'zod';
import { requireRole } from '../../app/authz';
import type { Caller, Deps } from '../../app/deps';
import { InvalidArgumentError, UnauthenticatedError } from '../../domain/errors';
import { deps as resolveDeps } from '../container';
import { flushMetrics, logger } from '../observability';
import { problemResponse, toProblem, zodProblem } from './problem';

export const MAX_BODY_BYTES = 2 * 1024 * 1024;

type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;

export interface Reply {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface RequestContext<B, Q, P> {
  deps: Deps;
  caller: Caller;
  body: B;
  query: Q;
  path: P;
  headers: Record<string, string | undefined>;
  requestId: string;
}

interface Spec<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType> {
  role: Caller['role'];
  body?: B;
  query?: Q;
  path?: P;
}

const claimString = (claims: Record<string, unknown>, name: string) => {
  const value = claims[name] ?? claims[`custom:${name}`];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
};

export function callerFrom(event: HttpEvent): Caller {
  const claims = (event.requestContext?.authorizer?.jwt?.claims ?? {}) as Record<string, unknown>;
  const orgId = claimString(claims, 'org_id');
  const role = claimString(claims, 'role');
  const actorType = claimString(claims, 'actor_type') ?? 'user';
  const subject = claimString(claims, 'sub') ?? 'unknown';
  const validRole = role === 'viewer' || role === 'operator' || role === 'admin';
  const validActor = actorType === 'user' || actorType === 'scheduler' || actorType === 'api_key';
  if (!orgId || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(orgId) || !validRole || !validActor) {
    throw new UnauthenticatedError(
      'the token does not carry a valid organization and role',
      'invalid_claims',
    );
  }
  return { orgId, role, actor: { type: actorType, id: subject } };
}

function parseBody(event: HttpEvent): unknown {
  if (!event.body) return {};
  const raw = event.isBase64Encoded
    ? Buffer.from(event.body, 'base64').toString('utf8')
    : event.body;
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES) {
    throw Object.assign(
      new InvalidArgumentError('the body is larger than 2 MiB', 'body_too_large'),
      {
        tooLarge: true,
      },
    );
  }
  try {
    return JSON.parse(raw);
  } catch {
    throw new InvalidArgumentError('the body is not valid JSON', 'malformed_json');
  }
}

function validate<T extends z.ZodType>(schema: T | undefined, value: unknown, where: string) {
  if (!schema) return undefined as z.infer<T>;
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw Object.assign(new Error('invalid'), { problem: zodProblem(parsed.error, where) });
  return parsed.data as z.infer<T>;
}

export function httpHandler<
  B extends z.ZodType = z.ZodUndefined,
  Q extends z.ZodType = z.ZodUndefined,
  P extends z.ZodType = z.ZodUndefined,
>(
  spec: Spec<B, Q, P>,
  run: (ctx: RequestContext<z.infer<B>, z.infer<Q>, z.infer<P>>) => Promise<Reply>,
) {
  const base = async (event: HttpEvent, context: Context): Promise<APIGatewayProxyResultV2> => {
    const requestId = event.requestContext?.requestId ?? context.awsRequestId;
    try {
      const caller = callerFrom(event);
      requireRole(caller, spec.role);
      const path = validate(spec.path, event.pathParameters ?? {}, 'path');
      const query = validate(spec.query, event.queryStringParameters ?? {}, 'query');
      const body = spec.body ? validate(spec.body, parseBody(event), 'body') : undefined;
      const reply = await run({
        deps: resolveDeps(),
        caller,
        body: body as z.infer<B>,
        query: query as z.infer<Q>,
        path: path as z.infer<P>,
        headers: event.headers ?? {},
        requestId,
      });
      return {
        statusCode: reply.status ?? 200,
        headers: { 'content-type': 'application/json', ...reply.headers },
        body: JSON.stringify(reply.body),
      };
    } catch (error) {
      return errorReply(error, requestId, event);
    }
  };
  return middy(base)
    .after(() => flushMetrics())
    .onError(() => flushMetrics());
}

function errorReply(error: unknown, requestId: string, event: HttpEvent): APIGatewayProxyResultV2 {
  const carried = (error as { problem?: ReturnType<typeof toProblem> }).problem;
  if (carried) return problemResponse(carried, requestId);
  if ((error as { tooLarge?: boolean }).tooLarge) {
    return problemResponse(
      {
        status: 413,
        code: 'resource_exhausted',
        reason: 'body_too_large',
        detail: 'the body is larger than 2 MiB',
      },
      requestId,
    );
  }
  const problem = toProblem(error);
  if (problem.status >= 500) {
    logger.error('request failed', {
      requestId,
      routeKey: event.routeKey,
      error:
        error instanceof Error
          ? { name: error.name, message: error.message, stack: error.stack }
          : String(error),
    });
  }
  return problemResponse(problem, requestId);
}

export interface PublicRequest {
  deps: Deps;
  headers: Record<string, string | undefined>;
  path: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
  /** The body exactly as received (signatures are computed over these bytes). */
  rawBody: Buffer;
  method: string;
  requestId: string;
}

/** Routes without a JWT (signed signals, OpenADR callbacks): they authenticate themselves. */
export function publicHandler(run: (request: PublicRequest) => Promise<Reply>) {
  const base = async (event: HttpEvent, context: Context): Promise<APIGatewayProxyResultV2> => {
    const requestId = event.requestContext?.requestId ?? context.awsRequestId;
    try {
      const rawBody = event.body
        ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8')
        : Buffer.alloc(0);
      if (rawBody.length > MAX_BODY_BYTES) {
        throw Object.assign(new Error('too large'), { tooLarge: true });
      }
      const reply = await run({
        deps: resolveDeps(),
        headers: event.headers ?? {},
        path: event.pathParameters ?? {},
        query: event.queryStringParameters ?? {},
        rawBody,
        method: event.requestContext?.http?.method ?? 'GET',
        requestId,
      });
      const text = typeof reply.body === 'string';
      return {
        statusCode: reply.status ?? 200,
        headers: { 'content-type': text ? 'text/plain' : 'application/json', ...reply.headers },
        body: text ? String(reply.body) : JSON.stringify(reply.body),
      };
    } catch (error) {
      return errorReply(error, requestId, event);
    }
  };
  return middy(base)
    .after(() => flushMetrics())
    .onError(() => flushMetrics());
}

/** Parses a JSON body against a schema, naming the failing fields. */
export function parseJson<T extends z.ZodType>(schema: T, raw: Buffer): z.infer<T> {
  let value: unknown;
  try {
    value = raw.length ? JSON.parse(raw.toString('utf8')) : {};
  } catch {
    throw new InvalidArgumentError('the body is not valid JSON', 'malformed_json');
  }
  return validate(schema, value, 'body');
}
