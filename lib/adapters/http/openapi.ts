// The OpenAPI 3.1 document, generated from the same zod schemas that validate requests, so the
// published contract and the checks cannot disagree.

import { z } from 'zod';
import {
  auditQuery,
  createSourceBody,
  eventPath,
  getEventQuery,
  listEventsQuery,
  listMinersQuery,
  previewBody,
  releaseBody,
  settingsBody,
  signalBody,
  sourcePath,
  startBody,
  stopBody,
  terminateBody,
  updateBody,
  upsertMinersBody,
} from './schemas';

interface Operation {
  method: 'get' | 'post' | 'put' | 'patch';
  path: string;
  summary: string;
  role: 'viewer' | 'operator' | 'admin' | 'signed';
  body?: z.ZodType;
  query?: z.ZodObject;
  pathParams?: z.ZodObject;
  success: number;
}

const OPERATIONS: Operation[] = [
  {
    method: 'post',
    path: '/v1/preview',
    summary: 'Plan a curtailment; persists nothing',
    role: 'operator',
    body: previewBody,
    success: 200,
  },
  {
    method: 'post',
    path: '/v1/events',
    summary: 'Start a curtailment',
    role: 'operator',
    body: startBody,
    success: 201,
  },
  {
    method: 'get',
    path: '/v1/events',
    summary: 'History, newest first, cursor pages',
    role: 'viewer',
    query: listEventsQuery,
    success: 200,
  },
  {
    method: 'get',
    path: '/v1/events/active',
    summary: 'Every pending, active or restoring event',
    role: 'viewer',
    success: 200,
  },
  {
    method: 'get',
    path: '/v1/events/{eventId}',
    summary: 'One event with a page of its targets',
    role: 'viewer',
    pathParams: eventPath,
    query: getEventQuery,
    success: 200,
  },
  {
    method: 'patch',
    path: '/v1/events/{eventId}',
    summary: 'Operator-safe update',
    role: 'operator',
    pathParams: eventPath,
    body: updateBody,
    success: 200,
  },
  {
    method: 'post',
    path: '/v1/events/{eventId}/stop',
    summary: 'Begin the staged restore',
    role: 'operator',
    pathParams: eventPath,
    body: stopBody,
    success: 200,
  },
  {
    method: 'post',
    path: '/v1/events/{eventId}/admin-terminate',
    summary: 'Force a stuck event to cancelled or failed',
    role: 'admin',
    pathParams: eventPath,
    body: terminateBody,
    success: 200,
  },
  {
    method: 'post',
    path: '/v1/events/{eventId}/force-release',
    summary: 'Release the miners without restore commands',
    role: 'admin',
    pathParams: eventPath,
    body: releaseBody,
    success: 200,
  },
  {
    method: 'get',
    path: '/v1/audit',
    summary: 'Audit trail, newest first',
    role: 'viewer',
    query: auditQuery,
    success: 200,
  },
  {
    method: 'get',
    path: '/v1/settings',
    summary: 'Organization settings',
    role: 'viewer',
    success: 200,
  },
  {
    method: 'put',
    path: '/v1/settings',
    summary: 'Change organization settings',
    role: 'admin',
    body: settingsBody,
    success: 200,
  },
  {
    method: 'put',
    path: '/v1/fleet/miners',
    summary: 'Upsert up to 1,000 miners',
    role: 'operator',
    body: upsertMinersBody,
    success: 200,
  },
  {
    method: 'post',
    path: '/v1/sources',
    summary: 'Register a signal source (its secret is shown once)',
    role: 'admin',
    body: createSourceBody,
    success: 201,
  },
  {
    method: 'get',
    path: '/v1/sources',
    summary: 'List signal sources',
    role: 'admin',
    success: 200,
  },
  {
    method: 'post',
    path: '/v1/sources/{sourceId}/rotate-secret',
    summary: 'Rotate a source secret; the previous one stays valid until the next rotation',
    role: 'admin',
    pathParams: sourcePath,
    success: 200,
  },
  {
    method: 'post',
    path: '/v1/sources/{sourceId}/disable',
    summary: 'Disable a signal source',
    role: 'admin',
    pathParams: sourcePath,
    success: 200,
  },
  {
    method: 'post',
    path: '/v1/signals/{sourceId}',
    summary: 'A signal signed with Standard Webhooks headers (webhook-id, -timestamp, -signature)',
    role: 'signed',
    pathParams: sourcePath,
    body: signalBody,
    success: 202,
  },
  {
    method: 'get',
    path: '/v1/openadr/{sourceId}/notifications',
    summary: 'OpenADR 3 callback check: answers the echo value (bearer token required)',
    role: 'signed',
    pathParams: sourcePath,
    success: 200,
  },
  {
    method: 'post',
    path: '/v1/openadr/{sourceId}/notifications',
    summary: 'OpenADR 3.0/3.1 notification (bearer token required)',
    role: 'signed',
    pathParams: sourcePath,
    success: 200,
  },
  {
    method: 'get',
    path: '/v1/health',
    summary: 'Reconciler heartbeat age and live event count',
    role: 'viewer',
    success: 200,
  },
  {
    method: 'get',
    path: '/v1/openapi.json',
    summary: 'This OpenAPI document',
    role: 'viewer',
    success: 200,
  },
  {
    method: 'get',
    path: '/v1/fleet/miners',
    summary: 'Fleet inventory with latest telemetry',
    role: 'viewer',
    query: listMinersQuery,
    success: 200,
  },
];

const jsonSchema = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });

function parameters(where: 'query' | 'path', schema: z.ZodObject | undefined) {
  if (!schema) return [];
  return Object.entries(schema.shape).map(([name, field]) => ({
    name,
    in: where,
    required: where === 'path' || !(field as z.ZodType).safeParse(undefined).success,
    schema: jsonSchema(field as z.ZodType),
  }));
}

const problem = {
  description: 'Problem details (RFC 7807)',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};

export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    paths[op.path] ??= {};
    const entry = paths[op.path] ?? {};
    entry[op.method] = {
      summary: op.summary,
      description: `Role: ${op.role}.`,
      security: op.role === 'signed' ? [] : [{ bearer: [] }],
      parameters: [...parameters('path', op.pathParams), ...parameters('query', op.query)],
      ...(op.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(op.body) } },
            },
          }
        : {}),
      responses: {
        [String(op.success)]: {
          description: 'Success',
          content: { 'application/json': { schema: {} } },
        },
        '400': problem,
        '401': problem,
        '403': problem,
        '404': problem,
        '409': problem,
        '413': problem,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'curtail HTTP API', version: '1' },
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'detail', 'code', 'reason'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            code: { type: 'string' },
            reason: { type: 'string' },
            details: { type: 'object' },
          },
        },
      },
    },
  };
}

export function documentedRoutes(): string[] {
  return OPERATIONS.map((op) => `${op.method.toUpperCase()} ${op.path}`);
}
