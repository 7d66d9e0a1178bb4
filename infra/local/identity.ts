// The local stand-in for the identity provider: one ES256 key pair kept on disk, used to mint the
// bearer tokens the local gateway verifies the way API Gateway's JWT authorizer does on AWS.

import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  SignJWT,
} from 'jose';
import { z } from 'zod';

export const LOCAL_ISSUER = 'https://curtail.local/issuer';
export const LOCAL_AUDIENCE = 'curtail-api';

const KEY_FILE = 'jwt-signing-key.json';
const DEFAULT_TTL_SECONDS = 3600;

export type Role = 'viewer' | 'operator' | 'admin';
export type ActorType = 'user' | 'scheduler' | 'api_key';

export interface TokenClaims {
  orgId: string;
  role: Role;
  actorType?: ActorType;
  subject?: string;
}

export interface LocalIssuer {
  issuer: string;
  audience: string;
  jwks: { keys: JWK[] };
  sign(claims: TokenClaims, ttlSeconds?: number): Promise<string>;
}

// Only the fields of a P-256 private JWK; anything else in the file is ignored.
const storedKey = z.object({
  kid: z.string().min(1),
  privateJwk: z.object({
    kty: z.literal('EC'),
    crv: z.literal('P-256'),
    x: z.string().min(1),
    y: z.string().min(1),
    d: z.string().min(1),
  }),
});
type StoredKey = z.infer<typeof storedKey>;

export async function loadOrCreateSigningKey(dir: string): Promise<LocalIssuer> {
  const stored = await readOrCreate(dir);
  const { d: _secret, ...publicJwk } = stored.privateJwk;
  const jwk: JWK = { ...publicJwk, kid: stored.kid, alg: 'ES256', use: 'sig' };
  const privateKey = await importJWK({ ...stored.privateJwk, alg: 'ES256' }, 'ES256');

  return {
    issuer: LOCAL_ISSUER,
    audience: LOCAL_AUDIENCE,
    jwks: { keys: [jwk] },
    async sign(claims, ttlSeconds = DEFAULT_TTL_SECONDS) {
      if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) {
        throw new Error('ttlSeconds must be a positive integer');
      }
      const actorType = claims.actorType ?? 'user';
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ org_id: claims.orgId, role: claims.role, actor_type: actorType })
        .setProtectedHeader({ alg: 'ES256', kid: stored.kid, typ: 'JWT' })
        .setSubject(claims.subject ?? `${actorType}-local`)
        .setIssuer(LOCAL_ISSUER)
        .setAudience(LOCAL_AUDIENCE)
        .setIssuedAt(now)
        .setExpirationTime(now + ttlSeconds)
        .sign(privateKey);
    },
  };
}

async function readOrCreate(dir: string): Promise<StoredKey> {
  const file = join(dir, KEY_FILE);
  const existing = await readStored(file);
  if (existing) return existing;

  await mkdir(dir, { recursive: true, mode: 0o700 });
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const exported = await exportJWK(privateKey);
  const fresh = storedKey.parse({
    kid: await calculateJwkThumbprint(exported),
    privateJwk: exported,
  });

  // Write aside, then hard-link into place: link() fails if the file exists, so two processes
  // starting at once (the stack and the token CLI) never overwrite each other's key.
  const temp = `${file}.${randomUUID()}.tmp`;
  await writeFile(temp, `${JSON.stringify(fresh, null, 2)}\n`, { mode: 0o600 });
  try {
    await link(temp, file);
    return fresh;
  } catch (error) {
    if (!isErrno(error, 'EEXIST')) throw error;
    const winner = await readStored(file);
    if (!winner) throw new Error(`signing key file ${file} is unreadable`);
    return winner;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

async function readStored(file: string): Promise<StoredKey | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = storedKey.safeParse(json);
  // Refuse rather than regenerate: silently replacing the key would invalidate every token.
  if (!parsed.success) throw new Error(`signing key file ${file} is not a valid ES256 key`);
  return parsed.data;
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}
