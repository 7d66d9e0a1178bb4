// Local token issuer and the shared verifier: what is accepted, and each way a token is refused.

import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  LOCAL_AUDIENCE,
  LOCAL_ISSUER,
  type LocalIssuer,
  loadOrCreateSigningKey,
} from '../../infra/local/identity';
import { createJwtVerifier } from '../../lib/adapters/jwt-verifier';

let dir: string;
let issuer: LocalIssuer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'curtail-jwt-'));
  issuer = await loadOrCreateSigningKey(join(dir, 'keys'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function verifier(overrides: { issuer?: string; audience?: string } = {}) {
  return createJwtVerifier({
    issuer: overrides.issuer ?? LOCAL_ISSUER,
    audience: overrides.audience ?? LOCAL_AUDIENCE,
    jwks: issuer.jwks,
  });
}

describe('local issuer', () => {
  it('signs tokens the verifier accepts, with the documented claims', async () => {
    const token = await issuer.sign({ orgId: 'demo', role: 'operator' });
    const claims = await verifier().verify(token);
    expect(claims).toMatchObject({
      sub: 'user-local',
      org_id: 'demo',
      role: 'operator',
      actor_type: 'user',
      iss: LOCAL_ISSUER,
      aud: LOCAL_AUDIENCE,
    });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(3600);
    const [jwk] = issuer.jwks.keys;
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', kid: jwk?.kid });
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(jwk).not.toHaveProperty('d');
  });

  it('honours actor type, subject and ttl', async () => {
    const token = await issuer.sign(
      { orgId: 'demo', role: 'admin', actorType: 'scheduler', subject: 'sched-1' },
      60,
    );
    const payload = decodeJwt(token);
    expect(payload).toMatchObject({ sub: 'sched-1', actor_type: 'scheduler', role: 'admin' });
    expect(Number(payload.exp) - Number(payload.iat)).toBe(60);
  });

  it('keeps the key on disk (0600) and reuses it across restarts', async () => {
    const token = await issuer.sign({ orgId: 'demo', role: 'viewer' });
    const again = await loadOrCreateSigningKey(join(dir, 'keys'));
    expect(again.jwks).toEqual(issuer.jwks);
    const restarted = createJwtVerifier({
      issuer: again.issuer,
      audience: again.audience,
      jwks: again.jwks,
    });
    const claims = await restarted.verify(token);
    expect(claims.org_id).toBe('demo');
    const file = await stat(join(dir, 'keys', 'jwt-signing-key.json'));
    expect(file.mode & 0o777).toBe(0o600);
  });
});

describe('jwt verifier rejects', () => {
  it('a token for another audience', async () => {
    const token = await issuer.sign({ orgId: 'demo', role: 'viewer' });
    await expect(verifier({ audience: 'other-api' }).verify(token)).rejects.toThrow(
      'token claims rejected',
    );
  });

  it('a token from another issuer', async () => {
    const token = await issuer.sign({ orgId: 'demo', role: 'viewer' });
    await expect(verifier({ issuer: 'https://evil.example/' }).verify(token)).rejects.toThrow(
      'token claims rejected',
    );
  });

  it('an expired token', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() - 2 * 3600 * 1000);
    const token = await issuer.sign({ orgId: 'demo', role: 'viewer' });
    vi.useRealTimers();
    await expect(verifier().verify(token)).rejects.toThrow('token expired');
  });

  it('a token whose signature was tampered with', async () => {
    const token = await issuer.sign({ orgId: 'demo', role: 'viewer' });
    const [header, payload, signature = ''] = token.split('.');
    // Flip a character mid-signature: the last one may only carry padding bits.
    const middle = Math.floor(signature.length / 2);
    const flipped = signature[middle] === 'A' ? 'B' : 'A';
    const tampered = `${signature.slice(0, middle)}${flipped}${signature.slice(middle + 1)}`;
    await expect(verifier().verify(`${header}.${payload}.${tampered}`)).rejects.toThrow(
      'token signature rejected',
    );
  });

  it('a token whose payload was altered', async () => {
    const token = await issuer.sign({ orgId: 'demo', role: 'viewer' });
    const [header, payload = '', signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const forged = Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url');
    await expect(verifier().verify(`${header}.${forged}.${signature}`)).rejects.toThrow(
      'token signature rejected',
    );
  });

  it('a token signed by another key', async () => {
    const other = await loadOrCreateSigningKey(join(dir, 'other-keys'));
    const token = await other.sign({ orgId: 'demo', role: 'admin' });
    await expect(verifier().verify(token)).rejects.toThrow('token signature rejected');
  });

  it('garbage', async () => {
    await expect(verifier().verify('not-a-jwt')).rejects.toThrow('token malformed');
  });
});
