// Bearer-token verification for transports that API Gateway's JWT authorizer does not front
// (the local gateway, tests): same checks — signature against a JWKS, issuer, audience, expiry.

import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JSONWebKeySet,
  type JWK,
  jwtVerify,
} from 'jose';

export type JwtVerifierOptions =
  | { issuer: string; audience: string; jwks: { keys: JWK[] } }
  | { issuer: string; audience: string; jwksUrl: string };

export interface JwtVerifier {
  verify(token: string): Promise<Record<string, unknown>>;
}

const ALGORITHMS = ['ES256', 'RS256'];
const CLOCK_TOLERANCE_SECONDS = 5;

export function createJwtVerifier(options: JwtVerifierOptions): JwtVerifier {
  const keySet =
    'jwksUrl' in options
      ? createRemoteJWKSet(new URL(options.jwksUrl))
      : createLocalJWKSet(options.jwks satisfies JSONWebKeySet);

  return {
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, keySet, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms: ALGORITHMS,
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          // API Gateway rejects tokens without exp; a token that never expires is not accepted.
          requiredClaims: ['exp'],
        });
        return { ...payload };
      } catch (error) {
        // jose messages can quote claim values; callers only ever get one of these fixed lines.
        throw new Error(safeMessage(error));
      }
    },
  };
}

function safeMessage(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'token expired';
  if (error instanceof errors.JWTClaimValidationFailed) return 'token claims rejected';
  if (
    error instanceof errors.JWSSignatureVerificationFailed ||
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JOSEAlgNotAllowed
  ) {
    return 'token signature rejected';
  }
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
    return 'token keys unavailable';
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
    return 'token malformed';
  }
  return 'token rejected';
}
