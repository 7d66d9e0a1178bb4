// Page tokens are opaque base64url JSON, versioned and bound to the organization and the filter
// that issued them; anything else is invalid_argument / invalid_page_token.

import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../lib/domain/errors';
import {
  decodeToken,
  encodeToken,
  MAX_TOKEN_LENGTH,
  tokenString,
} from '../../lib/domain/page-token';

const BINDING = { org: 'org-1', site: 'site-1' };

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function rejection(fn: () => unknown): InvalidArgumentError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidArgumentError) return error;
    throw error;
  }
  throw new Error('expected the token to be refused');
}

function expectInvalid(fn: () => unknown) {
  const error = rejection(fn);
  expect(error.code).toBe('invalid_argument');
  expect(error.reason).toBe('invalid_page_token');
  expect(error.message).toBe('page token is not valid for this request');
}

describe('encodeToken / decodeToken', () => {
  it('round-trips the payload with its version', () => {
    const token = encodeToken({ org: 'org-1', site: 'site-1', after: 'm-042' });
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeToken(token, BINDING)).toEqual({
      v: 1,
      org: 'org-1',
      site: 'site-1',
      after: 'm-042',
    });
  });

  it('accepts a binding value that is undefined when the token lacks the field', () => {
    const token = encodeToken({ org: 'org-1', after: 'm-1' });
    expect(decodeToken(token, { org: 'org-1', site: undefined })).toEqual({
      v: 1,
      org: 'org-1',
      after: 'm-1',
    });
  });

  it('accepts a token of exactly the maximum length', () => {
    const bare = encodeToken({ org: 'org-1', pad: '' }).length;
    // Every 3 bytes of padding add 4 characters; fill to exactly MAX_TOKEN_LENGTH.
    const token = encodeToken({
      org: 'org-1',
      pad: 'x'.repeat(((MAX_TOKEN_LENGTH - bare) / 4) * 3),
    });
    expect(token.length).toBe(MAX_TOKEN_LENGTH);
    expect(decodeToken(token, { org: 'org-1' }).org).toBe('org-1');
  });

  it('refuses a token longer than 1,024 characters even when it decodes', () => {
    const token = encodeToken({ org: 'org-1', pad: 'x'.repeat(800) });
    expect(token.length).toBeGreaterThan(1_024);
    expectInvalid(() => decodeToken(token, { org: 'org-1' }));
  });

  it('refuses a token bound to another organization', () => {
    const token = encodeToken({ org: 'org-2', site: 'site-1', after: 'm-1' });
    expectInvalid(() => decodeToken(token, BINDING));
  });

  it('refuses a token bound to another filter', () => {
    expectInvalid(() => decodeToken(encodeToken({ org: 'org-1', site: 'site-2' }), BINDING));
    // Issued without a site filter, used with one, and the other way round.
    expectInvalid(() => decodeToken(encodeToken({ org: 'org-1' }), BINDING));
    expectInvalid(() =>
      decodeToken(encodeToken({ org: 'org-1', site: 'site-1' }), { org: 'org-1', site: undefined }),
    );
  });

  it('refuses another version or none', () => {
    expectInvalid(() => decodeToken(base64url({ v: 2, org: 'org-1', site: 'site-1' }), BINDING));
    expectInvalid(() => decodeToken(base64url({ v: '1', org: 'org-1', site: 'site-1' }), BINDING));
    expectInvalid(() => decodeToken(base64url({ org: 'org-1', site: 'site-1' }), BINDING));
  });

  it('refuses characters outside base64url', () => {
    const token = encodeToken({ org: 'org-1', site: 'site-1' });
    expectInvalid(() => decodeToken('', BINDING));
    expectInvalid(() => decodeToken(`${token}=`, BINDING));
    expectInvalid(() => decodeToken(`${token.slice(0, 4)}+${token.slice(5)}`, BINDING));
    expectInvalid(() => decodeToken(`${token.slice(0, 4)}/${token.slice(5)}`, BINDING));
    expectInvalid(() => decodeToken(`${token} `, BINDING));
  });

  it('refuses a tampered token', () => {
    const token = encodeToken({ org: 'org-1', site: 'site-1', after: 'm-1' });
    expectInvalid(() => decodeToken(token.slice(0, -3), BINDING));
    expectInvalid(() => decodeToken(`A${token}`, BINDING));
    expectInvalid(() => decodeToken(`${token.slice(0, 2)}zz${token.slice(4)}`, BINDING));
  });

  it('refuses JSON that is not an object', () => {
    for (const value of [null, 1, 'org-1', [1, 2], true]) {
      expectInvalid(() => decodeToken(base64url(value), { org: 'org-1' }));
    }
  });
});

describe('tokenString', () => {
  const record = { v: 1, after: 'm-042', count: 3 };

  it('returns a string field that matches the pattern', () => {
    expect(tokenString(record, 'after', /^m-\d+$/)).toBe('m-042');
  });

  it('refuses a missing, non-string or non-matching field', () => {
    expectInvalid(() => tokenString(record, 'missing', /.*/));
    expectInvalid(() => tokenString(record, 'count', /.*/));
    expectInvalid(() => tokenString(record, 'after', /^x-/));
  });
});
