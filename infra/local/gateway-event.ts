// Builds what a Lambda behind an API Gateway HTTP API receives: the payload format 2.0 event
// (shaped as AWS shapes it, quirks included) and a per-invocation Lambda context.

import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyEventV2WithJWTAuthorizer,
  Context,
} from 'aws-lambda';
import type { RouteMatch } from './gateway-routes';

const INVOCATION_BUDGET_MS = 30_000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export interface EventInput {
  req: IncomingMessage;
  match: RouteMatch;
  rawPath: string;
  rawQueryString: string;
  body: Buffer;
  claims: Record<string, unknown> | undefined;
  requestId: string;
  now: Date;
}

export function buildEvent(input: EventInput): APIGatewayProxyEventV2WithJWTAuthorizer {
  const { req, match, rawPath, rawQueryString, body, claims, requestId, now } = input;
  const headers = joinHeaders(req);
  // Payload 2.0 moves cookies out of the headers into their own array.
  const cookieHeader = headers.cookie;
  delete headers.cookie;
  const cookies = cookieHeader
    ?.split(';')
    .map((c) => c.trim())
    .filter((c) => c !== '');

  const host = (headers.host ?? '127.0.0.1').replace(/:\d+$/, '');
  // Like AWS: the caller's address is appended to any X-Forwarded-For the client sent.
  const forwardedFor = headers['x-forwarded-for'];
  headers['x-forwarded-for'] = forwardedFor ? `${forwardedFor}, ${sourceIp(req)}` : sourceIp(req);
  headers['x-forwarded-port'] = String(req.socket.localPort ?? '');
  headers['x-forwarded-proto'] = 'http';
  const queryStringParameters = joinQuery(rawQueryString);
  const textual = isTextual(headers['content-type']);

  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: match.routeKey,
    rawPath,
    rawQueryString,
    ...(cookies && cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: host,
      domainPrefix: host.split('.')[0] ?? host,
      http: {
        method: match.route.method,
        path: rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: sourceIp(req),
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: match.routeKey,
      stage: '$default',
      time: formatTime(now),
      timeEpoch: now.getTime(),
    },
    ...(match.pathParameters ? { pathParameters: match.pathParameters } : {}),
    ...(body.length > 0 ? { body: body.toString(textual ? 'utf8' : 'base64') } : {}),
    isBase64Encoded: body.length > 0 && !textual,
  };
  if (!claims) {
    // AWS omits the authorizer block on routes without one; the handler type cannot express
    // that, so the event is narrowed here and handlers must not assume it on public routes.
    return event as APIGatewayProxyEventV2WithJWTAuthorizer;
  }
  return {
    ...event,
    requestContext: {
      ...event.requestContext,
      authorizer: { jwt: { claims: stringifyClaims(claims), scopes: [] } },
    },
  };
}

export function createContext(functionName: string): Context {
  const deadline = Date.now() + INVOCATION_BUDGET_MS;
  const requestId = randomUUID();
  const unsupported = () => {
    throw new Error('callback-style context methods are not supported');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/[$LATEST]${requestId.replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

/** The JWT authorizer hands claims over as strings: numbers stringified, arrays as '[a b]'. */
export function stringifyClaims(claims: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(claims)) out[name] = claimString(value);
  return out;
}

function claimString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(claimString).join(' ')}]`;
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Lower-cased names, repeated headers joined with ',' (Node's req.headers drops some repeats). */
function joinHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]?.toLowerCase();
    const value = raw[i + 1];
    if (name === undefined || value === undefined) continue;
    const previous = out[name];
    out[name] = previous === undefined ? value : `${previous},${value}`;
  }
  return out;
}

function joinQuery(rawQueryString: string): Record<string, string> | undefined {
  if (rawQueryString === '') return undefined;
  const out: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    const previous = out[key];
    out[key] = previous === undefined ? value : `${previous},${value}`;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

// HTTP APIs pass these through as text and base64-encode everything else, including
// form-urlencoded bodies and bodies without a content-type.
function isTextual(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return (
    type.startsWith('text/') ||
    type === 'application/json' ||
    type === 'application/xml' ||
    type === 'application/javascript' ||
    type.endsWith('+json') ||
    type.endsWith('+xml')
  );
}

function sourceIp(req: IncomingMessage): string {
  return (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
}

/** requestContext.time uses the access-log format, e.g. '12/Mar/2020:19:03:58 +0000'. */
function formatTime(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const date = `${pad(now.getUTCDate())}/${MONTHS[now.getUTCMonth()]}/${now.getUTCFullYear()}`;
  const time = `${pad(now.getUTCHours())}:${pad(now.getUTCMinutes())}:${pad(now.getUTCSeconds())}`;
  return `${date}:${time} +0000`;
}
