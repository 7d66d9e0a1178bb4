// Opaque page tokens: versioned base64url JSON, bound to the organization and the query that
// issued them, so a token is never silently applied to another tenant or filter.

import { InvalidArgumentError } from './errors';

export const MAX_TOKEN_LENGTH = 1_024;

export function encodeToken(payload: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify({ v: 1, ...payload })).toString('base64url');
}

export function decodeToken(
  token: string,
  binding: Record<string, string | undefined>,
): Record<string, unknown> {
  const invalid = () =>
    new InvalidArgumentError('page token is not valid for this request', 'invalid_page_token');
  if (token.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) throw invalid();
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw invalid();
  const record = payload as Record<string, unknown>;
  if (record.v !== 1) throw invalid();
  for (const [key, value] of Object.entries(binding)) {
    if ((record[key] ?? undefined) !== value) throw invalid();
  }
  return record;
}

export function tokenString(record: Record<string, unknown>, field: string, pattern: RegExp) {
  const value = record[field];
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw new InvalidArgumentError(
      'page token is not valid for this request',
      'invalid_page_token',
    );
  }
  return value;
}
