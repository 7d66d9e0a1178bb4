// Errors to RFC 7807 problem+json, matched by class. Client mistakes get a clear 4xx with a
// stable `reason`; anything unexpected is a bare 500 that carries no internals.

import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { ZodError } from 'zod';
import { DomainError, type ErrorCode } from '../../domain/errors';

const STATUS: Record<ErrorCode, number> = {
  invalid_argument: 400,
  unauthenticated: 401,
  permission_denied: 403,
  not_found: 404,
  already_exists: 409,
  failed_precondition: 409,
  resource_exhausted: 413,
  unavailable: 503,
};

const TITLE: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export interface Problem {
  status: number;
  code: ErrorCode | 'internal';
  reason: string;
  detail: string;
  details?: Record<string, unknown>;
}

export function problemResponse(problem: Problem, requestId?: string): APIGatewayProxyResultV2 {
  return {
    statusCode: problem.status,
    headers: { 'content-type': 'application/problem+json' },
    body: JSON.stringify({
      type: 'about:blank',
      title: TITLE[problem.status] ?? 'Error',
      status: problem.status,
      detail: problem.detail,
      code: problem.code,
      reason: problem.reason,
      ...(problem.details ? { details: problem.details } : {}),
      ...(requestId ? { requestId } : {}),
    }),
  };
}

export function zodProblem(error: ZodError, where: string): Problem {
  const issues = error.issues.slice(0, 20).map((issue) => ({
    field: [where, ...issue.path.map(String)].join('.'),
    message:
      issue.code === 'unrecognized_keys'
        ? `unknown field(s): ${issue.keys.join(', ')}`
        : issue.message,
  }));
  const first = issues[0];
  // A page token is opaque to the client: any problem with it is an invalid token.
  const tokenOnly = issues.length > 0 && issues.every((issue) => /pageToken$/i.test(issue.field));
  return {
    status: 400,
    code: 'invalid_argument',
    reason: tokenOnly ? 'invalid_page_token' : 'validation_failed',
    detail: first ? `${first.field}: ${first.message}` : 'the request is not valid',
    details: { issues },
  };
}

/** Maps any thrown value to a problem; `internal` when it is not a known client error. */
export function toProblem(error: unknown): Problem {
  if (error instanceof DomainError) {
    return {
      status: STATUS[error.code],
      code: error.code,
      reason: error.reason,
      detail: error.message,
      ...(error.details ? { details: error.details } : {}),
    };
  }
  if (error instanceof ZodError) return zodProblem(error, 'body');
  return {
    status: 500,
    code: 'internal',
    reason: 'internal',
    detail: 'the request could not be completed; it has been logged',
  };
}
